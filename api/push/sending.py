"""The worker side of push: claim deliveries, spend credits, send through WeChat, record outcomes.

A claim moves a few queued rows to `sending` under a token in one transaction, spending a credit
for each; only then does anything go to WeChat. Outcomes are written per claimed batch. If the
worker dies in between, the claimed rows stay `sending` until the reaper fails them as "unknown":
they may have reached the deputy, and sending twice is worse than not knowing.
"""
import json
import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from peewee import JOIN, Case

from api.auth.models import User
from api.common.db import utcnow
from api.extensions import db
from api.push.models import (
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    SKIPPED,
    Delivery,
    PushMessage,
    SubscriptionCredit,
    sources_of,
)
from api.push.services import templates, write_transaction
from api.wechat import get_client
from api.wechat.errors import WeChatError, WeChatUnavailable

log = logging.getLogger("deputyhub.push")

# Rows a worker claims at a time. If it dies, at most this many per running job end up "unknown".
CLAIM_SIZE = 64
# Concurrent sends per worker process, shared by all its jobs; the WeChat client pools 32 connections.
SEND_THREADS = 16
# Tries (claims) per delivery before a passing WeChat failure counts as final.
MAX_ATTEMPTS = 8

REASON_NO_CREDIT = "未订阅或订阅次数已用完"
REASON_UNBOUND = "代表未绑定微信"
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
    after = first_id - 1
    while True:
        batch = claim(message, after + 1, last_id, CLAIM_SIZE)
        if batch is None:
            break
        after = batch.last_id
        counts[SKIPPED] += batch.skipped
        if template_id is None:
            outcomes = [Outcome(d, FAILED, reason=REASON_NO_TEMPLATE, refund=True) for d in batch.to_send]
        else:
            outcomes = _send_all(batch.to_send, lambda d: _send_one(client, d, template_id, message.page, data))
        record_outcomes(batch, outcomes)
        for outcome in outcomes:
            counts[outcome.status] += 1
    return counts


def claim(message, first_id, last_id, limit):
    """Atomically take up to `limit` queued rows of the range and spend a credit for each.

    Rows without a bound WeChat account or a credit are skipped right here; the rest come back
    as `Batch.to_send`, in status `sending` under this claim's token. None when nothing is left.
    """
    token = secrets.token_hex(16)
    now = utcnow()
    bound_user = (
        User.select(User.id).where(User.deputy == Delivery.deputy, User.openid.is_null(False)).limit(1)
    )
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
        claimed = (
            Delivery.update(
                status=SENDING,
                claim=token,
                attempts=Delivery.attempts + 1,
                updated_at=now,
                user=bound_user,
            )
            .where(
                Delivery.message == message.id,
                Delivery.id.between(candidates[0], candidates[-1]),
                Delivery.status.in_(sources_of(SENDING)),
            )
            .execute()
        )
        if not claimed:
            return None
        rows = list(
            Delivery.select(Delivery.id, Delivery.user, Delivery.attempts, User.openid)
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
        unbound = _move(token, SKIPPED, Delivery.user.is_null(), reason=REASON_UNBOUND)
        no_credit = [d for d, user_id, _, _ in rows if user_id is not None and user_id not in credited]
        if no_credit:
            _move(token, SKIPPED, Delivery.id.in_(no_credit), reason=REASON_NO_CREDIT)
    to_send = [Claimed(d, user_id, openid, attempts) for d, user_id, attempts, openid in rows if user_id in credited]
    return Batch(token, message.template, to_send, rows[-1][0], unbound + len(no_credit))


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


def record_outcomes(batch, outcomes):
    """Write what happened to a claimed batch: a few set-based statements, one transaction.

    Failures are the exception and are moved by id; whatever of the claim is still `sending`
    after that was sent, so the common case needs no list of ids at all.
    """
    now = utcnow()
    failures = {}
    for outcome in outcomes:
        if outcome.status != SENT:
            failures.setdefault((outcome.status, outcome.errcode, outcome.reason), []).append(
                outcome.delivery.delivery_id
            )
    refund = [o.delivery.user_id for o in outcomes if o.refund]
    refused = [o.delivery.user_id for o in outcomes if o.refused]
    with db.atomic():
        for (status, errcode, reason), ids in failures.items():
            _move(batch.token, status, Delivery.id.in_(ids), errcode=errcode, reason=reason)
        _move(batch.token, SENT, sent_at=now)
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


def _move(token, status, *conditions, **fields):
    """Move this claim's `sending` rows (those matching `conditions`) to `status`; returns how many.

    Only claimed rows move here, and only where the workflow table allows it.
    """
    if status == QUEUED:
        fields["claim"] = None
    return (
        Delivery.update(status=status, updated_at=utcnow(), **fields)
        .where(
            Delivery.claim == token,
            Delivery.status == SENDING,
            Delivery.status.in_(sources_of(status)),
            *conditions,
        )
        .execute()
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
