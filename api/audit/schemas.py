import json

from marshmallow import EXCLUDE, ValidationError, fields, validate, validates_schema

from api.common.schemas import BaseSchema, QuerySchema, UTCDateTime


class AuditEntrySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    at = UTCDateTime(dump_only=True)
    actor_id = fields.Integer(dump_only=True, allow_none=True)
    # Joined in the list query; a deleted account leaves no actor.
    actor_name = fields.String(dump_only=True, allow_none=True)
    actor_role = fields.String(dump_only=True, allow_none=True)
    action = fields.String(dump_only=True)
    target_type = fields.String(dump_only=True, allow_none=True)
    target_id = fields.String(dump_only=True, allow_none=True)
    remote_addr = fields.String(dump_only=True, allow_none=True)
    request_id = fields.String(dump_only=True, allow_none=True)
    detail = fields.Method("parsed_detail", dump_only=True, allow_none=True)

    def parsed_detail(self, entry):
        return json.loads(entry.detail) if entry.detail else None


class AuditQuerySchema(QuerySchema):
    class Meta:
        unknown = EXCLUDE

    action = fields.String(validate=validate.Length(min=1, max=50), metadata={"description": "操作，如 auth.login"})
    actor_id = fields.Integer()
    target_type = fields.String(validate=validate.Length(min=1, max=30))
    target_id = fields.String(validate=validate.Length(min=1, max=64))
    since = UTCDateTime(metadata={"description": "起始时间（含）"})
    until = UTCDateTime(metadata={"description": "截止时间（不含）"})

    @validates_schema
    def ordered_range(self, data, **kwargs):
        if "since" in data and "until" in data and data["since"] >= data["until"]:
            raise ValidationError("截止时间必须晚于起始时间。", field_name="until")
