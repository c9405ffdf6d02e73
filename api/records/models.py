"""Self-reported duties awaiting confirmation, and the yearly report-back (述职) with constituents' ratings."""
from peewee import BlobField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.deputies.models import Deputy
from api.org.models import Station

PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
CLAIM_LABELS = {PENDING: "待确认", CONFIRMED: "已确认", REJECTED: "未确认"}

DRAFT = "draft"
HELD = "held"
REPORT_LABELS = {DRAFT: "草稿", HELD: "已述职"}
RATINGS = ("满意", "基本满意", "不满意")


class RecordClaim(BaseModel):
    """A duty the system cannot know (e.g. an activity organised elsewhere), told by the deputy.

    It reaches the record (an event of its kind, payload marked self_reported) only once staff confirm it.
    """

    deputy = ForeignKeyField(Deputy, backref="record_claims", on_delete="CASCADE")
    kind = CharField(max_length=40)
    title = CharField(max_length=100)
    occurred_on = DateField()
    place = CharField(max_length=100, null=True)
    description = TextField(null=True)
    state = CharField(max_length=20, default=PENDING)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = UTCDateTimeField(null=True)
    refusal_reason = CharField(max_length=500, null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "record_claim"
        indexes = ((("state", "id"), False),)


class ReportTemplate(BaseModel):
    """A 述职 template staff uploaded (docxtpl); the newest one is used, the built-in one if none."""

    filename = CharField(max_length=255)
    content = BlobField()
    uploaded_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    uploaded_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "report_template"


class ReportBack(BaseModel):
    """One deputy's 述职 for one year: the generated draft, the deputy's edited version, where it was held."""

    deputy = ForeignKeyField(Deputy, backref="report_backs", on_delete="CASCADE")
    year = IntegerField()
    state = CharField(max_length=20, default=DRAFT)
    draft = BlobField()  # the .docx assembled from the record
    edited = BlobField(null=True)  # the deputy's version, uploaded after editing
    figures = JSONTextField(null=True)  # JSON of the figures the draft was built from (what tests and staff compare)
    station = ForeignKeyField(Station, null=True, backref="+", on_delete="SET NULL")
    held_on = DateField(null=True)
    generated_at = UTCDateTimeField(default=utcnow)
    edited_at = UTCDateTimeField(null=True)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "report_back"
        indexes = ((("deputy", "year"), True), (("station", "held_on"), False))


class ReportBackRating(BaseModel):
    """A constituent's rating of a report-back they attended at the station: one per person and report."""

    report = ForeignKeyField(ReportBack, backref="ratings", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    rating = CharField(max_length=10)
    comment = CharField(max_length=500, null=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "report_back_rating"
        indexes = ((("report", "user"), True),)
