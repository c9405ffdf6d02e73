"""Push deliveries: queueing a send-out, withdrawing it, the sweepers, subscriptions and reports.

How a send-out travels (the notices module calls the first two):

    with db.atomic():
        ...                                   # the notice's own writes
        result = push.queue_deliveries(...)   # delivery rows + outbox jobs, same transaction
    push.dispatch_recorded(result["jobs"])    # after the commit

Every recipient gets one `Delivery` row, unique per (source, deputy, scope): publishing twice or a
retried request queues nobody twice. `queue_user_deliveries` does the same for accounts (staff, unit
users, station staff), unique per (source, account, scope); everything after the queueing is shared.
A job covers a range of delivery ids; the worker (`api.push.sending`) claims rows from it a few at a
time, and marks a few `attempting` just before their sends. When a worker dies, the reaper puts its
claimed-but-never-attempted rows back in the queue (credits refunded) within a minute or so; its
`attempting` rows may or may not have reached the recipient, so they fail as "unknown", never to be
sent again. Rows still `queued` whose job was lost are queued again by the sweeper.

Purposes: the `dedupe_scope` says why a send-out happened, as `<purpose>` or `<purpose>-<n>`
(PURPOSE_*); reports filter by it.
"""
import datetime as dt
import json
import logging

from flask import current_app
from peewee import JOIN, Case, Select, Value, fn

from api.auth.models import User, accounts_holding
from api.common.db import utcnow, write_transaction
from api.common.errors import Invalid
from api.deputies.models import Deputy
from api.extensions import db
from api.jobs import services as jobs
from api.push.models import (
    ATTEMPTING,
    CANCELLED,
    CREDIT_CAP,
    DELIVERY_FLOW,
    FAILED,
    QUEUED,
    SENDING,
    STATUSES,
    Delivery,
    PushMessage,
    SubscriptionCredit,
)
from api.push.sending import send_deliveries, templates

log = logging.getLogger("deputyhub.push")

# Delivery ids per queued job: 100,000 recipients make 200 jobs, never a list of 100,000 ids.
JOB_RANGE = 500
# Longer than one group's sends can take (WeChat timeouts and the client's own retries included):
# an `attempting` row older than this belongs to a worker that died.
ATTEMPT_TIMEOUT = dt.timedelta(minutes=3)
# A queued row untouched this long has lost its job (Redis lost it, or the worker died mid-task).
STALL_AFTER = dt.timedelta(minutes=5)

PURPOSE_PUBLISH = "publish"
PURPOSE_REMINDER = "remind"
PURPOSE_CORRECTION = "update"
PURPOSES = {"publish": PURPOSE_PUBLISH, "reminder": PURPOSE_REMINDER, "correction": PURPOSE_CORRECTION}

REASON_CANCELLED = "已取消发送"
REASON_REQUEUED = "领取后未发送（任务中断），已退回队列"
REASON_INTERRUPTED = "发送结果未知（任务中断），为避免重复不再重发"
# WeChat's limit for "thing" fields (short text) in subscribe messages.
THING_MAX_CHARS = 20


# --- templates ---------------------------------------------------------------------------------


def template_list():
    return [{"key": key, "template_id": template_id} for key, template_id in templates().items()]


# --- queueing ----------------------------------------------------------------------------------


def queue_deliveries(source_type, source_id, recipients_query, message, dedupe_scope=""):
    """Record one queued delivery per recipient deputy and the jobs that will send them.

    `recipients_query`: a peewee SELECT of deputy ids, one column (a field or any expression).
    `message`: {"template": key in WECHAT_TEMPLATES, "page": mini-program path, "data": {field: text}}.
    Recipients who already have a delivery for (source_type, source_id, dedupe_scope) count as
    duplicate and get nothing new.

    Runs in the caller's transaction. Returns {"queued", "duplicate", "jobs"}: pass "jobs" to
    `dispatch_recorded` after the commit (if that never happens, the outbox relay sends them later).
    """
    return _queue(Delivery.deputy, source_type, source_id, recipients_query, message, dedupe_scope)


def queue_user_deliveries(source_type, source_id, recipients_query, message, dedupe_scope=""):
    """As `queue_deliveries`, but `recipients_query` selects account (auth `User`) ids.

    For the people who work in the console (staff, unit users, station staff): an account with a bound
    WeChat account and a credit for the template gets the subscribe message; one without a WeChat
    account (or disabled) is skipped by the worker with a reason, as an unbound deputy is.
    """
    return _queue(Delivery.addressee, source_type, source_id, recipients_query, message, dedupe_scope)


def _queue(recipient_field, source_type, source_id, recipients_query, message, dedupe_scope):
    if message["template"] not in templates():
        raise ValueError(f"unknown push template {message['template']!r}; see WECHAT_TEMPLATES")
    _check_single_column(recipients_query)
    now = utcnow()
    with db.atomic():
        push = PushMessage.create(
            template=message["template"],
            page=message.get("page"),
            data=json.dumps(wechat_data(message["data"]), ensure_ascii=False),
        )
        # The CTE names its one column, however the caller's query named (or did not name) it.
        recipients = recipients_query.cte("recipients", columns=("recipient_id",))
        stamp = Delivery.created_at.db_value(now)
        rows = Select(
            [recipients],
            [
                Value(push.id),
                Value(source_type),
                Value(source_id),
                recipients.c.recipient_id,
                Value(dedupe_scope),
                Value(QUEUED),
                Value(0),
                Value(stamp),
                Value(stamp),
            ],
        ).with_cte(recipients)
        fields = [
            Delivery.message,
            Delivery.source_type,
            Delivery.source_id,
            recipient_field,
            Delivery.scope,
            Delivery.status,
            Delivery.attempts,
            Delivery.created_at,
            Delivery.updated_at,
        ]
        # A conflict on the other kind's key cannot happen: its column is NULL in every row written here.
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
    log.info(
        "push queued",
        extra={"source_type": source_type, "source_id": source_id, "queued": queued, "to": recipient_field.name},
    )
    return {"queued": queued, "duplicate": duplicate, "jobs": recorded}


def dispatch_recorded(recorded):
    """Hand jobs recorded by `queue_deliveries` to the queue; call after the transaction commits."""
    return sum(1 for job in recorded if jobs.dispatch(job))


def cancel_pending(source_type, source_id, scope=None):
    """Withdraw the deliveries not yet handed to a worker; returns how many were cancelled."""
    conditions = [Delivery.source_type == source_type, Delivery.source_id == source_id]
    if scope is not None:
        conditions.append(Delivery.scope == scope)
    # History: one counted row per cancellation, filed as "<source type>.deliveries" so that the
    # source's own timeline keeps only its own moves (see api/common/workflow.py).
    return DELIVERY_FLOW.bulk_move(
        Delivery, CANCELLED, *conditions, history=(f"{source_type}.deliveries", source_id),
        history_reason=REASON_CANCELLED, reason=REASON_CANCELLED,
    )


def reach(recipients_query, template):
    """What a send of `template` to these deputies would do now, before anything is queued.

    {"recipients", "will_send" (bound, with a credit or long-term consent), "no_consent", "unbound"}.
    The claim decides again at send time; this is the honest forecast staff see first.
    """
    total = recipients_query.count()
    bound = accounts_holding(recipients_query).where(User.openid.is_null(False))
    bound_count = bound.count()
    consenting = (
        bound.join(SubscriptionCredit, on=(SubscriptionCredit.user == User.id))
        .where(
            SubscriptionCredit.template == template,
            SubscriptionCredit.long_term | (SubscriptionCredit.remaining > 0),
        )
        .count()
    )
    return {
        "recipients": total,
        "will_send": consenting,
        "no_consent": bound_count - consenting,
        "unbound": total - bound_count,
    }


def wechat_data(data):
    """Template data in WeChat's shape; plain values become {"value": str}, long "thing" text is cut."""
    shaped = {}
    for name, value in data.items():
        text = str(value["value"] if isinstance(value, dict) else value)
        if name.startswith("thing") and len(text) > THING_MAX_CHARS:
            text = text[: THING_MAX_CHARS - 1] + "…"
        shaped[name] = {"value": text}
    return shaped


def _check_single_column(query):
    if len(query.selected_columns) != 1:
        raise ValueError("recipients_query must select exactly one column: the recipient id")


def _record_range_jobs(message_id, first, last):
    return [
        jobs.record_job(send_deliveries, message_id, start, min(start + JOB_RANGE - 1, last))
        for start in range(first, last + 1, JOB_RANGE)
    ]


# --- sweepers ----------------------------------------------------------------------------------


def reap_abandoned(attempt_timeout=ATTEMPT_TIMEOUT, claim_timeout=None):
    """Settle the rows of workers that died: returns {"requeued", "unknown"}.

    Claimed and never attempted (`sending` past the claim timeout): back to the queue, credits
    refunded, send jobs queued for them at once. Attempted (`attempting` past the attempt timeout):
    they may have reached WeChat, so they fail as "unknown" and are never resent; their credits stay
    spent, since WeChat used the consent if the message arrived.
    """
    now = utcnow()
    if claim_timeout is None:
        claim_timeout = dt.timedelta(seconds=current_app.config["PUSH_CLAIM_TIMEOUT_SECONDS"])
    recorded, requeued = [], 0
    with write_transaction():
        unknown = 0
        lost = Delivery.select(Delivery.message).where(
            Delivery.status == ATTEMPTING, Delivery.updated_at < now - attempt_timeout
        )
        for (message_id,) in PushMessage.select(PushMessage.id).where(PushMessage.id.in_(lost)).tuples():
            unknown += DELIVERY_FLOW.bulk_move(
                Delivery,
                FAILED,
                Delivery.message == message_id,
                Delivery.updated_at < now - attempt_timeout,
                from_states=[ATTEMPTING],
                history=("push_message", message_id),
                history_reason=REASON_INTERRUPTED,
                reason=REASON_INTERRUPTED,
            )
        stale = Delivery.select(Delivery.message).where(
            Delivery.status == SENDING, Delivery.updated_at < now - claim_timeout
        )
        for message_id, template in (
            PushMessage.select(PushMessage.id, PushMessage.template).where(PushMessage.id.in_(stale)).tuples()
        ):
            ids = DELIVERY_FLOW.bulk_move(
                Delivery,
                QUEUED,
                Delivery.message == message_id,
                Delivery.updated_at < now - claim_timeout,
                from_states=[SENDING],
                history=("push_message", message_id),
                history_reason=REASON_REQUEUED,
                returning=True,
                claim=None,
            )
            # One delivery per recipient and message, so one credit back per user listed.
            (
                SubscriptionCredit.update(remaining=SubscriptionCredit.remaining + 1, updated_at=now)
                .where(
                    SubscriptionCredit.template == template,
                    SubscriptionCredit.user.in_(Delivery.select(Delivery.user).where(Delivery.id.in_(ids))),
                    ~SubscriptionCredit.long_term,
                )
                .execute()
            )
            # The dead worker's job also held the unclaimed rest of its range: cover it too, rather than
            # leave it to the stall sweeper. A job for rows another job is sending claims nothing.
            last_queued = Delivery.select(fn.MAX(Delivery.id)).where(
                Delivery.message == message_id, Delivery.status == QUEUED
            ).scalar()
            recorded += _record_range_jobs(message_id, min(ids), max(max(ids), last_queued or 0))
            requeued += len(ids)
    if requeued or unknown:
        log.warning("push rows of a stopped worker settled", extra={"requeued": requeued, "unknown": unknown})
    dispatch_recorded(recorded)
    return {"requeued": requeued, "unknown": unknown}


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
        raise Invalid(errors={"accepted": [f"未知的消息模板：{', '.join(unknown)}"]})
    unknown = sorted(set(data["rejected"]) - set(known))
    if unknown:
        raise Invalid(errors={"rejected": [f"未知的消息模板：{', '.join(unknown)}"]})
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
    addressee = User.alias("addressee")
    query = (
        Delivery.select(
            Delivery,
            Deputy.name.alias("deputy_name"),
            fn.COALESCE(Deputy.name, addressee.display_name).alias("recipient_name"),
        )
        .join(Deputy, JOIN.LEFT_OUTER, on=(Deputy.id == Delivery.deputy))
        .switch(Delivery)
        .join(addressee, JOIN.LEFT_OUTER, on=(addressee.id == Delivery.addressee))
        .order_by(Delivery.id)
    )
    return _filtered(query, filters).objects()


def status_counts(filters):
    """How many of the deliveries `filters` select are in each status (one grouped query), with the total."""
    query = Delivery.select(Delivery.status, fn.COUNT(Delivery.id)).group_by(Delivery.status)
    counts = dict(_filtered(query, {key: value for key, value in filters.items() if key != "status"}).tuples())
    by_status = {status: counts.get(status, 0) for status in STATUSES}
    return {"total": sum(by_status.values()), **by_status}


def _filtered(query, filters):
    for name in ("source_type", "source_id", "status"):
        if name in filters:
            query = query.where(getattr(Delivery, name) == filters[name])
    if filters.get("purpose"):
        query = query.where(_of_purpose(filters["purpose"]))
    if filters.get("since") is not None:
        query = query.where(Delivery.created_at >= filters["since"])
    if filters.get("until") is not None:
        query = query.where(Delivery.created_at < filters["until"])
    return query


def _of_purpose(purpose):
    scope = PURPOSES[purpose]
    return (Delivery.scope == scope) | Delivery.scope.startswith(f"{scope}-")


def summary(source_type, source_id, purpose=None):
    query = Delivery.select(Delivery.status, fn.COUNT(Delivery.id)).where(
        Delivery.source_type == source_type, Delivery.source_id == source_id
    )
    if purpose:
        query = query.where(_of_purpose(purpose))
    counts = dict(query.group_by(Delivery.status).tuples())
    by_status = {status: counts.get(status, 0) for status in STATUSES}
    return {
        "source_type": source_type,
        "source_id": source_id,
        "purpose": purpose,
        "total": sum(by_status.values()),
        **by_status,
    }


def recent_failures(days=7):
    """Failed deliveries of the last `days`, counted per source, most failures first."""
    since = utcnow() - dt.timedelta(days=days)
    return (
        Delivery.select(Delivery.source_type, Delivery.source_id, fn.COUNT(Delivery.id).alias("failed"))
        .where((Delivery.status == FAILED) & (Delivery.updated_at >= since))
        .group_by(Delivery.source_type, Delivery.source_id)
        .order_by(fn.COUNT(Delivery.id).desc())
        .limit(20)
        .dicts()
    )
