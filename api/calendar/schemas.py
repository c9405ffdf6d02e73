import datetime as dt

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, ValidationError, fields, validate

from api.common.fields import JsonBoolean
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime

YEAR_RANGE = validate.Range(min=2000, max=2100)


class CalendarDaySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    day = fields.Date(required=True, metadata={"description": "日期（北京时间）", "example": "2026-10-09"})
    is_working_day = JsonBoolean(required=True, metadata={"description": "是否工作日"})
    note = fields.String(
        allow_none=True, validate=validate.Length(max=100), metadata={"description": "备注，如“本地节假日”"}
    )
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class CalendarDayUpdateSchema(UpdateSchema, CalendarDaySchema):
    pass


class DayQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    year = fields.Integer(validate=YEAR_RANGE, metadata={"description": "年份"})
    is_working_day = fields.Boolean()


class YearStatusSchema(BaseSchema):
    year = fields.Integer(dump_only=True)
    builtin = fields.Boolean(dump_only=True, metadata={"description": "内置国务院节假日安排"})
    maintained = fields.Boolean(dump_only=True, metadata={"description": "工作人员已完整维护该年"})
    usable = fields.Boolean(dump_only=True, metadata={"description": "可用于计算期限"})
    overrides = fields.Integer(dump_only=True, metadata={"description": "该年的调整日期数"})
    note = fields.String(dump_only=True, allow_none=True)


class YearMaintainSchema(BaseSchema):
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))


class DateOrDateTime(fields.String):
    """A date (taken as a Beijing date) or an ISO 8601 datetime with an offset (converted to its Beijing date)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError("日期格式不正确，应为 2026-10-09 或 2026-10-09T08:00:00Z。") from exc
        if moment.tzinfo is None:
            raise ValidationError("时间须带时区，如 2026-10-09T08:00:00Z。")
        return moment


class WorkingDaysQuerySchema(QuerySchema):
    start = DateOrDateTime(
        required=True,
        metadata={"description": "起算日期或带时区的时间（按北京时间取日期；当日不计入）", "example": "2026-09-30"},
    )
    days = fields.Integer(
        required=True, validate=validate.Range(min=0, max=365), metadata={"description": "工作日数", "example": 3}
    )


class DueDateSchema(BaseSchema):
    start = fields.Date(dump_only=True, metadata={"description": "起算日期（北京时间）"})
    days = fields.Integer(dump_only=True)
    due = fields.Date(dump_only=True, metadata={"description": "期满日期（北京时间）"})
    start_is_working_day = fields.Boolean(dump_only=True)


class CalendarImportFileSchema(QuerySchema):
    file = Upload(required=True, metadata={"description": "日历 .xlsx（列：日期、是否工作日、备注）"})


class CalendarImportQuerySchema(QuerySchema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "只校验不写入"})
    complete_years = fields.Boolean(
        load_default=False, metadata={"description": "将文件涉及的年份标记为已完整维护"}
    )


class CalendarImportResultSchema(BaseSchema):
    dry_run = fields.Boolean(dump_only=True)
    rows = fields.Integer(dump_only=True)
    created = fields.Integer(dump_only=True)
    updated = fields.Integer(dump_only=True)
    unchanged = fields.Integer(dump_only=True)
    maintained_years = fields.List(fields.Integer(), dump_only=True)
