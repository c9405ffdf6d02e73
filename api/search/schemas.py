"""Request and response shapes of /api/v1/search."""
from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.fields import Text
from api.common.schemas import BaseSchema, QuerySchema, UTCDateTime

PAGE_SIZE_MAX = 50


class SearchQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    q = Text(required=True, validate=validate.Length(min=1, max=100),
        metadata={"description": "检索词（语音识别结果同样提交到此）"})
    kind = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                       validate=validate.Length(max=10),
                           metadata={"description": "类别：notice 通知 / paper 会议资料 …"})
    meeting_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "只看此会议的资料"})
    date_from = fields.Date(metadata={"description": "发布日期起（含，北京时间）"})
    date_to = fields.Date(metadata={"description": "发布日期止（含，北京时间）"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=PAGE_SIZE_MAX))

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError("截止日期不能早于起始日期。", "date_to")


class FacetSchema(BaseSchema):
    kind = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class ResultSchema(BaseSchema):
    kind = fields.String(dump_only=True)
    kind_label = fields.String(dump_only=True)
    key = fields.Integer(dump_only=True, metadata={"description": "该类内容的 id（通知 id、资料 id …）"})
    title = fields.String(dump_only=True)
    title_html = fields.String(dump_only=True, metadata={"description": "标题，命中词以 <em> 标出（已转义）"})
    snippet_html = fields.String(dump_only=True, metadata={"description": "摘要片段，命中词以 <em> 标出（已转义）"})
    parent = fields.String(dump_only=True, allow_none=True, metadata={"description": "所属，如 meeting:5"})
    confidentiality = fields.String(dump_only=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)
    closes_at = UTCDateTime(dump_only=True, allow_none=True)


class SearchResultSchema(BaseSchema):
    total = fields.Integer(dump_only=True, metadata={"description": "可见命中总数（精确计数）"})
    page = fields.Integer(dump_only=True)
    page_size = fields.Integer(dump_only=True)
    words = fields.List(fields.String(), dump_only=True, metadata={"description": "分词结果"})
    facets = fields.List(fields.Nested(FacetSchema), dump_only=True)
    items = fields.List(fields.Nested(ResultSchema), dump_only=True, metadata={
        "description": "排序：标题包含全部检索词的结果在前，其余在后；各自按相关度，相同时发布时间新者在前"})
