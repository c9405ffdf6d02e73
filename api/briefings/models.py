"""Meetings, their papers (with versions), who each paper reached and has read, and every page viewed."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.deputies.models import Deputy
from api.files.models import StoredFile

MEETING_KINDS = {
    "congress_session": "人民代表大会会议",
    "standing_committee": "常委会会议",
    "group_meeting": "代表小组会议",
    "study_class": "专题学习班",
}
CATEGORIES = ("会议资料", "参阅资料", "情况通报", "知情知政")
OPEN, INTERNAL, CONFIDENTIAL = "open", "internal", "confidential"
CONFIDENTIALITY_LABELS = {OPEN: "公开", INTERNAL: "内部", CONFIDENTIAL: "机密"}

DRAFT, PUBLISHED, CANCELLED, REVOKED = "draft", "published", "cancelled", "revoked"
# Labels only; moves and what each state allows are declared in api/briefings/workflow.py.
MEETING_STATES = {DRAFT: "草稿", PUBLISHED: "已发布", CANCELLED: "已取消"}
PAPER_STATES = {DRAFT: "草稿", PUBLISHED: "已发布", REVOKED: "已撤销"}


class Meeting(BaseModel):
    kind = CharField(max_length=30)
    title = CharField(max_length=200)
    place = CharField(max_length=200, default="")
    starts_at = UTCDateTimeField()
    ends_at = UTCDateTimeField()
    agenda = TextField(default="")  # plain text, one item a line
    audience = JSONTextField()  # the notices' audience selectors: who attends (列席代表: deputy_ids)
    state = CharField(max_length=10, default=DRAFT, index=True)
    attendee_count = IntegerField(default=0)
    published_at = UTCDateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class MeetingAttendee(BaseModel):
    """A deputy the published meeting's audience reaches, kept in step when the audience changes."""

    meeting = ForeignKeyField(Meeting, backref="attendees", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("meeting", "deputy"), True), (("deputy",), False))


class Paper(BaseModel):
    meeting = ForeignKeyField(Meeting, null=True, backref="papers", on_delete="CASCADE")
    title = CharField(max_length=200)
    description = CharField(max_length=500, default="")
    category = CharField(max_length=10)
    confidentiality = CharField(max_length=20, default=INTERNAL)
    # {"meeting_attendees": bool, "selectors": <notices audience> | null}
    audience = JSONTextField()
    opens_at = UTCDateTimeField(null=True)
    closes_at = UTCDateTimeField(null=True)
    state = CharField(max_length=10, default=DRAFT, index=True)
    version = IntegerField(default=1)
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    page_count = IntegerField(default=0)
    text = TextField(default="")  # the PDF's text (search only; confidential papers keep none)
    # Bumped by revocation and by a new version: page links carry it, so older links die at once.
    link_epoch = IntegerField(default=1)
    recipient_count = IntegerField(default=0)
    reminder_count = IntegerField(default=0)
    last_reminded_at = UTCDateTimeField(null=True)
    published_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)
    revoke_reason = CharField(max_length=500, null=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    @property
    def view_only(self):
        return self.confidentiality != OPEN


class PaperVersion(BaseModel):
    """Every file a paper has had; the newest is the paper's own `file`."""

    paper = ForeignKeyField(Paper, backref="versions", on_delete="CASCADE")
    version = IntegerField()
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    page_count = IntegerField()
    note = CharField(max_length=500, default="")
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("paper", "version"), True),)


class PaperRecipient(BaseModel):
    """A deputy a published paper reaches, with when they first opened it and which version they last read."""

    paper = ForeignKeyField(Paper, backref="recipients", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")
    opened_at = UTCDateTimeField(null=True)
    read_version = IntegerField(null=True)

    class Meta:
        indexes = ((("paper", "deputy"), True), (("deputy",), False))


class PaperView(BaseModel):
    """One page image served: who, when, which page of which version."""

    paper = ForeignKeyField(Paper, backref="+", on_delete="CASCADE")
    version = IntegerField()
    page = IntegerField()
    user = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    deputy = ForeignKeyField(Deputy, null=True, backref="+", on_delete="SET NULL")
    viewer_name = CharField(max_length=50)
    viewed_at = UTCDateTimeField(default=utcnow)
    cached = BooleanField(default=False)

    class Meta:
        indexes = ((("paper", "viewed_at"), False),)
