import re

import nh3
from marshmallow import EXCLUDE, ValidationError, fields, post_load, pre_dump, validate, validates_schema

from api.common.db import utcnow
from api.common.schemas import BaseSchema, UTCDateTime
from api.notices.models import KINDS, STATE_LABELS

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "u", "ol", "ul", "li", "h3", "h4", "blockquote", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}
# Images only from our own file service: a third-party image would tell its host who read the notice.
OWN_FILE_SRC = re.compile(r"^/api/v1/files/(?:\d+|download/[A-Za-z0-9._-]+)$")
MAX_LIST = 5000
DEFAULT_REPLY_OPTIONS = [{"label": "参加", "requires_reason": False}, {"label": "请假", "requires_reason": True}]


def _keep_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src":
        return value if OWN_FILE_SRC.match(value) else None
    return value


def sanitise(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
        url_schemes={"http", "https", "mailto", "tel"},
        attribute_filter=_keep_attribute,
        strip_comments=True,
    ).strip()


class Text(fields.String):
    """A string with surrounding whitespace removed."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class RichText(fields.String):
    """HTML body: anything outside the small allowed set is removed on the way in."""

    def _deserialize(self, value, attr, data, **kwargs):
        return sanitise(super()._deserialize(value, attr, data, **kwargs))


def id_list(description):
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1)),
        load_default=list,
        validate=validate.Length(max=MAX_LIST),
        metadata={"description": description},
    )


class AudienceSchema(BaseSchema):
    """Who a notice goes to: the union of the selectors, minus exclusions; only serving deputies."""

    all = fields.Boolean(load_default=False, metadata={"description": "全体代表"})
    delegation_ids = id_list("代表团/选举单位")
    group_ids = id_list("代表小组")
    station_ids = id_list("联络站")
    expertise = fields.List(
        Text(validate=validate.Length(min=1, max=50)),
        data_key="fields",
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "专业领域"},
    )
    grassroots_only = fields.Boolean(
        load_default=False, metadata={"description": "只发基层代表（与其他范围同选时取交集；单独选择即全体基层代表）"}
    )
    deputy_ids = id_list("指定代表（离任者自动排除）")
    exclude_deputy_ids = id_list("排除的代表")

    @post_load
    def dedupe(self, data, **kwargs):
        for key in ("delegation_ids", "group_ids", "station_ids", "expertise", "deputy_ids", "exclude_deputy_ids"):
            data[key] = list(dict.fromkeys(data[key]))
        return data

    @validates_schema
    def check_selection(self, data, **kwargs):
        selectors = [data.get(k) for k in ("delegation_ids", "group_ids", "station_ids", "expertise")]
        if not (data.get("all") or any(selectors) or data.get("grassroots_only") or data.get("deputy_ids")):
            raise ValidationError("请至少选择一种受众范围。", "all")
        if data.get("all") and (any(selectors) or data.get("deputy_ids")):
            raise ValidationError("已选择全体代表，不能再选其他范围。", "all")
        overlap = set(data.get("deputy_ids") or ()) & set(data.get("exclude_deputy_ids") or ())
        if overlap:
            raise ValidationError(f"同一代表不能既指定又排除：{sorted(overlap)}", "exclude_deputy_ids")

    @pre_dump
    def stored_form(self, audience, **kwargs):
        # Stored notices keep the public key names; `fields` is also a Schema attribute, hence `expertise`.
        if "fields" in audience:
            audience = dict(audience, expertise=audience["fields"])
        return audience


def stored_audience(data):
    return AudienceSchema().dump(data)


class ReplyOptionSchema(BaseSchema):
    label = Text(required=True, validate=validate.Length(min=1, max=20), metadata={"example": "请假"})
    requires_reason = fields.Boolean(load_default=False, metadata={"description": "选此项须填写理由"})


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
    pinned = fields.Boolean(load_default=False)
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


class NoticeUpdateSchema(NoticeCreateSchema):
    """PATCH: any subset. After publishing only title, body, attachments, pinned and the reply deadline may change."""

    def __init__(self, *args, **kwargs):
        # Top-level names only: `partial=True` would also relax the nested audience and reply slip.
        kwargs.setdefault("partial", tuple(NoticeCreateSchema._declared_fields))
        super().__init__(*args, **kwargs)

    @validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("没有要修改的内容。", "_schema")


class AttachmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    url = fields.String(dump_only=True, metadata={"description": "短时有效的下载链接"})


class ReplySlipOutSchema(BaseSchema):
    options = fields.List(fields.Nested(ReplyOptionSchema), dump_only=True)
    deadline = UTCDateTime(dump_only=True)


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
    scheduled_at = UTCDateTime(dump_only=True)
    published_at = UTCDateTime(dump_only=True)
    withdrawn_at = UTCDateTime(dump_only=True)
    withdraw_reason = fields.String(dump_only=True)
    publish_error = fields.String(dump_only=True, metadata={"description": "定时发布失败的原因（已退回草稿）"})
    version = fields.Integer(dump_only=True)
    recipient_count = fields.Integer(dump_only=True)
    reminder_count = fields.Integer(dump_only=True)
    last_reminded_at = UTCDateTime(dump_only=True)
    merge_columns = fields.List(fields.String(), dump_only=True, metadata={"description": "一人一函合并数据的列"})
    created_by_id = fields.Integer(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)

    def dump_attachments(self, notice):
        from api.notices.services import attachments_of

        return AttachmentSchema(many=True).dump(attachments_of(notice))


class NoticeListItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    pinned = fields.Boolean(dump_only=True)
    state = fields.String(dump_only=True)
    scheduled_at = UTCDateTime(dump_only=True)
    published_at = UTCDateTime(dump_only=True)
    recipient_count = fields.Integer(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class NoticeQuerySchema(BaseSchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    state = fields.String(validate=validate.OneOf(list(STATE_LABELS)))
    kind = fields.String(validate=validate.OneOf(KINDS))
    q = Text(validate=validate.Length(max=50), metadata={"description": "标题包含"})


class AudiencePreviewSchema(BaseSchema):
    audience = fields.Nested(AudienceSchema, required=True)


class DeputyBriefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)


class AudienceCountSchema(BaseSchema):
    count = fields.Integer(dump_only=True, metadata={"description": "将送达的在任代表人数"})
    not_serving = fields.Integer(dump_only=True, metadata={"description": "指定名单中已离任、不会送达的人数"})
    sample = fields.List(fields.Nested(DeputyBriefSchema), dump_only=True, metadata={"description": "前 20 位"})


class ScheduleSchema(BaseSchema):
    publish_at = UTCDateTime(required=True, metadata={"description": "发布时间（须晚于当前时间）"})

    @validates_schema
    def future(self, data, **kwargs):
        if data["publish_at"] <= utcnow():
            raise ValidationError("发布时间须晚于当前时间。", "publish_at")


class WithdrawSchema(BaseSchema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500), metadata={"description": "撤回原因"})


class VersionSchema(BaseSchema):
    version = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    attachments = fields.List(fields.Dict(), dump_only=True)
    edited_by_id = fields.Integer(dump_only=True, metadata={"description": "修改者（此版本被替换时）"})
    edited_at = UTCDateTime(dump_only=True, metadata={"description": "此版本被替换的时间"})
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
    last_reminded_at = UTCDateTime(dump_only=True)


RECIPIENT_FILTERS = ("read", "unread", "replied", "not_replied")


class RecipientQuerySchema(BaseSchema):
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
    read_at = UTCDateTime(dump_only=True)
    reply_option = fields.String(dump_only=True)
    reply_reason = fields.String(dump_only=True)
    replied_at = UTCDateTime(dump_only=True)


class RemindResultSchema(BaseSchema):
    reminder = fields.Integer(dump_only=True, metadata={"description": "第几次提醒"})
    queued = fields.Integer(dump_only=True, metadata={"description": "本次提醒的未读代表人数"})


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


class LetterPreviewQuerySchema(BaseSchema):
    deputy_id = fields.Integer(required=True, validate=validate.Range(min=1))


class LetterPreviewSchema(BaseSchema):
    deputy_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    missing = fields.List(fields.String(), dump_only=True, metadata={"description": "该代表缺少的合并字段"})


# --- deputy side ---


class FeedQuerySchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class MyReplySchema(BaseSchema):
    option = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)
    replied_at = UTCDateTime(dump_only=True)


class FeedItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    published_at = UTCDateTime(dump_only=True)
    pinned = fields.Boolean(dump_only=True)
    read = fields.Boolean(dump_only=True)
    reply_required = fields.Boolean(dump_only=True)
    reply_deadline = UTCDateTime(dump_only=True)
    my_reply = fields.String(dump_only=True, metadata={"description": "我的回执选项，未回执为 null"})


class UnreadCountSchema(BaseSchema):
    unread = fields.Integer(dump_only=True)


class FeedDetailSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True, metadata={"description": "正文；一人一函为本人的函件"})
    pinned = fields.Boolean(dump_only=True)
    published_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)
    version = fields.Integer(dump_only=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), dump_only=True)
    read_at = UTCDateTime(dump_only=True)
    reply_slip = fields.Nested(ReplySlipOutSchema, dump_only=True, allow_none=True)
    reply_open = fields.Boolean(dump_only=True, metadata={"description": "现在能否提交或修改回执"})
    my_reply = fields.Nested(MyReplySchema, dump_only=True, allow_none=True)


class ReplySchema(BaseSchema):
    option = Text(required=True, validate=validate.Length(min=1, max=20))
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))
