"""Similar suggestions through the shared index (`api.common.similarity`, kind "suggestion").

A suggestion is indexed by its matter (title and problem, `models.matter_of`) when it is submitted (in
that transaction) and taken out if it is rejected or merged away; drafts are nobody's yet and never
indexed. One index serves two questions:
- the self-check: this term's suggestions on record most like a draft, shown with their answers;
- the assignment suggestion: past suggestions that were answered, whose lead units are likely right.
"""
from peewee import JOIN

from api.common import similarity
from api.org.models import HandlingUnit
from api.suggestions.models import (
    A_ANSWERED,
    ANSWERING_ROLES,
    ON_RECORD,
    STATE_LABELS,
    Assignment,
    Suggestion,
    matter_of,
)

KIND = "suggestion"
DUPLICATE_SCORE = 0.3  # below this two suggestions share words, not a matter
ROUTING_SCORE = 0.1
DUPLICATES_SHOWN = 5
LOOKED_AT = 30  # matches a lookup returns before they are narrowed (to this term, or to answered ones)


def text_of(draft):
    return matter_of(draft.get("title"), draft.get("problem"))


def index(suggestion):
    similarity.index(KIND, suggestion.id, suggestion.matter)


def forget(suggestion_id):
    similarity.remove(KIND, suggestion_id)


def duplicates(draft, term, exclude=None):
    """This term's suggestions on record that read most like the draft, each with its answers.

    The index is asked for the best LOOKED_AT matches of any term, which are then narrowed to this term:
    nearly every indexed suggestion is on record, so an `among` query would filter almost nothing while
    costing the lookup a semi-join over the whole table (measured: 115 → 200 ms at 100,000)."""
    found = similarity.similar(KIND, text_of(draft), limit=LOOKED_AT, exclude=[exclude] if exclude else (),
                               min_score=DUPLICATE_SCORE)
    if not found:
        return []
    rows = {s.id: s for s in Suggestion.select(Suggestion.id, Suggestion.title, Suggestion.state,
                                                Suggestion.abstract)
            .where(Suggestion.id.in_([key for key, _ in found]), Suggestion.term == term,
                   Suggestion.state.in_(ON_RECORD))}
    found = [(key, score) for key, score in found if key in rows][:DUPLICATES_SHOWN]
    ids = [key for key, _ in found]
    if not ids:
        return []
    answers = {}
    query = (Assignment.select(Assignment.suggestion, Assignment.answer_category, Assignment.answer,
                               Assignment.unit)
             .where(Assignment.suggestion.in_(ids), Assignment.state == A_ANSWERED,
                    Assignment.role.in_(ANSWERING_ROLES))
             .order_by(Assignment.id))
    names = {}
    for row in query:
        answers.setdefault(row.suggestion_id, []).append(row)
        names[row.unit_id] = None
    if names:
        names = dict(HandlingUnit.select(HandlingUnit.id, HandlingUnit.name)
                     .where(HandlingUnit.id.in_(list(names))).tuples())
    return [
        {
            "id": key,
            "title": rows[key].title,
            "state": rows[key].state,
            "state_label": STATE_LABELS[rows[key].state],
            "score": round(score, 3),
            "answers": [{"unit": names.get(a.unit_id), "category": a.answer_category, "answer": a.answer}
                        for a in answers.get(key, [])],
        }
        for key, score in found if key in rows
    ]


def answered_like(text, exclude=None, limit=LOOKED_AT):
    """[(suggestion id, score, answering unit id)] of the past suggestions most like `text` that were
    answered, best first (the unanswered among the matches are left out by the units' query, not by an
    `among` on the lookup: see `duplicates`)."""
    found = similarity.similar(KIND, text, limit=limit, exclude=[exclude] if exclude else (),
                               min_score=ROUTING_SCORE)
    if not found:
        return []
    units = {}
    rows = (Assignment.select(Assignment.suggestion, Assignment.unit)
            .join(Suggestion, JOIN.INNER, on=(Assignment.suggestion == Suggestion.id))
            .where(Assignment.suggestion.in_([key for key, _ in found]), Assignment.state == A_ANSWERED,
                   Assignment.role.in_(ANSWERING_ROLES))
            .order_by(Assignment.id).tuples())
    for suggestion_id, unit_id in rows:
        units.setdefault(suggestion_id, []).append(unit_id)
    return [(key, score, unit_id) for key, score in found for unit_id in units.get(key, [])]
