"""The outbox after an outage: one waiting cache job per key, sends relayed first (issue 8 item 9);
retries logged as warnings (issue 7 §6)."""
import datetime as dt
import logging

from api.common.db import utcnow
from api.common.queue import run_pending
from api.extensions import huey
from api.jobs import services
from api.jobs.models import OutboxJob
from tests.resilience import slow_tasks


def age_everything():
    # The relay leaves fresh jobs to their own dispatcher; age them past the grace period.
    OutboxJob.update(created_at=utcnow() - dt.timedelta(minutes=5)).execute()


def test_an_outage_leaves_one_waiting_cache_job_per_key(db):
    for _ in range(50):  # fifty writes during a Redis outage, each asking for the same cache bump
        with db.atomic():
            services.record_maintenance_job(slow_tasks.slow_job, "feeds", 0)
    services.record_maintenance_job(slow_tasks.slow_job, "other-key", 0)
    assert OutboxJob.select().count() == 2
    assert services.outbox_backlog() == 2


def test_a_dispatched_cache_job_no_longer_absorbs_new_ones(db):
    first = services.record_maintenance_job(slow_tasks.slow_job, "feeds", 0)
    assert services.dispatch(first)
    second = services.record_maintenance_job(slow_tasks.slow_job, "feeds", 0)
    assert second.id != first.id and services.outbox_backlog() == 1


def test_relay_moves_sends_before_older_cache_jobs(db):
    cache_jobs = [services.record_maintenance_job(slow_tasks.slow_job, f"cache-{n}", 0) for n in range(3)]
    send = services.record_job(slow_tasks.slow_job, "send", 0)
    age_everything()
    assert services.relay_outbox(limit=1) == 1
    assert OutboxJob.get_by_id(send.id).enqueued_at is not None
    assert all(OutboxJob.get_by_id(job.id).enqueued_at is None for job in cache_jobs)
    assert services.relay_outbox() == 3 and services.outbox_backlog() == 0


def test_a_retried_failure_is_a_warning_and_the_last_one_an_error(app, caplog):
    slow_tasks.failing_job()
    with caplog.at_level(logging.INFO, logger="huey"):
        assert run_pending(huey) == 2
    failures = [r for r in caplog.records if r.name == "huey" and r.levelno >= logging.WARNING]
    assert [r.levelno for r in failures] == [logging.WARNING, logging.ERROR]
    retry, final = failures
    assert retry.exc_info is None and "RuntimeError: WeChat answered 系统繁忙" in retry.getMessage()
    assert final.exc_info is not None


def test_the_consumer_logs_a_queue_outage_as_one_warning_line(caplog):
    import redis

    from api.common.queue import configure_worker_logging

    configure_worker_logging()
    consumer_log = logging.getLogger("huey.consumer")
    with caplog.at_level(logging.WARNING, logger="huey.consumer"):
        try:
            raise redis.ConnectionError("Error 111 connecting to cache:6379. Connection refused.")
        except redis.ConnectionError:
            consumer_log.exception("Error reading from queue")
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "Error reading from queue" in record.getMessage() and "Connection refused" in record.getMessage()


def test_the_enqueued_mark_leaves_the_connections_settings_and_the_callers_transaction_alone(db):
    # On PostgreSQL the mark commits without waiting for the disk (SET LOCAL): that must end with its
    # own transaction, and inside a caller's transaction it must not touch the caller's commit.
    def durability():
        return db.execute_sql("SHOW synchronous_commit").fetchone()[0] if services.is_postgres() else "on"

    job = services.record_job(slow_tasks.slow_job, "send", 0)
    assert services.dispatch(job) and OutboxJob.get_by_id(job.id).enqueued_at is not None
    assert durability() == "on"
    inside = services.record_job(slow_tasks.slow_job, "send", 1)
    with db.atomic():
        assert services.dispatch(inside)
        assert durability() == "on"
    assert OutboxJob.get_by_id(inside.id).enqueued_at is not None
