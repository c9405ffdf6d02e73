"""Request and response bodies of /api/v1/materials."""
from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.fields import Id, JsonBoolean, Text, optional_text
from api.common.html import RichText
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.deputies.audience_schemas import AudienceSchema
from api.materials.models import (
    ATTENDING,
    CATEGORIES,
    FILE_KINDS,
    KIND_LABELS,
    LEAVE,
    LINK,
    METHOD_LABELS,
    STATE_LABELS,
)

MINUTES = validate.Range(min=1, max=600)


def tag_list():
    return fields.List(
        Text(validate=validate.Length(min=1, max=20)), load_default=list, validate=validate.Length(max=10),
        metadata={"description": "标签"},
    )


class MaterialSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(list(KIND_LABELS)),
                         metadata={"description": "article 图文 / document 文档 / video 视频 / audio 音频 / link 链接"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    tags = tag_list()
    summary = Text(load_default="", multiline=True, validate=validate.Length(max=500))
    body = RichText(
        load_default="", validate=validate.Length(max=200_000), metadata={"description": "图文正文（HTML，保存时清理）"}
    )
    file_id = Id(allow_none=True, load_default=None, metadata={"description": "文档、音视频：文件服务中的文件"})
    url = Text(allow_none=True, load_default=None, validate=[validate.Length(max=500), validate.URL(schemes={"https"})],
               metadata={"description": "链接或外部音视频地址（https）"})
    estimated_minutes = fields.Integer(
        load_default=10, validate=MINUTES, metadata={"description": "预计学习时长（分钟）"}
    )
    audience = fields.Nested(AudienceSchema, required=True)
    pinned = JsonBoolean(load_default=False)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda m: STATE_LABELS[m.state], dump_only=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)

    @validates_schema
    def content_fits_kind(self, data, partial=False, **kwargs):
        kind = data.get("kind")
        if kind == LINK and not data.get("url") and not partial:
            raise ValidationError("链接须填写地址。", "url")
        if kind in FILE_KINDS and not (data.get("file_id") or data.get("url")) and not partial:
            raise ValidationError("请上传文件或填写地址。", "file_id")


class MaterialUpdateSchema(UpdateSchema, MaterialSchema):
    def __init__(self, *args, **kwargs):
        # Top-level names only: `partial=True` would also relax the nested audience.
        kwargs.setdefault("partial", tuple(MaterialSchema().load_fields))
        super().__init__(*args, **kwargs)


class StateQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    state = fields.String(validate=validate.OneOf(list(STATE_LABELS)))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    q = Text(validate=validate.Length(max=50), metadata={"description": "标题包含"})


class LessonInSchema(BaseSchema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    material_id = Id(required=True)
    estimated_minutes = fields.Integer(load_default=None, allow_none=True, validate=MINUTES,
                                       metadata={"description": "默认取资料的预计时长"})


class LessonSchema(BaseSchema):
    position = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    material_id = fields.Integer(dump_only=True)
    estimated_minutes = fields.Integer(dump_only=True)


class CourseSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    summary = Text(load_default="", multiline=True, validate=validate.Length(max=500))
    syllabus = Text(load_default="", multiline=True, validate=validate.Length(max=20_000),
                    metadata={"description": "课程体系大纲"})
    audience = fields.Nested(AudienceSchema, required=True)
    required = JsonBoolean(load_default=False, metadata={"description": "受众须在截止日期前学完"})
    due_date = fields.Date(allow_none=True, load_default=None)
    pinned = JsonBoolean(load_default=False)
    lessons = fields.List(fields.Nested(LessonInSchema), load_default=list, validate=validate.Length(max=100),
                          metadata={"description": "课时，按大纲顺序"})
    state = fields.String(dump_only=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)

    @validates_schema
    def due_for_required(self, data, partial=False, **kwargs):
        if data.get("required") and not data.get("due_date") and not partial:
            raise ValidationError("必修课程须填写截止日期。", "due_date")
        ids = [lesson["material_id"] for lesson in data.get("lessons") or ()]
        if len(ids) != len(set(ids)):
            raise ValidationError("同一资料不能重复作为课时。", "lessons")


class CourseUpdateSchema(UpdateSchema, CourseSchema):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", tuple(CourseSchema().load_fields))
        super().__init__(*args, **kwargs)


class CourseOutSchema(CourseSchema):
    lessons = fields.List(fields.Nested(LessonSchema), dump_only=True, attribute="lessons_out")


# --- deputies ---


class CatalogueQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    category = fields.String(validate=validate.OneOf(CATEGORIES))
    tag = Text(validate=validate.Length(max=20))


class OpenSchema(BaseSchema):
    session = fields.String(dump_only=True, metadata={"description": "本次学习的会话，心跳时带上"})
    position = fields.String(dump_only=True, metadata={"description": "上次停下的位置（跨设备续学）"})
    percent = fields.Integer(dump_only=True)
    credited_seconds = fields.Integer(dump_only=True)
    required_seconds = fields.Integer(dump_only=True, metadata={"description": "完成所需的有效学习时长"})
    heartbeat_seconds = fields.Integer(dump_only=True, metadata={"description": "建议的心跳间隔"})
    completed_at = UTCDateTime(dump_only=True, allow_none=True)


class HeartbeatSchema(BaseSchema):
    session = Text(required=True, validate=validate.Length(min=1, max=64))
    material_id = Id(required=True)
    position = Text(load_default="", validate=validate.Length(max=40))
    percent = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100))


class HeartbeatResultSchema(BaseSchema):
    credited = fields.Integer(dump_only=True, metadata={"description": "本次计入的秒数（过快的心跳为 0）"})


class CompletionResultSchema(BaseSchema):
    material_id = fields.Integer(dump_only=True)
    completed_at = UTCDateTime(dump_only=True)
    courses_completed = fields.List(fields.Integer(), dump_only=True)


class CourseRemindSchema(BaseSchema):
    queued = fields.Integer(dump_only=True)
    recipients = fields.Integer(dump_only=True)
    message = fields.String(dump_only=True)


class CompletionQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    delegation_id = Id()
    status = fields.String(validate=validate.OneOf(["done", "pending"]))


# --- classes ---


class ClassSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    place = Text(required=True, validate=validate.Length(min=1, max=200))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    syllabus = Text(load_default="", multiline=True, validate=validate.Length(max=20_000))

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("结束日期不能早于开始日期。", "ends_on")


class ClassUpdateSchema(UpdateSchema, ClassSchema):
    pass


class SessionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    starts_at = UTCDateTime(required=True)
    ends_at = UTCDateTime(required=True)

    @validates_schema
    def window(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("结束时间须晚于开始时间。", "ends_at")


class ClassDetailSchema(ClassSchema):
    sessions = fields.List(fields.Nested(SessionSchema), dump_only=True)
    invited = fields.Integer(dump_only=True)


class InviteSchema(BaseSchema):
    deputy_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=5000))


class InviteResultSchema(BaseSchema):
    invited = fields.Integer(dump_only=True, metadata={"description": "新邀请的人数"})
    total = fields.Integer(dump_only=True)


class ClassReplySchema(BaseSchema):
    reply = fields.String(required=True, validate=validate.OneOf([ATTENDING, LEAVE]),
                          metadata={"description": "attending 参加 / leave 请假（须填理由）"})
    reason = optional_text(500, "请假理由", multiline=True)

    @validates_schema
    def reason_for_leave(self, data, **kwargs):
        if data.get("reply") == LEAVE and not data.get("reason"):
            raise ValidationError("请假须填写理由。", "reason")


class MyClassSchema(ClassDetailSchema):
    reply = fields.String(dump_only=True)
    reply_label = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    attended_session_ids = fields.List(fields.Integer(), dump_only=True)


class CheckinCodeSchema(BaseSchema):
    code = fields.String(dump_only=True)
    expires_in = fields.Float(dump_only=True)
    step_seconds = fields.Integer(dump_only=True)


class CheckinSchema(BaseSchema):
    code = Text(required=True, validate=validate.Length(min=1, max=100), metadata={"description": "扫码得到的文本"})


class AttendanceSchema(BaseSchema):
    session_id = fields.Integer(dump_only=True)
    deputy_id = fields.Integer(dump_only=True)
    method = fields.String(dump_only=True)
    method_label = fields.Function(lambda row: METHOD_LABELS[row.method], dump_only=True)
    at = UTCDateTime(dump_only=True)


class MarkSchema(BaseSchema):
    deputy_id = Id(required=True)




# --- reading (deputies) ---


class MaterialCardSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    kind_label = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    tags = fields.List(fields.String(), dump_only=True)
    summary = fields.String(dump_only=True)
    estimated_minutes = fields.Integer(dump_only=True)
    pinned = fields.Boolean(dump_only=True)
    published_at = fields.String(dump_only=True, allow_none=True)


class LibraryPageSchema(BaseSchema):
    items = fields.List(fields.Nested(MaterialCardSchema), dump_only=True)
    total = fields.Integer(dump_only=True)
    page = fields.Integer(dump_only=True)
    page_size = fields.Integer(dump_only=True)
    categories = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True,
                             metadata={"description": "各类别可见资料数"})


class LibraryQuerySchema(CatalogueQuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class MaterialReadSchema(MaterialCardSchema):
    body = fields.String(dump_only=True)
    url = fields.String(dump_only=True, allow_none=True)
    file_url = fields.String(dump_only=True, allow_none=True, metadata={"description": "限时下载地址"})
    file_name = fields.String(dump_only=True, allow_none=True)
    progress = fields.Nested(OpenSchema, dump_only=True)


class CourseCardSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    summary = fields.String(dump_only=True)
    required = fields.Boolean(dump_only=True)
    due_date = fields.String(dump_only=True, allow_none=True)
    pinned = fields.Boolean(dump_only=True)
    lesson_count = fields.Integer(dump_only=True)
    estimated_minutes = fields.Integer(dump_only=True)


class CourseListSchema(BaseSchema):
    items = fields.List(fields.Nested(CourseCardSchema), dump_only=True)


class CoursePageSchema(CourseCardSchema):
    syllabus = fields.String(dump_only=True)
    lessons = fields.List(fields.Nested(LessonSchema), dump_only=True)


class MyCourseSchema(CourseCardSchema):
    lessons_done = fields.Integer(dump_only=True)
    completed_material_ids = fields.List(fields.Integer(), dump_only=True)
    completed_at = UTCDateTime(dump_only=True, allow_none=True)
    overdue = fields.Boolean(dump_only=True)


# --- reports ---


class DelegationCompletionSchema(BaseSchema):
    delegation_id = fields.Integer(dump_only=True)
    delegation = fields.String(dump_only=True)
    total = fields.Integer(dump_only=True)
    done = fields.Integer(dump_only=True)


class CompletionSummarySchema(BaseSchema):
    course_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    total = fields.Integer(dump_only=True)
    done = fields.Integer(dump_only=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    delegations = fields.List(fields.Nested(DelegationCompletionSchema), dump_only=True)


class CompletionRowSchema(BaseSchema):
    id = fields.Integer(dump_only=True, metadata={"description": "代表 id"})
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    delegation_id = fields.Integer(dump_only=True)
    delegation = fields.String(dump_only=True)
    completed_at = UTCDateTime(dump_only=True, allow_none=True)


class SheetCellSchema(BaseSchema):
    session_id = fields.Integer(dump_only=True)
    method = fields.String(dump_only=True, allow_none=True)
    at = UTCDateTime(dump_only=True, allow_none=True)


class SheetRowSchema(BaseSchema):
    deputy_id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)
    reply = fields.String(dump_only=True)
    reply_label = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    sessions = fields.List(fields.Nested(SheetCellSchema), dump_only=True)


class AttendanceSheetSchema(BaseSchema):
    sessions = fields.List(fields.Nested(SessionSchema), dump_only=True)
    rows = fields.List(fields.Nested(SheetRowSchema), dump_only=True)
