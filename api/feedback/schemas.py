"""Request and response shapes of constituent feedback."""
from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.fields import Id, JsonBoolean, Text, optional_text
from api.common.idempotency import HEADER, KEY_PATTERN
from api.common.schemas import BaseSchema, QuerySchema, UTCDateTime
from api.feedback.models import CATEGORIES, COMMENT_KINDS, RATINGS, STATE_LABELS
from api.files.schemas import FileSchema

CONTENT_MAX = 2000
REASON_MAX = 500
ANSWER_MAX = 5000
MAX_PHOTOS = 6
MAX_DAYS = 60
PHONE_PATTERN = r"^\+?[0-9][0-9 -]{4,19}$"


class FeedbackRef(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


# --- intake ---


class IdempotencyHeaderSchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # every other header passes untouched

    idempotency_key = fields.String(
        data_key=HEADER,
        load_default=None,
        validate=validate.Regexp(KEY_PATTERN),
        metadata={
            "description": "客户端为每份提交生成的唯一键（8–64 位字母、数字或 ._:-）；"
            "重试时带同一个键只建一件，回答与第一次相同"
        },
    )


class CaseCreateSchema(BaseSchema):
    station_id = Id(required=True, metadata={"description": "联络站（扫码所得）"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES), metadata={"description": "类别"})
    content = Text(required=True, multiline=True, validate=validate.Length(min=5, max=CONTENT_MAX),
                   metadata={"description": "反映的问题"})
    photo_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=MAX_PHOTOS),
                            metadata={"description": f"照片（先经 /api/v1/files 上传的图片，最多 {MAX_PHOTOS} 张）"})
    name = optional_text(50, "姓名（可不填，匿名反映）")
    phone = Text(allow_none=True, load_default=None, validate=validate.Regexp(PHONE_PATTERN),
                 metadata={"description": "联系电话（可不填）"})
    consent = JsonBoolean(load_default=False, metadata={"description": "同意按告知书使用所留姓名和电话（留了才需要）"})
    consent_version = Text(allow_none=True, load_default=None, validate=validate.Length(max=20),
                           metadata={"description": "所同意告知书的版本（见 intake-info）"})

    @validates_schema
    def consent_for_personal_data(self, data, **kwargs):
        if (data.get("name") or data.get("phone")) and not data.get("consent"):
            raise ValidationError("留下姓名或电话须先同意告知书。", "consent")


class ReceiptSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    tracking_code = fields.String(dump_only=True, metadata={"description": "查询码：凭此码查询办理进度"})
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    message = fields.String(dump_only=True)


class ConsentSchema(BaseSchema):
    version = fields.String(dump_only=True)
    text = fields.String(dump_only=True)


class IntakeInfoSchema(BaseSchema):
    categories = fields.List(fields.String(), dump_only=True)
    consent = fields.Nested(ConsentSchema, dump_only=True)
    max_photos = fields.Integer(dump_only=True)
    content_max = fields.Integer(dump_only=True)


# --- following ---


class StepSchema(BaseSchema):
    state = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    at = UTCDateTime(dump_only=True)


class TrackSchema(BaseSchema):
    """What anyone holding the tracking code may see: status and answer, never who wrote or what."""

    tracking_code = fields.String(dump_only=True)
    station = fields.Nested(FeedbackRef, dump_only=True)
    category = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    submitted_at = UTCDateTime(dump_only=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    reply = fields.String(dump_only=True, allow_none=True, metadata={"description": "答复（办结后）"})
    rejection_reason = fields.String(dump_only=True, allow_none=True)
    rating = fields.String(dump_only=True, allow_none=True)
    steps = fields.List(fields.Nested(StepSchema), dump_only=True)


class MyCaseSchema(TrackSchema):
    id = fields.Integer(dump_only=True)
    content = fields.String(dump_only=True)
    rating_comment = fields.String(dump_only=True, allow_none=True)
    can_rate = fields.Boolean(dump_only=True)
    can_reopen = fields.Boolean(dump_only=True)


class RatingSchema(BaseSchema):
    rating = fields.String(
        required=True, validate=validate.OneOf(RATINGS), metadata={"description": "满意 / 基本满意 / 不满意"}
    )
    comment = optional_text(REASON_MAX, "评价说明")
    reopen = JsonBoolean(load_default=False, metadata={"description": "不满意时申请重新办理（仅一次，须填原因）"})
    reason = optional_text(REASON_MAX, "申请重新办理的原因")

    @validates_schema
    def reopen_rules(self, data, **kwargs):
        if data.get("reopen"):
            if data.get("rating") != "不满意":
                raise ValidationError("只有「不满意」可以申请重新办理。", "reopen")
            if not data.get("reason"):
                raise ValidationError("申请重新办理须填写原因。", "reason")


# --- inbox ---


class CaseQuerySchema(QuerySchema):
    station_id = Id(metadata={"description": "联络站"})
    state = fields.List(
        fields.String(validate=validate.OneOf(list(STATE_LABELS))), metadata={"description": "状态（可多选）"}
    )
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    unit_id = Id(metadata={"description": "承办单位"})
    created_from = fields.Date(metadata={"description": "提交日期起（含）"})
    created_to = fields.Date(metadata={"description": "提交日期止（含）"})
    overdue = fields.Boolean(metadata={"description": "只看（true）或排除（false）已超期的"})
    q = Text(validate=validate.Length(min=1, max=50), metadata={"description": "在内容中搜索"})


class StateCountSchema(BaseSchema):
    state = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class CountsSchema(BaseSchema):
    total = fields.Integer(dump_only=True)
    overdue = fields.Integer(dump_only=True, metadata={"description": "已超期"})
    states = fields.List(fields.Nested(StateCountSchema), dump_only=True)


class CaseListItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    tracking_code = fields.String(dump_only=True)
    station = fields.Nested(FeedbackRef, dump_only=True)
    category = fields.String(dump_only=True)
    excerpt = fields.String(dump_only=True, metadata={"description": "内容摘要（前 80 字）"})
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    screening = fields.String(dump_only=True)
    unit = fields.Nested(FeedbackRef, dump_only=True, allow_none=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    overdue = fields.Boolean(dump_only=True, metadata={"description": "已超过答复期限（醒目显示）"})
    due_mark = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "near 临近期限 / overdue 已超期"}
    )
    anonymous = fields.Boolean(dump_only=True, metadata={"description": "未留姓名和电话"})
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class CaseDetailSchema(CaseListItemSchema):
    content = fields.String(dump_only=True)
    screening_label = fields.String(dump_only=True, allow_none=True)
    name = fields.String(dump_only=True, allow_none=True, metadata={"description": "姓名（打码；明文见 /contact）"})
    phone = fields.String(dump_only=True, allow_none=True, metadata={"description": "电话（打码；明文见 /contact）"})
    consent_version = fields.String(dump_only=True, allow_none=True)
    photos = fields.List(fields.Nested(FileSchema), dump_only=True)
    merged_into_id = fields.Integer(dump_only=True, allow_none=True)
    rejection_reason = fields.String(dump_only=True, allow_none=True)
    forwarded_at = UTCDateTime(dump_only=True, allow_none=True)
    answer = fields.String(dump_only=True, allow_none=True)
    answered_at = UTCDateTime(dump_only=True, allow_none=True)
    reply = fields.String(dump_only=True, allow_none=True)
    closed_at = UTCDateTime(dump_only=True, allow_none=True)
    rating = fields.String(dump_only=True, allow_none=True)
    rating_comment = fields.String(dump_only=True, allow_none=True)
    reopen_count = fields.Integer(dump_only=True)
    personal_erased = fields.Boolean(dump_only=True)
    actions = fields.List(fields.String(), dump_only=True, metadata={
        "description": "当前用户此刻可做的操作：release, accept, reject, merge, forward, close, answer, return, "
        "extend, comment, contact"})


class ContactSchema(BaseSchema):
    name = fields.String(dump_only=True, allow_none=True)
    phone = fields.String(dump_only=True, allow_none=True)
    consent_version = fields.String(dump_only=True, allow_none=True)
    consent_text = fields.String(dump_only=True, allow_none=True)


class ReasonSchema(BaseSchema):
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX), metadata={"description": "原因"})


class MergeSchema(BaseSchema):
    into_id = Id(required=True, metadata={"description": "合并到的事项（同一联络站、尚未办结）"})


class ForwardSchema(BaseSchema):
    unit_id = Id(required=True, metadata={"description": "承办单位"})
    days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_DAYS),
                          metadata={"description": "答复期限（工作日，节假日和调休按日历计算）；不填用默认值"})


class CloseSchema(BaseSchema):
    reply = Text(load_default=None, allow_none=True, multiline=True, validate=validate.Length(max=ANSWER_MAX),
                 metadata={"description": "告知群众的答复；不填则转告承办单位的答复"})


class AnswerSchema(BaseSchema):
    answer = Text(required=True, multiline=True, validate=validate.Length(min=1, max=ANSWER_MAX))


class ExtensionCreateSchema(BaseSchema):
    days = fields.Integer(
        required=True, validate=validate.Range(min=1, max=MAX_DAYS), metadata={"description": "延长的工作日数"}
    )
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX))


class ExtensionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    unit = fields.Nested(FeedbackRef, dump_only=True)
    days = fields.Integer(dump_only=True)
    reason = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    due_before = fields.Date(dump_only=True)
    due_after = fields.Date(dump_only=True, allow_none=True)
    decision_reason = fields.String(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class RefuseSchema(BaseSchema):
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX))


class CommentCreateSchema(BaseSchema):
    body = Text(required=True, multiline=True, validate=validate.Length(min=1, max=REASON_MAX * 4))
    kind = fields.String(load_default="comment", validate=validate.OneOf(list(COMMENT_KINDS)),
                         metadata={"description": "comment 意见 / proposal 建议（代表只提意见和建议，不作决定）"})


class CommentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    author_id = fields.Integer(dump_only=True, allow_none=True)
    author_name = fields.String(dump_only=True, allow_none=True)
    author_role = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)


class CaseHistorySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    from_state = fields.String(dump_only=True, allow_none=True)
    from_label = fields.String(dump_only=True, allow_none=True)
    to_state = fields.String(dump_only=True)
    to_label = fields.String(dump_only=True)
    actor_id = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "操作人；系统任务为 null"})
    actor_name = fields.String(dump_only=True, allow_none=True, metadata={"description": "操作人姓名"})
    at = UTCDateTime(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    payload = fields.Dict(dump_only=True, allow_none=True)


class WordSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    word = Text(required=True, validate=validate.Length(min=1, max=50))
    created_at = UTCDateTime(dump_only=True)


# --- statistics ---


class StatsQuerySchema(QuerySchema):
    date_from = fields.Date(data_key="from", metadata={"description": "提交日期起（含，北京时间）"})
    date_to = fields.Date(data_key="to", metadata={"description": "提交日期止（含，北京时间）"})
    station_id = Id(metadata={"description": "只统计该联络站"})
    category = fields.String(validate=validate.OneOf(CATEGORIES), metadata={"description": "只统计该类别"})

    @validates_schema
    def range_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("起始日期不能晚于截止日期。", "from")


class StatsByQuerySchema(StatsQuerySchema):
    by = fields.String(
        load_default="station", validate=validate.OneOf(["station", "category", "unit"]),
        metadata={"description": "分组：station 联络站、category 类别、unit 承办单位"},
    )


class FiguresSchema(BaseSchema):
    cases = fields.Integer(dump_only=True, metadata={"description": "期间提交的事项数"})
    answered = fields.Integer(dump_only=True, metadata={"description": "承办单位已答复的"})
    median_reply_hours = fields.Float(
        dump_only=True, allow_none=True,
        metadata={"description": "答复用时中位数：自转办至承办单位首次答复，自然小时（含夜间和节假日）"},
    )
    on_time = fields.Integer(dump_only=True, metadata={"description": "在当时的办理期限内首次答复的"})
    due = fields.Integer(dump_only=True, metadata={"description": "结果已知的：已答复，或未答复且已超期"})
    on_time_rate = fields.Float(dump_only=True, allow_none=True, metadata={"description": "按期答复率 on_time/due"})
    satisfied = fields.Integer(dump_only=True, metadata={"description": "满意"})
    basically_satisfied = fields.Integer(dump_only=True, metadata={"description": "基本满意"})
    unsatisfied = fields.Integer(dump_only=True, metadata={"description": "不满意"})
    rated = fields.Integer(dump_only=True)
    satisfaction_rate = fields.Float(
        dump_only=True, allow_none=True, metadata={"description": "满意率：（满意+基本满意）/已评价"}
    )


class StatsGroupSchema(FiguresSchema):
    id = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "联络站或承办单位的 id；类别为空"})
    name = fields.String(dump_only=True)


class FeedbackStatsSchema(BaseSchema):
    by = fields.String(dump_only=True)
    date_from = fields.Date(dump_only=True, allow_none=True, data_key="from")
    date_to = fields.Date(dump_only=True, allow_none=True, data_key="to")
    groups = fields.List(fields.Nested(StatsGroupSchema), dump_only=True)
    total = fields.Nested(FiguresSchema, dump_only=True)


class RankedUnitSchema(FiguresSchema):
    rank = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "名次；样本不足或未答复的为空"})
    unit = fields.Nested(FeedbackRef, dump_only=True)
    few_cases = fields.Boolean(dump_only=True, metadata={"description": "已答复事项少于排名所需，不参与排名"})


class RankingSchema(BaseSchema):
    date_from = fields.Date(dump_only=True, allow_none=True, data_key="from")
    date_to = fields.Date(dump_only=True, allow_none=True, data_key="to")
    min_answered = fields.Integer(dump_only=True, metadata={"description": "参与排名所需的已答复事项数"})
    units = fields.List(fields.Nested(RankedUnitSchema), dump_only=True)


class SimilarCaseSchema(CaseListItemSchema):
    score = fields.Float(dump_only=True, metadata={"description": "相似度（0–1，越大越像）"})
