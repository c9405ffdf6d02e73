"""The worker side of push: claim deliveries, spend credits, send through WeChat, record outcomes.

A claim moves a few queued rows to `sending` under a token in one transaction, spending a credit
for each. Nothing has gone to WeChat yet: just before the HTTP requests, a small group of the claim
is marked `attempting`, sent concurrently, and its outcomes written; then the next group. If the
worker dies, its `sending` rows were never attempted: the reaper puts them back in the queue and
refunds their credits. Only its `attempting` rows may have reached the recipient; the reaper fails
them as "unknown" and they are never resent, since sending twice is worse than not knowing.

How many rows can be in doubt when a worker process dies is bounded by `PUSH_MAX_IN_DOUBT`: every
group holds a share of that budget, process-wide, from its `attempting` mark until its outcomes are
written, so all the jobs a worker runs at once never have more than that many rows `attempting`.
"""
import contextlib
import json
import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app
from huey.exceptions import RetryTask
from peewee import JOIN, Case, fn

from api.auth.models import User, seat_accounts
from api.common.db import utcnow, write_transaction
from api.common.queue import app_task
from api.extensions import db, huey
from api.push.models import (
    ATTEMPTING,
    DELIVERY_FLOW,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    SKIPPED,
    Delivery,
    PushMessage,
    SubscriptionCredit,
)
from api.wechat import get_client
from api.wechat.errors import WeChatError, WeChatUnavailable

log = logging.getLogger("deputyhub.push")

# Rows a worker claims at a time (credits spent, nothing sent yet). If it dies, these go back to
# the queue; only the group being attempted (see PUSH_MAX_IN_DOUBT) can end up "unknown".
CLAIM_SIZE = 64
# Concurrent sends per worker process, shared by all its jobs; the WeChat client pools 32 connections.
SEND_THREADS = 16
# Tries (claims) per delivery before a passing WeChat failure counts as final.
MAX_ATTEMPTS = 8

REASON_NO_CREDIT = "未订阅或订阅次数已用完"
REASON_UNBOUND = "代表未绑定微信"
REASON_USER_UNBOUND = "账号未绑定微信或已停用"
REASON_TIMEOUT = "发送结果未知（微信未及时响应），为避免重复不再重发"
REASON_RETRYING = "微信暂时不可用，等待重试"
REASON_GAVE_UP = "微信多次暂时不可用，已放弃发送"
REASON_NO_TEMPLATE = "消息模板未配置"
REASON_CRASHED = "发送时出现内部错误"
PERMANENT_REASONS = {
    43101: "代表已拒收此类消息或订阅次数已用完",
    40003: "微信账号无效（不属于本小程序）",
    47003: "消息内容与模板字段不符",
    40037: "消息模板无效",
    41030: "跳转页面不存在",
}
# WeChat's answer to a user who revoked the subscription: our credit count is wrong, reset it.
REFUSED_ERRCODE = 43101


@dataclass
class Claimed:
    delivery_id: int
    user_id: int
    openid: str
    attempts: int


@dataclass
class Batch:
    token: str
    message_id: int
    template: str
    to_send: list
    last_id: int  # highest id claimed: the next claim starts after it
    skipped: int  # no bound WeChat account or no credit: settled during the claim


@dataclass
class Outcome:
    delivery: Claimed
    status: str
    errcode: int | None = None
    reason: str | None = None
    refund: bool = False  # WeChat did not deliver: give the credit back
    refused: bool = False  # WeChat says the user has no subscription: reset the count



def templates():
    """Template key → WeChat template id, from WECHAT_TEMPLATES."""
    raw = current_app.config["WECHAT_TEMPLATES"]
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


# Retries after 10 s, 20 s, 40 s, ... A passing WeChat failure is expected, not an error: it is
# logged here as one warning line, and `RetryTask` makes Huey requeue the job (logged at INFO)
# instead of an "unhandled exception" with a traceback. RetryTask does not count against
# `retries`: what ends the retrying is the deliveries' own attempt limit (MAX_ATTEMPTS), after
# which they fail for good; rows left queued are picked up by `requeue_stalled`.
@app_task(huey, retries=5, retry_delay=10, retry_backoff=2)
def send_deliveries(message_id, first_id, last_id):
    counts = send_range(message_id, first_id, last_id)
    if counts[QUEUED]:
        log.warning(
            "push deliveries wait for a retry",
            extra={"message_id": message_id, "first_id": first_id, "last_id": last_id, "waiting": counts[QUEUED]},
        )
        raise RetryTask(f"{counts[QUEUED]} deliveries of message {message_id} wait for a retry")
    return counts

def send_range(message_id, first_id, last_id):
    """Claim and send the queued deliveries of one job's id range; returns counts per outcome.

    The `queued` count is of rows put back after a passing WeChat failure: the task then fails so
    the queue runs the job again after a backoff, and that run claims just those rows.
    """
    counts = dict.fromkeys((SENT, FAILED, SKIPPED, QUEUED), 0)
    message = PushMessage.get_or_none(PushMessage.id == message_id)
    if message is None:
        return counts
    template_id = templates().get(message.template)
    data = json.loads(message.data)
    client = get_client()
    group_size = min(SEND_THREADS, in_doubt_budget().limit)
    after = first_id - 1
    while True:
        batch = claim(message, after + 1, last_id, CLAIM_SIZE)
        if batch is None:
            break
        after = batch.last_id
        counts[SKIPPED] += batch.skipped
        if template_id is None:
            # Known before anything went out: the claimed rows fail straight from `sending`.
            outcomes = [Outcome(d, FAILED, reason=REASON_NO_TEMPLATE, refund=True) for d in batch.to_send]
            record_outcomes(batch, outcomes, from_status=SENDING)
            counts[FAILED] += len(outcomes)
            continue
        for start in range(0, len(batch.to_send), group_size):
            group = batch.to_send[start : start + group_size]
            with in_doubt_budget().holding(len(group)):
                attempting = set(mark_attempting(batch, group))
                # A row missing here was put back in the queue by the reaper (this worker was too slow):
                # it is someone else's now, and sending it would risk a second message.
                group = [d for d in group if d.delivery_id in attempting]
                outcomes = _send_all(group, lambda d: _send_one(client, d, template_id, message.page, data))
                record_outcomes(batch, outcomes)
            for outcome in outcomes:
                counts[outcome.status] += 1
    return counts


def mark_attempting(batch, group):
    """Move a group of this claim from `sending` to `attempting`, just before its sends; returns their ids."""
    return DELIVERY_FLOW.bulk_move(
        Delivery,
        ATTEMPTING,
        Delivery.claim == batch.token,
        Delivery.id.in_([d.delivery_id for d in group]),
        history=("push_message", batch.message_id),
        returning=True,
    )


class InDoubtBudget:
    """Process-wide count of rows `attempting` (sent or about to be, outcome not yet written)."""

    def __init__(self, limit):
        self.limit = max(1, limit)
        self._held = 0
        self._free = threading.Condition()

    @contextlib.contextmanager
    def holding(self, rows):
        rows = min(rows, self.limit)
        with self._free:
            self._free.wait_for(lambda: self._held + rows <= self.limit)
            self._held += rows
        try:
            yield
        finally:
            with self._free:
                self._held -= rows
                self._free.notify_all()


_budget_lock = threading.Lock()
_budget = None


def in_doubt_budget():
    global _budget
    with _budget_lock:
        if _budget is None:
            _budget = InDoubtBudget(current_app.config["PUSH_MAX_IN_DOUBT"])
        return _budget


def claim(message, first_id, last_id, limit):
    """Atomically take up to `limit` queued rows of the range and spend a credit for each.

    Rows without a bound WeChat account or a credit are skipped right here; the rest come back
    as `Batch.to_send`, in status `sending` under this claim's token. None when nothing is left.
    """
    token = secrets.token_hex(16)
    now = utcnow()
    # An account addressed directly gets it while bound and active; a deputy's delivery goes to
    # whichever account holds the seat now (it may have been bound since the send-out was queued).
    bound_addressee = User.select(User.id).where(
        User.id == Delivery.addressee, User.openid.is_null(False), User.is_active
    )
    bound_seat_holder = seat_accounts(Delivery.deputy).where(User.openid.is_null(False)).limit(1)
    bound_user = fn.COALESCE(bound_addressee, bound_seat_holder)
    with write_transaction():
        candidates = [
            delivery_id
            for (delivery_id,) in (
                Delivery.select(Delivery.id)
                .where(
                    Delivery.message == message.id,
                    Delivery.id.between(first_id, last_id),
                    Delivery.status == QUEUED,
                )
                .order_by(Delivery.id)
                .limit(limit)
                .tuples()
            )
        ]
        if not candidates:
            return None
        # A range on (message, id), not "id IN (...)": SQLite would pick the status index for
        # that and scan every queued row of every send-out on each claim.
        claimed = DELIVERY_FLOW.bulk_move(
            Delivery,
            SENDING,
            Delivery.message == message.id,
            Delivery.id.between(candidates[0], candidates[-1]),
            history=("push_message", message.id),
            claim=token,
            attempts=Delivery.attempts + 1,
            updated_at=now,
            user=bound_user,
        )
        if not claimed:
            return None
        rows = list(
            Delivery.select(Delivery.id, Delivery.user, Delivery.attempts, User.openid, Delivery.addressee)
            .join(User, JOIN.LEFT_OUTER, on=(User.id == Delivery.user))
            .where(Delivery.claim == token)
            .order_by(Delivery.id)
            .tuples()
        )
        # Set-based throughout: predicates on the claim token, never lists of every id.
        credited = {
            user_id
            for (user_id,) in (
                SubscriptionCredit.update(
                    remaining=Case(
                        None,
                        [(SubscriptionCredit.long_term, SubscriptionCredit.remaining)],
                        SubscriptionCredit.remaining - 1,
                    ),
                    updated_at=now,
                )
                .where(
                    SubscriptionCredit.template == message.template,
                    SubscriptionCredit.user.in_(Delivery.select(Delivery.user).where(Delivery.claim == token)),
                    SubscriptionCredit.long_term | (SubscriptionCredit.remaining > 0),
                )
                .returning(SubscriptionCredit.user)
                .tuples()
                .execute()
            )
        }
        unbound = _move(token, message.id, SKIPPED, SENDING, Delivery.user.is_null(), Delivery.addressee.is_null(),
                        reason=REASON_UNBOUND)
        # Rare, so moved by id: a claim of deputies' deliveries pays no extra statement for them.
        unbound_accounts = [d for d, user_id, _, _, addressee in rows if user_id is None and addressee is not None]
        if unbound_accounts:
            unbound += _move(token, message.id, SKIPPED, SENDING, Delivery.id.in_(unbound_accounts),
                             reason=REASON_USER_UNBOUND)
        no_credit = [d for d, user_id, _, _, _ in rows if user_id is not None and user_id not in credited]
        if no_credit:
            _move(token, message.id, SKIPPED, SENDING, Delivery.id.in_(no_credit), reason=REASON_NO_CREDIT)
    to_send = [
        Claimed(d, user_id, openid, attempts) for d, user_id, attempts, openid, _ in rows if user_id in credited
    ]
    return Batch(token, message.id, message.template, to_send, rows[-1][0], unbound + len(no_credit))


def _send_all(deliveries, send):
    """Send concurrently: one pool task per thread's share, not per delivery (futures cost CPU too)."""
    shares = [deliveries[n::SEND_THREADS] for n in range(min(SEND_THREADS, len(deliveries)))]
    return [outcome for share in _pool().map(lambda share: [send(d) for d in share], shares) for outcome in share]


def _send_one(client, delivery, template_id, page, data):
    try:
        client.send_subscribe_message(delivery.openid, template_id, data, page=page)
    except WeChatUnavailable as exc:
        if exc.outcome_unknown:
            # The request went out and the answer was lost: WeChat may have delivered it.
            return Outcome(delivery, FAILED, reason=REASON_TIMEOUT)
        return _passing_failure(delivery, None)
    except WeChatError as exc:
        # A token WeChat will not issue is our configuration, not this message: keep it for later.
        if exc.transient or exc.endpoint != "subscribe_send":
            return _passing_failure(delivery, exc.errcode)
        reason = PERMANENT_REASONS.get(exc.errcode, f"微信拒绝发送（错误码 {exc.errcode}）")
        refused = exc.errcode == REFUSED_ERRCODE
        return Outcome(delivery, FAILED, exc.errcode, reason, refund=not refused, refused=refused)
    except Exception:  # noqa: BLE001 - one bad row must not leave its batch stuck in `sending`
        log.exception("push send crashed", extra={"delivery_id": delivery.delivery_id})
        return Outcome(delivery, FAILED, reason=REASON_CRASHED, refund=True)
    return Outcome(delivery, SENT)


def _passing_failure(delivery, errcode):
    if delivery.attempts >= MAX_ATTEMPTS:
        return Outcome(delivery, FAILED, errcode, REASON_GAVE_UP, refund=True)
    return Outcome(delivery, QUEUED, errcode, REASON_RETRYING, refund=True)


def record_outcomes(batch, outcomes, from_status=ATTEMPTING):
    """Write what happened to a group of a claimed batch: a few set-based statements, one transaction.

    Failures are the exception and are moved by id; whatever else of the group is still
    `attempting` after that was sent.
    """
    if not outcomes:
        return
    now = utcnow()
    failures = {}
    for outcome in outcomes:
        if outcome.status != SENT:
            failures.setdefault((outcome.status, outcome.errcode, outcome.reason), []).append(
                outcome.delivery.delivery_id
            )
    refund = [o.delivery.user_id for o in outcomes if o.refund]
    refused = [o.delivery.user_id for o in outcomes if o.refused]
    ids = [o.delivery.delivery_id for o in outcomes]
    with db.atomic():
        for (status, errcode, reason), failed_ids in failures.items():
            _move(batch.token, batch.message_id, status, from_status, Delivery.id.in_(failed_ids),
                  errcode=errcode, reason=reason)
        if from_status == ATTEMPTING:
            _move(batch.token, batch.message_id, SENT, ATTEMPTING, Delivery.id.in_(ids), sent_at=now)
        if refund:
            (
                SubscriptionCredit.update(remaining=SubscriptionCredit.remaining + 1, updated_at=now)
                .where(
                    SubscriptionCredit.template == batch.template,
                    SubscriptionCredit.user.in_(refund),
                    ~SubscriptionCredit.long_term,
                )
                .execute()
            )
        if refused:
            (
                SubscriptionCredit.update(remaining=0, long_term=False, updated_at=now)
                .where(SubscriptionCredit.template == batch.template, SubscriptionCredit.user.in_(refused))
                .execute()
            )


def _move(token, message_id, status, from_status, *conditions, **fields):
    """Move this claim's rows in `from_status` (those matching `conditions`) to `status`, as the workflow allows."""
    if status == QUEUED:
        fields["claim"] = None
    return DELIVERY_FLOW.bulk_move(
        Delivery,
        status,
        Delivery.claim == token,
        *conditions,
        from_states=[from_status],
        history=("push_message", message_id),
        history_reason=fields.get("reason"),
        **fields,
    )


_pool_lock = threading.Lock()
_executor = None


def _pool():
    """One send pool per process, shared by every task the worker runs at the same time."""
    global _executor
    with _pool_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="push-send")
        return _executor
