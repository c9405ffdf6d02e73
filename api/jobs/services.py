"""Durable enqueueing (transactional outbox) and the worker heartbeat."""
import datetime as dt
import hashlib
import json
import logging
import time

from peewee import fn

from api.common.db import is_postgres, utcnow
from api.common.private_api import huey_task_class, huey_task_name
from api.common.redis import REDIS_ERRORS
from api.extensions import db, huey, redis_store
from api.jobs.models import PRIORITY_MAINTENANCE, OutboxJob

log = logging.getLogger("deputyhub.jobs")

HEARTBEAT_KEY = "jobs:heartbeat"
RELAY_GRACE = dt.timedelta(seconds=30)


def record_job(task, *args, **kwargs):
    """Write the job inside the caller's transaction; `dispatch` it after the commit."""
    payload = json.dumps({"args": args, "kwargs": kwargs})
    return OutboxJob.create(task_name=huey_task_name(huey, task.task_class), payload=payload)


def record_maintenance_job(task, *args, **kwargs):
    """Record cache upkeep (an idempotent job) that the relay moves after user-visible work.

    While one such job with the same task and arguments waits, recording it again adds nothing:
    a Redis outage during which every write asks for the same feed-cache bump leaves one row.
    Returns the waiting row.
    """
    task_name = huey_task_name(huey, task.task_class)
    payload = json.dumps({"args": args, "kwargs": kwargs}, sort_keys=True)
    key = hashlib.sha256(f"{task_name}\n{payload}".encode()).hexdigest()
    # Race-safe: the unique index on waiting rows' keys turns a concurrent second insert into a no-op.
    inserted = (
        OutboxJob.insert(task_name=task_name, payload=payload, priority=PRIORITY_MAINTENANCE, dedupe_key=key)
        .on_conflict_ignore()
        .as_rowcount()
        .execute()
    )
    if not inserted:
        log.info("maintenance job already waiting", extra={"task": task_name})
    return OutboxJob.get_or_none((OutboxJob.dedupe_key == key) & OutboxJob.enqueued_at.is_null())


def dispatch(job):
    """Push one recorded job to the queue; if Redis is away the relay will push it later."""
    payload = json.loads(job.payload)
    nested = db.in_transaction()  # SET LOCAL would reach the caller's whole transaction
    try:
        task_class = huey_task_class(huey, job.task_name)
        huey.enqueue(task_class(args=tuple(payload["args"]), kwargs=payload["kwargs"]))
    except REDIS_ERRORS as exc:
        log.warning("queue unreachable; job kept in the outbox", extra={"job_id": job.id, "error": str(exc)})
        return False
    mark = OutboxJob.update(enqueued_at=utcnow()).where(OutboxJob.id == job.id)
    if is_postgres() and not nested:
        # The mark need not wait for the disk. Lost in a crash, it only makes the relay enqueue the job
        # again, which the outbox allows already (a process dying between the enqueue and this update):
        # jobs run at least once. Waiting would cost every request that dispatches a WAL flush of its own,
        # after the one its real writes already waited for. set_config(..., true) is SET LOCAL for this
        # statement's own transaction (it runs alone, in autocommit): one round trip, not BEGIN/SET/COMMIT.
        mark = mark.where(fn.set_config("synchronous_commit", "off", True).is_null(False))
    mark.execute()
    return True


def relay_outbox(limit=500):
    """Push jobs whose first dispatch failed (or whose process died before it); returns how many.

    User-visible work (sends) goes first, cache upkeep after it: a long Redis outage must not put
    a notice's push behind a minute of cache jobs.
    """
    stale = (
        OutboxJob.select()
        .where(OutboxJob.enqueued_at.is_null(), OutboxJob.created_at < utcnow() - RELAY_GRACE)
        .order_by(OutboxJob.priority.desc(), OutboxJob.id)
        .limit(limit)
    )
    return sum(1 for job in stale if dispatch(job))


def queue_status():
    """Backlog and worker heartbeat; the database part still answers while Redis is away."""
    status = {"outbox_backlog": outbox_backlog(), "redis_reachable": True}
    try:
        status.update(pending=huey.pending_count(), scheduled=huey.scheduled_count())
        status["heartbeat_age_seconds"] = heartbeat_age_seconds()
    except REDIS_ERRORS as exc:
        log.warning("queue status without Redis", extra={"error": str(exc)})
        status.update(pending=None, scheduled=None, heartbeat_age_seconds=None, redis_reachable=False)
    return status


def outbox_backlog():
    return OutboxJob.select().where(OutboxJob.enqueued_at.is_null()).count()


def beat():
    redis_store.set(HEARTBEAT_KEY, f"{time.time():.3f}")


def heartbeat_age_seconds():
    raw = redis_store.get(HEARTBEAT_KEY)
    return None if raw is None else max(0.0, time.time() - float(raw))
