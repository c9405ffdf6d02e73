"""The units' side: the queue, acknowledging, the contact log, co-units' opinions, the answer with its
commitments, extension and reassignment requests (decided by the office), and publishing answers."""
from peewee import Case, fn

from api.common.calendar import add_working_days, local_date
from api.common.db import utcnow
from api.common.errors import Conflict, Invalid, InvalidMove, NotFound
from api.common.permissions import OFFICE
from api.extensions import db
from api.org.models import HandlingUnit
from api.suggestions import access
from api.suggestions import search_index as searchable
from api.suggestions.deadlines import answer_due
from api.suggestions.models import (
    A_ANSWERED,
    A_HANDLING,
    A_OPEN,
    A_OPINION,
    A_PENDING,
    A_WITHDRAWN,
    ANSWERED,
    ANSWERING_ROLES,
    CO,
    EXTENSION,
    R_APPROVED,
    R_PENDING,
    R_REFUSED,
    REASSIGN,
    Assignment,
    Commitment,
    Contact,
    HandlingRequest,
    Suggestion,
    today,
)
from api.suggestions.workflow import ASSIGNMENT_FLOW, COMMITMENT_FLOW, REQUEST_FLOW, SUGGESTION_FLOW

MAX_COMMITMENTS = 20


# --- the queue ---


def queue(principal, args):
    """A unit's assignments (the office: everyone's), the overdue and the earliest due first."""
    states = args.get("state") or list(A_OPEN)
    query = (Assignment.select(Assignment, Suggestion.id, Suggestion.title, Suggestion.category,
                               Suggestion.abstract, Suggestion.key, Suggestion.state, HandlingUnit.id,
                               HandlingUnit.name)
             .join(Suggestion, on=(Assignment.suggestion == Suggestion.id))
             .switch(Assignment).join(HandlingUnit, on=(Assignment.unit == HandlingUnit.id))
             .where(access.assignment_condition(principal), Assignment.state.in_(states)))
    if "unit_id" in args and principal.role in OFFICE:
        query = query.where(Assignment.unit == args["unit_id"])
    if "overdue" in args:
        late = Assignment.due_date < today()
        query = query.where(late if args["overdue"] else ~late)
    return query.order_by(Assignment.due_date, Assignment.id)


def queue_counts(principal):
    late = fn.SUM(Case(None, [(Assignment.due_date < today(), 1)], 0))
    total, overdue = (Assignment.select(fn.COUNT(Assignment.id), late)
                      .where(access.assignment_condition(principal), Assignment.state.in_(A_OPEN))
                      .scalar(as_tuple=True))
    return {"total": total or 0, "overdue": overdue or 0}


def assignment_detail(assignment, principal):
    siblings = list(Assignment.select(Assignment, HandlingUnit.id, HandlingUnit.name).join(HandlingUnit)
                    .where(Assignment.suggestion == assignment.suggestion_id, Assignment.round == assignment.round,
                           Assignment.id != assignment.id, Assignment.state != A_WITHDRAWN))
    leads = {assignment.unit_id} if assignment.role == "lead" else set()
    return {
        "assignment": assignment,
        "suggestion": assignment.suggestion,
        "co_opinions": [a for a in siblings if a.role == CO and (principal.role != "unit_user" or leads)],
        "contacts": list(assignment.contacts.order_by(Contact.contacted_at)),
        "requests": list(assignment.requests.order_by(HandlingRequest.id)),
        "commitments": list(assignment.commitments.order_by(Commitment.id)),
        "actions": actions(assignment, principal),
    }


def actions(assignment, principal):
    if principal.role != "unit_user" or assignment.unit_id != principal.unit_id:
        return []
    found = []
    if assignment.state == A_PENDING:
        found.append("acknowledge")
    if assignment.state == A_HANDLING:
        found.append("opinion" if assignment.role == CO else "answer")
    for capability in ("contact", "request", "publish"):
        if ASSIGNMENT_FLOW.allows(assignment.state, capability):
            found.append(capability)
    return found


# --- the unit's moves ---


def acknowledge(assignment_id, principal):
    assignment = access.own_assignment(assignment_id, principal)
    return ASSIGNMENT_FLOW.move(assignment, A_HANDLING, principal, acknowledged_at=utcnow())


def add_contact(assignment_id, principal, data):
    assignment = access.own_assignment(assignment_id, principal)
    ASSIGNMENT_FLOW.require(assignment, "contact")
    return Contact.create(assignment=assignment.id, recorded_by=principal.user_id, **data)


def contacts_of(assignment_id, principal):
    assignment = access.visible_assignment(assignment_id, principal)
    return assignment.contacts.order_by(Contact.contacted_at, Contact.id)


def give_opinion(assignment_id, principal, text):
    assignment = access.own_assignment(assignment_id, principal)
    return ASSIGNMENT_FLOW.move(assignment, A_OPINION, principal, opinion=text)


def _co_units_waiting(assignment):
    """Co-units of the lead's round that have not given their opinion yet (names, for the message)."""
    if assignment.role != "lead":
        return []
    rows = (Assignment.select(HandlingUnit.name).join(HandlingUnit)
            .where(Assignment.suggestion == assignment.suggestion_id, Assignment.round == assignment.round,
                   Assignment.role == CO, Assignment.state.in_(A_OPEN)).tuples())
    return [name for (name,) in rows]


def answer(assignment_id, principal, data):
    """答复: A / B / C with its text; a B answer carries its commitments, each what, by when and who."""
    assignment = access.own_assignment(assignment_id, principal)
    ASSIGNMENT_FLOW.step(assignment.state, A_ANSWERED)
    waiting = _co_units_waiting(assignment)
    if waiting:
        raise InvalidMove(f"协办单位（{'、'.join(waiting)}）尚未提出协办意见，主办单位暂不能答复。",
                          current_state=assignment.state)
    commitments = data.get("commitments") or []
    category = data["category"]
    if category == "B" and not commitments:
        raise Invalid("B 类答复须列明承诺事项（做什么、何时完成、由谁负责）。", errors={"commitments": ["至少一项。"]})
    if category != "B" and commitments:
        raise Invalid("只有 B 类答复列承诺事项。", errors={"commitments": ["A、C 类答复不列承诺事项。"]})
    if any(c["due_date"] < today() for c in commitments):
        raise Invalid("承诺完成时间不能早于今天。", errors={"commitments": ["承诺完成时间不能早于今天。"]})
    now = utcnow()
    with db.atomic():
        ASSIGNMENT_FLOW.move(assignment, A_ANSWERED, principal, payload={"category": category},
                             answer_category=category, answer=data["text"], answered_at=now,
                             on_time=local_date(now) <= assignment.due_date)
        for item in commitments:
            row = Commitment.create(assignment=assignment.id, suggestion=assignment.suggestion_id,
                                    unit=assignment.unit_id, what=item["what"], due_date=item["due_date"],
                                    owner=item["owner"])
            COMMITMENT_FLOW.start(row, principal)
        _answer_suggestion_if_done(assignment, principal)
    return assignment


def _answer_suggestion_if_done(assignment, principal):
    """The suggestion is answered once every answering unit of the round has answered."""
    still = Assignment.select().where(
        Assignment.suggestion == assignment.suggestion_id, Assignment.round == assignment.round,
        Assignment.role.in_(ANSWERING_ROLES), Assignment.state.in_(A_OPEN)).exists()
    if not still:
        suggestion = Suggestion.get_by_id(assignment.suggestion_id)
        SUGGESTION_FLOW.move(suggestion, ANSWERED, principal, payload={"round": assignment.round})


# --- requests ---


def request(assignment_id, principal, data):
    assignment = access.own_assignment(assignment_id, principal)
    ASSIGNMENT_FLOW.require(assignment, "request")
    if data["kind"] == EXTENSION and not data.get("days"):
        raise Invalid("申请延期须填写延长的工作日数。", errors={"days": ["请填写延长的工作日数。"]})
    if HandlingRequest.select().where(HandlingRequest.assignment == assignment.id,
                                      HandlingRequest.state == R_PENDING).exists():
        raise Conflict("已有待审批的申请。")
    with db.atomic():
        row = HandlingRequest.create(assignment=assignment.id, kind=data["kind"], reason=data["reason"],
                                     days=data.get("days") if data["kind"] == EXTENSION else None,
                                     requested_by=principal.user_id)
        REQUEST_FLOW.start(row, principal)
    return row


def pending_requests(principal):
    return (HandlingRequest.select(HandlingRequest, Assignment, HandlingUnit.id, HandlingUnit.name)
            .join(Assignment).join(HandlingUnit)
            .where(HandlingRequest.state == R_PENDING, access.assignment_condition(principal))
            .order_by(HandlingRequest.id))


def decide(request_id, principal, data):
    """批准 / 不批准. An approved extension moves the due date on by its working days; an approved
    reassignment withdraws the unit's part and gives it, with a fresh period, to `unit_id`."""
    row = HandlingRequest.get_or_none(HandlingRequest.id == request_id)
    if row is None:
        raise NotFound("申请不存在。")
    assignment = row.assignment
    approve = data["approve"]
    REQUEST_FLOW.step(row.state, R_APPROVED if approve else R_REFUSED)
    with db.atomic():
        if approve and row.kind == EXTENSION:
            ASSIGNMENT_FLOW.require(assignment, "extend")
            due = add_working_days(assignment.due_date, row.days)
            Assignment.update(due_date=due, due_mark=None, updated_at=utcnow()).where(
                Assignment.id == assignment.id).execute()
            _refresh_suggestion_due(assignment.suggestion_id)
            payload = {"due_date": due.isoformat()}
        elif approve and row.kind == REASSIGN:
            payload = _reassign(assignment, principal, data.get("unit_id"))
        else:
            payload = None
        REQUEST_FLOW.move(row, R_APPROVED if approve else R_REFUSED, principal, reason=data.get("decision"),
                          payload=payload, decided_by=principal.user_id, decision=data.get("decision"))
    return row


def _reassign(assignment, principal, unit_id):
    if not unit_id or unit_id == assignment.unit_id:
        raise Invalid("请选择新的承办单位。", errors={"unit_id": ["请选择另一个承办单位。"]})
    if not HandlingUnit.select().where(HandlingUnit.id == unit_id, HandlingUnit.is_active == True).exists():  # noqa: E712
        raise Invalid("承办单位不存在或已停用。", errors={"unit_id": ["承办单位不存在或已停用。"]})
    taken = Assignment.select().where(Assignment.suggestion == assignment.suggestion_id,
                                      Assignment.round == assignment.round, Assignment.unit == unit_id,
                                      Assignment.state != A_WITHDRAWN).exists()
    if taken:
        raise Invalid("该单位已在承办本建议。", errors={"unit_id": ["该单位已在承办本建议。"]})
    ASSIGNMENT_FLOW.move(assignment, A_WITHDRAWN, principal, reason="调整承办单位", payload={"to_unit": unit_id})
    due = answer_due()
    fresh = Assignment.create(suggestion=assignment.suggestion_id, unit=unit_id, role=assignment.role,
                              round=assignment.round, due_date=due)
    ASSIGNMENT_FLOW.start(fresh, principal, payload={"from_unit": assignment.unit_id})
    _refresh_suggestion_due(assignment.suggestion_id)
    return {"from_unit": assignment.unit_id, "to_unit": unit_id, "assignment_id": fresh.id}


def _refresh_suggestion_due(suggestion_id):
    latest = (Assignment.select(fn.MAX(Assignment.due_date))
              .where(Assignment.suggestion == suggestion_id, Assignment.state.in_(A_OPEN)).scalar())
    if latest:
        Suggestion.update(due_date=latest).where(Suggestion.id == suggestion_id).execute()


# --- publication ---


def publish(assignment_id, principal):
    assignment = access.own_assignment(assignment_id, principal)
    ASSIGNMENT_FLOW.require(assignment, "publish")
    suggestion = assignment.suggestion
    if suggestion.publish_consent is not True:
        raise Conflict("代表尚未同意公开答复，不能公开。")
    with db.atomic():
        Assignment.update(published=True, published_at=utcnow()).where(Assignment.id == assignment.id).execute()
        searchable.index(assignment.id)
    return Assignment.get_by_id(assignment.id)


def public_answers(args):
    """Published answers whose deputy consented, searchable by words in the title or the answer."""
    query = (Assignment.select(Assignment, Suggestion.id, Suggestion.title, Suggestion.category,
                               HandlingUnit.id, HandlingUnit.name)
             .join(Suggestion, on=(Assignment.suggestion == Suggestion.id))
             .switch(Assignment).join(HandlingUnit, on=(Assignment.unit == HandlingUnit.id))
             .where(Assignment.published == True, Suggestion.publish_consent == True))  # noqa: E712
    if args.get("q"):
        query = query.where(Suggestion.title.contains(args["q"]) | Assignment.answer.contains(args["q"]))
    if "category" in args:
        query = query.where(Suggestion.category == args["category"])
    return query.order_by(Assignment.published_at.desc(), Assignment.id.desc())
