"""Periodic upkeep of cases: queued screening, deadline marks with notifications, retention erasure."""
import datetime as dt
import logging

from flask import current_app

from api.auth import services as auth
from api.common.calendar import add_working_days
from api.common.db import utcnow
from api.common.errors import Invalid
from api.deputies.models import DeputyStation
from api.extensions import db
from api.feedback.models import (
    DUE_NEAR,
    DUE_OVERDUE,
    FINISHED,
    FORWARDED,
    SCREEN_PENDING,
    SCREENING,
    FeedbackCase,
    today,
)
from api.feedback.screening import screen
from api.feedback.workflow import CASE_FLOW
from api.push import services as push

log = logging.getLogger("deputyhub.feedback")
SOURCE = "feedback_case"
SWEEP_AFTER = dt.timedelta(minutes=2)


# --- screening queued while WeChat was unavailable ---


def screen_queued(case_id):
    """Screen one queued case again; False while WeChat is still unavailable (the caller retries)."""
    case = FeedbackCase.get_or_none(FeedbackCase.id == case_id)
    if case is None or case.state != SCREENING:
        return True  # already screened (by the sweep, or a repeated job): nothing to do
    openid = case.submitter.openid if case.submitter_id else None
    verdict = screen(case.content, openid, in_request=False)
    if verdict.screening == SCREEN_PENDING:
        return False
    CASE_FLOW.move(case, verdict.state, None, payload={"screening": verdict.screening},
                   screening=verdict.screening, screening_label=verdict.label)
    return True


def sweep_screening(limit=100):
    """Cases whose screening job Redis lost (or which still wait for WeChat): try them again."""
    waiting = (
        FeedbackCase.select(FeedbackCase.id)
        .where(FeedbackCase.state == SCREENING, FeedbackCase.updated_at < utcnow() - SWEEP_AFTER)
        .order_by(FeedbackCase.id)
        .limit(limit)
        .tuples()
    )
    return sum(1 for (case_id,) in waiting if screen_queued(case_id))


# --- deadlines ---


def mark_deadlines(on_day=None):
    """Mark forwarded cases near due and overdue, each once, and notify who must act; returns the counts.

    Set-based: one UPDATE per mark, whose RETURNING ids are the cases to notify. An extension clears
    the mark, so a case can be near due again before its new date.
    """
    day = on_day or today()
    with db.atomic():
        overdue = _mark(DUE_OVERDUE, FeedbackCase.due_date < day,
                        FeedbackCase.due_mark.is_null() | (FeedbackCase.due_mark != DUE_OVERDUE))
        try:
            near_limit = add_working_days(day, current_app.config["FEEDBACK_NEAR_DUE_DAYS"])
        except Invalid as exc:  # next year's calendar not maintained yet: overdue marks still work
            log.warning("near-due marks skipped", extra={"error": exc.message})
            near = []
        else:
            near = _mark(DUE_NEAR, FeedbackCase.due_date >= day, FeedbackCase.due_date <= near_limit,
                         FeedbackCase.due_mark.is_null())
        jobs = _notify(near, DUE_NEAR) + _notify(overdue, DUE_OVERDUE)
    push.dispatch_recorded(jobs)
    return {"near": len(near), "overdue": len(overdue)}


def _mark(mark, *conditions):
    query = (
        FeedbackCase.update(due_mark=mark)
        .where(FeedbackCase.state == FORWARDED, *conditions)
        .returning(FeedbackCase.id, FeedbackCase.station, FeedbackCase.unit, FeedbackCase.due_date)
    )
    return list(query.tuples().execute())


MESSAGES = {DUE_NEAR: "群众意见临近答复期限", DUE_OVERDUE: "群众意见已超过答复期限"}


def _notify(rows, mark):
    """Push to who must act on the case and who follows it; returns the jobs to dispatch after the commit.

    The handling unit's accounts and the station's staff (the office's staff for a station without
    any), through their bound WeChat accounts; and the deputies of the station, who follow what their
    constituents raise. One push per case, mark and recipient (the delivery keys): running the job
    twice on one day notifies nobody twice. The console lists these cases first either way.
    """
    recorded = []
    for case_id, station_id, unit_id, due_date in rows:
        data = {"thing1": MESSAGES[mark], "thing2": f"事项{case_id}", "time3": due_date.isoformat()}
        scope = f"{mark}-{due_date.isoformat()}"
        accounts = auth.responsible_accounts(station_id, unit_id)
        if accounts.exists():
            # No mini-program page: these recipients work on the case in the console.
            recorded += push.queue_user_deliveries(
                SOURCE, case_id, accounts, {"template": "reminder", "data": data}, dedupe_scope=scope
            )["jobs"]
        deputies = DeputyStation.select(DeputyStation.deputy).where(DeputyStation.station == station_id)
        if deputies.exists():
            recorded += push.queue_deliveries(
                SOURCE, case_id, deputies,
                {"template": "reminder", "page": f"pages/inbox/case?id={case_id}", "data": data},
                dedupe_scope=scope,
            )["jobs"]
    return recorded


# --- retention ---


def erase_personal_data(now=None):
    """Finished cases older than FEEDBACK_RETENTION_DAYS lose name, phone and the WeChat link; the case stays."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=current_app.config["FEEDBACK_RETENTION_DAYS"])
    erased = (
        FeedbackCase.update(name=None, phone=None, submitter=None, personal_erased_at=now)
        .where(
            FeedbackCase.state.in_(FINISHED),
            FeedbackCase.updated_at < cutoff,
            FeedbackCase.personal_erased_at.is_null(),
        )
        .execute()
    )
    if erased:
        log.info("feedback personal data erased", extra={"cases": erased})
    return erased
