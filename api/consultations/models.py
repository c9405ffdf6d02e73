"""Draft-law consultations (法律草案征求意见): drafts in versions of numbered units, and deputies' opinions.

The states and moves of a consultation and of an opinion are declared once in `workflow.py`.
"""
from peewee import CharField, ForeignKeyField, IntegerField, SmallIntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.deputies.models import Deputy
from api.files.models import StoredFile
from api.org.models import DeputyGroup

# --- consultation states ---
DRAFT = "draft"
PUBLISHED = "published"  # open for opinions between opens_at and closes_at
CLOSED = "closed"  # past the deadline: staff study the opinions
CONCLUDED = "concluded"  # outcomes published to the deputies
STATE_LABELS = {DRAFT: "草稿", PUBLISHED: "征求意见中", CLOSED: "已截止", CONCLUDED: "已反馈研究结果"}
KINDS = ("法律草案", "法规草案", "规章草案", "其他文件")

# --- opinion states: submitted, withdrawn by its author, merged into another, or its outcome ---
SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"
MERGED = "merged"
ADOPTED = "adopted"
PARTLY = "partly"
NOT_ADOPTED = "not_adopted"
REFERENCE = "reference"
OUTCOMES = (ADOPTED, PARTLY, NOT_ADOPTED, REFERENCE)
OPINION_LABELS = {
    SUBMITTED: "待研究",
    WITHDRAWN: "已撤回",
    MERGED: "已合并",
    ADOPTED: "已采纳",
    PARTLY: "部分采纳",
    NOT_ADOPTED: "未采纳",
    REFERENCE: "供参考",
}
LIVE = (SUBMITTED, *OUTCOMES)  # opinions that count (not withdrawn, not merged into another)
EXCERPT = 60


class Consultation(BaseModel):
    title = CharField(max_length=200)
    kind = CharField(max_length=20, default=KINDS[0])
    explanation = TextField(default="")  # 起草说明
    explanation_file = ForeignKeyField(StoredFile, null=True, on_delete="SET NULL")  # 起草说明 as a document
    audience = JSONTextField()  # the notices' audience form, plus "related" (a registered selector)
    opens_at = UTCDateTimeField()
    closes_at = UTCDateTimeField()
    state = CharField(max_length=20, default=DRAFT)
    version = IntegerField(default=1)  # the current version's number
    reminder_sent_at = UTCDateTimeField(null=True)
    published_at = UTCDateTimeField(null=True)
    outcomes_published_at = UTCDateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "consultation"
        indexes = ((("state", "closes_at"), False),)

    def accepting(self, now=None):
        now = now or utcnow()
        return self.state == PUBLISHED and self.opens_at <= now < self.closes_at


class DraftVersion(BaseModel):
    consultation = ForeignKeyField(Consultation, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    note = CharField(max_length=500, default="")  # what changed (修改说明)
    preamble = TextField(default="")  # title lines and text before the first unit
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "consultation_version"
        indexes = ((("consultation", "number"), True),)


class DraftUnit(BaseModel):
    """One numbered unit of one version: a part, chapter or section heading, or an article with its paragraphs."""

    version = ForeignKeyField(DraftVersion, backref="units", on_delete="CASCADE")
    position = IntegerField()
    kind = CharField(max_length=10)  # part / chapter / section / article
    number = IntegerField()
    label = CharField(max_length=40)  # as written: 第一百二十三条, 一、, （一）, 1.
    heading = CharField(max_length=200, default="")
    paragraphs = JSONTextField()  # [text, ...]
    path = CharField(max_length=300, default="")  # the headings above it, for lists and the report

    class Meta:
        table_name = "consultation_unit"
        indexes = ((("version", "position"), True),)

    @property
    def text(self):
        return "\n".join(self.paragraphs or ())


class Opinion(BaseModel):
    consultation = ForeignKeyField(Consultation, backref="opinions", on_delete="CASCADE")
    unit = ForeignKeyField(DraftUnit, null=True, on_delete="CASCADE")  # null: on the draft as a whole
    paragraph = SmallIntegerField(null=True)  # 1-based, within the unit
    version = IntegerField()  # the draft version commented on
    deputy = ForeignKeyField(Deputy, on_delete="CASCADE")  # the author (for a joint opinion: who drafted it)
    group = ForeignKeyField(DeputyGroup, null=True, on_delete="SET NULL")  # a deputy group's joint opinion
    content = TextField()
    state = CharField(max_length=20, default=SUBMITTED)
    screening = CharField(max_length=10)
    screening_label = CharField(max_length=100, null=True)
    outcome_reason = TextField(null=True)
    outcome_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    outcome_at = UTCDateTimeField(null=True)
    merged_into = ForeignKeyField("self", null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "consultation_opinion"
        indexes = (
            (("consultation", "unit", "state"), False),
            (("deputy", "consultation"), False),
        )

    @property
    def excerpt(self):
        return self.content if len(self.content) <= EXCERPT else self.content[:EXCERPT] + "…"


class OpinionSigner(BaseModel):
    """A member of the group who joined (signed) a joint opinion."""

    opinion = ForeignKeyField(Opinion, backref="signers", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, on_delete="CASCADE")
    signed_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "consultation_signer"
        indexes = ((("opinion", "deputy"), True), (("deputy",), False))
