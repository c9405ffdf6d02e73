"""Self-reported duties (自报履职): a deputy tells what the system cannot know; staff confirm or refuse.

Only a confirmed claim reaches the record, as an event of the kind the deputy chose with
`self_reported: true` in its payload, dated the day it happened. Refusing a confirmed claim is not a
move: a claim is decided once.
"""
import datetime as dt

from api.common.db import utcnow
from api.common.errors import Forbidden, Invalid, NotFound
from api.common.events import record_event
from api.common.timezone import LOCAL_TZ, local_today
from api.common.workflow import Move, Workflow
from api.deputies.models import Deputy
from api.extensions import db
from api.org.models import Delegation
from api.records import kinds
from api.records.models import CLAIM_LABELS, CONFIRMED, PENDING, REJECTED, RecordClaim

CONFIRM = "records:confirm"
OBJECT_TYPE = "record_claim"

CLAIM_FLOW = Workflow(
    "record_claim",
    "自报履职",
    states=CLAIM_LABELS,
    moves=[
        Move(PENDING, CONFIRMED, "确认", CONFIRM),
        Move(PENDING, REJECTED, "不予确认", CONFIRM),
    ],
    capabilities={"withdraw": "撤回"},
    allows={PENDING: {"withdraw"}},
)


def claims_query():
    return (
        RecordClaim.select(RecordClaim, Deputy.name.alias("deputy_name"), Deputy.code.alias("deputy_code"),
                           Delegation.name.alias("delegation"))
        .join(Deputy)
        .join(Delegation)
        .objects()
        .order_by(RecordClaim.id.desc())
    )


def own_claims(principal):
    return claims_query().where(RecordClaim.deputy == _own_deputy(principal))


def staff_claims(args):
    query = claims_query()
    if args.get("state"):
        query = query.where(RecordClaim.state == args["state"])
    if args.get("deputy_id"):
        query = query.where(RecordClaim.deputy == args["deputy_id"])
    return query


def submit(principal, data):
    deputy_id = _own_deputy(principal)
    if data["kind"] not in kinds.SELF_REPORTABLE:
        raise Invalid(errors={"kind": ["不能自报该类履职。"]})
    if data["occurred_on"] > local_today():
        raise Invalid(errors={"occurred_on": ["只能填报已经发生的履职。"]})
    with db.atomic():
        claim = RecordClaim.create(deputy=deputy_id, created_by=principal.user_id, **data)
        CLAIM_FLOW.start(claim, principal)
    return get(claim.id)


def withdraw(principal, claim_id):
    claim = get(claim_id)
    if claim.deputy_id != _own_deputy(principal):
        raise NotFound("自报履职不存在。")
    CLAIM_FLOW.require(claim, "withdraw")
    claim.delete_instance()


def confirm(principal, claim_id):
    claim = get(claim_id)
    with db.atomic():
        CLAIM_FLOW.move(claim, CONFIRMED, principal, decided_by=principal.user_id, decided_at=utcnow())
        record_event(
            claim.deputy_id, claim.kind, OBJECT_TYPE, claim.id,
            payload={"title": claim.title, "self_reported": True, **({"place": claim.place} if claim.place else {})},
            occurred_at=_noon(claim.occurred_on),
        )
    return get(claim.id)


def refuse(principal, claim_id, reason):
    claim = get(claim_id)
    CLAIM_FLOW.move(claim, REJECTED, principal, reason=reason, decided_by=principal.user_id, decided_at=utcnow(),
                    refusal_reason=reason)
    return get(claim.id)


def get(claim_id):
    claim = claims_query().where(RecordClaim.id == claim_id).first()
    if claim is None:
        raise NotFound("自报履职不存在。")
    return claim


def _own_deputy(principal):
    if principal.deputy_id is None:
        raise Forbidden("当前账号未关联代表。")
    return principal.deputy_id


def _noon(day):
    """A day on the record is its local noon, so it stays in its own year whatever the time zone; today's
    before noon is now, so that a duty confirmed in the morning is on the record at once, not at noon."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc)
    return min(noon, utcnow())
