"""Request and response shapes of /api/v1/briefings."""
from marshmallow import EXCLUDE, fields, validate

from api.briefings.models import CATEGORIES, CONFIDENTIALITY_LABELS, MEETING_KINDS, MEETING_STATES, PAPER_STATES
from api.common.fields import JsonBoolean, Text
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.deputies.audience_schemas import AudienceSchema

LEVELS = list(CONFIDENTIALITY_LABELS)


# --- meetings ---


class MeetingCreateSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(MEETING_KINDS)),
                         metadata={"description": "congress_session 人代会 / standing_committee 常委会会议 / "
                                                  "group_meeting 代表小组会议 / study_class 专题学习班"})
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    place = Text(load_default="", validate=validate.Length(max=200))
    starts_at = UTCDateTime(required=True)
    ends_at = UTCDateTime(required=True)
    agenda = Text(load_default="", multiline=True, validate=validate.Length(max=5000),
        metadata={"description": "议程，一行一项"})
    audience = fields.Nested(AudienceSchema, required=True,
        metadata={"description": "参会人员（列席代表用 deputy_ids）"})


MEETING_FIELDS = tuple(MeetingCreateSchema().fields)


class MeetingUpdateSchema(UpdateSchema, MeetingCreateSchema):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", MEETING_FIELDS)
        super().__init__(*args, **kwargs)


class MeetingSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    kind_label = fields.Function(lambda m: MEETING_KINDS.get(m.kind, m.kind), dump_only=True)
    title = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    starts_at = UTCDateTime(dump_only=True)
    ends_at = UTCDateTime(dump_only=True)
    agenda = fields.String(dump_only=True)
    audience = fields.Nested(AudienceSchema, dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda m: MEETING_STATES.get(m.state, m.state), dump_only=True)
    attendee_count = fields.Integer(dump_only=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)


class MeetingQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    state = fields.String(validate=validate.OneOf(list(MEETING_STATES)))
    kind = fields.String(validate=validate.OneOf(list(MEETING_KINDS)))
    q = Text(validate=validate.Length(max=50), metadata={"description": "标题包含"})


class CancelSchema(BaseSchema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


# --- papers ---


class PaperAudienceSchema(BaseSchema):
    meeting_attendees = JsonBoolean(load_default=False, metadata={"description": "所属会议的参会人员"})
    selectors = fields.Nested(AudienceSchema, allow_none=True, load_default=None,
                              metadata={"description": "与通知相同的受众选择（与参会人员取并集）"})


class PaperCreateSchema(BaseSchema):
    meeting_id = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1),
                                metadata={"description": "所属会议；为空则单独发布（情况通报等）"})
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(load_default="", validate=validate.Length(max=500),
        metadata={"description": "摘要（列表与检索中显示）"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    confidentiality = fields.String(
        load_default="internal", validate=validate.OneOf(LEVELS),
        metadata={"description": "open 公开（可下载）/ internal 内部 / confidential 机密（仅在线查看）"},
    )
    audience = fields.Nested(PaperAudienceSchema, required=True)
    opens_at = UTCDateTime(allow_none=True, load_default=None, metadata={"description": "开放时间（空：发布即开放）"})
    closes_at = UTCDateTime(allow_none=True, load_default=None, metadata={"description": "关闭时间，之后不再可见"})
    file_id = fields.Integer(required=True, validate=validate.Range(min=1),
        metadata={"description": "PDF，先经 /api/v1/files 上传"})


class PaperUpdateSchema(UpdateSchema, PaperCreateSchema):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", tuple(PaperCreateSchema().fields))
        super().__init__(*args, **kwargs)

    class Meta:
        exclude = ("meeting_id", "file_id")


class VersionCreateSchema(BaseSchema):
    file_id = fields.Integer(required=True, validate=validate.Range(min=1))
    note = Text(load_default="", validate=validate.Length(max=500), metadata={"description": "修改说明"})


class RevokeSchema(BaseSchema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))


class PaperSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    meeting_id = fields.Integer(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    confidentiality = fields.String(dump_only=True)
    confidentiality_label = fields.Function(lambda p: CONFIDENTIALITY_LABELS[p.confidentiality], dump_only=True)
    view_only = fields.Boolean(dump_only=True)
    audience = fields.Nested(PaperAudienceSchema, dump_only=True)
    opens_at = UTCDateTime(dump_only=True, allow_none=True)
    closes_at = UTCDateTime(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda p: PAPER_STATES.get(p.state, p.state), dump_only=True)
    version = fields.Integer(dump_only=True)
    page_count = fields.Integer(dump_only=True)
    recipient_count = fields.Integer(dump_only=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    revoked_at = UTCDateTime(dump_only=True, allow_none=True)
    revoke_reason = fields.String(dump_only=True, allow_none=True)


class PaperQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    state = fields.String(validate=validate.OneOf(list(PAPER_STATES)))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    confidentiality = fields.String(validate=validate.OneOf(LEVELS))
    meeting_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    q = Text(validate=validate.Length(max=50))


class PaperVersionSchema(BaseSchema):
    version = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    page_count = fields.Integer(dump_only=True)
    note = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)


# --- the deputy's side ---


class MyPaperSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    meeting_id = fields.Integer(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    confidentiality = fields.String(dump_only=True)
    confidentiality_label = fields.Function(lambda p: CONFIDENTIALITY_LABELS[p.confidentiality], dump_only=True)
    view_only = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)
    page_count = fields.Integer(dump_only=True)
    closes_at = UTCDateTime(dump_only=True, allow_none=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    opened = fields.Function(lambda p: getattr(p, "my_opened_at", None) is not None, dump_only=True)
    updated_since_read = fields.Function(
        lambda p: bool(getattr(p, "my_read_version", None)) and p.my_read_version < p.version, dump_only=True,
        metadata={"description": "读过之后资料已更新"},
    )


class MyPaperQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    category = fields.String(validate=validate.OneOf(CATEGORIES))
    standalone = fields.Boolean(metadata={"description": "只看单独发布的资料"})


class MyMeetingSchema(MeetingSchema):
    class Meta:
        exclude = ("audience", "attendee_count", "published_at")


class MyMeetingDetailSchema(MyMeetingSchema):
    papers = fields.List(fields.Nested(MyPaperSchema), attribute="my_papers", dump_only=True)


class OpenedPaperSchema(MyPaperSchema):
    changed = fields.Boolean(dump_only=True, metadata={"description": "上次阅读后资料已更新"})


class PageLinkSchema(BaseSchema):
    page = fields.Integer(dump_only=True)
    url = fields.String(dump_only=True)


class PageLinksSchema(BaseSchema):
    paper_id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    page_count = fields.Integer(dump_only=True)
    expires_in = fields.Integer(dump_only=True, metadata={"description": "链接有效秒数"})
    pages = fields.List(fields.Nested(PageLinkSchema), dump_only=True)


class DownloadSchema(BaseSchema):
    url = fields.String(dump_only=True)


# --- reports ---


class PaperStatsSchema(BaseSchema):
    recipients = fields.Integer(dump_only=True)
    opened = fields.Integer(dump_only=True)
    unopened = fields.Integer(dump_only=True)
    read_current = fields.Integer(dump_only=True)
    views = fields.Integer(dump_only=True)
    reminder_count = fields.Integer(dump_only=True)
    last_reminded_at = UTCDateTime(dump_only=True, allow_none=True)


class ReaderQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(["opened", "unopened"]))
    q = Text(validate=validate.Length(max=50))


class ReaderSchema(BaseSchema):
    deputy_id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)
    opened_at = UTCDateTime(dump_only=True, allow_none=True)
    read_version = fields.Integer(dump_only=True, allow_none=True)


class ViewQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    q = Text(validate=validate.Length(max=50), metadata={"description": "查看人姓名包含"})


class ViewSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    page = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    deputy_id = fields.Integer(dump_only=True, allow_none=True)
    viewer_name = fields.String(dump_only=True)
    viewed_at = UTCDateTime(dump_only=True)


class PaperRemindResultSchema(BaseSchema):
    reminder = fields.Integer(dump_only=True, allow_none=True)
    queued = fields.Integer(dump_only=True)
    recipients = fields.Integer(dump_only=True)
    will_send = fields.Integer(dump_only=True)
    no_consent = fields.Integer(dump_only=True)
    unbound = fields.Integer(dump_only=True)
    message = fields.String(dump_only=True)
