"""Deputy suggestions (代表建议): the suggestion, its co-signers, the units it is assigned to, what they
answer and promise, and how the office follows it up.

States and moves are declared once in `api/suggestions/workflow.py`; this module holds the rows.
"""
from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, SmallIntegerField, TextField

from api.auth.models import User
from api.common.calendar import local_date
from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.deputies.models import Deputy
from api.files.models import StoredFile
from api.org.models import HandlingUnit

# --- suggestion states ---
DRAFT = "draft"
SUBMITTED = "submitted"
ACCEPTED = "accepted"
REJECTED = "rejected"  # not a suggestion: passed on elsewhere, with a reason
MERGED = "merged"
ASSIGNED = "assigned"
ANSWERED = "answered"
RATED = "rated"
STATE_LABELS = {
    DRAFT: "草稿",
    SUBMITTED: "待审查",
    ACCEPTED: "已立案",
    REJECTED: "不作为建议",
    MERGED: "已并案",
    ASSIGNED: "办理中",
    ANSWERED: "已答复",
    RATED: "已评价",
}
# States a suggestion counts in "this term's suggestions" for the duplicate check (a draft is nobody's yet).
ON_RECORD = (SUBMITTED, ACCEPTED, ASSIGNED, ANSWERED, RATED)

CATEGORIES = (
    "经济发展", "城乡建设", "交通运输", "生态环境", "教育科技", "医疗卫生", "社会保障", "农业农村",
    "文化旅游", "政法监察", "民族宗教", "其他",
)
PERIODS = {"session": "大会期间", "recess": "闭会期间"}
RATINGS = ("满意", "基本满意", "不满意")
UNSATISFIED = "不满意"
SATISFIED = ("满意", "基本满意")

# --- assignment (one unit's part) ---
LEAD = "lead"  # 主办
CO = "co"  # 协办
SEPARATE = "separate"  # 分办: answers on its own
UNIT_ROLES = {LEAD: "主办", CO: "协办", SEPARATE: "分办"}
ANSWERING_ROLES = (LEAD, SEPARATE)

A_PENDING = "pending"
A_HANDLING = "handling"
A_OPINION = "opinion"
A_ANSWERED = "answered"
A_WITHDRAWN = "withdrawn"
ASSIGNMENT_LABELS = {
    A_PENDING: "待签收",
    A_HANDLING: "办理中",
    A_OPINION: "已提协办意见",
    A_ANSWERED: "已答复",
    A_WITHDRAWN: "已收回",
}
A_OPEN = (A_PENDING, A_HANDLING)
ANSWER_CATEGORIES = {
    "A": "已解决或基本解决",
    "B": "列入计划逐步解决",
    "C": "因条件限制暂不能解决，已说明",
}

# --- commitments (答复承诺) ---
C_OPEN = "open"
C_REPORTED = "reported"
C_VERIFIED = "verified"
COMMITMENT_LABELS = {C_OPEN: "待落实", C_REPORTED: "已报落实待核实", C_VERIFIED: "已核实办结"}

# --- a unit's requests ---
EXTENSION = "extension"
REASSIGN = "reassign"
REQUEST_KINDS = {EXTENSION: "延期", REASSIGN: "调整承办单位"}
R_PENDING = "pending"
R_APPROVED = "approved"
R_REFUSED = "refused"
REQUEST_LABELS = {R_PENDING: "待审批", R_APPROVED: "已批准", R_REFUSED: "未批准"}

CONTACT_STAGES = {"before": "办前沟通", "during": "办中沟通", "after": "办后沟通"}

# Deadline marks the periodic job sets (each notifies once).
DUE_NEAR = "near"
DUE_OVERDUE = "overdue"

COSIGN_INVITED = "invited"
COSIGN_CONFIRMED = "confirmed"
COSIGN_DECLINED = "declined"
COSIGN_LABELS = {COSIGN_INVITED: "待确认", COSIGN_CONFIRMED: "已附议", COSIGN_DECLINED: "已谢绝"}

EXCERPT = 80


def matter_of(title, problem):
    # Not the cause and the proposal: their wording varies from writer to writer and is mostly common
    # words (建议, 加强, 部门), which dilute the match and double the terms a lookup reads.
    return "\n".join(part for part in (title, problem) if part)


def today():
    return local_date(utcnow())


class Suggestion(BaseModel):
    deputy = ForeignKeyField(Deputy, backref="suggestions", on_delete="RESTRICT")  # the lead author (领衔)
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")  # the account that wrote it
    term = IntegerField()  # the deputy's term: "this term's suggestions"
    period = CharField(max_length=10, default="recess")
    title = CharField(max_length=100)
    problem = TextField(default="")  # 问题
    cause = TextField(default="")  # 原因
    proposal = TextField(default="")  # 建议
    category = CharField(max_length=20)
    state = CharField(max_length=20, default=DRAFT)
    submitted_at = UTCDateTimeField(null=True)
    rejection_reason = CharField(max_length=500, null=True)
    passed_to = CharField(max_length=100, null=True)  # where a non-suggestion went (e.g. 信访部门)
    merged_into = ForeignKeyField("self", null=True, backref="merged", on_delete="SET NULL")
    # 两摘两推: computed on submission, edited by staff, shown in every list.
    abstract = TextField(null=True)
    key_points = JSONTextField(null=True)  # ["...", ...]
    recommended_unit = ForeignKeyField(HandlingUnit, null=True, backref="+", on_delete="SET NULL")
    assigned_at = UTCDateTimeField(null=True)
    due_date = DateField(null=True)  # the latest due date of its answering units (lists sort on it)
    rounds = SmallIntegerField(default=0)  # 1 after the first assignment, 2 after the re-handling
    rating = CharField(max_length=10, null=True)
    rating_comment = CharField(max_length=500, null=True)
    rated_at = UTCDateTimeField(null=True)
    first_rating = CharField(max_length=10, null=True)  # kept through the re-handling, for statistics
    key = BooleanField(default=False)  # 重点督办
    supervisor = CharField(max_length=50, null=True)  # the supervising leader
    publish_consent = BooleanField(null=True)  # null: the deputy has not said
    consent_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "suggestion"
        indexes = (
            (("deputy", "id"), False),
            (("state", "id"), False),
            (("term", "state"), False),
            (("created_at",), False),
        )

    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    @property
    def matter(self):
        """What the suggestion is about, as the similarity index reads it: the title and the problem."""
        return matter_of(self.title, self.problem)

    @property
    def excerpt(self):
        text = self.abstract or self.problem or ""
        return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


class Cosigner(BaseModel):
    """A deputy invited to co-sign (附议); counts only once they confirm."""

    suggestion = ForeignKeyField(Suggestion, backref="cosigners", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, on_delete="CASCADE")
    state = CharField(max_length=10, default=COSIGN_INVITED)
    answered_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "suggestion_cosigner"
        indexes = ((("suggestion", "deputy"), True), (("deputy", "state"), False))


class Attachment(BaseModel):
    suggestion = ForeignKeyField(Suggestion, backref="attachments", on_delete="CASCADE")
    file = ForeignKeyField(StoredFile, on_delete="CASCADE")
    position = SmallIntegerField(default=0)

    class Meta:
        table_name = "suggestion_attachment"
        indexes = ((("suggestion", "file"), True),)


class Assignment(BaseModel):
    """One unit's part in one round of handling: lead, co-unit or separate."""

    suggestion = ForeignKeyField(Suggestion, backref="assignments", on_delete="CASCADE")
    unit = ForeignKeyField(HandlingUnit, backref="suggestion_assignments", on_delete="RESTRICT")
    role = CharField(max_length=10)
    round = SmallIntegerField(default=1)
    state = CharField(max_length=12, default=A_PENDING)
    assigned_at = UTCDateTimeField(default=utcnow)
    due_date = DateField()
    due_mark = CharField(max_length=10, null=True)
    acknowledged_at = UTCDateTimeField(null=True)
    opinion = TextField(null=True)  # a co-unit's opinion to the lead
    answer_category = CharField(max_length=1, null=True)
    answer = TextField(null=True)
    answered_at = UTCDateTimeField(null=True)
    on_time = BooleanField(null=True)  # answered by the due date then in force (Shanghai dates), for statistics
    published = BooleanField(default=False)
    published_at = UTCDateTimeField(null=True)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "suggestion_assignment"
        indexes = (
            (("unit", "state", "due_date"), False),  # the unit queue
            (("suggestion", "round"), False),
            (("state", "due_date"), False),  # the deadline job
        )

    @property
    def state_label(self):
        return ASSIGNMENT_LABELS.get(self.state, self.state)

    @property
    def role_label(self):
        return UNIT_ROLES.get(self.role, self.role)

    @property
    def overdue(self):
        return self.state in A_OPEN and self.due_date < today()


class Contact(BaseModel):
    """办前、办中、办后沟通: a unit's contact with the deputy, who and when."""

    assignment = ForeignKeyField(Assignment, backref="contacts", on_delete="CASCADE")
    stage = CharField(max_length=10)
    contacted_at = UTCDateTimeField()
    contact_person = CharField(max_length=50)  # who at the unit spoke to the deputy
    method = CharField(max_length=20)  # 面谈, 电话, 座谈, 实地察看 ...
    note = TextField()
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "suggestion_contact"
        indexes = ((("assignment", "id"), False),)


class Commitment(BaseModel):
    """What a B answer promises: what, by when, who; open on the ledger until staff verify it is met."""

    assignment = ForeignKeyField(Assignment, backref="commitments", on_delete="CASCADE")
    suggestion = ForeignKeyField(Suggestion, backref="commitments", on_delete="CASCADE")
    unit = ForeignKeyField(HandlingUnit, backref="+", on_delete="RESTRICT")
    what = CharField(max_length=500)
    due_date = DateField()
    owner = CharField(max_length=50)  # who at the unit answers for it
    state = CharField(max_length=10, default=C_OPEN)
    due_mark = CharField(max_length=10, null=True)
    evidence = TextField(null=True)
    evidence_file = ForeignKeyField(StoredFile, null=True, on_delete="SET NULL")
    reported_at = UTCDateTimeField(null=True)
    on_time = BooleanField(null=True)  # reported met by its due date (kept when verified), for statistics
    verified_at = UTCDateTimeField(null=True)
    verified_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "suggestion_commitment"
        indexes = ((("unit", "state", "due_date"), False), (("suggestion",), False), (("state", "due_date"), False))

    @property
    def state_label(self):
        return COMMITMENT_LABELS.get(self.state, self.state)

    @property
    def overdue(self):
        return self.state == C_OPEN and self.due_date < today()


class HandlingRequest(BaseModel):
    """A unit asks for more time or to hand the suggestion to another unit; the office decides."""

    assignment = ForeignKeyField(Assignment, backref="requests", on_delete="CASCADE")
    kind = CharField(max_length=10)
    days = SmallIntegerField(null=True)  # working days, for an extension
    reason = CharField(max_length=500)
    state = CharField(max_length=10, default=R_PENDING)
    requested_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decision = CharField(max_length=500, null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "suggestion_request"
        indexes = ((("state", "id"), False), (("assignment",), False))


class ProgressReport(BaseModel):
    """A progress report on a key suggestion (重点督办), by the office or a handling unit."""

    suggestion = ForeignKeyField(Suggestion, backref="progress", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")
    body = TextField()
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "suggestion_progress"
        indexes = ((("suggestion", "id"), False),)
