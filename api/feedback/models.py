"""Constituent feedback: cases a constituent sends to a liaison station, and what happens to them.

A case's states and moves are declared once in `api/feedback/workflow.py`; this module holds the rows.
"""
from peewee import CharField, DateField, ForeignKeyField, SmallIntegerField, TextField

from api.auth.models import User
from api.common.calendar import local_date
from api.common.db import BaseModel, UTCDateTimeField, utcnow
from api.common.pii import EncryptedTextField
from api.files.models import StoredFile
from api.org.models import HandlingUnit, Station

# --- case states ---
SCREENING = "screening"  # WeChat's check was unavailable: accepted, queued for screening
REVIEW = "review"  # flagged by a check (or the check failed for good): a person looks first
SUBMITTED = "submitted"
ACCEPTED = "accepted"
REJECTED = "rejected"
MERGED = "merged"
FORWARDED = "forwarded"
ANSWERED = "answered"
CLOSED = "closed"
RATED = "rated"

STATE_LABELS = {
    SCREENING: "待检测",
    REVIEW: "待人工审核",
    SUBMITTED: "待受理",
    ACCEPTED: "已受理",
    REJECTED: "不予受理",
    MERGED: "已合并",
    FORWARDED: "已转办",
    ANSWERED: "单位已答复",
    CLOSED: "已办结",
    RATED: "已评价",
}
# No further work is owed on these; personal data may be erased once they are old enough.
FINISHED = (REJECTED, MERGED, CLOSED, RATED)

CATEGORIES = (
    "城乡建设", "交通出行", "生态环境", "教育", "医疗卫生", "社会保障", "就业创业",
    "市场监管", "社会治安", "农业农村", "文化旅游", "其他",
)
RATINGS = ("满意", "基本满意", "不满意")
UNSATISFIED = "不满意"

EXCERPT = 80

# Screening outcomes, kept on the case so staff see why it waits for review.
SCREEN_PASS = "pass"  # noqa: S105 - a screening outcome, not a credential
SCREEN_FLAGGED_WORDS = "words"  # the staff word list matched
SCREEN_FLAGGED_WECHAT = "wechat"  # msgSecCheck said risky/review
SCREEN_PENDING = "pending"  # WeChat unavailable: queued
SCREEN_FAILED = "failed"  # WeChat refused the check for good (e.g. unknown openid): a person decides
SCREENING_LABELS = {
    SCREEN_PASS: "已通过",
    SCREEN_FLAGGED_WORDS: "命中敏感词",
    SCREEN_FLAGGED_WECHAT: "微信内容安全提示风险",
    SCREEN_PENDING: "等待检测",
    SCREEN_FAILED: "无法自动检测",
}

# Deadline marks set by the deadlines job (each notifies once).
DUE_NEAR = "near"
DUE_OVERDUE = "overdue"


def today():
    """Today's date in Shanghai: due dates and date filters are local dates."""
    return local_date(utcnow())


class FeedbackCase(BaseModel):
    tracking_code = CharField(max_length=16, unique=True)
    station = ForeignKeyField(Station, backref="feedback_cases", on_delete="RESTRICT")
    category = CharField(max_length=20)
    content = TextField()
    # Personal data: encrypted at rest, shown masked except to the station's staff and the handling unit.
    name = EncryptedTextField(null=True)
    phone = EncryptedTextField(null=True)
    consent_version = CharField(max_length=20, null=True)
    consent_text = TextField(null=True)  # the exact wording the constituent agreed to
    # The WeChat identity that sent it ("my cases"); erased with the personal fields.
    submitter = ForeignKeyField(User, null=True, backref="feedback_cases", on_delete="SET NULL")
    state = CharField(max_length=20, default=SUBMITTED)
    screening = CharField(max_length=10, default=SCREEN_PASS)
    screening_label = CharField(max_length=60, null=True)  # the WeChat label or the matched word
    merged_into = ForeignKeyField("self", null=True, backref="merged_cases", on_delete="SET NULL")
    rejection_reason = CharField(max_length=500, null=True)
    unit = ForeignKeyField(HandlingUnit, null=True, backref="feedback_cases", on_delete="RESTRICT")
    forwarded_at = UTCDateTimeField(null=True)
    due_date = DateField(null=True)  # a Shanghai date: the last working day to answer
    due_mark = CharField(max_length=10, null=True)  # DUE_NEAR / DUE_OVERDUE once notified
    answer = TextField(null=True)  # the unit's answer
    answered_at = UTCDateTimeField(null=True)
    first_answer_at = UTCDateTimeField(null=True)  # kept through reopening, for statistics
    # What the first answer replied to, for statistics (forwarded_at, due_date and unit change on a return
    # or a reopen): the unit that answered first, when it was forwarded to it, and its due date then.
    first_unit = ForeignKeyField(HandlingUnit, null=True, backref="+", on_delete="RESTRICT")
    first_forwarded_at = UTCDateTimeField(null=True)
    first_due_date = DateField(null=True)
    reply = TextField(null=True)  # what the constituent is told (the answer as relayed)
    closed_at = UTCDateTimeField(null=True)
    rating = CharField(max_length=10, null=True)
    rating_comment = CharField(max_length=500, null=True)
    rated_at = UTCDateTimeField(null=True)
    reopen_count = SmallIntegerField(default=0)
    personal_erased_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "feedback_case"
        indexes = (
            (("station", "state", "id"), False),
            (("unit", "state", "due_date"), False),
            (("submitter", "id"), False),
            (("state", "due_date"), False),
            (("created_at",), False),
            # The inbox's page, total and filters by state, overdue, category and dates, index-only
            # (migration 014: a station's cases lie on as many heap pages as it has cases).
            (("station", "id", "state", "due_date", "category", "created_at"), False),
        )

    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    @property
    def excerpt(self):
        return self.content if len(self.content) <= EXCERPT else self.content[:EXCERPT] + "…"

    @property
    def anonymous(self):
        return self.name is None and self.phone is None

    @property
    def overdue(self):
        """Past its due date while a unit still owes the answer (the same rule as the inbox's SQL filter)."""
        return self.state == FORWARDED and self.due_date is not None and self.due_date < today()


class CasePhoto(BaseModel):
    case = ForeignKeyField(FeedbackCase, backref="photos", on_delete="CASCADE")
    file = ForeignKeyField(StoredFile, on_delete="CASCADE")
    position = SmallIntegerField(default=0)

    class Meta:
        table_name = "feedback_photo"
        indexes = ((("case", "file"), True),)


COMMENT = "comment"
PROPOSAL = "proposal"
COMMENT_KINDS = {COMMENT: "意见", PROPOSAL: "建议"}


class CaseComment(BaseModel):
    """What deputies (and staff) say about a case: comments and proposals, never decisions."""

    case = ForeignKeyField(FeedbackCase, backref="comments", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")
    author_role = CharField(max_length=20)
    kind = CharField(max_length=10, default=COMMENT)
    body = TextField()
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "feedback_comment"
        indexes = ((("case", "id"), False),)


PENDING = "pending"
APPROVED = "approved"
REFUSED = "refused"
EXTENSION_LABELS = {PENDING: "待审批", APPROVED: "已批准", REFUSED: "未批准"}


class ExtensionRequest(BaseModel):
    """A handling unit asks for more working days; the station's staff approve or refuse."""

    case = ForeignKeyField(FeedbackCase, backref="extensions", on_delete="CASCADE")
    unit = ForeignKeyField(HandlingUnit, on_delete="CASCADE")
    requested_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    days = SmallIntegerField()
    reason = CharField(max_length=500)
    state = CharField(max_length=10, default=PENDING)
    due_before = DateField()
    due_after = DateField(null=True)  # set when approved
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decision_reason = CharField(max_length=500, null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "feedback_extension"
        indexes = ((("case", "id"), False),)


class BlockedWord(BaseModel):
    """The staff's own word list: content containing one of these waits for a person."""

    word = CharField(max_length=50, unique=True)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "feedback_word"


