"""Training classes (专题学习班): sessions, invitations with reply slips, attendance by QR or by staff."""
from api.common import checkin
from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Conflict, Forbidden, Invalid, NotFound
from api.common.events import record_event
from api.deputies.models import STATUS_SERVING, Deputy
from api.extensions import db
from api.materials.models import (
    BY_QR,
    BY_STAFF,
    INVITED,
    REPLY_LABELS,
    Attendance,
    ClassSession,
    Invitation,
    TrainingClass,
)

PURPOSE = "training"
ATTEND_EVENT = "training.attend"
NOT_INVITED = "您未受邀参加该学习班。"


def get_class(class_id):
    found = TrainingClass.get_or_none(TrainingClass.id == class_id)
    if found is None:
        raise NotFound("学习班不存在。")
    return found


def get_session(session_id):
    found = ClassSession.get_or_none(ClassSession.id == session_id)
    if found is None:
        raise NotFound("场次不存在。")
    return found


def list_classes():
    return TrainingClass.select().order_by(TrainingClass.starts_on.desc(), TrainingClass.id.desc())


def detail(training_class):
    training_class.sessions = list(
        ClassSession.select().where(ClassSession.training_class == training_class.id).order_by(ClassSession.starts_at)
    )
    training_class.invited = Invitation.select().where(Invitation.training_class == training_class.id).count()
    return training_class


def create_class(data, principal):
    with db.atomic():
        created = TrainingClass.create(**data, created_by=principal.user_id)
        record("training_class.create", "training_class", created.id)
    return detail(created)


def update_class(training_class, data):
    starts, ends = data.get("starts_on", training_class.starts_on), data.get("ends_on", training_class.ends_on)
    if ends < starts:
        raise Invalid("结束日期不能早于开始日期。", errors={"ends_on": ["结束日期不能早于开始日期。"]})
    TrainingClass.update(**data, updated_at=utcnow()).where(TrainingClass.id == training_class.id).execute()
    return detail(get_class(training_class.id))


def add_session(training_class, data):
    return ClassSession.create(training_class=training_class.id, **data)


def invite(training_class, deputy_ids):
    """Invite serving deputies (again is harmless); 422 naming any that do not exist or left office."""
    wanted = list(dict.fromkeys(deputy_ids))
    serving_query = Deputy.select(Deputy.id).where(Deputy.id.in_(wanted) & (Deputy.status == STATUS_SERVING))
    serving = {i for (i,) in serving_query.tuples()}
    missing = [i for i in wanted if i not in serving]
    if missing:
        raise Invalid("名单中有不存在或已离任的代表。", errors={"deputy_ids": [f"不可邀请：{missing[:20]}"]})
    with db.atomic():
        before = Invitation.select().where(Invitation.training_class == training_class.id).count()
        Invitation.insert_many(
            [{"training_class": training_class.id, "deputy": i} for i in wanted]
        ).on_conflict_ignore().execute()
        total = Invitation.select().where(Invitation.training_class == training_class.id).count()
        record("training_class.invite", "training_class", training_class.id, detail={"invited": total - before})
    return {"invited": total - before, "total": total}


# --- deputies ---


def _my_invitation(principal, class_id):
    if principal.deputy_id is None:
        raise Forbidden(NOT_INVITED)
    invitation = Invitation.get_or_none(
        (Invitation.training_class == class_id) & Invitation.deputy.in_(_seats(principal))
    )
    if invitation is None:
        raise NotFound("学习班不存在。")
    return invitation


def _seats(principal):
    return list(principal.deputy_ids or (principal.deputy_id,))


def my_classes(principal):
    if principal.deputy_id is None:
        raise Forbidden(NOT_INVITED)
    invited = Invitation.select(Invitation.training_class).where(Invitation.deputy.in_(_seats(principal)))
    return TrainingClass.select().where(TrainingClass.id.in_(invited)).order_by(TrainingClass.starts_on.desc())


def my_class(principal, class_id):
    invitation = _my_invitation(principal, class_id)
    found = detail(get_class(class_id))
    found.reply, found.reply_label, found.reason = invitation.reply, REPLY_LABELS[invitation.reply], invitation.reason
    session_ids = [s.id for s in found.sessions]
    found.attended_session_ids = [
        i for (i,) in Attendance.select(Attendance.session)
        .where(Attendance.session.in_(session_ids) & (Attendance.deputy == invitation.deputy_id)).tuples()
    ]
    return found


def reply(principal, class_id, data):
    """Attend, or ask for leave with a reason; may be changed until the class ends."""
    invitation = _my_invitation(principal, class_id)
    training_class = get_class(class_id)
    if training_class.ends_on < utcnow().date():
        raise Conflict("学习班已结束，不能再修改回执。")
    Invitation.update(reply=data["reply"], reason=data.get("reason"), replied_at=utcnow()).where(
        Invitation.id == invitation.id
    ).execute()
    return my_class(principal, class_id)


def current_code(session):
    """The code the staff screen shows now (rotates every CHECKIN_STEP_SECONDS)."""
    return checkin.issue_code(PURPOSE, session.id, session.starts_at, session.ends_at)


def check_in(principal, code):
    """A deputy's scan: the code names the session; only an invited deputy checks in, once."""
    _, session_id, _ = checkin.read_code(code)
    session = get_session(session_id)
    invitation = _my_invitation(principal, session.training_class_id)
    checkin.verify_code(PURPOSE, session.id, code, f"d{invitation.deputy_id}", session.starts_at, session.ends_at)
    return _attend(session, invitation.deputy_id, BY_QR, None)


def mark(session, deputy_id, principal):
    """Staff record someone present (no phone, a failed scan)."""
    invitation = Invitation.get_or_none(
        (Invitation.training_class == session.training_class_id) & (Invitation.deputy == deputy_id)
    )
    if invitation is None:
        raise Invalid("该代表未受邀参加本学习班。", errors={"deputy_id": ["未受邀。"]})
    return _attend(session, deputy_id, BY_STAFF, principal.user_id)


def _attend(session, deputy_id, method, marked_by):
    training_class = get_class(session.training_class_id)
    with db.atomic():
        # The first way someone was marked present stands (a scan after staff marked them changes nothing).
        Attendance.insert(
            session=session.id, deputy=deputy_id, method=method, marked_by=marked_by
        ).on_conflict_ignore().execute()
        title = f"{training_class.title}·{session.title}"[:100]
        record_event(deputy_id, ATTEND_EVENT, "class_session", session.id, {"title": title})
        if method == BY_STAFF:
            record("training_class.mark", "class_session", session.id, detail={"deputy_id": deputy_id})
    return Attendance.get((Attendance.session == session.id) & (Attendance.deputy == deputy_id))


def invitation_state(deputy_id, class_id):
    row = Invitation.get_or_none((Invitation.training_class == class_id) & (Invitation.deputy == deputy_id))
    return row.reply if row else INVITED
