"""Request and response shapes of the performance record and the 述职."""
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from api.common.fields import BoundedInteger, Id, Text, optional_text
from api.common.schemas import BaseSchema, QuerySchema, UTCDateTime
from api.records.kinds import SELF_REPORTABLE
from api.records.models import CLAIM_LABELS, RATINGS, REPORT_LABELS

YEAR = {"minimum": 2000, "maximum": 2100}


def year_field(description="年度（默认今年）"):
    return BoundedInteger(load_default=None, **YEAR, metadata={"description": description})


class YearQuerySchema(QuerySchema):
    year = year_field()


class TimelineQuerySchema(QuerySchema):
    year = year_field("只看某一年")
    kinds = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                        validate=validate.Length(max=20), metadata={"description": "只看这些类别（可多选）"})


class ScopeQuerySchema(QuerySchema):
    year = year_field()
    delegation_id = Id(load_default=None, metadata={"description": "代表团"})
    group_id = Id(load_default=None, metadata={"description": "代表小组"})


class FiguresQuerySchema(ScopeQuerySchema):
    page = BoundedInteger(load_default=1, minimum=1, maximum=10_000, metadata={"description": "逐人名单的页码"})
    page_size = BoundedInteger(load_default=50, minimum=1, maximum=200, metadata={"description": "每页人数"})


class ComparisonQuerySchema(QuerySchema):
    year = year_field()
    by = fields.String(load_default="delegation", validate=validate.OneOf(["delegation", "group"]),
                       metadata={"description": "按代表团（delegation）或代表小组（group）比较"})


class InactiveQuerySchema(QuerySchema):
    days = BoundedInteger(load_default=None, minimum=7, maximum=3660,
                          metadata={"description": "多少天内没有任何履职记录（默认 180）"})
    delegation_id = Id(load_default=None)
    group_id = Id(load_default=None)


class RecordKindSchema(BaseSchema):
    kind = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    section = fields.String(dump_only=True)
    self_reportable = fields.Boolean(dump_only=True)


class KindCountSchema(BaseSchema):
    kind = fields.String(dump_only=True)
    label = fields.String(dump_only=True, metadata={"description": "类别（未知类别显示原名）"})
    section = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class SectionCountSchema(BaseSchema):
    section = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class RecordFiguresSchema(BaseSchema):
    total = fields.Integer(dump_only=True)
    kinds = fields.List(fields.Nested(KindCountSchema), dump_only=True)
    sections = fields.List(fields.Nested(SectionCountSchema), dump_only=True)


class YearFiguresSchema(RecordFiguresSchema):
    year = fields.Integer(dump_only=True)


class RecordEventSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    section = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    object_type = fields.String(dump_only=True)
    object_id = fields.Integer(dump_only=True)
    occurred_at = UTCDateTime(dump_only=True)
    self_reported = fields.Boolean(dump_only=True, metadata={"description": "代表自报、经工作人员确认"})
    details = fields.Dict(dump_only=True)


class RecordDeputySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)


class RecordPageSchema(BaseSchema):
    deputy = fields.Nested(RecordDeputySchema, dump_only=True)
    year = fields.Integer(dump_only=True)
    figures = fields.Nested(RecordFiguresSchema, dump_only=True, metadata={"description": "当年各类履职次数"})
    years = fields.List(fields.Nested(YearFiguresSchema), dump_only=True, metadata={"description": "近五年"})
    recent = fields.List(fields.Nested(RecordEventSchema), dump_only=True, metadata={"description": "最近 20 条"})


class MemberFiguresSchema(RecordDeputySchema):
    total = fields.Integer(dump_only=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)


class GroupFiguresSchema(RecordFiguresSchema):
    year = fields.Integer(dump_only=True)
    deputies = fields.Integer(dump_only=True)
    active = fields.Integer(dump_only=True, metadata={"description": "有履职记录的代表人数"})
    average = fields.Float(dump_only=True, metadata={"description": "人均履职次数"})
    page = fields.Integer(dump_only=True)
    page_size = fields.Integer(dump_only=True)
    members = fields.List(fields.Nested(MemberFiguresSchema), dump_only=True,
                          metadata={"description": "本页代表（按代表编号），共 deputies 人"})


class ComparisonRowSchema(RecordFiguresSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    deputies = fields.Integer(dump_only=True)
    active = fields.Integer(dump_only=True)
    average = fields.Float(dump_only=True)


class ComparisonSchema(BaseSchema):
    year = fields.Integer(dump_only=True)
    by = fields.String(dump_only=True)
    rows = fields.List(fields.Nested(ComparisonRowSchema), dump_only=True)


class InactiveDeputySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)
    last_event_at = UTCDateTime(dump_only=True, allow_none=True, metadata={"description": "最近一次履职记录"})


# --- self-reported entries ---


class ClaimCreateSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(SELF_REPORTABLE), metadata={"description": "类别"})
    title = Text(required=True, validate=validate.Length(min=2, max=100), metadata={"description": "履职事项"})
    occurred_on = fields.Date(required=True, metadata={"description": "日期"})
    place = optional_text(100, "地点")
    description = optional_text(2000, "情况说明", multiline=True)


class ClaimSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    deputy_id = fields.Integer(dump_only=True)
    deputy_name = fields.String(dump_only=True)
    deputy_code = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    occurred_on = fields.Date(dump_only=True)
    place = fields.String(dump_only=True, allow_none=True)
    description = fields.String(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda c: CLAIM_LABELS.get(c.state), dump_only=True)
    refusal_reason = fields.String(dump_only=True, allow_none=True)
    decided_at = UTCDateTime(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class ClaimQuerySchema(QuerySchema):
    state = fields.String(load_default=None, validate=validate.OneOf(list(CLAIM_LABELS)))
    deputy_id = Id(load_default=None)


class ClaimRefuseSchema(BaseSchema):
    reason = Text(required=True, multiline=True, validate=validate.Length(min=1, max=500),
                  metadata={"description": "不予确认的理由"})


# --- 述职 ---


class ReportCreateSchema(BaseSchema):
    year = BoundedInteger(required=True, **YEAR, metadata={"description": "述职年度"})


class StaffReportCreateSchema(ReportCreateSchema):
    deputy_id = Id(required=True)


class ReportQuerySchema(QuerySchema):
    year = BoundedInteger(load_default=None, **YEAR)
    deputy_id = Id(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(list(REPORT_LABELS)))


class ReportSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    deputy_id = fields.Integer(dump_only=True)
    deputy_name = fields.String(dump_only=True)
    deputy_code = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)
    year = fields.Integer(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda r: REPORT_LABELS.get(r.state), dump_only=True)
    figures = fields.Dict(dump_only=True, metadata={"description": "生成草稿时的履职统计"})
    is_edited = fields.Function(lambda r: bool(r.is_edited), dump_only=True,
                                metadata={"type": "boolean", "description": "代表已上传修改稿"})
    station_id = fields.Integer(dump_only=True, allow_none=True)
    station_name = fields.String(dump_only=True, allow_none=True)
    held_on = fields.Date(dump_only=True, allow_none=True)
    generated_at = UTCDateTime(dump_only=True)
    edited_at = UTCDateTime(dump_only=True, allow_none=True)


class HeldSchema(BaseSchema):
    station_id = Id(required=True, metadata={"description": "述职所在联络站"})
    held_on = fields.Date(required=True, metadata={"description": "述职日期"})


class DocumentUploadSchema(QuerySchema):
    file = Upload(required=True, metadata={"description": "修改后的 .docx"})


class ReportRatingCreateSchema(BaseSchema):
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS), metadata={"description": "评价"})
    comment = optional_text(500, "意见（可不填）", multiline=True)


class ReportRatingSchema(BaseSchema):
    rating = fields.String(dump_only=True)
    comment = fields.String(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class ReportRatingTallySchema(BaseSchema):
    rating = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class ReportRatingsSchema(BaseSchema):
    report_id = fields.Integer(dump_only=True)
    count = fields.Integer(dump_only=True)
    tally = fields.List(fields.Nested(ReportRatingTallySchema), dump_only=True)
    ratings = fields.List(fields.Nested(ReportRatingSchema), dump_only=True)
