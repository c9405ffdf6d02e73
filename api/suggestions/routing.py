"""Which units should handle a suggestion: suggested from the units that answered the most similar past
suggestions and from the category, each suggestion with the reasons behind it. Staff confirm or change it.

Score of a unit = the summed similarity of the answered past suggestions it led (each at most 1)
+ CATEGORY_WEIGHT × its share of the answered suggestions of this category
+ DUTY_WEIGHT if the unit's own category (its field of duty) is the suggestion's.
"""
from peewee import fn

from api.common.cache import cached_json
from api.org.models import HandlingUnit
from api.suggestions import similar
from api.suggestions.models import A_ANSWERED, ANSWERING_ROLES, Assignment, Suggestion

CATEGORY_WEIGHT = 0.6
DUTY_WEIGHT = 0.4
SHOWN = 5
PAST_SHOWN = 2  # similar suggestions named in a unit's reason
CATEGORY_CACHE_SECONDS = 300  # category counts move slowly: a new answer changes them by one


def category_leaders(category):
    """{unit id: answered count} of this category's answered suggestions (cached a few minutes)."""

    def produce():
        rows = (Assignment.select(Assignment.unit, fn.COUNT(Assignment.id))
                .join(Suggestion, on=(Assignment.suggestion == Suggestion.id))
                .where(Suggestion.category == category, Assignment.state == A_ANSWERED,
                       Assignment.role.in_(ANSWERING_ROLES))
                .group_by(Assignment.unit).order_by(fn.COUNT(Assignment.id).desc()).limit(SHOWN * 2).tuples())
        return [[unit_id, count] for unit_id, count in rows]

    return {unit_id: count for unit_id, count in cached_json(f"suggestions:leaders:{category}",
                                                             CATEGORY_CACHE_SECONDS, produce)}


def suggest_units(text, category, exclude=None):
    """Up to SHOWN units, best first: {"unit": {id, name}, "score", "reasons": [Chinese sentences]}."""
    scores, past = {}, {}
    titles = {}
    for suggestion_id, score, unit_id in similar.answered_like(text, exclude=exclude):
        scores[unit_id] = scores.get(unit_id, 0.0) + score
        past.setdefault(unit_id, []).append((suggestion_id, score))
    leaders = category_leaders(category)
    total = sum(leaders.values())
    duty = dict(HandlingUnit.select(HandlingUnit.id, HandlingUnit.category)
                .where(HandlingUnit.category == category, HandlingUnit.is_active == True).tuples())  # noqa: E712
    for unit_id, count in leaders.items():
        scores[unit_id] = scores.get(unit_id, 0.0) + CATEGORY_WEIGHT * count / total
    for unit_id in duty:
        scores[unit_id] = scores.get(unit_id, 0.0) + DUTY_WEIGHT
    best = sorted(scores, key=lambda unit_id: (-scores[unit_id], unit_id))[:SHOWN]
    if not best:
        return []
    named = {row.id: row for row in HandlingUnit.select(HandlingUnit.id, HandlingUnit.name, HandlingUnit.is_active)
             .where(HandlingUnit.id.in_(best))}
    wanted = [key for unit_id in best for key, _ in past.get(unit_id, [])[:PAST_SHOWN]]
    if wanted:
        titles = dict(Suggestion.select(Suggestion.id, Suggestion.title).where(Suggestion.id.in_(wanted)).tuples())
    result = []
    for unit_id in best:
        unit = named.get(unit_id)
        if unit is None or not unit.is_active:
            continue
        said = [f"办理过相近建议《{titles.get(key, key)}》（相似度 {score:.2f}）" for key, score in
                past.get(unit_id, [])[:PAST_SHOWN]]
        if unit_id in leaders:
            said.append(f"「{category}」类建议中主办过 {leaders[unit_id]} 件")
        if unit_id in duty:
            said.append(f"职能类别为「{category}」")
        result.append({"unit": {"id": unit.id, "name": unit.name}, "score": round(scores[unit_id], 3),
                       "reasons": said})
    return result
