from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.schemas import BaseSchema, UTCDateTime
from api.push.models import STATUS_LABELS, STATUSES

TEMPLATE_KEY = fields.String(validate=validate.Length(min=1, max=40))


class SubscriptionReportSchema(BaseSchema):
    accepted = fields.List(
        TEMPLATE_KEY, load_default=list, validate=validate.Length(max=20), metadata={"description": "用户同意的模板"}
    )
    rejected = fields.List(
        TEMPLATE_KEY, load_default=list, validate=validate.Length(max=20), metadata={"description": "用户拒绝的模板"}
    )
    long_term = fields.Boolean(load_default=False, metadata={"description": "是否为长期订阅"})

    @validates_schema
    def accepted_or_rejected(self, data, **kwargs):
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


class DeliveryQuerySchema(BaseSchema):
    class Meta:
        unknown = EXCLUDE  # page and page_size belong to the pagination decorator

    source_type = fields.String(validate=validate.Length(min=1, max=30))
    source_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(STATUSES))


class DeliverySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    source_type = fields.String(dump_only=True)
    source_id = fields.Integer(dump_only=True)
    scope = fields.String(dump_only=True)
    deputy_id = fields.Integer(dump_only=True, attribute="deputy_id")
    deputy_name = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    status_label = fields.Function(lambda d: STATUS_LABELS[d.status], dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    errcode = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "微信返回的错误码"})
    attempts = fields.Integer(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)
    sent_at = UTCDateTime(dump_only=True, allow_none=True)


class SummaryQuerySchema(BaseSchema):
    source_type = fields.String(required=True, validate=validate.Length(min=1, max=30))
    source_id = fields.Integer(required=True)


class SummarySchema(BaseSchema):
    source_type = fields.String(dump_only=True)
    source_id = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)
    queued = fields.Integer(dump_only=True)
    sending = fields.Integer(dump_only=True)
    sent = fields.Integer(dump_only=True)
    failed = fields.Integer(dump_only=True)
    skipped = fields.Integer(dump_only=True)
    cancelled = fields.Integer(dump_only=True)
