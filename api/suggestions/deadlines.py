"""Due dates on the working-day calendar, and the periodic job that warns and escalates.

An answer is due SUGGESTION_ANSWER_DAYS working days after the assignment (three months of the
calendar: holidays and weekends do not count, 调休 Saturdays do). The job marks open assignments and
open commitments near due (SUGGESTION_NEAR_DUE_DAYS working days ahead) and overdue, each once per due
date, and pushes: near due to the unit's users; overdue to the unit's users and, escalated, to the
office. An extension clears the mark, so a new due date is warned about again.
"""
import logging

from flask import current_app

from api.auth.models import User
from api.common.calendar import add_working_days
from api.common.db import utcnow
from api.common.errors import Invalid
from api.common.permissions import OFFICE
from api.extensions import db
from api.push import services as push
from api.suggestions.models import A_OPEN, C_OPEN, DUE_NEAR, DUE_OVERDUE, Assignment, Commitment, today

log = logging.getLogger("deputyhub.suggestions")
MESSAGES = {
    ("suggestion_assignment", DUE_NEAR): "代表建议临近答复期限",
    ("suggestion_assignment", DUE_OVERDUE): "代表建议已超过答复期限",
    ("suggestion_commitment", DUE_NEAR): "答复承诺临近完成期限",
    ("suggestion_commitment", DUE_OVERDUE): "答复承诺已超期未落实",
}


def answer_due(now=None):
    return add_working_days(now or utcnow(), current_app.config["SUGGESTION_ANSWER_DAYS"])


def mark_deadlines(on_day=None):
    """Mark and notify; returns the counts per kind and mark. Set-based: one UPDATE … RETURNING per mark."""
    day = on_day or today()
    try:
        near_limit = add_working_days(day, current_app.config["SUGGESTION_NEAR_DUE_DAYS"])
    except Invalid as exc:  # next year's calendar not maintained yet: overdue marks still work
        log.warning("near-due marks skipped", extra={"error": exc.message})
        near_limit = None
    counts, jobs = {}, []
    with db.atomic():
        for model, open_states, source in ((Assignment, A_OPEN, "suggestion_assignment"),
                                           (Commitment, (C_OPEN,), "suggestion_commitment")):
            overdue = _mark(model, open_states, DUE_OVERDUE, model.due_date < day,
                            model.due_mark.is_null() | (model.due_mark != DUE_OVERDUE))
            near = [] if near_limit is None else _mark(model, open_states, DUE_NEAR, model.due_date >= day,
                                                       model.due_date <= near_limit, model.due_mark.is_null())
            jobs += _notify(source, near, DUE_NEAR) + _notify(source, overdue, DUE_OVERDUE)
            counts[source] = {"near": len(near), "overdue": len(overdue)}
    push.dispatch_recorded(jobs)
    return counts


def _mark(model, open_states, mark, *conditions):
    query = (model.update(due_mark=mark).where(model.state.in_(open_states), *conditions)
             .returning(model.id, model.unit, model.due_date))
    return list(query.tuples().execute())


def recipients(unit_id, escalate):
    """The unit's active users; escalated, the office too."""
    condition = User.unit == unit_id
    if escalate:
        condition = condition | User.role.in_(sorted(OFFICE))
    return User.select(User.id).where(condition, User.is_active == True)  # noqa: E712


def _notify(source, rows, mark):
    recorded = []
    for row_id, unit_id, due_date in rows:
        result = push.queue_user_deliveries(
            source, row_id, recipients(unit_id, escalate=mark == DUE_OVERDUE),
            {
                "template": "reminder",
                "page": f"pages/suggestions/detail?{source.rsplit('_', 1)[-1]}={row_id}",
                "data": {"thing1": MESSAGES[(source, mark)], "thing2": f"编号{row_id}", "time3": due_date.isoformat()},
            },
            dedupe_scope=f"{mark}-{due_date.isoformat()}",
        )
        recorded += result["jobs"]
    return recorded
