from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.fields import JsonBoolean
from api.common.schemas import BaseSchema, QuerySchema, UTCDateTime
from api.push.models import STATUS_LABELS, STATUSES
from api.push.services import PURPOSES

TEMPLATE_KEY = fields.String(validate=validate.Length(min=1, max=40))
PURPOSE = fields.String(
    validate=validate.OneOf(list(PURPOSES)),
    metadata={"description": "推送目的：publish 发布 / reminder 提醒 / correction 更正"},
)


class SubscriptionReportSchema(BaseSchema):
    accepted = fields.List(
        TEMPLATE_KEY, load_default=list, validate=validate.Length(max=20), metadata={"description": "用户同意的模板"}
    )
    rejected = fields.List(
        TEMPLATE_KEY, load_default=list, validate=validate.Length(max=20), metadata={"description": "用户拒绝的模板"}
    )
    long_term = JsonBoolean(load_default=False, metadata={"description": "是否为长期订阅"})

    @validates_schema
    def accepted_or_rejected(self, data, **kwargs):
        if not data["accepted"] and not data["rejected"]:
            raise ValidationError("请至少提供用户同意或拒绝的一个模板。", "accepted")
        both = set(data["accepted"]) & set(data["rejected"])
        if both:
            raise ValidationError(f"同一模板不能既同意又拒绝：{', '.join(sorted(both))}", "rejected")


class CreditSchema(BaseSchema):
    template = fields.String(dump_only=True)
    remaining = fields.Integer(dump_only=True, metadata={"description": "剩余一次性订阅次数"})
    long_term = fields.Boolean(dump_only=True)
    updated_at = UTCDateTime(dump_only=True, allow_none=True)


class CreditListSchema(BaseSchema):
    items = fields.List(fields.Nested(CreditSchema), dump_only=True)


class TemplateSchema(BaseSchema):
    key = fields.String(dump_only=True)
    template_id = fields.String(dump_only=True, metadata={"description": "微信订阅消息模板 ID"})


class TemplateListSchema(BaseSchema):
    items = fields.List(fields.Nested(TemplateSchema), dump_only=True)


class DeliveryQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    source_type = fields.String(validate=validate.Length(min=1, max=30))
    source_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(STATUSES))
    purpose = PURPOSE
    since = UTCDateTime(metadata={"description": "创建时间起（含）"})
    until = UTCDateTime(metadata={"description": "创建时间止（不含）"})

    @validates_schema
    def ordered_range(self, data, **kwargs):
        if "since" in data and "until" in data and data["since"] >= data["until"]:
            raise ValidationError("截止时间必须晚于起始时间。", field_name="until")


class DeliverySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    source_type = fields.String(dump_only=True)
    source_id = fields.Integer(dump_only=True)
    scope = fields.String(dump_only=True)
    deputy_id = fields.Integer(
        dump_only=True, attribute="deputy_id", allow_none=True,
        metadata={"description": "接收的代表；发给账号时为 null"},
    )
    deputy_name = fields.String(dump_only=True, allow_none=True)
    addressee_id = fields.Integer(
        dump_only=True, attribute="addressee_id", allow_none=True,
        metadata={"description": "接收的账号（工作人员、承办单位、联络站工作人员）；发给代表时为 null"},
    )
    recipient_name = fields.String(dump_only=True, allow_none=True, metadata={"description": "代表姓名或账号名称"})
    status = fields.String(dump_only=True)
    status_label = fields.Function(lambda d: STATUS_LABELS[d.status], dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    errcode = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "微信返回的错误码"})
    attempts = fields.Integer(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)
    sent_at = UTCDateTime(dump_only=True, allow_none=True)


class SummaryQuerySchema(QuerySchema):
    source_type = fields.String(required=True, validate=validate.Length(min=1, max=30))
    source_id = fields.Integer(required=True)
    purpose = PURPOSE


class SummarySchema(BaseSchema):
    source_type = fields.String(dump_only=True)
    source_id = fields.Integer(dump_only=True)
    purpose = fields.String(dump_only=True, allow_none=True, metadata={"description": "筛选的推送目的；全部为 null"})
    total = fields.Integer(dump_only=True)
    queued = fields.Integer(dump_only=True)
    sending = fields.Integer(dump_only=True, metadata={"description": "已领取、尚未发出"})
    attempting = fields.Integer(dump_only=True, metadata={"description": "正在发送"})
    sent = fields.Integer(dump_only=True)
    failed = fields.Integer(dump_only=True)
    skipped = fields.Integer(dump_only=True)
    cancelled = fields.Integer(dump_only=True)
