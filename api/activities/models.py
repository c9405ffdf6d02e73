"""Deputy activities (视察、调研、小组活动、列席 ...): invitations answered reply-slip style, attendance, reports."""
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.deputies.models import Deputy

# Kinds, and whether a leave request needs staff approval (the formal duties do; a group's own meeting does not).
KINDS = {
    "inspection": "集中视察",
    "research": "专题调研",
    "group": "代表小组活动",
    "sitting_in": "列席常委会会议",
    "reception": "联络站接待日",
    "training": "履职培训班",
    "other": "其他活动",
}
LEAVE_NEEDS_APPROVAL = {"inspection", "research", "sitting_in", "training"}

DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"
ACTIVITY_LABELS = {DRAFT: "草稿", PUBLISHED: "已发布", CANCELLED: "已取消"}

INVITED, ATTENDING, LEAVE_PENDING, ON_LEAVE, LEAVE_REFUSED = (
    "invited", "attending", "leave_pending", "on_leave", "leave_refused")
INVITATION_LABELS = {
    INVITED: "待回复",
    ATTENDING: "参加",
    LEAVE_PENDING: "请假待批准",
    ON_LEAVE: "请假",
    LEAVE_REFUSED: "请假未批准",
}
ATTEND, LEAVE = "参加", "请假"
REPORT_KINDS = ("调研报告", "视察意见", "活动小结")


class Activity(BaseModel):
    kind = CharField(max_length=20, index=True)
    title = CharField(max_length=100)
    description = TextField(default="")
    place = CharField(max_length=200)
    organisers = CharField(max_length=200)
    starts_at = UTCDateTimeField(index=True)
    ends_at = UTCDateTimeField()
    capacity = IntegerField(null=True)  # null: no limit
    audience = JSONTextField()
    state = CharField(max_length=20, default=DRAFT, index=True)
    invited_count = IntegerField(default=0)
    cancel_reason = CharField(max_length=500, null=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    published_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    @property
    def needs_leave_approval(self):
        return self.kind in LEAVE_NEEDS_APPROVAL


class Invitation(BaseModel):
    """One invited deputy: their reply-slip answer, leave and its decision, and their check-in."""

    activity = ForeignKeyField(Activity, backref="invitations", on_delete="CASCADE")
    # No index of its own: (deputy, activity) below serves lookups by deputy.
    deputy = ForeignKeyField(Deputy, backref="activity_invitations", on_delete="CASCADE", index=False)
    state = CharField(max_length=20, default=INVITED)
    leave_reason = CharField(max_length=500, null=True)  # why the deputy asks for leave
    replied_at = UTCDateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decision_note = CharField(max_length=500, null=True)
    checked_in_at = UTCDateTimeField(null=True)
    checkin_method = CharField(max_length=10, null=True)  # "qr" | "staff"
    checked_in_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "activity_invitation"
        indexes = ((("activity", "deputy"), True), (("deputy", "activity"), False), (("activity", "state"), False))


class ActivityReport(BaseModel):
    """A deputy's report after an activity (调研报告、视察意见), with photos uploaded through /api/v1/files."""

    activity = ForeignKeyField(Activity, backref="reports", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="activity_reports", on_delete="CASCADE")
    kind = CharField(max_length=10)
    title = CharField(max_length=100)
    body = TextField()
    photo_ids = JSONTextField(default=list)
    submitted_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "activity_report"
        indexes = ((("activity", "deputy"), True),)


class ActivitySuggestion(BaseModel):
    """A suggestion (建议) that came out of an activity. The suggestions module owns suggestions: this keeps
    only its id (no foreign key, so activities need nothing from that module to work)."""

    activity = ForeignKeyField(Activity, backref="suggestion_links", on_delete="CASCADE")
    suggestion_id = IntegerField()
    linked_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "activity_suggestion"
        indexes = ((("activity", "suggestion_id"), True), (("suggestion_id",), False))
