from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.blueprint import Blueprint
from api.common.db import utcnow
from api.common.fields import JsonBoolean, Text
from api.common.html import RichText
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.deputies.audience_schemas import (  # noqa: F401  (re-exported: the notice schemas use them by name)
    MAX_LIST,
    AudienceCountSchema,
    AudienceSchema,
    DeputyBriefSchema,
    id_list,
    stored_audience,
)
from api.notices.attachments import attachments_of
from api.notices.models import KINDS, STATE_LABELS

PAGINATION = Blueprint.DEFAULT_PAGINATION_PARAMETERS
DEFAULT_REPLY_OPTIONS = [{"label": "参加", "requires_reason": False}, {"label": "请假", "requires_reason": True}]


class ReplyOptionSchema(BaseSchema):
    label = Text(required=True, validate=validate.Length(min=1, max=20), metadata={"example": "请假"})
    requires_reason = JsonBoolean(load_default=False, metadata={"description": "选此项须填写理由"})


class ReplySlipSchema(BaseSchema):
    options = fields.List(
        fields.Nested(ReplyOptionSchema),
        load_default=lambda: [dict(o) for o in DEFAULT_REPLY_OPTIONS],
        validate=validate.Length(min=2, max=10),
        metadata={"description": "回执选项，默认：参加 / 请假（须填理由）"},
    )
    deadline = UTCDateTime(required=True, metadata={"description": "回执截止时间，截止前可修改"})

    @validates_schema
    def check(self, data, **kwargs):
        labels = [option["label"] for option in data.get("options") or ()]
        if len(labels) != len(set(labels)):
            raise ValidationError("回执选项不能重复。", "options")
        if data.get("deadline") and data["deadline"] <= utcnow():
            raise ValidationError("截止时间须晚于当前时间。", "deadline")


class NoticeCreateSchema(BaseSchema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    body = RichText(
        load_default="",
        validate=validate.Length(max=200_000),
        metadata={"description": "正文（富文本，服务端清洗）；一人一函可用 {{姓名}} {{代表团}} {{列名}}"},
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    pinned = JsonBoolean(load_default=False)
    audience = fields.Nested(AudienceSchema, required=True)
    attachment_ids = fields.List(
        fields.Integer(strict=True),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "先经 /api/v1/files 上传"},
    )
    reply_slip = fields.Nested(
        ReplySlipSchema, allow_none=True, load_default=None, metadata={"description": "需要回执时填写"}
    )


NOTICE_FIELDS = tuple(NoticeCreateSchema().fields)


class NoticeUpdateSchema(UpdateSchema, NoticeCreateSchema):
    """PATCH: any subset. After publishing only title, body, attachments, pinned and the reply deadline may change."""

    def __init__(self, *args, **kwargs):
        # Top-level names only: `partial=True` would also relax the nested audience and reply slip.
        kwargs.setdefault("partial", NOTICE_FIELDS)
        super().__init__(*args, **kwargs)

    notify = JsonBoolean(
        metadata={"description": "已发布的通知：标题、正文或附件有修改时，向已读过旧版本的代表推送更正（默认不推送）"},
    )

    NOT_CHANGES = ("notify",)


class AttachmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    url = fields.String(dump_only=True, metadata={"description": "短时有效的下载链接"})


class ReplySlipOutSchema(BaseSchema):
    options = fields.List(fields.Nested(ReplyOptionSchema), dump_only=True)
    deadline = UTCDateTime(dump_only=True, allow_none=True)


class NoticeSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    pinned = fields.Boolean(dump_only=True)
    state = fields.String(dump_only=True, metadata={"description": "draft / scheduled / published / withdrawn"})
    state_label = fields.Function(lambda n: STATE_LABELS[n.state], dump_only=True)
    audience = fields.Function(lambda n: n.audience, dump_only=True, metadata={"description": "受众（同提交格式）"})
    reply_slip = fields.Function(
        lambda n: ReplySlipOutSchema().dump({"options": n.reply_options, "deadline": n.reply_deadline})
        if n.reply_options else None,
        dump_only=True,
    )
    attachments = fields.Method("dump_attachments", dump_only=True)
    scheduled_at = UTCDateTime(dump_only=True, allow_none=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    withdrawn_at = UTCDateTime(dump_only=True, allow_none=True)
    withdraw_reason = fields.String(dump_only=True, allow_none=True)
    publish_error = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "定时发布失败的原因（已退回草稿）"}
    )
    version = fields.Integer(dump_only=True)
    recipient_count = fields.Integer(dump_only=True)
    reminder_count = fields.Integer(dump_only=True)
    last_reminded_at = UTCDateTime(dump_only=True, allow_none=True)
    merge_columns = fields.List(
        fields.String(), dump_only=True, allow_none=True, metadata={"description": "一人一函合并数据的列"}
    )
    created_by_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)

    def dump_attachments(self, notice):
        return AttachmentSchema(many=True).dump(attachments_of(notice))


class NoticeListItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    pinned = fields.Boolean(dump_only=True)
    state = fields.String(dump_only=True)
    scheduled_at = UTCDateTime(dump_only=True, allow_none=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    recipient_count = fields.Integer(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class NoticeQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    state = fields.String(validate=validate.OneOf(list(STATE_LABELS)))
    kind = fields.String(validate=validate.OneOf(KINDS))
    q = Text(validate=validate.Length(max=50), metadata={"description": "标题包含"})


class AudiencePreviewSchema(BaseSchema):
    audience = fields.Nested(AudienceSchema, required=True)


class ScheduleSchema(BaseSchema):
    publish_at = UTCDateTime(required=True, metadata={"description": "发布时间（须晚于当前时间）"})

    @validates_schema
    def future(self, data, **kwargs):
        if data["publish_at"] <= utcnow():
            raise ValidationError("发布时间须晚于当前时间。", "publish_at")


class WithdrawSchema(BaseSchema):
    reason = Text(
        required=True, multiline=True, validate=validate.Length(min=1, max=500), metadata={"description": "撤回原因"}
    )


class VersionSchema(BaseSchema):
    version = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    attachments = fields.List(fields.Dict(), dump_only=True)
    edited_by_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "修改者（此版本被替换时）；当前版本为 null"}
    )
    edited_at = UTCDateTime(
        dump_only=True, allow_none=True, metadata={"description": "此版本被替换的时间；当前版本为 null"}
    )
    current = fields.Boolean(dump_only=True)


class TallySchema(BaseSchema):
    option = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class StatsSchema(BaseSchema):
    recipients = fields.Integer(dump_only=True)
    read = fields.Integer(dump_only=True)
    unread = fields.Integer(dump_only=True)
    replied = fields.Integer(dump_only=True)
    not_replied = fields.Integer(dump_only=True)
    reply_tallies = fields.List(fields.Nested(TallySchema), dump_only=True)
    reminder_count = fields.Integer(dump_only=True)
    last_reminded_at = UTCDateTime(dump_only=True, allow_none=True)


RECIPIENT_FILTERS = ("read", "unread", "replied", "not_replied")


class RecipientQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        validate=validate.OneOf(RECIPIENT_FILTERS), metadata={"description": "read / unread / replied / not_replied"}
    )
    option = Text(validate=validate.Length(max=20), metadata={"description": "回执选项"})
    q = Text(validate=validate.Length(max=50), metadata={"description": "姓名或代表编号包含"})


class RecipientSchema(BaseSchema):
    deputy_id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)
    read_at = UTCDateTime(dump_only=True, allow_none=True)
    reply_option = fields.String(dump_only=True, allow_none=True)
    reply_reason = fields.String(dump_only=True, allow_none=True)
    replied_at = UTCDateTime(dump_only=True, allow_none=True)


class RemindResultSchema(BaseSchema):
    reminder = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "第几次提醒；未发送为 null"})
    queued = fields.Integer(dump_only=True, metadata={"description": "本次记录的推送条数（每位未读代表一条）"})
    recipients = fields.Integer(dump_only=True, metadata={"description": "未读代表人数"})
    will_send = fields.Integer(dump_only=True, metadata={"description": "现在能收到提醒的人数（已绑定且已同意接收）"})
    no_consent = fields.Integer(dump_only=True, metadata={"description": "未同意接收提醒消息的人数"})
    unbound = fields.Integer(dump_only=True, metadata={"description": "未绑定微信的人数"})
    message = fields.String(dump_only=True, metadata={"description": "本次提醒会怎样，面向工作人员的说明"})


class TimelineEntrySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    from_state = fields.String(dump_only=True, allow_none=True, metadata={"description": "原状态；新建时为 null"})
    from_label = fields.String(dump_only=True, allow_none=True)
    to_state = fields.String(dump_only=True)
    to_label = fields.String(dump_only=True)
    actor_id = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "操作人；系统任务为 null"})
    actor_name = fields.String(dump_only=True, allow_none=True, metadata={"description": "操作人姓名；系统任务为 null"})
    at = UTCDateTime(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    payload = fields.Dict(dump_only=True, allow_none=True)


class MergeDataSchema(BaseSchema):
    file_id = fields.Integer(
        strict=True, metadata={"description": "已上传的 xlsx 或 csv，首行为表头，须有“代表编号”列"}
    )
    rows = fields.List(fields.Dict(keys=fields.String(), values=fields.Raw()), validate=validate.Length(max=200_000),
                       metadata={"description": "或直接提交行：[{\"代表编号\": \"...\", \"列名\": \"值\"}]"})

    @validates_schema
    def one_source(self, data, **kwargs):
        if ("file_id" in data) == ("rows" in data):
            raise ValidationError("请提供 file_id 或 rows 之一。", "file_id")


class MergeSummarySchema(BaseSchema):
    rows = fields.Integer(dump_only=True)
    columns = fields.List(fields.String(), dump_only=True)


class LetterPreviewQuerySchema(QuerySchema):
    deputy_id = fields.Integer(required=True, validate=validate.Range(min=1))


class LetterPreviewSchema(BaseSchema):
    deputy_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    missing = fields.List(fields.String(), dump_only=True, metadata={"description": "该代表缺少的合并字段"})


# --- deputy side ---


class FeedQuerySchema(QuerySchema):
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={"description": "只看这一类通知"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    # The same bounds as every other list.
    page_size = fields.Integer(
        load_default=PAGINATION["page_size"], validate=validate.Range(min=1, max=PAGINATION["max_page_size"])
    )


class MyReplySchema(BaseSchema):
    option = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    replied_at = UTCDateTime(dump_only=True)


class FeedItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    pinned = fields.Boolean(dump_only=True)
    read = fields.Boolean(dump_only=True)
    updated = fields.Boolean(dump_only=True, metadata={"description": "读过之后又有修改，再次打开前为 true"})
    reply_required = fields.Boolean(dump_only=True)
    reply_deadline = UTCDateTime(dump_only=True, allow_none=True)
    my_reply = fields.String(dump_only=True, allow_none=True, metadata={"description": "我的回执选项，未回执为 null"})


class UnreadCountSchema(BaseSchema):
    unread = fields.Integer(dump_only=True)


class FeedDetailSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True, metadata={"description": "正文；一人一函为本人的函件"})
    pinned = fields.Boolean(dump_only=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    updated_at = UTCDateTime(dump_only=True)
    version = fields.Integer(dump_only=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), dump_only=True)
    read_at = UTCDateTime(dump_only=True)
    reply_slip = fields.Nested(ReplySlipOutSchema, dump_only=True, allow_none=True)
    reply_open = fields.Boolean(dump_only=True, metadata={"description": "现在能否提交或修改回执"})
    my_reply = fields.Nested(MyReplySchema, dump_only=True, allow_none=True)


class ReplySchema(BaseSchema):
    option = Text(required=True, validate=validate.Length(min=1, max=20))
    reason = Text(load_default=None, allow_none=True, multiline=True, validate=validate.Length(max=500))
