"""Published answers to suggestions in the one search (api/common/search), issue 14's "those become searchable".

An answer is indexed when its unit publishes it (the deputy having consented) and taken out when the deputy
withdraws consent. Published answers are public (公开), so every signed-in role finds them.
"""
from api.common import search
from api.org.models import HandlingUnit
from api.suggestions.models import Assignment, Suggestion

KIND = "answer"


def visible(principal):
    return search.ALL


def index(assignment_id):
    """Call in the transaction that publishes the answer."""
    row = (
        Assignment.select(Assignment.id, Assignment.answer, Assignment.answer_category, Assignment.published_at,
                          Suggestion.title, HandlingUnit.name)
        .join(Suggestion, on=(Assignment.suggestion == Suggestion.id))
        .switch(Assignment).join(HandlingUnit, on=(Assignment.unit == HandlingUnit.id))
        .where(Assignment.id == assignment_id, Assignment.published == True, Suggestion.publish_consent == True)  # noqa: E712
        .dicts()
        .first()
    )
    if row is None:
        return
    search.index_document(
        KIND, row["id"], title=row["title"], summary=f"{row['name']}答复（{row['answer_category'] or '—'}类）",
        body=row["answer"] or "", published_at=row["published_at"],
    )


def remove_of_suggestion(suggestion_id):
    for (assignment_id,) in Assignment.select(Assignment.id).where(Assignment.suggestion == suggestion_id).tuples():
        search.remove_document(KIND, assignment_id)


def rebuild():
    ids = [i for (i,) in Assignment.select(Assignment.id).where(Assignment.published == True).tuples()]  # noqa: E712
    for assignment_id in ids:
        index(assignment_id)
    return len(ids)


search.register_kind(KIND, "建议答复", visible=visible, rebuild=rebuild)
