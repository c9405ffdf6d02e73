from marshmallow import EXCLUDE, fields, validate

from api.common.schemas import BaseSchema, UTCDateTime
from api.org.models import CONGRESS_LEVELS, STATION_KINDS

DELEGATION_KINDS = ("代表团", "选举单位")
GROUP_BASES = {"area": "按区域", "field": "按专业"}


class Text(fields.String):
    """A string with surrounding whitespace removed; blank optional text becomes null."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if not value and self.allow_none:
            return None
        return value


def name_field(max_length=100):
    return Text(required=True, validate=validate.Length(min=1, max=max_length), metadata={"description": "名称"})


def optional_text(max_length, description):
    return Text(allow_none=True, validate=validate.Length(max=max_length), metadata={"description": description})


class Partial:
    """PATCH bodies: the same fields as create, none of them required."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class NameQuerySchema(BaseSchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    name = Text(metadata={"description": "名称包含"})


class CongressSchema(BaseSchema):
    name = name_field()
    level = fields.String(
        required=True,
        validate=validate.OneOf(list(CONGRESS_LEVELS)),
        metadata={"description": "层级：national 全国 / provincial 省级 / municipal 市级 / county 县级"},
    )
    level_label = fields.Function(lambda congress: CONGRESS_LEVELS.get(congress.level), dump_only=True)
    current_term = fields.Integer(
        required=True, validate=validate.Range(min=1, max=99), metadata={"description": "本届届次"}
    )


class DelegationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    kind = fields.String(
        load_default="代表团", validate=validate.OneOf(DELEGATION_KINDS), metadata={"description": "代表团或选举单位"}
    )
    created_at = UTCDateTime(dump_only=True)


class DelegationUpdateSchema(Partial, DelegationSchema):
    pass


class DeputyGroupSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    basis = fields.String(
        load_default="area",
        validate=validate.OneOf(list(GROUP_BASES)),
        metadata={"description": "area 按区域 / field 按专业"},
    )
    delegation = optional_text(100, "所属代表团名称（须为已有代表团）")
    created_at = UTCDateTime(dump_only=True)


class DeputyGroupUpdateSchema(Partial, DeputyGroupSchema):
    pass


class GroupQuerySchema(NameQuerySchema):
    basis = fields.String(validate=validate.OneOf(list(GROUP_BASES)))
    delegation = Text(metadata={"description": "所属代表团名称"})


class StationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    kind = fields.String(load_default=STATION_KINDS[0], validate=validate.OneOf(STATION_KINDS))
    district = optional_text(50, "所在区县")
    address = optional_text(200, "地址")
    description = optional_text(2000, "简介")
    is_active = fields.Boolean(load_default=True)
    created_at = UTCDateTime(dump_only=True)


class StationUpdateSchema(Partial, StationSchema):
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


class StationDeputiesSchema(BaseSchema):
    deputy_ids = fields.List(fields.Integer(), required=True, metadata={"description": "在该站履职的全部代表"})


class HandlingUnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = name_field()
    category = optional_text(50, "类别，如市直部门")
    contact_name = optional_text(50, "联系人")
    is_active = fields.Boolean(load_default=True)
    created_at = UTCDateTime(dump_only=True)


class HandlingUnitUpdateSchema(Partial, HandlingUnitSchema):
    pass


class UnitQuerySchema(NameQuerySchema):
    category = Text()
    is_active = fields.Boolean()
