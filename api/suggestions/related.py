"""For draft-law consultations (issue 13): "the deputies who submitted related suggestions" as an audience.

Related means the suggestion's matter reads like the draft (its title and 起草说明), by the same
similarity index the self-check uses (kind "suggestion"). The look-up is shared through Redis for a few
minutes under the draft's text, so every process answers "is this deputy asked?" alike, and a feed
read does not repeat it per draft.
"""
import hashlib

from api.common import similarity
from api.common.cache import cached_json
from api.consultations.audience import register_related
from api.suggestions.models import ON_RECORD, Suggestion
from api.suggestions.similar import KIND

RELATED_SCORE = 0.2
RELATED_LOOKED_AT = 100  # the index answers at most 100
SHARED_FOR_SECONDS = 600


def related_suggestion_ids(title, explanation):
    text = f"{title}\n{explanation or ''}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return cached_json(
        f"suggestions:related:{digest}",
        SHARED_FOR_SECONDS,
        lambda: [key for key, _ in similarity.similar(KIND, text, limit=RELATED_LOOKED_AT, min_score=RELATED_SCORE)],
    )


def deputies_with_related_suggestions(consultation):
    ids = related_suggestion_ids(consultation.title, consultation.explanation)
    return Suggestion.select(Suggestion.deputy).where(Suggestion.id.in_(ids), Suggestion.state.in_(ON_RECORD))


register_related("suggestions", "提出过相关建议的代表", deputies_with_related_suggestions)
