"""Push deliveries: queueing a send-out, withdrawing it, the sweepers, subscriptions and reports.

How a send-out travels (the notices module calls the first two):

    with db.atomic():
        ...                                   # the notice's own writes
        result = push.queue_deliveries(...)   # delivery rows + outbox jobs, same transaction
    push.dispatch_recorded(result["jobs"])    # after the commit

Every recipient gets one `Delivery` row, unique per (source, deputy, scope): publishing twice or a
retried request queues nobody twice. A job covers a range of delivery ids; the worker
(`api.push.sending`) claims rows from it a few at a time before anything goes to WeChat. A claimed
row that never gets its outcome written (the worker died) may or may not have reached the deputy,
so the reaper fails it as "unknown", never to be sent again; rows still `queued` whose job was lost
are queued again by the sweeper.
"""
import datetime as dt
import json
import logging

from flask import current_app
from peewee import Case, Select, Value, fn

from api.common.db import is_postgres, utcnow
from api.common.errors import abort
from api.deputies.models import Deputy
from api.extensions import db
from api.jobs import services as jobs
from api.push.models import (
    CANCELLED,
    CREDIT_CAP,
    FAILED,
    QUEUED,
    SENDING,
    STATUSES,
    Delivery,
    PushMessage,
    SubscriptionCredit,
    sources_of,
)

log = logging.getLogger("deputyhub.push")

# Delivery ids per queued job: 100,000 recipients make 200 jobs, never a list of 100,000 ids.
JOB_RANGE = 500
# Longer than any claimed batch can take to send (timeouts and the client's own retries included).
SENDING_TIMEOUT = dt.timedelta(minutes=10)
# A queued row untouched this long has lost its job (Redis lost it, or the worker died mid-task).
STALL_AFTER = dt.timedelta(minutes=5)

REASON_CANCELLED = "已取消发送"
REASON_INTERRUPTED = "发送结果未知（任务中断），为避免重复不再重发"
# WeChat's limit for "thing" fields (short text) in subscribe messages.
THING_MAX_CHARS = 20


# --- templates ---------------------------------------------------------------------------------


def templates():
    """Template key → WeChat template id, from WECHAT_TEMPLATES."""
    raw = current_app.config["WECHAT_TEMPLATES"]
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def template_list():
    return [{"key": key, "template_id": template_id} for key, template_id in templates().items()]


# --- queueing ----------------------------------------------------------------------------------


def queue_deliveries(source_type, source_id, recipients_query, message, dedupe_scope=""):
    """Record one queued delivery per recipient and the jobs that will send them.

    `recipients_query`: a peewee SELECT of deputy ids, one column (a field or an aliased expression).
    `message`: {"template": key in WECHAT_TEMPLATES, "page": mini-program path, "data": {field: text}}.
    Recipients who already have a delivery for (source_type, source_id, dedupe_scope) count as
    duplicate and get nothing new.

    Runs in the caller's transaction. Returns {"queued", "duplicate", "jobs"}: pass "jobs" to
    `dispatch_recorded` after the commit (if that never happens, the outbox relay sends them later).
    """
    if message["template"] not in templates():
        raise ValueError(f"unknown push template {message['template']!r}; see WECHAT_TEMPLATES")
    now = utcnow()
    with db.atomic():
        push = PushMessage.create(
            template=message["template"],
            page=message.get("page"),
            data=json.dumps(wechat_data(message["data"]), ensure_ascii=False),
        )
        recipients = recipients_query.alias("recipients")
        stamp = Delivery.created_at.db_value(now)
        rows = Select(
            [recipients],
            [
                Value(push.id),
                Value(source_type),
                Value(source_id),
                getattr(recipients.c, _column_name(recipients_query)),
                Value(dedupe_scope),
                Value(QUEUED),
                Value(0),
                Value(stamp),
                Value(stamp),
            ],
        )
        fields = [
            Delivery.message,
            Delivery.source_type,
            Delivery.source_id,
            Delivery.deputy,
            Delivery.scope,
            Delivery.status,
            Delivery.attempts,
            Delivery.created_at,
            Delivery.updated_at,
        ]
        queued = Delivery.insert_from(rows, fields).on_conflict_ignore().as_rowcount().execute()
        duplicate = recipients_query.count() - queued
        if not queued:
            push.delete_instance()
            return {"queued": 0, "duplicate": duplicate, "jobs": []}
        first, last = (
            Delivery.select(fn.MIN(Delivery.id), fn.MAX(Delivery.id)).where(Delivery.message == push.id).scalar(
                as_tuple=True
            )
        )
        recorded = _record_range_jobs(push.id, first, last)
    log.info("push queued", extra={"source_type": source_type, "source_id": source_id, "queued": queued})
    return {"queued": queued, "duplicate": duplicate, "jobs": recorded}


def dispatch_recorded(recorded):
    """Hand jobs recorded by `queue_deliveries` to the queue; call after the transaction commits."""
    return sum(1 for job in recorded if jobs.dispatch(job))


def cancel_pending(source_type, source_id, scope=None):
    """Withdraw the deliveries not yet handed to a worker; returns how many were cancelled."""
    query = Delivery.update(status=CANCELLED, reason=REASON_CANCELLED, updated_at=utcnow()).where(
        Delivery.source_type == source_type,
        Delivery.source_id == source_id,
        Delivery.status.in_(sources_of(CANCELLED)),
    )
    if scope is not None:
        query = query.where(Delivery.scope == scope)
    return query.execute()


def wechat_data(data):
    """Template data in WeChat's shape; plain values become {"value": str}, long "thing" text is cut."""
    shaped = {}
    for name, value in data.items():
        text = str(value["value"] if isinstance(value, dict) else value)
        if name.startswith("thing") and len(text) > THING_MAX_CHARS:
            text = text[: THING_MAX_CHARS - 1] + "…"
        shaped[name] = {"value": text}
    return shaped


def _column_name(query):
    columns = query.selected_columns
    if len(columns) != 1:
        raise ValueError("recipients_query must select exactly one column: the deputy id")
    column = columns[0]
    name = getattr(column, "_alias", None) or getattr(column, "column_name", None)
    if not name:
        raise ValueError("alias the recipients_query column, e.g. .select(expr.alias('deputy_id'))")
    return name


def _record_range_jobs(message_id, first, last):
    from api.push.tasks import send_deliveries

    return [
        jobs.record_job(send_deliveries, message_id, start, min(start + JOB_RANGE - 1, last))
        for start in range(first, last + 1, JOB_RANGE)
    ]


def write_transaction():
    """A transaction that reads, then writes.

    SQLite (WAL) cannot upgrade a read transaction to a write one once another connection has
    committed: it fails at once with "database is locked", whatever the busy timeout. Taking the
    write lock first (BEGIN IMMEDIATE) makes such a transaction wait its turn instead.
    """
    return db.atomic() if is_postgres() else db.atomic("IMMEDIATE")


# --- sweepers ----------------------------------------------------------------------------------


def reap_abandoned(timeout=SENDING_TIMEOUT):
    """Fail rows a worker claimed and never finished: they may have reached WeChat, so never resend."""
    return (
        Delivery.update(status=FAILED, reason=REASON_INTERRUPTED, updated_at=utcnow())
        .where(Delivery.status == SENDING, Delivery.updated_at < utcnow() - timeout)
        .execute()
    )


def requeue_stalled(stalled_after=STALL_AFTER):
    """Queue jobs again for rows still `queued` long after their job should have run.

    Extra jobs are harmless: claiming is atomic, so a range already done claims nothing.
    Returns how many jobs were dispatched.
    """
    now = utcnow()
    stalled = Delivery.status == QUEUED, Delivery.updated_at < now - stalled_after
    with write_transaction():
        ranges = list(
            Delivery.select(Delivery.message, fn.MIN(Delivery.id), fn.MAX(Delivery.id))
            .where(*stalled)
            .group_by(Delivery.message)
            .tuples()
        )
        if not ranges:
            return 0
        # Touch them so the next sweep leaves these to the jobs queued now.
        Delivery.update(updated_at=now).where(*stalled).execute()
        recorded = [job for message_id, first, last in ranges for job in _record_range_jobs(message_id, first, last)]
    log.info("push deliveries requeued", extra={"messages": len(ranges), "jobs": len(recorded)})
    return dispatch_recorded(recorded)


# --- subscriptions and reports -----------------------------------------------------------------


def report_subscriptions(user_id, data):
    """Count what the deputy accepted in wx.requestSubscribeMessage; returns their credits."""
    known = templates()
    unknown = sorted(set(data["accepted"]) - set(known))
    if unknown:
        abort(422, errors={"accepted": [f"未知的消息模板：{', '.join(unknown)}"]})
    unknown = sorted(set(data["rejected"]) - set(known))
    if unknown:
        abort(422, errors={"rejected": [f"未知的消息模板：{', '.join(unknown)}"]})
    now = utcnow()
    with db.atomic():
        for template in sorted(set(data["accepted"])):
            (
                SubscriptionCredit.insert(
                    user=user_id, template=template, remaining=1, long_term=data["long_term"], updated_at=now
                )
                .on_conflict(
                    conflict_target=[SubscriptionCredit.user, SubscriptionCredit.template],
                    update={
                        SubscriptionCredit.remaining: Case(
                            None,
                            [(SubscriptionCredit.remaining >= CREDIT_CAP, CREDIT_CAP)],
                            SubscriptionCredit.remaining + 1,
                        ),
                        SubscriptionCredit.long_term: SubscriptionCredit.long_term | Value(data["long_term"]),
                        SubscriptionCredit.updated_at: now,
                    },
                )
                .execute()
            )
        if data["rejected"]:
            # Turning a template off ends a long-term grant; one-time credits WeChat has already
            # granted stay usable, and a 43101 answer resets them if they are gone.
            (
                SubscriptionCredit.update(long_term=False, updated_at=now)
                .where(SubscriptionCredit.user == user_id, SubscriptionCredit.template.in_(data["rejected"]))
                .execute()
            )
    return credits_of(user_id)


def credits_of(user_id):
    """Every configured template with the user's credits (zero where they never subscribed)."""
    stored = {c.template: c for c in SubscriptionCredit.select().where(SubscriptionCredit.user == user_id)}
    return [
        {
            "template": key,
            "remaining": stored[key].remaining if key in stored else 0,
            "long_term": stored[key].long_term if key in stored else False,
            "updated_at": stored[key].updated_at if key in stored else None,
        }
        for key in templates()
    ]


def list_deliveries(filters):
    query = (
        Delivery.select(Delivery, Deputy.name.alias("deputy_name"))
        .join(Deputy, on=(Deputy.id == Delivery.deputy))
        .order_by(Delivery.id)
    )
    for name in ("source_type", "source_id", "status"):
        if name in filters:
            query = query.where(getattr(Delivery, name) == filters[name])
    return query.objects()


def summary(source_type, source_id):
    counts = dict(
        Delivery.select(Delivery.status, fn.COUNT(Delivery.id))
        .where(Delivery.source_type == source_type, Delivery.source_id == source_id)
        .group_by(Delivery.status)
        .tuples()
    )
    by_status = {status: counts.get(status, 0) for status in STATUSES}
    return {"source_type": source_type, "source_id": source_id, "total": sum(by_status.values()), **by_status}
