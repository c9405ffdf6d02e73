from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.fields import Id, Text, name_field, optional_text
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.org.models import CONGRESS_LEVELS, STATION_KINDS

WXACODE_ENV_VERSIONS = ("release", "trial", "develop")
# Receptions are held in daytime and evening hours; a slot outside them is a typing mistake (e.g. 9:00 PM for AM).
EARLIEST, LATEST = "07:00", "22:00"
MAX_DEPUTIES_PER_RECEPTION = 20


def _level_label(level):
    return CONGRESS_LEVELS.get(level)


class DirectoryQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    kind = fields.String(
        validate=validate.OneOf(STATION_KINDS), metadata={"description": "类型：" + " / ".join(STATION_KINDS)}
    )
    district = Text(validate=validate.Length(max=50), metadata={"description": "所在区县（完全匹配）"})
    q = Text(validate=validate.Length(max=50), metadata={"description": "名称或地址包含"})


class StationBriefSchema(BaseSchema):
    """A station in a list or on the map: small on purpose (phones load lists page by page)."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"description": "类型"})
    district = fields.String(dump_only=True, allow_none=True)
    address = fields.String(dump_only=True, allow_none=True)
    latitude = fields.Float(dump_only=True, allow_none=True, metadata={"description": "纬度（GCJ-02）"})
    longitude = fields.Float(dump_only=True, allow_none=True, metadata={"description": "经度（GCJ-02）"})


class NearbyStationSchema(StationBriefSchema):
    distance_m = fields.Integer(dump_only=True, metadata={"description": "与查询点的距离（米）"})


class NearestQuerySchema(QuerySchema):
    lat = fields.Float(
        required=True, validate=validate.Range(-90, 90), metadata={"description": "纬度（GCJ-02，wx.getLocation）"}
    )
    lng = fields.Float(required=True, validate=validate.Range(-180, 180), metadata={"description": "经度（GCJ-02）"})
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50), metadata={"description": "最多几个"})
    radius = fields.Integer(
        load_default=50_000, validate=validate.Range(100, 500_000), metadata={"description": "搜索半径（米）"}
    )


class ReceptionDeputySchema(BaseSchema):
    """A deputy as the public sees them at a station: name and congress, no contact data."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    level = fields.String(dump_only=True, allow_none=True, metadata={"description": "层级"})
    level_label = fields.Function(lambda deputy: _level_label(deputy["level"]), dump_only=True, allow_none=True)


class PublicDeputySchema(BaseSchema):
    """A serving deputy on the station page: the level says which congress; the page stays small on a phone."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    level = fields.Function(lambda deputy: deputy.congress.level, dump_only=True, allow_none=True)
    level_label = fields.Function(lambda deputy: _level_label(deputy.congress.level), dump_only=True, allow_none=True)


class ReceptionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    day = fields.Date(required=True, metadata={"description": "接待日期（北京时间）"})
    starts_at = fields.Time(required=True, format="%H:%M", metadata={"description": f"开始时间 HH:MM，{EARLIEST}起"})
    ends_at = fields.Time(required=True, format="%H:%M", metadata={"description": f"结束时间 HH:MM，{LATEST}前"})
    topic = optional_text(100, "接待主题")
    deputy_ids = fields.List(
        Id(),
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=MAX_DEPUTIES_PER_RECEPTION),
        metadata={"description": "接待的代表（须在本站履职）"},
    )
    deputies = fields.List(fields.Nested(ReceptionDeputySchema), dump_only=True)
    updated_at = UTCDateTime(dump_only=True)

    @validates_schema
    def times_are_sane(self, data, **kwargs):
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        for key, value in (("starts_at", starts_at), ("ends_at", ends_at)):
            if value is not None and not EARLIEST <= value.strftime("%H:%M") <= LATEST:
                raise ValidationError(f"接待时间须在 {EARLIEST} 至 {LATEST} 之间。", key)
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            raise ValidationError("结束时间须晚于开始时间。", "ends_at")


class ReceptionUpdateSchema(UpdateSchema, ReceptionSchema):
    pass


class CalendarQuerySchema(QuerySchema):
    from_ = fields.Date(data_key="from", metadata={"description": "开始日期（默认今天）"})
    to = fields.Date(metadata={"description": "结束日期（默认开始后一个月；一次最多 93 天）"})


class ThemeSchema(BaseSchema):
    month = fields.String(dump_only=True, metadata={"description": "月份 YYYY-MM"})
    title = name_field(50, "主题")
    description = optional_text(500, "说明", multiline=True)
    updated_at = UTCDateTime(dump_only=True)


class ThemeQuerySchema(QuerySchema):
    year = fields.Integer(validate=validate.Range(2000, 2100), metadata={"description": "年份（默认今年）"})


class StationPageSchema(BaseSchema):
    """The station page: its directory entry, deputies, this month's theme and next receptions, in one read."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    district = fields.String(dump_only=True, allow_none=True)
    address = fields.String(dump_only=True, allow_none=True)
    latitude = fields.Float(dump_only=True, allow_none=True, metadata={"description": "纬度（GCJ-02）"})
    longitude = fields.Float(dump_only=True, allow_none=True, metadata={"description": "经度（GCJ-02）"})
    opening_hours = fields.String(dump_only=True, allow_none=True)
    phone = fields.String(dump_only=True, allow_none=True, metadata={"description": "联络站对外电话"})
    description = fields.String(dump_only=True, allow_none=True)
    deputies = fields.List(fields.Nested(PublicDeputySchema), dump_only=True, metadata={"description": "进站代表"})
    theme = fields.Nested(ThemeSchema, dump_only=True, allow_none=True, metadata={"description": "本月主题"})
    upcoming_receptions = fields.List(
        fields.Nested(ReceptionSchema), dump_only=True, metadata={"description": "即将到来的接待日（最多 5 个）"}
    )


class QrQuerySchema(QuerySchema):
    scale = fields.Integer(
        load_default=8, validate=validate.Range(1, 40), metadata={"description": "每个模块的像素数"}
    )
    border = fields.Integer(
        load_default=4, validate=validate.Range(0, 10), metadata={"description": "静区宽度（模块）"}
    )


class WxacodeQuerySchema(QuerySchema):
    width = fields.Integer(
        load_default=430, validate=validate.Range(280, 1280), metadata={"description": "宽度（像素）"}
    )
    env_version = fields.String(
        validate=validate.OneOf(WXACODE_ENV_VERSIONS),
        metadata={"description": "打开的小程序版本：release 正式版 / trial 体验版 / develop 开发版（默认按配置）"},
    )
