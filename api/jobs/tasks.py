"""Periodic jobs that keep the queue itself healthy."""
import datetime as dt

from huey import crontab

from api.common.db import utcnow
from api.common.queue import app_periodic_task
from api.extensions import huey
from api.jobs import services
from api.jobs.models import OutboxJob

OUTBOX_RETENTION = dt.timedelta(days=7)


@huey.on_startup()
def announce_worker():
    services.beat()


@app_periodic_task(huey, crontab(minute="*"))
def heartbeat():
    """Proves the scheduler runs: /healthz/components reports how long ago this last ran."""
    services.beat()


@app_periodic_task(huey, crontab(minute="*"))
def relay_outbox():
    services.relay_outbox()


@app_periodic_task(huey, crontab(minute="17", hour="3"))
def prune_outbox():
    (OutboxJob.delete().where(OutboxJob.enqueued_at < utcnow() - OUTBOX_RETENTION).execute())
