"""Learning (学习培训): materials, courses of ordered lessons, each deputy's progress, training classes."""
from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.deputies.models import Deputy
from api.files.models import StoredFile

CATEGORIES = ("政治理论", "法律法规", "履职知识", "专题", "其他")
ARTICLE, DOCUMENT, VIDEO, AUDIO, LINK = "article", "document", "video", "audio", "link"
KIND_LABELS = {ARTICLE: "图文", DOCUMENT: "文档", VIDEO: "视频", AUDIO: "音频", LINK: "链接"}
FILE_KINDS = (DOCUMENT, VIDEO, AUDIO)

DRAFT, PUBLISHED, UNPUBLISHED = "draft", "published", "unpublished"
# Labels only; moves and what each state allows are declared in api/materials/workflow.py.
STATE_LABELS = {DRAFT: "草稿", PUBLISHED: "已发布", UNPUBLISHED: "已下架"}

INVITED, ATTENDING, LEAVE = "invited", "attending", "leave"
REPLY_LABELS = {INVITED: "未回复", ATTENDING: "参加", LEAVE: "请假"}
BY_QR, BY_STAFF = "qr", "staff"
METHOD_LABELS = {BY_QR: "扫码签到", BY_STAFF: "工作人员登记"}


class Material(BaseModel):
    title = CharField(max_length=200)
    kind = CharField(max_length=10)
    category = CharField(max_length=10, index=True)
    tags = JSONTextField(default=list)
    summary = CharField(max_length=500, default="")
    body = TextField(default="")  # articles: sanitised HTML
    file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")
    url = CharField(max_length=500, null=True)  # links
    estimated_minutes = IntegerField(default=10)
    audience = JSONTextField()
    state = CharField(max_length=12, default=DRAFT, index=True)
    pinned = BooleanField(default=False)
    published_at = UTCDateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class Course(BaseModel):
    title = CharField(max_length=200)
    category = CharField(max_length=10, index=True)
    summary = CharField(max_length=500, default="")
    syllabus = TextField(default="")  # 课程体系大纲, plain text
    audience = JSONTextField()
    required = BooleanField(default=False)
    due_date = DateField(null=True)  # required courses: complete by this day (China time)
    state = CharField(max_length=12, default=DRAFT, index=True)
    pinned = BooleanField(default=False)
    published_at = UTCDateTimeField(null=True)
    reminder_count = IntegerField(default=0)
    last_reminded_at = UTCDateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class Lesson(BaseModel):
    """One lesson of a course, in syllabus order; its content is a material."""

    course = ForeignKeyField(Course, backref="lessons", on_delete="CASCADE")
    position = IntegerField()
    title = CharField(max_length=200)
    material = ForeignKeyField(Material, backref="+", on_delete="RESTRICT")
    estimated_minutes = IntegerField(default=10)

    class Meta:
        table_name = "course_lesson"
        indexes = ((("course", "position"), False), (("course", "material"), True))


class Progress(BaseModel):
    """A deputy's progress through one material: where they stopped, credited time, completion."""

    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")
    material = ForeignKeyField(Material, backref="+", on_delete="CASCADE")
    position = CharField(max_length=40, default="")  # client-defined: a page, a second, a scroll share
    percent = IntegerField(default=0)
    credited_seconds = IntegerField(default=0)
    heartbeats = IntegerField(default=0)
    opened_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    completed_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "learning_progress"
        indexes = ((("deputy", "material"), True), (("material", "completed_at"), False))


class CourseCompletion(BaseModel):
    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")
    course = ForeignKeyField(Course, backref="+", on_delete="CASCADE")
    completed_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "course_completion"
        indexes = ((("course", "deputy"), True),)


class TrainingClass(BaseModel):
    """专题学习班: dates, a place, a syllabus, sessions and invited deputies."""

    title = CharField(max_length=200)
    place = CharField(max_length=200)
    starts_on = DateField()
    ends_on = DateField()
    syllabus = TextField(default="")
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "training_class"


class ClassSession(BaseModel):
    training_class = ForeignKeyField(TrainingClass, backref="sessions", on_delete="CASCADE")
    title = CharField(max_length=200)
    starts_at = UTCDateTimeField()
    ends_at = UTCDateTimeField()

    class Meta:
        table_name = "class_session"
        indexes = ((("training_class", "starts_at"), False),)


class Invitation(BaseModel):
    """A deputy invited to a class, and their reply slip: attend, or leave with a reason."""

    training_class = ForeignKeyField(TrainingClass, backref="invitations", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")
    reply = CharField(max_length=10, default=INVITED)
    reason = CharField(max_length=500, null=True)
    replied_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "class_invitation"
        indexes = ((("training_class", "deputy"), True), (("deputy",), False))


class Attendance(BaseModel):
    session = ForeignKeyField(ClassSession, backref="+", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")
    method = CharField(max_length=10)
    at = UTCDateTimeField(default=utcnow)
    marked_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "class_attendance"
        indexes = ((("session", "deputy"), True),)
