"""Durable enqueueing (transactional outbox) and the worker heartbeat."""
import datetime as dt
import json
import logging
import time

from api.common.db import utcnow
from api.common.redis import REDIS_ERRORS
from api.extensions import huey, redis_store
from api.jobs.models import OutboxJob

log = logging.getLogger("deputyhub.jobs")

HEARTBEAT_KEY = "jobs:heartbeat"
RELAY_GRACE = dt.timedelta(seconds=30)


def record_job(task, *args, **kwargs):
    """Write the job inside the caller's transaction; `dispatch` it after the commit."""
    payload = json.dumps({"args": args, "kwargs": kwargs})
    return OutboxJob.create(task_name=huey._registry.task_to_string(task.task_class), payload=payload)


def dispatch(job):
    """Push one recorded job to the queue; if Redis is away the relay will push it later."""
    payload = json.loads(job.payload)
    try:
        task_class = huey._registry.string_to_task(job.task_name)
        huey.enqueue(task_class(args=tuple(payload["args"]), kwargs=payload["kwargs"]))
    except REDIS_ERRORS as exc:
        log.warning("queue unreachable; job kept in the outbox", extra={"job_id": job.id, "error": str(exc)})
        return False
    (OutboxJob.update(enqueued_at=utcnow()).where(OutboxJob.id == job.id).execute())
    return True


def relay_outbox(limit=500):
    """Push jobs whose first dispatch failed (or whose process died before it); returns how many."""
    stale = (
        OutboxJob.select()
        .where(OutboxJob.enqueued_at.is_null(), OutboxJob.created_at < utcnow() - RELAY_GRACE)
        .order_by(OutboxJob.id)
        .limit(limit)
    )
    return sum(1 for job in stale if dispatch(job))


def outbox_backlog():
    return OutboxJob.select().where(OutboxJob.enqueued_at.is_null()).count()


def beat():
    redis_store.set(HEARTBEAT_KEY, f"{time.time():.3f}")


def heartbeat_age_seconds():
    raw = redis_store.get(HEARTBEAT_KEY)
    return None if raw is None else max(0.0, time.time() - float(raw))
