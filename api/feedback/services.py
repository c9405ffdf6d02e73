"""The inbox, the moves of a case, comments, extensions, following a case, and the word list."""
import datetime as dt

from flask import current_app
from peewee import JOIN, Case, fn

from api.auth.models import User
from api.common import audit, workflow
from api.common.calendar import add_working_days
from api.common.db import DeferredRows, utcnow
from api.common.errors import Conflict, Forbidden, Invalid, NotFound
from api.common.events import record_event
from api.common.http import client_address
from api.common.permissions import DEPUTY, allowed
from api.common.pii import mask_name, mask_phone
from api.common.timezone import local_day_start
from api.extensions import db
from api.feedback import access, intake, screening, similar
from api.feedback.models import (
    ACCEPTED,
    ANSWERED,
    APPROVED,
    CLOSED,
    EXTENSION_LABELS,
    FORWARDED,
    MERGED,
    PENDING,
    RATED,
    REFUSED,
    REJECTED,
    REVIEW,
    STATE_LABELS,
    SUBMITTED,
    BlockedWord,
    CaseComment,
    CasePhoto,
    ExtensionRequest,
    FeedbackCase,
    today,
)
from api.feedback.workflow import CASE_FLOW, EXTENSION_FLOW, HANDLE, UNIT, unsatisfied_once
from api.files.models import StoredFile
from api.org.models import HandlingUnit, Station

MINUTE = 60
COMMENT_EVENT = "feedback.comment"  # a deputy's comment on a case, on their performance record
# (from, to) → the action name a client calls; what `actions` lists.
MOVE_ACTIONS = {
    (REVIEW, SUBMITTED): "release",
    (REVIEW, REJECTED): "reject",
    (SUBMITTED, ACCEPTED): "accept",
    (SUBMITTED, REJECTED): "reject",
    (SUBMITTED, MERGED): "merge",
    (ACCEPTED, REJECTED): "reject",
    (ACCEPTED, MERGED): "merge",
    (ACCEPTED, FORWARDED): "forward",
    (ACCEPTED, CLOSED): "close",
    (ANSWERED, CLOSED): "close",
    (FORWARDED, ANSWERED): "answer",
    (FORWARDED, ACCEPTED): "return",
}


def overdue_condition(on_day=None):
    return (FeedbackCase.state == FORWARDED) & (FeedbackCase.due_date < (on_day or today()))


# --- reading ---


def _with_refs():
    """Cases with their station's and unit's id and name, in one query (lists nest both)."""
    return (
        FeedbackCase.select(FeedbackCase, Station.id, Station.name, HandlingUnit.id, HandlingUnit.name)
        .join(Station)
        .switch(FeedbackCase)
        .join(HandlingUnit, JOIN.LEFT_OUTER, on=(FeedbackCase.unit == HandlingUnit.id))
    )


def list_cases(principal, args):
    """The inbox: the caller's scope, filtered; overdue cases first, then the newest. The page is chosen on
    the ids alone (an index-only scan of (station, id, state, due_date), migration 012), then its rows read."""

    def order():
        return Case(None, [(overdue_condition(), 0)], 1), FeedbackCase.id.desc()

    narrow = _filtered(FeedbackCase.select(FeedbackCase.id), principal, args).order_by(*order())
    return DeferredRows(narrow, lambda ids: _with_refs().where(FeedbackCase.id.in_(ids)).order_by(*order()))


def counts(principal, args):
    """The inbox's tabs: cases per state and how many are overdue, under the same scope and filters
    (a `state` filter is ignored: the tabs are the states). One grouped query, no rows loaded."""
    args = {key: value for key, value in args.items() if key != "state"}
    overdue = fn.SUM(Case(None, [(overdue_condition(), 1)], 0))
    query = _filtered(FeedbackCase.select(FeedbackCase.state, fn.COUNT(FeedbackCase.id), overdue), principal, args)
    grouped = list(query.group_by(FeedbackCase.state).tuples())
    per_state = {state: count for state, count, _ in grouped}
    return {
        "total": sum(per_state.values()),
        "overdue": sum(late or 0 for _, _, late in grouped),
        "states": [{"state": s, "label": label, "count": per_state.get(s, 0)} for s, label in STATE_LABELS.items()],
    }


def _filtered(query, principal, args):
    query = query.where(access.scope_condition(principal))
    if "station_id" in args:
        query = query.where(FeedbackCase.station == args["station_id"])
    if args.get("state"):
        query = query.where(FeedbackCase.state.in_(args["state"]))
    if "category" in args:
        query = query.where(FeedbackCase.category == args["category"])
    if "unit_id" in args:
        query = query.where(FeedbackCase.unit == args["unit_id"])
    if "created_from" in args:
        query = query.where(FeedbackCase.created_at >= local_day_start(args["created_from"]))
    if "created_to" in args:
        query = query.where(FeedbackCase.created_at < local_day_start(args["created_to"] + dt.timedelta(days=1)))
    if "overdue" in args:
        condition = overdue_condition()
        query = query.where(condition if args["overdue"] else ~condition)
    if args.get("q"):
        query = query.where(FeedbackCase.content.contains(args["q"]))
    return query


def similar_to(case_id, principal):
    """The merge suggestions for a case, asked by its station's staff (the API's similar-cases read)."""
    return similar_open_cases(_staff_case(case_id, principal), principal)


def unit_queue(principal):
    """A unit's forwarded cases, the earliest due (so the overdue) first."""
    return (
        _with_refs()
        .where(_queue_condition(principal))
        .order_by(FeedbackCase.due_date, FeedbackCase.id)
    )


def _queue_condition(principal):
    return (FeedbackCase.unit == (principal.unit_id or 0)) & (FeedbackCase.state == FORWARDED)


def unit_queue_counts(principal):
    """The unit's queue in two numbers (the dashboard): cases waiting for its answer, and how many are overdue."""
    overdue = fn.SUM(Case(None, [(FeedbackCase.due_date < today(), 1)], 0))
    total, late = FeedbackCase.select(fn.COUNT(FeedbackCase.id), overdue).where(_queue_condition(principal)).scalar(
        as_tuple=True)
    return {"total": total or 0, "overdue": late or 0}


# States in which the station still owes something: a decision, a forward, relaying an answer, or the
# unit's answer it must chase. The dashboard counts these as open.
OPEN_STATES = (REVIEW, SUBMITTED, ACCEPTED, FORWARDED, ANSWERED)


def open_counts(principal):
    """The caller's open cases (per state, and overdue), for the dashboard: the inbox's counts, open states only."""
    found = counts(principal, {})
    states = [row for row in found["states"] if row["state"] in OPEN_STATES]
    return {"open": sum(row["count"] for row in states), "overdue": found["overdue"], "states": states}



def case_detail(case, principal):
    photos = (
        StoredFile.select().join(CasePhoto).where(CasePhoto.case == case.id).order_by(CasePhoto.position)
    )
    return {
        **summary(case),
        "content": case.content,
        "screening_label": case.screening_label,
        "name": mask_name(case.name),
        "phone": mask_phone(case.phone),
        "consent_version": case.consent_version,
        "photos": list(photos),
        "merged_into_id": case.merged_into_id,
        "rejection_reason": case.rejection_reason,
        "forwarded_at": case.forwarded_at,
        "answer": case.answer,
        "answered_at": case.answered_at,
        "reply": case.reply,
        "closed_at": case.closed_at,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "reopen_count": case.reopen_count,
        "personal_erased": case.personal_erased_at is not None,
        "actions": actions(case, principal),
    }


def summary(case):
    return {
        "id": case.id,
        "tracking_code": case.tracking_code,
        "station": case.station,
        "category": case.category,
        "excerpt": case.excerpt,
        "state": case.state,
        "state_label": case.state_label,
        "screening": case.screening,
        "unit": case.unit if case.unit_id else None,
        "due_date": case.due_date,
        "overdue": case.overdue,
        "due_mark": case.due_mark,
        "anonymous": case.anonymous,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def actions(case, principal):
    """What this caller may do to this case now: the console and the mini-program show these buttons."""
    found = []
    targets = CASE_FLOW.transitions()[case.state]
    if access.handles_station(case, principal):
        found += [MOVE_ACTIONS[(case.state, t)] for t in targets if (case.state, t) in MOVE_ACTIONS
                  and CASE_FLOW.step(case.state, t).permission == HANDLE]
    if access.handles_as_unit(case, principal):
        found += [MOVE_ACTIONS[(case.state, t)] for t in targets if (case.state, t) in MOVE_ACTIONS
                  and CASE_FLOW.step(case.state, t).permission == UNIT]
        if CASE_FLOW.allows(case.state, "extend"):
            found.append("extend")
    if allowed(principal.role, "feedback:comment") and CASE_FLOW.allows(case.state, "comment"):
        found.append("comment")
    if access.sees_contact(case, principal) and not case.anonymous:
        found.append("contact")
    return list(dict.fromkeys(found))


def contact(case, principal):
    """Name and phone in clear: only the station's staff and the handling unit, and every read is audited."""
    if not access.sees_contact(case, principal):
        raise Forbidden("只有本联络站工作人员和承办单位可以查看群众联系方式。")
    audit.record("feedback.contact_read", "feedback_case", case.id,
                 detail={"has_name": case.name is not None, "has_phone": case.phone is not None})
    return {
        "name": case.name,
        "phone": case.phone,
        "consent_version": case.consent_version,
        "consent_text": case.consent_text,
    }


def timeline(case):
    """The case's history, each row with the name of who moved it (None: the system)."""
    rows = workflow.timeline(CASE_FLOW.entity_type, case.id)
    actor_ids = {row["actor_id"] for row in rows if row["actor_id"]}
    names = {}
    if actor_ids:
        names = dict(User.select(User.id, User.display_name).where(User.id.in_(list(actor_ids))).tuples())
    return [{**row, "actor_name": names.get(row["actor_id"])} for row in rows]


def similar_open_cases(case, principal, limit=5):
    """Open cases of the same station most like this one (the merge suggestions beside a case), best first,
    each a list item with its `score` (a cosine, 0 to 1). Only for whoever decides the case: the same
    scope as the case itself, so nothing outside the caller's view is suggested."""
    found = similar.open_like(case, limit)
    if not found:
        return []
    visible = _with_refs().where(FeedbackCase.id.in_([case_id for case_id, _ in found]),
                                 access.scope_condition(principal))
    rows = {row.id: row for row in visible}
    result = []
    for case_id, score in found:
        if case_id in rows:
            rows[case_id].score = score
            result.append(rows[case_id])
    return result


def forward_due_date(days=None, now=None):
    """The due date a forward made now would set: `days` working days (the configured default if None)."""
    days = days or current_app.config["FEEDBACK_DEFAULT_DAYS"]
    return {"days": days, "due_date": add_working_days(now or utcnow(), days)}


def case_reference(text, principal):
    """The id of the case a person names by its tracking code or its number, within the caller's scope."""
    text = (text or "").strip().lstrip("#")
    if text.isdigit():
        condition = FeedbackCase.id == int(text)
    else:
        code = intake.normalise_code(text) if text else None
        condition = FeedbackCase.tracking_code == code if code else None
    found = None
    if condition is not None:
        found = FeedbackCase.select(FeedbackCase.id).where(condition, access.scope_condition(principal)).scalar()
    if found is None:
        raise Invalid("找不到该事项。", errors={"into_id": ["请输入本站事项的查询码或编号。"]})
    return found


# --- moves by station staff ---


def _staff_case(case_id, principal):
    case = access.visible_case(case_id, principal)
    if not access.handles_station(case, principal):
        raise Forbidden("只有本联络站工作人员可以办理该事项。")
    return case


def release(case_id, principal):
    case = _staff_case(case_id, principal)
    CASE_FLOW.require(case, "release")
    return CASE_FLOW.move(case, SUBMITTED, principal)


def accept(case_id, principal):
    case = _staff_case(case_id, principal)
    CASE_FLOW.require(case, "accept")
    return CASE_FLOW.move(case, ACCEPTED, principal)


def reject(case_id, principal, reason):
    case = _staff_case(case_id, principal)
    with db.atomic():
        CASE_FLOW.move(case, REJECTED, principal, reason=reason, rejection_reason=reason)
        similar.forget_case(case.id)
    return case


def merge(case_id, principal, into_id):
    case = _staff_case(case_id, principal)
    if into_id == case.id:
        raise Invalid("不能合并到事项本身。", errors={"into_id": ["不能合并到事项本身。"]})
    target = FeedbackCase.get_or_none(FeedbackCase.id == into_id)
    if target is None or target.station_id != case.station_id:
        raise Invalid("合并目标须为同一联络站的事项。", errors={"into_id": ["合并目标须为同一联络站的事项。"]})
    CASE_FLOW.step(case.state, MERGED)  # refuse an impossible move before looking at the target
    CASE_FLOW.require(target, "merge_target")
    with db.atomic():
        CASE_FLOW.move(case, MERGED, principal, payload={"into_id": target.id}, merged_into=target.id)
        similar.forget_case(case.id)
    return case


def forward(case_id, principal, unit_id, days=None):
    case = _staff_case(case_id, principal)
    # Not `step`: FORWARDED → FORWARDED is declared too, but only for an approved extension.
    CASE_FLOW.require(case, "forward")
    unit = HandlingUnit.get_or_none((HandlingUnit.id == unit_id) & (HandlingUnit.is_active == True))  # noqa: E712
    if unit is None:
        raise Invalid("承办单位不存在或已停用。", errors={"unit_id": ["承办单位不存在或已停用。"]})
    now = utcnow()
    planned = forward_due_date(days, now)
    days, due = planned["days"], planned["due_date"]
    return CASE_FLOW.move(
        case, FORWARDED, principal, payload={"unit_id": unit.id, "days": days, "due_date": due.isoformat()},
        unit=unit.id, forwarded_at=now, due_date=due, due_mark=None, answer=None, answered_at=None,
    )


def close(case_id, principal, reply=None):
    case = _staff_case(case_id, principal)
    reply = reply or case.answer
    CASE_FLOW.step(case.state, CLOSED)
    if not reply:
        raise Invalid("请填写告知群众的答复。", errors={"reply": ["请填写告知群众的答复。"]})
    with db.atomic():
        CASE_FLOW.move(case, CLOSED, principal, reply=reply, closed_at=utcnow())
        similar.forget_case(case.id)
    return case


# --- moves by the handling unit ---


def _unit_case(case_id, principal):
    case = access.visible_case(case_id, principal)
    if not access.handles_as_unit(case, principal):
        raise Forbidden("只有承办单位可以办理该事项。")
    return case


def answer(case_id, principal, text):
    case = _unit_case(case_id, principal)
    now = utcnow()
    first = {} if case.first_answer_at else {
        "first_answer_at": now, "first_unit": case.unit_id, "first_forwarded_at": case.forwarded_at,
        "first_due_date": case.due_date,
    }
    return CASE_FLOW.move(case, ANSWERED, principal, answer=text, answered_at=now, **first)


def return_case(case_id, principal, reason):
    case = _unit_case(case_id, principal)
    CASE_FLOW.require(case, "return")
    return CASE_FLOW.move(
        case, ACCEPTED, principal, reason=reason, payload={"returned_by_unit": case.unit_id},
        unit=None, due_date=None, due_mark=None, forwarded_at=None,
    )


def request_extension(case_id, principal, days, reason):
    case = _unit_case(case_id, principal)
    CASE_FLOW.require(case, "extend")
    pending = ExtensionRequest.select().where(ExtensionRequest.case == case.id, ExtensionRequest.state == PENDING)
    if pending.exists():
        raise Conflict("已有待审批的延期申请。")
    with db.atomic():
        extension = ExtensionRequest.create(
            case=case.id, unit=case.unit_id, requested_by=principal.user_id, days=days, reason=reason,
            due_before=case.due_date,
        )
        EXTENSION_FLOW.start(extension, principal, reason=reason, payload={"days": days})
    return extension_view(extension)


def _staff_extension(extension_id, principal):
    extension = ExtensionRequest.get_or_none(ExtensionRequest.id == extension_id)
    if extension is None:
        raise NotFound("延期申请不存在。")
    case = access.visible_case(extension.case_id, principal)
    if not access.handles_station(case, principal):
        raise Forbidden("只有本联络站工作人员可以审批延期。")
    return extension, case


def approve_extension(extension_id, principal):
    extension, case = _staff_extension(extension_id, principal)
    EXTENSION_FLOW.step(extension.state, APPROVED)
    CASE_FLOW.require(case, "decide_extension")
    if extension.unit_id != case.unit_id:
        raise Conflict("该申请来自已不再承办此事项的单位。")
    new_due = add_working_days(case.due_date, extension.days)
    with db.atomic():
        EXTENSION_FLOW.move(extension, APPROVED, principal, due_after=new_due, decided_by=principal.user_id)
        CASE_FLOW.move(
            case, FORWARDED, principal, reason=extension.reason,
            payload={
                "extension_id": extension.id,
                "due_before": case.due_date.isoformat(),
                "due_after": new_due.isoformat(),
            },
            due_date=new_due, due_mark=None,
        )
    return extension_view(extension)


def refuse_extension(extension_id, principal, reason):
    extension, case = _staff_extension(extension_id, principal)
    EXTENSION_FLOW.move(extension, REFUSED, principal, reason=reason, decision_reason=reason,
                        decided_by=principal.user_id)
    return extension_view(extension)


def extensions_of(case):
    query = (ExtensionRequest.select(ExtensionRequest, HandlingUnit.id, HandlingUnit.name).join(HandlingUnit)
             .where(ExtensionRequest.case == case.id).order_by(ExtensionRequest.id))
    return [extension_view(e) for e in query]


def extension_view(extension):
    return {
        "id": extension.id,
        "case_id": extension.case_id,
        "unit": extension.unit,
        "days": extension.days,
        "reason": extension.reason,
        "state": extension.state,
        "state_label": EXTENSION_LABELS[extension.state],
        "due_before": extension.due_before,
        "due_after": extension.due_after,
        "decision_reason": extension.decision_reason,
        "created_at": extension.created_at,
        "updated_at": extension.updated_at,
    }


# --- comments (deputies and staff: comment and propose, never decide) ---


def add_comment(case_id, principal, body, kind):
    case = access.visible_case(case_id, principal)
    CASE_FLOW.require(case, "comment")
    with db.atomic():
        comment = CaseComment.create(
            case=case.id, author=principal.user_id, author_role=principal.role, kind=kind, body=body
        )
        if principal.role == DEPUTY and principal.deputy_id:
            # On the deputy's record: one entry per case however many comments (the latest time counts).
            record_event(principal.deputy_id, COMMENT_EVENT, "feedback_case", case.id,
                         payload={"title": f"群众意见 #{case.id}（{case.category}）"})
    return comment_view(comment, User.select(User.display_name).where(User.id == principal.user_id).scalar())


def comments_of(case):
    query = (CaseComment.select(CaseComment, User.display_name.alias("author_name"))
             .join(User, JOIN.LEFT_OUTER, on=(CaseComment.author == User.id))
             .where(CaseComment.case == case.id).order_by(CaseComment.id).objects())
    return [comment_view(c, c.author_name) for c in query]


def comment_view(comment, author_name):
    return {
        "id": comment.id,
        "author_id": comment.author_id,
        "author_name": author_name,
        "author_role": comment.author_role,
        "kind": comment.kind,
        "body": comment.body,
        "created_at": comment.created_at,
    }


# --- the constituent: tracking, my cases, rating ---


def track(raw_code):
    intake.limit(f"feedback:track:{client_address()}", current_app.config["FEEDBACK_TRACK_PER_ADDRESS_MINUTE"], MINUTE)
    code = intake.normalise_code(raw_code)
    case = _with_refs().where(FeedbackCase.tracking_code == code).first() if code else None
    if case is None:
        raise NotFound("查询码不存在，请核对后重试。")
    return public_view(case)


def public_view(case):
    """Status and answer only: never the content, the name, the phone, or who handled it."""
    reply = case.reply if case.state in (CLOSED, RATED) else None
    if case.state == MERGED and case.merged_into_id:
        target = FeedbackCase.get_or_none(FeedbackCase.id == case.merged_into_id)
        if target is not None and target.state in (CLOSED, RATED):
            reply = target.reply  # merged cases are answered together
    steps = [
        {"state": row["to_state"], "label": row["to_label"], "at": row["at"]}
        for row in workflow.timeline(CASE_FLOW.entity_type, case.id)
    ]
    return {
        "tracking_code": case.tracking_code,
        "station": case.station,
        "category": case.category,
        "state": case.state,
        "state_label": case.state_label,
        "submitted_at": case.created_at,
        "due_date": case.due_date,
        "reply": reply,
        "rejection_reason": case.rejection_reason if case.state == REJECTED else None,
        "rating": case.rating,
        "steps": steps,
    }


def my_cases(principal):
    return _with_refs().where(FeedbackCase.submitter == principal.user_id).order_by(FeedbackCase.id.desc())


def my_case(case_id, principal):
    case = _own_case(case_id, principal)
    return {
        **public_view(case),
        "id": case.id,
        "content": case.content,
        "rating_comment": case.rating_comment,
        "can_rate": CASE_FLOW.allows(case.state, "rate"),
        "can_reopen": case.state == RATED and unsatisfied_once(case) is None,
    }


def _own_case(case_id, principal):
    case = _with_refs().where(FeedbackCase.id == case_id, FeedbackCase.submitter == principal.user_id).first()
    if case is None:
        raise NotFound("事项不存在。")
    return case


def rate(case_id, principal, data):
    case = _own_case(case_id, principal)
    CASE_FLOW.require(case, "rate")
    with db.atomic():
        CASE_FLOW.move(case, RATED, principal, payload={"rating": data["rating"]}, rating=data["rating"],
                       rating_comment=data.get("comment"), rated_at=utcnow())
        if data.get("reopen"):
            _reopen(case, principal, data["reason"])
    return my_case(case.id, principal)


def reopen(case_id, principal, reason):
    case = _own_case(case_id, principal)
    with db.atomic():
        _reopen(case, principal, reason)
    return my_case(case.id, principal)


def _reopen(case, principal, reason):
    CASE_FLOW.require(case, "reopen")
    CASE_FLOW.move(case, ACCEPTED, principal, reason=reason, reopen_count=case.reopen_count + 1,
                   unit=None, due_date=None, due_mark=None, forwarded_at=None)
    similar.index_case(case)  # open again: a merge target and a duplicate candidate


# --- the word list ---


def words():
    return BlockedWord.select().order_by(BlockedWord.word)


def blocked_words():
    """The word list as plain strings, for the modules that screen text with it (consultations)."""
    return screening.blocked_words()


def add_word(word, principal):
    if BlockedWord.select().where(BlockedWord.word == word).exists():
        raise Conflict("该词已在词表中。", errors={"word": ["已存在。"]})
    return BlockedWord.create(word=word, created_by=principal.user_id)


def delete_word(word_id):
    if not BlockedWord.delete().where(BlockedWord.id == word_id).execute():
        raise NotFound("词不存在。")
