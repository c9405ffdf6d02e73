"""Activities, staff side: create and edit, publish to an audience (invitations), cancel, leave decisions,
attendance and check-in by staff, the rotating check-in code, reports and linked suggestions."""
import datetime as dt

from peewee import JOIN, Value, fn

from api.activities.models import (
    ATTENDING,
    CANCELLED,
    DRAFT,
    INVITED,
    KINDS,
    LEAVE_PENDING,
    LEAVE_REFUSED,
    ON_LEAVE,
    PUBLISHED,
    Activity,
    ActivityReport,
    ActivitySuggestion,
    Invitation,
)
from api.activities.workflow import ACTIVITY_FLOW, INVITATION_FLOW
from api.common import checkin as codes
from api.common.db import utcnow
from api.common.errors import Conflict, Invalid, NotFound
from api.common.events import record_event
from api.common.timezone import local
from api.deputies import audience as audiences
from api.deputies.audience_schemas import stored_audience
from api.deputies.models import Deputy
from api.extensions import db
from api.org.models import Delegation
from api.push import services as push

CHECKIN_PURPOSE = "activity"
PUSH_SOURCE = "activity"
CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)
ATTEND_EVENT = "activity.attend"
REPORT_EVENT = "activity.report"


def activities_query(args=None):
    args = args or {}
    query = Activity.select().order_by(Activity.starts_at.desc(), Activity.id.desc())
    if args.get("kind"):
        query = query.where(Activity.kind == args["kind"])
    if args.get("state"):
        query = query.where(Activity.state == args["state"])
    if args.get("q"):
        query = query.where(Activity.title.contains(args["q"]))
    return query


def get(activity_id):
    activity = Activity.get_or_none(Activity.id == activity_id)
    if activity is None:
        raise NotFound("活动不存在。")
    return activity


def _check_times(data, current=None):
    starts = data.get("starts_at", current.starts_at if current else None)
    ends = data.get("ends_at", current.ends_at if current else None)
    if starts and ends and ends <= starts:
        raise Invalid(errors={"ends_at": ["结束时间须晚于开始时间。"]})


def create(principal, data):
    _check_times(data)
    data["audience"] = stored_audience(data["audience"])
    audiences.check_references(data["audience"])
    with db.atomic():
        activity = Activity.create(created_by=principal.user_id, **data)
        ACTIVITY_FLOW.start(activity, principal)
    return activity


def update(principal, activity_id, data):
    activity = get(activity_id)
    ACTIVITY_FLOW.require(activity, "edit")
    _check_times(data, activity)
    if "audience" in data:
        if activity.state != DRAFT:
            raise Conflict("活动已发布，不能修改邀请范围。", errors={"audience": ["已发布的活动不能修改邀请范围。"]})
        data["audience"] = stored_audience(data["audience"])
        audiences.check_references(data["audience"])
    Activity.update(**data, updated_at=utcnow()).where(Activity.id == activity.id).execute()
    return get(activity.id)


def delete(activity_id):
    activity = get(activity_id)
    ACTIVITY_FLOW.require(activity, "delete")
    activity.delete_instance()


def publish(principal, activity_id):
    """Invite every deputy the audience reaches: one INSERT ... SELECT, in the move's transaction; each
    invited deputy is told on WeChat (queued in the same transaction, handed to the queue after it)."""
    activity = get(activity_id)
    with db.atomic():
        ACTIVITY_FLOW.move(activity, PUBLISHED, principal, published_at=utcnow())
        now = utcnow()
        stamp = Value(Invitation.updated_at.db_value(now))
        reached = Deputy.select(Deputy.id, Value(activity.id), Value(INVITED), stamp)
        Invitation.insert_from(
            reached.where(audiences.condition(activity.audience)),
            [Invitation.deputy, Invitation.activity, Invitation.state, Invitation.updated_at],
        ).execute()
        count = Invitation.select().where(Invitation.activity == activity.id).count()
        if not count:
            raise Invalid("邀请范围内没有在任代表。", errors={"audience": ["邀请范围内没有在任代表。"]})
        Activity.update(invited_count=count).where(Activity.id == activity.id).execute()
        queued = push.queue_deliveries(
            PUSH_SOURCE, activity.id, Invitation.select(Invitation.deputy).where(Invitation.activity == activity.id),
            message=invitation_message(activity), dedupe_scope=push.PURPOSE_PUBLISH,
        )
    push.dispatch_recorded(queued["jobs"])
    return get(activity.id)


def invitation_message(activity):
    return {
        "template": "notice",
        "page": f"pages/activity/activity?id={activity.id}",
        "data": {"thing1": activity.title[:20], "thing2": KINDS.get(activity.kind, activity.kind),
                 "time3": local(activity.starts_at).strftime("%Y-%m-%d %H:%M")},
    }


def cancel(principal, activity_id, reason):
    activity = get(activity_id)
    with db.atomic():
        ACTIVITY_FLOW.move(activity, CANCELLED, principal, reason=reason, cancel_reason=reason)
        push.cancel_pending(PUSH_SOURCE, activity.id)  # invitations not yet sent are not sent
    return activity


# --- invitations and attendance ---


def invitations_query(activity_id, args=None):
    args = args or {}
    query = (
        Invitation.select(Invitation, Deputy.name.alias("deputy_name"), Deputy.code.alias("deputy_code"),
                          Delegation.name.alias("delegation"))
        .join(Deputy).join(Delegation)
        .where(Invitation.activity == activity_id)
        .order_by(Deputy.code)
        .objects()
    )
    if args.get("state"):
        query = query.where(Invitation.state == args["state"])
    if args.get("checked_in") is not None:
        query = query.where(Invitation.checked_in_at.is_null(not args["checked_in"]))
    return query


def attendance(activity_id):
    """Counts by answer, how many checked in, and the capacity: the attendance panel's figures."""
    activity = get(activity_id)
    by_state = dict(
        Invitation.select(Invitation.state, fn.COUNT(Invitation.id))
        .where(Invitation.activity == activity.id).group_by(Invitation.state).tuples()
    )
    checked_in = Invitation.select().where(Invitation.activity == activity.id,
                                           Invitation.checked_in_at.is_null(False)).count()
    return {
        "activity_id": activity.id, "invited": sum(by_state.values()), "capacity": activity.capacity,
        "by_state": [{"state": s, "count": by_state.get(s, 0)} for s in (
            "invited", ATTENDING, LEAVE_PENDING, ON_LEAVE, LEAVE_REFUSED)],
        "checked_in": checked_in,
    }


def invitation(activity_id, deputy_id):
    found = invitations_query(activity_id).where(Invitation.deputy == deputy_id).first()
    if found is None:
        raise NotFound("该代表未受邀参加此活动。")
    return found


def decide_leave(principal, activity_id, deputy_id, approve, note=None):
    entry = invitation(activity_id, deputy_id)
    INVITATION_FLOW.require(entry, "decide")
    INVITATION_FLOW.move(entry, ON_LEAVE if approve else LEAVE_REFUSED, principal, reason=note,
                         decided_by=principal.user_id, decision_note=note)
    return invitation(activity_id, deputy_id)


def check_in(activity, entry, method, by_user=None):
    """Mark attendance once (a conditional update) and put the activity on the deputy's record."""
    now = utcnow()
    with db.atomic():
        marked = (
            Invitation.update(checked_in_at=now, checkin_method=method, checked_in_by=by_user, updated_at=now)
            .where(Invitation.id == entry.id, Invitation.checked_in_at.is_null())
            .execute()
        )
        if not marked:
            raise Conflict("已经签到过了。")
        record_event(entry.deputy_id, ATTEND_EVENT, "activity", activity.id,
                     payload={"title": activity.title, "kind": KINDS.get(activity.kind, activity.kind),
                              "place": activity.place[:100]},
                     occurred_at=now)
    return invitation(activity.id, entry.deputy_id)


def staff_check_in(principal, activity_id, deputy_id):
    activity = get(activity_id)
    ACTIVITY_FLOW.require(activity, "checkin")
    return check_in(activity, invitation(activity_id, deputy_id), "staff", principal.user_id)


def checkin_window(activity):
    """Check-in opens an hour before the start (people arrive early) and closes at the end."""
    return activity.starts_at - CHECKIN_OPENS_BEFORE, activity.ends_at


def current_code(activity_id):
    """The code the full-screen check-in page shows now (it changes every few seconds)."""
    activity = get(activity_id)
    ACTIVITY_FLOW.require(activity, "checkin")
    opens, closes = checkin_window(activity)
    return {**codes.issue_code(CHECKIN_PURPOSE, activity.id, opens, closes), "activity_id": activity.id}


# --- reports and linked suggestions ---


def reports_query(activity_id):
    return (
        ActivityReport.select(ActivityReport, Deputy.name.alias("deputy_name"))
        .join(Deputy)
        .where(ActivityReport.activity == activity_id)
        .order_by(ActivityReport.id)
        .objects()
    )


def suggestions_of(activity_id):
    get(activity_id)
    return (ActivitySuggestion.select().where(ActivitySuggestion.activity == activity_id)
            .order_by(ActivitySuggestion.id))


def link_suggestion(principal, activity_id, suggestion_id):
    activity = get(activity_id)
    (
        ActivitySuggestion.insert(activity=activity.id, suggestion_id=suggestion_id, linked_by=principal.user_id,
                                  created_at=utcnow())
        .on_conflict_ignore()
        .execute()
    )
    return ActivitySuggestion.get(ActivitySuggestion.activity == activity.id,
                                  ActivitySuggestion.suggestion_id == suggestion_id)


def unlink_suggestion(activity_id, suggestion_id):
    get(activity_id)
    ActivitySuggestion.delete().where(ActivitySuggestion.activity == activity_id,
                                      ActivitySuggestion.suggestion_id == suggestion_id).execute()


def activities_of_suggestion(suggestion_id):
    """For the suggestions module (by id): the activities a suggestion came out of."""
    return list(
        Activity.select(Activity.id, Activity.title, Activity.kind, Activity.starts_at)
        .join(ActivitySuggestion, JOIN.INNER)
        .where(ActivitySuggestion.suggestion_id == suggestion_id)
        .dicts()
    )
