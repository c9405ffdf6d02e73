"""答复承诺台账: the commitments of B answers, open until the unit reports them met with evidence and the
office verifies. The office sees all, a unit its own, a deputy those of the suggestions they lead."""
from api.common.calendar import local_date
from api.common.db import utcnow
from api.common.errors import Forbidden, Invalid
from api.extensions import db
from api.files.models import StoredFile
from api.org.models import HandlingUnit
from api.suggestions import access
from api.suggestions.models import C_OPEN, C_REPORTED, C_VERIFIED, Commitment, Suggestion, today
from api.suggestions.workflow import COMMITMENT_FLOW


def ledger(principal, args):
    query = (Commitment.select(Commitment, Suggestion.id, Suggestion.title, HandlingUnit.id, HandlingUnit.name)
             .join(Suggestion, on=(Commitment.suggestion == Suggestion.id))
             .switch(Commitment).join(HandlingUnit, on=(Commitment.unit == HandlingUnit.id))
             .where(access.commitment_condition(principal)))
    if args.get("state"):
        query = query.where(Commitment.state.in_(args["state"]))
    if "unit_id" in args:
        query = query.where(Commitment.unit == args["unit_id"])
    if "suggestion_id" in args:
        query = query.where(Commitment.suggestion == args["suggestion_id"])
    if "overdue" in args:
        late = (Commitment.state == C_OPEN) & (Commitment.due_date < today())
        query = query.where(late if args["overdue"] else ~late)
    return query.order_by(Commitment.due_date, Commitment.id)


def of_suggestion(suggestion_id, principal):
    return (Commitment.select().where(Commitment.suggestion == suggestion_id, access.commitment_condition(principal))
            .order_by(Commitment.id))


def report(commitment_id, principal, evidence, file_id=None):
    """The unit reports a commitment met, with what shows it (text, and a file it uploaded)."""
    commitment = access.visible_commitment(commitment_id, principal)
    if principal.role != "unit_user" or commitment.unit_id != principal.unit_id:
        raise Forbidden("只有作出承诺的承办单位可以报告落实情况。")
    if file_id is not None and not StoredFile.select().where(
            StoredFile.id == file_id, StoredFile.uploaded_by == principal.user_id).exists():
        raise Invalid("附件不存在或不是本人上传的。", errors={"file_id": ["附件不存在或不是本人上传的。"]})
    now = utcnow()
    return COMMITMENT_FLOW.move(commitment, C_REPORTED, principal, reason=evidence[:500], evidence=evidence,
                                evidence_file=file_id, reported_at=now, on_time=local_date(now) <= commitment.due_date)


def verify(commitment_id, principal):
    commitment = access.visible_commitment(commitment_id, principal)
    return COMMITMENT_FLOW.move(commitment, C_VERIFIED, principal, verified_at=utcnow(),
                                verified_by=principal.user_id)


def send_back(commitment_id, principal, reason):
    commitment = access.visible_commitment(commitment_id, principal)
    with db.atomic():
        return COMMITMENT_FLOW.move(commitment, C_OPEN, principal, reason=reason, reported_at=None, on_time=None,
                                    due_mark=None)
