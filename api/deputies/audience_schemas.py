"""The audience of a message to deputies (notices, consultations): its JSON form, stored as loaded."""
from marshmallow import ValidationError, fields, post_load, pre_dump, validate, validates_schema

from api.common.fields import JsonBoolean, Text
from api.common.schemas import BaseSchema
from api.org.models import CONGRESS_LEVELS

MAX_LIST = 5000


def id_list(description):
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1)),
        load_default=list,
        validate=validate.Length(max=MAX_LIST),
        metadata={"description": description},
    )


class AudienceSchema(BaseSchema):
    """Who a message goes to: the union of the selectors, minus exclusions; only serving deputies."""

    all = JsonBoolean(load_default=False, metadata={"description": "全体代表"})
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
    grassroots_only = JsonBoolean(
        load_default=False, metadata={"description": "只发基层代表（与其他范围同选时取交集；单独选择即全体基层代表）"}
    )
    deputy_ids = id_list("指定代表（离任者自动排除）")
    exclude_deputy_ids = id_list("排除的代表")
    levels = fields.List(
        fields.String(validate=validate.OneOf(list(CONGRESS_LEVELS))),
        load_default=list,
        metadata={"description": "按层级：national 全国 / provincial 省 / municipal 市 / county 县 / township 乡"},
    )
    congress_ids = id_list("按所属人大")

    @post_load
    def dedupe(self, data, **kwargs):
        for key in ("delegation_ids", "group_ids", "station_ids", "expertise", "deputy_ids", "exclude_deputy_ids",
                    "levels", "congress_ids"):
            data[key] = list(dict.fromkeys(data[key]))
        return data

    @validates_schema
    def check_selection(self, data, **kwargs):
        selectors = [
            data.get(k) for k in ("delegation_ids", "group_ids", "station_ids", "expertise", "levels", "congress_ids")
        ]
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


class DeputyBriefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)


class AudienceCountSchema(BaseSchema):
    count = fields.Integer(dump_only=True, metadata={"description": "将送达的在任代表人数"})
    not_serving = fields.Integer(dump_only=True, metadata={"description": "指定名单中已离任、不会送达的人数"})
    sample = fields.List(fields.Nested(DeputyBriefSchema), dump_only=True, metadata={"description": "前 20 位"})
