from marshmallow import fields

from api.common.schemas import BaseSchema


class HealthSchema(BaseSchema):
    status = fields.String(dump_only=True, metadata={"example": "ok"})


class CheckSchema(BaseSchema):
    ok = fields.Boolean(dump_only=True)
    detail = fields.String(dump_only=True)
    latency_ms = fields.Float(dump_only=True)


class ReadinessSchema(BaseSchema):
    status = fields.String(
        dump_only=True, metadata={"description": "ok；unavailable（/readyz）或 degraded（/healthz/components）"}
    )
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(CheckSchema),
        dump_only=True,
        metadata={"description": "各项检查的详情；仅管理员或本机地址可见"},
    )
