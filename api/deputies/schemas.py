from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, fields, validate

from api.common.fields import Id, JsonBoolean, Text, optional_text
from api.common.pii import mask_phone
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.deputies.models import GENDERS, PHONE_PATTERN, STATUS_SERVING, STATUSES, normalise_phone
from api.org.models import CONGRESS_LEVELS
from api.org.schemas import CongressRefSchema, RefSchema


class Phone(Text):
    """A mainland mobile number; spaces, dashes and a +86 prefix are tolerated on input."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return normalise_phone(value)


class DeputyWriteSchema(BaseSchema):
    code = Text(required=True, validate=validate.Length(min=1, max=40), metadata={"description": "代表编号"})
    name = Text(required=True, validate=validate.Length(min=1, max=50))
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    delegation_id = Id(required=True, metadata={"description": "代表团/选举单位编号"})
    congress_id = Id(metadata={"description": "所属人大（席位）；省略时为本级人大"})
    term = fields.Integer(
        validate=validate.Range(min=1, max=99), metadata={"description": "届次；省略时取所属人大的本届"}
    )
    status = fields.String(load_default=STATUS_SERVING, validate=validate.OneOf(STATUSES))
    sector = optional_text(50, "界别/行业")
    grassroots = JsonBoolean(load_default=False, metadata={"description": "基层代表"})
    employer = optional_text(200, "工作单位")
    title = optional_text(100, "职务")
    phone = Phone(
        allow_none=True,
        validate=validate.Regexp(PHONE_PATTERN, error="手机号格式不正确，应为 11 位手机号码。"),
        metadata={"description": "手机号（加密存储）"},
    )
    group_ids = fields.List(Id(), load_default=list, metadata={"description": "所在代表小组"})
    station_ids = fields.List(Id(), load_default=list, metadata={"description": "进站履职的联络站"})
    expertise = fields.List(
        Text(validate=validate.Length(min=1, max=50)),
        data_key="fields",
        load_default=list,
        metadata={"description": "专业领域"},
    )


class DeputyUpdateSchema(UpdateSchema, DeputyWriteSchema):
    pass


class DeputySchema(BaseSchema):
    """A deputy as every response shows it: the phone masked, links by id and name."""

    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    gender = fields.String(dump_only=True)
    delegation = fields.Nested(RefSchema, dump_only=True)
    congress = fields.Nested(CongressRefSchema, dump_only=True, metadata={"description": "所属人大及层级"})
    term = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True)
    sector = fields.String(dump_only=True, allow_none=True)
    grassroots = fields.Boolean(dump_only=True)
    employer = fields.String(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True, allow_none=True)
    phone = fields.Function(
        lambda deputy: mask_phone(deputy.phone),
        dump_only=True,
        allow_none=True,
        metadata={"description": "脱敏手机号", "type": "string"},
    )
    groups = fields.Nested(RefSchema, many=True, dump_only=True, attribute="linked_groups")
    stations = fields.Nested(RefSchema, many=True, dump_only=True, attribute="linked_stations")
    expertise = fields.List(fields.String(), data_key="fields", attribute="linked_fields", dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class DeputyContactSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True, metadata={"description": "手机号明文（每次读取均记入审计）"})


class DeputyQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    name = Text(metadata={"description": "姓名包含"})
    q = Text(validate=validate.Length(max=50), metadata={"description": "姓名或代表编号包含"})
    code = Text(validate=validate.Length(max=40), metadata={"description": "代表编号（精确）"})
    delegation = Id(metadata={"description": "代表团编号"})
    congress = Id(metadata={"description": "所属人大编号"})
    level = fields.String(
        validate=validate.OneOf(list(CONGRESS_LEVELS)), metadata={"description": "层级，如 provincial 省级"}
    )
    group = Id(metadata={"description": "代表小组编号"})
    station = Id(metadata={"description": "联络站编号"})
    field = Text(metadata={"description": "专业领域"})
    grassroots = fields.Boolean()
    status = fields.String(validate=validate.OneOf(STATUSES))
    term = fields.Integer(validate=validate.Range(min=1, max=99))
    phone = Phone(metadata={"description": "手机号精确匹配（仅工作人员）"})


class ExportQuerySchema(DeputyQuerySchema):
    unmasked = fields.Boolean(load_default=False, metadata={"description": "导出手机号明文（记入审计）"})


class ImportFileSchema(QuerySchema):
    file = Upload(required=True, metadata={"description": "名册 .xlsx 或 .csv（UTF-8/GB18030）"})


class ImportQuerySchema(QuerySchema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "只校验不写入"})
    congress_id = fields.Integer(load_default=None, metadata={"description": "名册所属人大；省略时为本级人大"})
    create_missing = fields.Boolean(
        load_default=False, metadata={"description": "自动新建名册中不存在的代表团和代表小组（联络站不会自动新建）"}
    )


class ImportResultSchema(BaseSchema):
    dry_run = fields.Boolean(dump_only=True)
    rows = fields.Integer(dump_only=True, metadata={"description": "名册数据行数"})
    created = fields.Integer(dump_only=True)
    updated = fields.Integer(dump_only=True)
    unchanged = fields.Integer(dump_only=True)
    created_delegations = fields.List(fields.String(), dump_only=True)
    created_groups = fields.List(fields.String(), dump_only=True)
