"""Activities, the deputy's side: my invitations, the reply slip (attend / leave with a reason), check-in by
scanning the rotating code, and my report (with photos) afterwards."""
from api.activities import services
from api.activities.models import (
    ATTEND,
    ATTENDING,
    CANCELLED,
    LEAVE,
    LEAVE_PENDING,
    ON_LEAVE,
    Activity,
    ActivityReport,
    Invitation,
)
from api.activities.workflow import ACTIVITY_FLOW, INVITATION_FLOW
from api.common import checkin as codes
from api.common.db import is_postgres, utcnow
from api.common.errors import Conflict, Forbidden, Invalid, NotFound
from api.common.events import record_event
from api.extensions import db
from api.files.models import StoredFile


def own_deputy(principal):
    if principal.deputy_id is None:
        raise Forbidden("当前账号未关联代表。")
    return principal.deputy_id


def my_invitations(principal, args=None):
    args = args or {}
    query = (
        Invitation.select(Invitation, Activity)
        .join(Activity)
        .where(Invitation.deputy == own_deputy(principal), Activity.state != "draft")
        .order_by(Activity.starts_at.desc(), Activity.id.desc())
    )
    if args.get("upcoming"):
        query = query.where(Activity.ends_at >= utcnow(), Activity.state != CANCELLED)
    return query


def my_invitation(principal, activity_id):
    entry = my_invitations(principal).where(Invitation.activity == activity_id).first()
    if entry is None:
        raise NotFound("没有该活动的邀请。")
    entry.my_report = ActivityReport.get_or_none(ActivityReport.activity == activity_id,
                                                 ActivityReport.deputy == entry.deputy_id)
    return entry


def reply(principal, activity_id, data):
    """The reply slip: 参加, or 请假 with a reason (pending staff approval where the kind requires it)."""
    entry = my_invitation(principal, activity_id)
    activity = entry.activity
    ACTIVITY_FLOW.require(activity, "reply")
    if utcnow() >= activity.starts_at:
        raise Conflict("活动已开始，不能再修改回复。")
    if data["option"] == LEAVE:
        if not data.get("reason"):
            raise Invalid(errors={"reason": ["请假须填写理由。"]})
        target = LEAVE_PENDING if activity.needs_leave_approval else ON_LEAVE
    elif data["option"] == ATTEND:
        target = ATTENDING
    else:
        raise Invalid(errors={"option": [f"取值须为：{ATTEND}、{LEAVE}。"]})
    reason = data.get("reason") if target != ATTENDING else None
    if entry.state == target:
        Invitation.update(leave_reason=reason, updated_at=utcnow()).where(Invitation.id == entry.id).execute()
        return my_invitation(principal, activity_id)
    with db.atomic():
        if target == ATTENDING and activity.capacity is not None:
            if is_postgres():
                # Lock the activity row so two answers for the last seat cannot both pass the count.
                list(Activity.select(Activity.id).where(Activity.id == activity.id).for_update())
            taken = Invitation.select().where(Invitation.activity == activity.id, Invitation.state == ATTENDING).count()
            if taken >= activity.capacity:
                raise Conflict(f"报名人数已满（{activity.capacity} 人）。")
        INVITATION_FLOW.move(entry, target, principal, reason=reason, leave_reason=reason, replied_at=utcnow(),
                             decided_by=None, decision_note=None)
    return my_invitation(principal, activity_id)


def scan(principal, code):
    """Check in with the scanned text of the rotating code: expired, forged and replayed codes are refused."""
    deputy_id = own_deputy(principal)
    purpose, activity_id, _ = codes.read_code(code)
    if purpose != services.CHECKIN_PURPOSE:
        raise Invalid("这不是活动签到码。")
    activity = services.get(activity_id)
    entry = Invitation.get_or_none(Invitation.activity == activity.id, Invitation.deputy == deputy_id)
    if entry is None:
        raise Forbidden("您不在本次活动的邀请名单中，请联系工作人员签到。")
    ACTIVITY_FLOW.require(activity, "checkin")
    opens, closes = services.checkin_window(activity)
    codes.verify_code(services.CHECKIN_PURPOSE, activity.id, code, principal.user_id, opens, closes)
    return services.check_in(activity, entry, "qr")


def save_report(principal, activity_id, data):
    """My report after the activity: one per deputy and activity, editable; on my record as activity.report."""
    entry = my_invitation(principal, activity_id)
    activity = entry.activity
    ACTIVITY_FLOW.require(activity, "report")
    if utcnow() < activity.starts_at:
        raise Conflict("活动开始后才能提交报告。")
    _check_photos(principal, data.get("photo_ids") or [])
    now = utcnow()
    values = {"kind": data["kind"], "title": data["title"], "body": data["body"],
              "photo_ids": data.get("photo_ids") or [], "updated_at": now}
    with db.atomic():
        (
            ActivityReport.insert(activity=activity.id, deputy=entry.deputy_id, submitted_at=now, **values)
            .on_conflict(conflict_target=[ActivityReport.activity, ActivityReport.deputy], update=values)
            .execute()
        )
        record_event(entry.deputy_id, services.REPORT_EVENT, "activity", activity.id,
                     payload={"title": data["title"], "report_kind": data["kind"], "activity": activity.title[:100]})
    return ActivityReport.get(ActivityReport.activity == activity.id, ActivityReport.deputy == entry.deputy_id)


def _check_photos(principal, photo_ids):
    """Photos are images this deputy uploaded through /api/v1/files; anything else is named and refused."""
    if not photo_ids:
        return
    mine = {
        file_id for (file_id,) in StoredFile.select(StoredFile.id).where(
            StoredFile.id.in_(photo_ids), StoredFile.uploaded_by == principal.user_id,
            StoredFile.content_type.startswith("image/"),
        ).tuples()
    }
    missing = [file_id for file_id in photo_ids if file_id not in mine]
    if missing:
        raise Invalid(errors={"photo_ids": [f"照片不存在或不是您上传的图片：{', '.join(map(str, missing))}"]})
