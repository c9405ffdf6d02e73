from marshmallow import EXCLUDE, fields, validate

from api.common.fields import Id, JsonBoolean, JsonFloat, Text, name_field, optional_text
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.org.models import CHINA_LATITUDES, CHINA_LONGITUDES, CONGRESS_LEVELS, STATION_KINDS

DELEGATION_KINDS = ("代表团", "选举单位")
GROUP_BASES = {"area": "按区域", "field": "按专业"}


class RefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class NameQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    name = Text(metadata={"description": "名称包含"})


class CongressSchema(BaseSchema):
    name = name_field()
    level = fields.String(
        required=True,
        validate=validate.OneOf(list(CONGRESS_LEVELS)),
        metadata={"description": "层级：national 全国 / provincial 省 / municipal 市 / county 县 / township 乡"},
    )
    level_label = fields.Function(lambda congress: CONGRESS_LEVELS.get(congress.level), dump_only=True)
    current_term = fields.Integer(
        required=True, validate=validate.Range(min=1, max=99), metadata={"description": "本届届次"}
    )


class CongressEntrySchema(CongressSchema):
    """A congress whose deputies the deployment serves, with its seat counts."""

    id = fields.Integer(dump_only=True)
    region = optional_text(50, "所在行政区，如 福建省")
    is_own = fields.Boolean(dump_only=True, metadata={"description": "本级人大（通过 PUT /org/congress 设置）"})
    deputy_count = fields.Integer(dump_only=True, metadata={"description": "代表人数（含已终止）"})
    serving_count = fields.Integer(dump_only=True, metadata={"description": "在任代表人数"})


class CongressEntryUpdateSchema(UpdateSchema, CongressEntrySchema):
    pass


class CongressQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    level = fields.String(validate=validate.OneOf(list(CONGRESS_LEVELS)))


class CongressRefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    level = fields.String(dump_only=True)
    level_label = fields.Function(lambda congress: CONGRESS_LEVELS.get(congress.level), dump_only=True)


class LevelStatisticsSchema(BaseSchema):
    level = fields.String(dump_only=True)
    level_label = fields.String(dump_only=True)
    congresses = fields.Integer(dump_only=True)
    deputies = fields.Integer(dump_only=True, metadata={"description": "代表人数（含已终止）"})
    serving = fields.Integer(dump_only=True, metadata={"description": "在任代表人数"})


class DelegationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    kind = fields.String(
        load_default="代表团", validate=validate.OneOf(DELEGATION_KINDS), metadata={"description": "代表团或选举单位"}
    )
    created_at = UTCDateTime(dump_only=True)


class DelegationUpdateSchema(UpdateSchema, DelegationSchema):
    pass


class DeputyGroupSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    basis = fields.String(
        load_default="area",
        validate=validate.OneOf(list(GROUP_BASES)),
        metadata={"description": "area 按区域 / field 按专业"},
    )
    delegation_id = Id(
        allow_none=True, metadata={"description": "所属代表团编号（须为已有代表团）；null 表示不属于代表团"}
    )
    delegation = fields.Nested(RefSchema, dump_only=True, allow_none=True, metadata={"description": "所属代表团"})
    created_at = UTCDateTime(dump_only=True)


class DeputyGroupUpdateSchema(UpdateSchema, DeputyGroupSchema):
    pass


class GroupQuerySchema(NameQuerySchema):
    basis = fields.String(validate=validate.OneOf(list(GROUP_BASES)))
    delegation = Id(metadata={"description": "所属代表团编号"})


# A public phone as people write it: digits with area code, dashes, spaces, brackets, an extension (转).
STATION_PHONE_PATTERN = r"^[0-9][0-9 ()（）+\-转]{2,29}$"


def _phone_field():
    field = Text(
        allow_none=True,
        validate=validate.Regexp(STATION_PHONE_PATTERN, error="请输入有效的联系电话。"),
        metadata={"description": "联络站对外联系电话（公开，不是个人电话）"},
    )
    field.metadata = {**field.metadata, "pattern": STATION_PHONE_PATTERN}  # stricter than Text's own
    return field


class StationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    kind = fields.String(
        load_default=STATION_KINDS[0],
        validate=validate.OneOf(STATION_KINDS),
        metadata={"description": "类型：" + " / ".join(STATION_KINDS)},
    )
    district = optional_text(50, "所在区县")
    address = optional_text(200, "地址")
    description = optional_text(2000, "简介", multiline=True)
    is_active = JsonBoolean(load_default=True)
    latitude = JsonFloat(
        allow_none=True,
        validate=validate.Range(*CHINA_LATITUDES),
        metadata={"description": "纬度（GCJ-02，微信地图所用坐标系；须与经度同时设置或同时为 null）"},
    )
    longitude = JsonFloat(
        allow_none=True,
        validate=validate.Range(*CHINA_LONGITUDES),
        metadata={"description": "经度（GCJ-02）"},
    )
    opening_hours = optional_text(200, "开放时间，如「周一至周五 9:00-12:00, 14:30-17:30」")
    phone = _phone_field()
    created_at = UTCDateTime(dump_only=True)


class StationUpdateSchema(UpdateSchema, StationSchema):
    pass


class StationQuerySchema(NameQuerySchema):
    kind = fields.String(validate=validate.OneOf(STATION_KINDS))
    district = Text()
    is_active = fields.Boolean()


class StationDeputySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    congress = fields.Nested(CongressRefSchema, dump_only=True, metadata={"description": "所属人大及层级"})


class StationDeputiesSchema(BaseSchema):
    deputy_ids = fields.List(Id(), required=True, metadata={"description": "在该站履职的全部代表"})


class HandlingUnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    category = optional_text(50, "类别，如市直部门")
    contact_name = optional_text(50, "联系人")
    is_active = JsonBoolean(load_default=True)
    created_at = UTCDateTime(dump_only=True)


class HandlingUnitUpdateSchema(UpdateSchema, HandlingUnitSchema):
    pass


class UnitQuerySchema(NameQuerySchema):
    category = Text()
    is_active = fields.Boolean()
