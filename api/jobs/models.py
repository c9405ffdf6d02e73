from peewee import CharField, SmallIntegerField, TextField

from api.common.db import BaseModel, UTCDateTimeField, utcnow

# The relay moves higher priorities first: user-visible work before cache upkeep.
PRIORITY_NORMAL = 0
PRIORITY_MAINTENANCE = -10


class OutboxJob(BaseModel):
    """A job written in the same transaction as the data it acts on, so a Redis outage cannot lose it."""

    task_name = CharField(max_length=200)
    payload = TextField()
    created_at = UTCDateTimeField(default=utcnow, index=True)
    enqueued_at = UTCDateTimeField(null=True, index=True)
    priority = SmallIntegerField(default=PRIORITY_NORMAL)
    # Jobs with the same key collapse into one while they wait (see services.record_maintenance_job).
    dedupe_key = CharField(max_length=64, null=True)


# At most one waiting row per key: an outage of any length leaves one job per key, not one per write.
OutboxJob.add_index(OutboxJob.index(OutboxJob.dedupe_key, unique=True, where=OutboxJob.enqueued_at.is_null()))
