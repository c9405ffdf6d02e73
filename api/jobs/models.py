from peewee import CharField, TextField

from api.common.db import BaseModel, UTCDateTimeField, utcnow


class OutboxJob(BaseModel):
    """A job written in the same transaction as the data it acts on, so a Redis outage cannot lose it."""

    task_name = CharField(max_length=200)
    payload = TextField()
    created_at = UTCDateTimeField(default=utcnow, index=True)
    enqueued_at = UTCDateTimeField(null=True, index=True)
