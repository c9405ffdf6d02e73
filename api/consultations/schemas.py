from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate, validates_schema

from api.common.fields import Id, Text
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.consultations.explanation import explanation_file
from api.consultations.models import KINDS, OPINION_LABELS, OUTCOMES, STATE_LABELS
from api.consultations.parser import KINDS as UNIT_KINDS
from api.deputies.audience_schemas import AudienceSchema

TEXT_MAX = 200_000
CONTENT_MAX = 2000
REASON_MAX = 500


class ConsultationAudienceSchema(AudienceSchema):
    """The notices' audience, and/or `related`: deputies named by a registered selector (e.g. suggestions)."""

    related = Text(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "按相关性选择代表（可插拔的选择器名称，如 suggestions：提出过相关建议的代表）"},
    )

    @validates_schema
    def check_selection(self, data, **kwargs):
        if data.get("related") and not _base_chosen(data):
            return  # the related selector alone is an audience
        super().check_selection(data, **kwargs)


def _base_chosen(data):
    keys = ("all", "delegation_ids", "group_ids", "station_ids", "expertise", "levels", "congress_ids",
            "deputy_ids", "grassroots_only")
    return any(data.get(key) for key in keys)


def stored_audience(data):
    return ConsultationAudienceSchema().dump(data)


class DraftUnitSchema(BaseSchema):
    """One numbered unit: a heading (part/chapter/section) or an article with its paragraphs."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(UNIT_KINDS)),
                         metadata={"description": "part 编 / chapter 章 / 节 section / article 条"})
    number = fields.Integer(required=True, validate=validate.Range(min=0, max=100000))
    label = Text(required=True, validate=validate.Length(min=1, max=40), metadata={"description": "编号原文"})
    heading = Text(load_default="", validate=validate.Length(max=200), metadata={"description": "标题"})
    paragraphs = fields.List(Text(multiline=True, validate=validate.Length(min=1, max=20000)), load_default=list,
                             validate=validate.Length(max=500), metadata={"description": "各款"})
    path = fields.String(dump_only=True, metadata={"description": "所属编章节"})


class DraftStructureSchema(BaseSchema):
    preamble = fields.List(Text(multiline=True, validate=validate.Length(max=5000)), load_default=list,
                           validate=validate.Length(max=50))
    units = fields.List(fields.Nested(DraftUnitSchema), required=True, validate=validate.Length(min=1, max=3000))


class DraftParsedSchema(DraftStructureSchema):
    warnings = fields.List(fields.String(), dump_only=True, metadata={"description": "编号不连续等需核对之处"})


class ParseTextSchema(BaseSchema):
    text = Text(required=True, multiline=True, validate=validate.Length(min=1, max=TEXT_MAX),
                metadata={"description": "草案全文（纯文本）"})


class ParseDocxSchema(QuerySchema):
    file = Upload(required=True, metadata={"description": "草案 .docx 文件"})


class DraftNoFormFieldsSchema(QuerySchema):
    """The upload takes its file and nothing else."""


class ConsultationCreateSchema(BaseSchema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default=KINDS[0], validate=validate.OneOf(KINDS))
    explanation = Text(load_default="", multiline=True, validate=validate.Length(max=50000),
                       metadata={"description": "起草说明"})
    explanation_file_id = Id(allow_none=True, metadata={"description": "起草说明文件（先经 /files 上传）"})
    audience = fields.Nested(ConsultationAudienceSchema, required=True)
    opens_at = UTCDateTime(required=True, metadata={"description": "开始时间"})
    closes_at = UTCDateTime(required=True, metadata={"description": "截止时间"})
    text = Text(multiline=True, validate=validate.Length(min=1, max=TEXT_MAX),
                metadata={"description": "草案全文（可选；也可稍后提交已核对的结构）"})

    @validates_schema
    def window(self, data, **kwargs):
        if "opens_at" in data and "closes_at" in data and data["closes_at"] <= data["opens_at"]:
            raise ValidationError("截止时间须晚于开始时间。", "closes_at")


class ConsultationUpdateSchema(UpdateSchema, ConsultationCreateSchema):
    """PATCH: any subset; after publishing only the title, the explanation and the deadline."""

    class Meta:
        exclude = ("text",)

    def __init__(self, *args, **kwargs):
        # Top-level names only: `partial=True` would also relax the nested audience.
        kwargs.setdefault("partial", ("title", "kind", "explanation", "explanation_file_id", "audience", "opens_at",
                                      "closes_at"))
        super().__init__(*args, **kwargs)


class ConsultationQuerySchema(QuerySchema):
    state = fields.String(validate=validate.OneOf(list(STATE_LABELS)))
    q = Text(validate=validate.Length(max=50), metadata={"description": "标题包含"})


class ExplanationFileSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    url = fields.String(dump_only=True, metadata={"description": "短时有效的下载链接"})


def _explanation_file(consultation):
    found = explanation_file(consultation)
    return ExplanationFileSchema().dump(found) if found else None


class ConsultationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    explanation = fields.String(dump_only=True)
    explanation_file = fields.Function(_explanation_file, dump_only=True, allow_none=True,
                                       metadata={"description": "起草说明文件"})
    audience = fields.Function(lambda c: c.audience, dump_only=True)
    opens_at = UTCDateTime(dump_only=True)
    closes_at = UTCDateTime(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda c: STATE_LABELS[c.state], dump_only=True)
    version = fields.Integer(dump_only=True)
    published_at = UTCDateTime(dump_only=True)
    outcomes_published_at = UTCDateTime(dump_only=True)
    reminder_sent_at = UTCDateTime(dump_only=True)
    opinion_count = fields.Integer(dump_only=True)


class ConsultationDetailSchema(ConsultationSchema):
    preamble = fields.List(fields.String(), dump_only=True)
    units = fields.List(fields.Nested(DraftUnitSchema), dump_only=True)


class DraftVersionCreateSchema(BaseSchema):
    note = Text(load_default="", validate=validate.Length(max=500), metadata={"description": "修改说明"})
    text = Text(multiline=True, validate=validate.Length(min=1, max=TEXT_MAX), metadata={"description": "新版本全文"})
    structure = fields.Nested(DraftStructureSchema, metadata={"description": "或已核对的结构"})

    @validates_schema
    def one_source(self, data, **kwargs):
        if ("text" in data) == ("structure" in data):
            raise ValidationError("请提供全文或结构之一。", "text")


class DraftVersionSchema(BaseSchema):
    number = fields.Integer(dump_only=True)
    note = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    articles = fields.Integer(dump_only=True)


class DraftDiffQuerySchema(QuerySchema):
    base = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1, max=10000))
    target = fields.Integer(required=True, data_key="to", validate=validate.Range(min=1, max=10000))


class DraftSegmentSchema(BaseSchema):
    op = fields.String(dump_only=True, metadata={"description": "equal / insert / delete"})
    text = fields.String(dump_only=True)


class DraftChangeSchema(BaseSchema):
    change = fields.String(dump_only=True,
                           metadata={"description": "added / removed / changed / renumbered / unchanged"})
    change_label = fields.String(dump_only=True)
    old_number = fields.Integer(dump_only=True, allow_none=True)
    old_label = fields.String(dump_only=True, allow_none=True)
    new_number = fields.Integer(dump_only=True, allow_none=True)
    new_label = fields.String(dump_only=True, allow_none=True)
    renumbered = fields.Boolean(dump_only=True)
    segments = fields.List(fields.Nested(DraftSegmentSchema), dump_only=True, allow_none=True)


class DraftDiffSchema(BaseSchema):
    base = fields.Integer(dump_only=True, data_key="from")
    target = fields.Integer(dump_only=True, data_key="to")
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    changes = fields.List(fields.Nested(DraftChangeSchema), dump_only=True)


class DraftAudienceCountSchema(BaseSchema):
    count = fields.Integer(dump_only=True)


class DraftAudiencePreviewSchema(BaseSchema):
    audience = fields.Nested(ConsultationAudienceSchema, required=True)


# --- opinions ---


class OpinionCreateSchema(BaseSchema):
    unit_id = Id(allow_none=True, load_default=None, metadata={"description": "条文（为空：对草案整体）"})
    paragraph = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=500),
                               metadata={"description": "第几款（从 1 起；为空：整条）"})
    content = Text(required=True, multiline=True, validate=validate.Length(min=1, max=CONTENT_MAX))
    group_id = Id(allow_none=True, load_default=None, metadata={"description": "以代表小组名义提出联名意见"})


class OpinionUpdateSchema(BaseSchema):
    content = Text(required=True, multiline=True, validate=validate.Length(min=1, max=CONTENT_MAX))


class DraftOutcomeSchema(BaseSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES),
                            metadata={"description": "adopted 采纳 / partly 部分采纳 / not_adopted 未采纳 / "
                                                     "reference 供参考"})
    reason = Text(required=True, multiline=True, validate=validate.Length(min=1, max=REASON_MAX))


class DraftMergeSchema(BaseSchema):
    into = Id(required=True, metadata={"description": "合并到的意见"})


class OpinionQuerySchema(QuerySchema):
    unit_id = Id()
    state = fields.String(validate=validate.OneOf(list(OPINION_LABELS)))
    whole = fields.Boolean(metadata={"description": "只看对草案整体的意见"})


class DraftSignerSchema(BaseSchema):
    deputy_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    signed_at = UTCDateTime(dump_only=True)


class OpinionSchema(BaseSchema):
    """An opinion as staff see it: the author, where it applies, its outcome."""

    id = fields.Integer(dump_only=True)
    consultation_id = fields.Integer(dump_only=True)
    unit_id = fields.Integer(dump_only=True, allow_none=True)
    unit_label = fields.String(dump_only=True, allow_none=True)
    paragraph = fields.Integer(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True)
    deputy_id = fields.Integer(dump_only=True)
    deputy_name = fields.String(dump_only=True)
    group_id = fields.Integer(dump_only=True, allow_none=True)
    group_name = fields.String(dump_only=True, allow_none=True)
    signers = fields.List(fields.Nested(DraftSignerSchema), dump_only=True)
    content = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    screening = fields.String(dump_only=True)
    screening_label = fields.String(dump_only=True, allow_none=True)
    outcome_reason = fields.String(dump_only=True, allow_none=True)
    merged_into_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class MyOpinionSchema(BaseSchema):
    """An opinion as its author (or a co-signer) sees it: the outcome only once staff publish outcomes."""

    id = fields.Integer(dump_only=True)
    consultation_id = fields.Integer(dump_only=True)
    consultation_title = fields.String(dump_only=True)
    unit_id = fields.Integer(dump_only=True, allow_none=True)
    unit_label = fields.String(dump_only=True, allow_none=True)
    paragraph = fields.Integer(dump_only=True, allow_none=True)
    content = fields.String(dump_only=True)
    group_name = fields.String(dump_only=True, allow_none=True)
    signers = fields.List(fields.Nested(DraftSignerSchema), dump_only=True)
    mine = fields.Boolean(dump_only=True, metadata={"description": "我是提出人（否则为联名人）"})
    editable = fields.Boolean(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "submitted/withdrawn 或研究结果"})
    status_label = fields.String(dump_only=True)
    outcome_reason = fields.String(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class MyOpinionQuerySchema(QuerySchema):
    consultation_id = Id()


class DraftUnitCountSchema(BaseSchema):
    id = fields.Integer(dump_only=True, allow_none=True)
    kind = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    heading = fields.String(dump_only=True)
    path = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    opinions = fields.Integer(dump_only=True)
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)


class DraftSimilarOpinionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    score = fields.Float(dump_only=True)
    deputy_name = fields.String(dump_only=True)
    content = fields.String(dump_only=True)
    state = fields.String(dump_only=True)


class DraftPublishResultSchema(BaseSchema):
    consultation = fields.Nested(ConsultationSchema, dump_only=True)
    notified = fields.Integer(dump_only=True, metadata={"description": "收到推送的代表人数"})


class DraftFeedItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    opens_at = UTCDateTime(dump_only=True)
    closes_at = UTCDateTime(dump_only=True)
    accepting = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)
    my_opinions = fields.Integer(dump_only=True)


class DraftFeedDetailSchema(DraftFeedItemSchema):
    explanation = fields.String(dump_only=True)
    explanation_file = fields.Nested(ExplanationFileSchema, dump_only=True, allow_none=True)
    preamble = fields.List(fields.String(), dump_only=True)
    units = fields.List(fields.Nested(DraftUnitSchema), dump_only=True)
    versions = fields.List(fields.Integer(), dump_only=True)
    outcomes_published = fields.Boolean(dump_only=True)
    mine = fields.List(fields.Nested(MyOpinionSchema), dump_only=True)
    joint = fields.List(fields.Nested(MyOpinionSchema), dump_only=True,
                        metadata={"description": "我所在代表小组的联名意见（可加入联名）"})


class DraftFeedQuerySchema(QuerySchema):
    accepting = fields.Boolean(metadata={"description": "只看可提交意见的"})
