"""Drafting and submitting (the deputy), co-signing, review and assignment (the office), rating, supervision."""
from peewee import JOIN

from api.common import audit, events, workflow
from api.common.db import utcnow
from api.common.errors import Conflict, Forbidden, Invalid, InvalidMove, NotFound
from api.deputies.models import STATUS_SERVING, Deputy
from api.extensions import db
from api.files.models import StoredFile
from api.org.models import Delegation, HandlingUnit
from api.suggestions import access, digest, ledger, routing, selfcheck, similar
from api.suggestions import search_index as searchable
from api.suggestions.deadlines import answer_due
from api.suggestions.models import (
    A_WITHDRAWN,
    ACCEPTED,
    ASSIGNED,
    CATEGORIES,
    CO,
    COSIGN_CONFIRMED,
    COSIGN_DECLINED,
    COSIGN_INVITED,
    COSIGN_LABELS,
    DRAFT,
    LEAD,
    MERGED,
    ON_RECORD,
    PERIODS,
    RATED,
    REJECTED,
    SEPARATE,
    SUBMITTED,
    Assignment,
    Attachment,
    Cosigner,
    ProgressReport,
    Suggestion,
)
from api.suggestions.workflow import ASSIGNMENT_FLOW, SUGGESTION_FLOW

DRAFT_FIELDS = ("title", "problem", "cause", "proposal", "category", "period")
MAX_COSIGNERS = 30
DETAIL_FIELDS = (
    "id", "title", "category", "period", "term", "state", "state_label", "abstract", "key_points", "key",
    "supervisor", "due_date", "rating", "rounds", "submitted_at", "created_at", "updated_at", "problem", "cause",
    "proposal", "rejection_reason", "passed_to", "merged_into_id", "rating_comment", "first_rating",
    "publish_consent", "consent_at",
)
MAX_ATTACHMENTS = 10


# --- reading ---


def _with_refs():
    return (Suggestion.select(Suggestion, Deputy.id, Deputy.name, HandlingUnit.id, HandlingUnit.name)
            .join(Deputy, on=(Suggestion.deputy == Deputy.id))
            .switch(Suggestion)
            .join(HandlingUnit, JOIN.LEFT_OUTER, on=(Suggestion.recommended_unit == HandlingUnit.id)))


def list_suggestions(principal, args):
    query = _with_refs().where(access.scope_condition(principal))
    if args.get("state"):
        query = query.where(Suggestion.state.in_(args["state"]))
    if "category" in args:
        query = query.where(Suggestion.category == args["category"])
    if "key" in args:
        query = query.where(Suggestion.key == args["key"])
    if "term" in args:
        query = query.where(Suggestion.term == args["term"])
    if "deputy_id" in args:
        query = query.where(Suggestion.deputy == args["deputy_id"])
    if args.get("q"):
        query = query.where(Suggestion.title.contains(args["q"]))
    if args.get("mine"):
        query = query.where(Suggestion.deputy.in_(list(principal.deputy_ids) or [0]))
    return query.order_by(Suggestion.id.desc())


def detail(suggestion, principal):
    assignments = list(
        Assignment.select(Assignment, HandlingUnit.id, HandlingUnit.name)
        .join(HandlingUnit).where(Assignment.suggestion == suggestion.id).order_by(Assignment.round, Assignment.id))
    lead_units = {a.unit_id for a in assignments if a.role == LEAD and a.state != A_WITHDRAWN}
    shown = [a for a in assignments if access.sees_assignment(a, principal, lead_units)]
    cosigners = (Cosigner.select(Cosigner, Deputy.id, Deputy.name).join(Deputy)
                 .where(Cosigner.suggestion == suggestion.id).order_by(Cosigner.id))
    files = (StoredFile.select().join(Attachment).where(Attachment.suggestion == suggestion.id)
             .order_by(Attachment.position))
    return {
        **{name: getattr(suggestion, name) for name in DETAIL_FIELDS},
        "deputy": suggestion.deputy,
        "recommended_unit": suggestion.recommended_unit if suggestion.recommended_unit_id else None,
        "cosigners": [{"deputy": c.deputy, "state": c.state, "state_label": COSIGN_LABELS[c.state],
                       "answered_at": c.answered_at} for c in cosigners],
        "attachments": list(files),
        "assignments": shown,
        "commitments": list(ledger.of_suggestion(suggestion.id, principal)),
        "actions": actions(suggestion, principal),
    }


def actions(suggestion, principal):
    """What the caller may do now: the console and the mini-program show these buttons."""
    found = []
    state = suggestion.state
    if access.leads(suggestion, principal):
        if state == DRAFT:
            found += ["edit", "delete", "submit"]
        if state == "answered":
            found.append("rate")
        if SUGGESTION_FLOW.allows(state, "consent"):
            found.append("consent")
    if principal.role == "deputy" and not access.leads(suggestion, principal) and SUGGESTION_FLOW.allows(
            state, "cosign"):
        invited = Cosigner.select().where(Cosigner.suggestion == suggestion.id, Cosigner.state == COSIGN_INVITED,
                                          Cosigner.deputy.in_(list(principal.deputy_ids) or [0])).exists()
        if invited:
            found.append("cosign")
    if principal.role in ("admin", "staff"):
        targets = SUGGESTION_FLOW.transitions()[state]
        found += [name for target, name in ((ACCEPTED, "accept"), (REJECTED, "reject"), (MERGED, "merge"))
                  if target in targets]
        if state == ACCEPTED:
            found.append("assign")
        if state == RATED and SUGGESTION_FLOW.step(state, ASSIGNED).guards[0](suggestion) is None:
            found.append("rehandle")
        for capability in ("digest", "supervise"):
            if SUGGESTION_FLOW.allows(state, capability):
                found.append(capability)
    return found


def timeline(suggestion):
    return workflow.timeline(SUGGESTION_FLOW.entity_type, suggestion.id)


# --- drafting ---


def _deputy_of(principal):
    deputy = Deputy.get_or_none(Deputy.id == principal.deputy_id) if principal.deputy_id else None
    if deputy is None:
        raise Forbidden("该账号未关联代表，不能撰写建议。")
    return deputy


def create_draft(principal, data):
    deputy = _deputy_of(principal)
    with db.atomic():
        suggestion = Suggestion.create(
            deputy=deputy.id, author=principal.user_id, term=deputy.term,
            **{key: data[key] for key in DRAFT_FIELDS if data.get(key) is not None},
        )
        SUGGESTION_FLOW.start(suggestion, principal)
        _set_attachments(suggestion, data.get("attachment_ids"), principal)
        _set_cosigners(suggestion, data.get("cosigner_ids"), deputy.id)
    return suggestion


def update_draft(suggestion_id, principal, data):
    suggestion = access.owned(suggestion_id, principal)
    SUGGESTION_FLOW.require(suggestion, "edit")
    changes = {key: data[key] for key in DRAFT_FIELDS if key in data and data[key] is not None}
    with db.atomic():
        if changes:
            changes["updated_at"] = utcnow()
            Suggestion.update(**changes).where(Suggestion.id == suggestion.id, Suggestion.state == DRAFT).execute()
        if "attachment_ids" in data:
            _set_attachments(suggestion, data["attachment_ids"], principal)
        if "cosigner_ids" in data:
            _set_cosigners(suggestion, data["cosigner_ids"], suggestion.deputy_id)
    return Suggestion.get_by_id(suggestion.id)


def delete_draft(suggestion_id, principal):
    suggestion = access.owned(suggestion_id, principal)
    SUGGESTION_FLOW.require(suggestion, "delete")
    Suggestion.delete().where(Suggestion.id == suggestion.id, Suggestion.state == DRAFT).execute()


def _set_attachments(suggestion, file_ids, principal):
    if file_ids is None:
        return
    file_ids = list(dict.fromkeys(file_ids))[:MAX_ATTACHMENTS]
    own = {fid for (fid,) in StoredFile.select(StoredFile.id).where(
        StoredFile.id.in_(file_ids or [0]), StoredFile.uploaded_by == principal.user_id).tuples()}
    missing = [fid for fid in file_ids if fid not in own]
    if missing:
        raise Invalid("附件不存在或不是本人上传的。", errors={"attachment_ids": ["附件不存在或不是本人上传的。"]})
    Attachment.delete().where(Attachment.suggestion == suggestion.id).execute()
    if file_ids:
        Attachment.insert_many([{"suggestion": suggestion.id, "file": fid, "position": i}
                                for i, fid in enumerate(file_ids)]).execute()


def _set_cosigners(suggestion, deputy_ids, lead_id):
    if deputy_ids is None:
        return
    wanted = [d for d in dict.fromkeys(deputy_ids) if d != lead_id]
    if len(wanted) > MAX_COSIGNERS:
        raise Invalid("附议代表过多。", errors={"cosigner_ids": [f"最多 {MAX_COSIGNERS} 位。"]})
    found = {d for (d,) in Deputy.select(Deputy.id).where(Deputy.id.in_(wanted or [0])).tuples()}
    if len(found) != len(wanted):
        raise Invalid("附议代表不存在。", errors={"cosigner_ids": ["附议代表不存在。"]})
    Cosigner.delete().where(Cosigner.suggestion == suggestion.id, Cosigner.deputy.not_in(wanted or [0])).execute()
    if wanted:
        rows = [{"suggestion": suggestion.id, "deputy": d} for d in wanted]
        Cosigner.insert_many(rows).on_conflict_ignore().execute()


def drafting_info():
    return {"categories": list(CATEGORIES), "periods": [{"key": k, "label": v} for k, v in PERIODS.items()]}


def cosigner_candidates(principal, q):
    """Serving deputies of the writer's congress a draft may invite to co-sign, by name (at most 20)."""
    me = _deputy_of(principal)
    query = (Deputy.select(Deputy.id, Deputy.name, Delegation.name.alias("delegation_name"))
             .join(Delegation, on=(Deputy.delegation == Delegation.id))
             .where(Deputy.congress == me.congress_id, Deputy.status == STATUS_SERVING, Deputy.id != me.id))
    if q:
        query = query.where(Deputy.name.contains(q))
    return [{"id": d.id, "name": d.name, "delegation": d.delegation_name}
            for d in query.order_by(Deputy.name, Deputy.id).limit(20).objects()]


def self_check(suggestion_id, principal):
    suggestion = access.owned(suggestion_id, principal)
    return selfcheck.run(_draft_of(suggestion), suggestion.term, exclude=suggestion.id)


def duplicates(suggestion):
    """This term's suggestions most like this one, with their answers (the review queue's duplicate hints)."""
    return similar.duplicates(_draft_of(suggestion), suggestion.term, exclude=suggestion.id)


def check_text(principal, data):
    return selfcheck.run(data, _deputy_of(principal).term)


def _draft_of(suggestion):
    return {key: getattr(suggestion, key) for key in ("title", "problem", "cause", "proposal")}


def submit(suggestion_id, principal, confirm_warnings=False):
    suggestion = access.owned(suggestion_id, principal)
    SUGGESTION_FLOW.step(suggestion.state, SUBMITTED)
    checked = selfcheck.run(_draft_of(suggestion), suggestion.term, exclude=suggestion.id)
    failed = {r["rule"]: [r["reason"]] for r in checked["rules"] if r["blocking"] and not r["passed"]}
    if failed:
        raise Invalid("建议未通过自检，请按提示修改后再提交。", errors=failed)
    if checked["warnings"] and not confirm_warnings:
        reasons = [r["reason"] for r in checked["rules"] if r["rule"] in checked["warnings"]]
        raise Invalid("自检有提示，请查看后确认再提交。", errors={"confirm_warnings": reasons})
    units = routing.suggest_units(suggestion.matter, suggestion.category, exclude=suggestion.id)
    now = utcnow()
    with db.atomic():
        SUGGESTION_FLOW.move(
            suggestion, SUBMITTED, principal,
            payload={"warnings": checked["warnings"]} if checked["warnings"] else None,
            submitted_at=now,
            abstract=digest.abstract(suggestion.problem, suggestion.cause, suggestion.proposal),
            key_points=digest.key_points(suggestion.proposal),
            recommended_unit=units[0]["unit"]["id"] if units else None,
        )
        similar.index(suggestion)
        events.record_event(suggestion.deputy_id, "suggestion.submit", "suggestion", suggestion.id,
                            {"title": suggestion.title[:60]}, occurred_at=now)
    return suggestion


def cosign(suggestion_id, principal, accept):
    suggestion = access.visible(suggestion_id, principal)
    SUGGESTION_FLOW.require(suggestion, "cosign")
    invitation = Cosigner.get_or_none(Cosigner.suggestion == suggestion.id,
                                      Cosigner.deputy.in_(list(principal.deputy_ids) or [0]))
    if invitation is None:
        raise Forbidden("您未被邀请附议该建议。")
    if invitation.state != COSIGN_INVITED:
        raise Conflict(f"您已{COSIGN_LABELS[invitation.state]}。")
    state = COSIGN_CONFIRMED if accept else COSIGN_DECLINED
    with db.atomic():
        moved = Cosigner.update(state=state, answered_at=utcnow()).where(
            Cosigner.id == invitation.id, Cosigner.state == COSIGN_INVITED).execute()
        if not moved:
            raise Conflict("您已答复过该邀请。")
        if accept:
            events.record_event(invitation.deputy_id, "suggestion.cosign", "suggestion", suggestion.id,
                                {"title": suggestion.title[:60]})
    return suggestion


# --- review (the office) ---


def _office(suggestion_id, principal):
    return access.visible(suggestion_id, principal)


def accept(suggestion_id, principal):
    return SUGGESTION_FLOW.move(_office(suggestion_id, principal), ACCEPTED, principal)


def reject(suggestion_id, principal, reason, passed_to):
    suggestion = _office(suggestion_id, principal)
    with db.atomic():
        SUGGESTION_FLOW.move(suggestion, REJECTED, principal, reason=reason, payload={"passed_to": passed_to},
                             rejection_reason=reason, passed_to=passed_to)
        similar.forget(suggestion.id)
    return suggestion


def merge(suggestion_id, principal, into_id):
    suggestion = _office(suggestion_id, principal)
    if into_id == suggestion.id:
        raise Invalid("不能并入建议本身。", errors={"into_id": ["不能并入建议本身。"]})
    SUGGESTION_FLOW.step(suggestion.state, MERGED)
    target = Suggestion.get_or_none(Suggestion.id == into_id)
    if target is None or target.state not in ON_RECORD:
        raise Invalid("并案目标须为已提交的建议。", errors={"into_id": ["并案目标须为已提交的建议。"]})
    SUGGESTION_FLOW.require(target, "merge_target")
    with db.atomic():
        SUGGESTION_FLOW.move(suggestion, MERGED, principal, payload={"into_id": target.id}, merged_into=target.id)
        similar.forget(suggestion.id)
    return suggestion


def update_digest(suggestion_id, principal, data):
    suggestion = _office(suggestion_id, principal)
    SUGGESTION_FLOW.require(suggestion, "digest")
    changes = {key: data[key] for key in ("abstract", "key_points") if key in data}
    if "recommended_unit_id" in data:
        unit_id = data["recommended_unit_id"]
        if unit_id is not None and not HandlingUnit.select().where(HandlingUnit.id == unit_id).exists():
            raise Invalid("承办单位不存在。", errors={"recommended_unit_id": ["承办单位不存在。"]})
        changes["recommended_unit"] = unit_id
    if changes:
        changes["updated_at"] = utcnow()
        Suggestion.update(**changes).where(Suggestion.id == suggestion.id).execute()
    return Suggestion.get_by_id(suggestion.id)


def assignment_suggestion(suggestion_id, principal):
    suggestion = _office(suggestion_id, principal)
    return routing.suggest_units(suggestion.matter, suggestion.category, exclude=suggestion.id)


def _units(ids, field):
    found = {u.id for u in HandlingUnit.select(HandlingUnit.id).where(HandlingUnit.id.in_(ids or [0]),
                                                                       HandlingUnit.is_active == True)}  # noqa: E712
    if len(found) != len(ids):
        raise Invalid("承办单位不存在或已停用。", errors={field: ["承办单位不存在或已停用。"]})


def plan(data):
    """[(unit id, role)] of an assignment request: one lead with co-units, or 分办 to several units."""
    if data["mode"] == LEAD:
        lead, co = data.get("lead_unit_id"), list(dict.fromkeys(data.get("co_unit_ids") or []))
        if lead is None:
            raise Invalid("请选择主办单位。", errors={"lead_unit_id": ["请选择主办单位。"]})
        if lead in co:
            raise Invalid("主办单位不能同时是协办单位。", errors={"co_unit_ids": ["主办单位不能同时是协办单位。"]})
        _units([lead], "lead_unit_id")
        _units(co, "co_unit_ids")
        return [(lead, LEAD)] + [(unit_id, CO) for unit_id in co]
    units = list(dict.fromkeys(data.get("unit_ids") or []))
    if len(units) < 2:
        raise Invalid("分办须选择至少两个单位。", errors={"unit_ids": ["分办须选择至少两个单位。"]})
    _units(units, "unit_ids")
    return [(unit_id, SEPARATE) for unit_id in units]


def assign(suggestion_id, principal, data, rehandle=False):
    """交办 (or, after 不满意, 重新交办 once): one assignment row per unit, due on the working-day calendar."""
    suggestion = _office(suggestion_id, principal)
    SUGGESTION_FLOW.step(suggestion.state, ASSIGNED)
    if (suggestion.state == RATED) != rehandle:  # 交办 from 已立案 only; 重新交办 from 已评价 only
        raise InvalidMove(f"建议当前为「{suggestion.state_label}」，不能{'重新交办' if rehandle else '交办'}。",
                          errors={"state": [suggestion.state]}, current_state=suggestion.state)
    units = plan(data)
    now = utcnow()
    due = answer_due(now)
    round_ = suggestion.rounds + 1
    with db.atomic():
        extra = {"first_rating": suggestion.rating, "rating": None, "rating_comment": None, "rated_at": None} \
            if rehandle else {}
        SUGGESTION_FLOW.move(suggestion, ASSIGNED, principal, reason=data.get("reason"),
                             payload={"units": [[u, r] for u, r in units], "round": round_},
                             assigned_at=now, due_date=due, rounds=round_, **extra)
        for unit_id, role in units:
            row = Assignment.create(suggestion=suggestion.id, unit=unit_id, role=role, round=round_,
                                    assigned_at=now, due_date=due)
            ASSIGNMENT_FLOW.start(row, principal)
    return suggestion


# --- the deputy after the answer ---


def rate(suggestion_id, principal, rating, comment):
    suggestion = access.owned(suggestion_id, principal)
    now = utcnow()
    with db.atomic():
        SUGGESTION_FLOW.move(suggestion, RATED, principal, reason=comment, payload={"rating": rating},
                             rating=rating, rating_comment=comment, rated_at=now,
                             **({"first_rating": rating} if suggestion.rounds <= 1 else {}))
        events.record_event(suggestion.deputy_id, "suggestion.rate", "suggestion", suggestion.id,
                            {"title": suggestion.title[:60], "rating": rating}, occurred_at=now)
    return suggestion


def set_consent(suggestion_id, principal, consent):
    suggestion = access.owned(suggestion_id, principal)
    SUGGESTION_FLOW.require(suggestion, "consent")
    now = utcnow()
    Suggestion.update(publish_consent=consent, consent_at=now, updated_at=now).where(
        Suggestion.id == suggestion.id).execute()
    audit.record("suggestion.publish_consent", "suggestion", suggestion.id, detail={"consent": consent})
    suggestion.publish_consent, suggestion.consent_at = consent, now
    if not consent:  # withdrawn consent takes published answers down, out of the search too
        with db.atomic():
            Assignment.update(published=False).where(Assignment.suggestion == suggestion.id).execute()
            searchable.remove_of_suggestion(suggestion.id)
    return suggestion


# --- supervision ---


def supervise(suggestion_id, principal, key, supervisor):
    suggestion = _office(suggestion_id, principal)
    SUGGESTION_FLOW.require(suggestion, "supervise")
    if key and not supervisor:
        raise Invalid("重点督办须指定督办领导。", errors={"supervisor": ["请填写督办领导。"]})
    Suggestion.update(key=key, supervisor=supervisor if key else None, updated_at=utcnow()).where(
        Suggestion.id == suggestion.id).execute()
    audit.record("suggestion.supervise", "suggestion", suggestion.id, detail={"key": key, "supervisor": supervisor})
    return Suggestion.get_by_id(suggestion.id)


def progress_of(suggestion_id, principal):
    suggestion = access.visible(suggestion_id, principal)
    return ProgressReport.select().where(ProgressReport.suggestion == suggestion.id).order_by(ProgressReport.id)


def add_progress(suggestion_id, principal, body):
    suggestion = access.visible(suggestion_id, principal)
    if principal.role == "deputy":
        raise Forbidden("代表不填写督办进展。")
    if not suggestion.key:
        raise Conflict("只有重点督办建议填写督办进展。")
    return ProgressReport.create(suggestion=suggestion.id, author=principal.user_id, body=body)


def get_or_404(suggestion_id):
    found = Suggestion.get_or_none(Suggestion.id == suggestion_id)
    if found is None:
        raise NotFound("建议不存在。")
    return found
