from marshmallow import fields

from api.common.schemas import BaseSchema


class QueueStatusSchema(BaseSchema):
    pending = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "队列中待执行的任务数；Redis 不可用时为 null"}
    )
    scheduled = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "延迟/重试等待中的任务数；Redis 不可用时为 null"}
    )
    redis_reachable = fields.Boolean(dump_only=True, metadata={"description": "队列所在的 Redis 是否可达"})
    outbox_backlog = fields.Integer(dump_only=True, metadata={"description": "尚未送入队列的持久化任务数"})
    heartbeat_age_seconds = fields.Float(
        dump_only=True,
        allow_none=True,
        metadata={"description": "距上次工作进程心跳的秒数；从未见到或 Redis 不可用时为 null"},
    )
