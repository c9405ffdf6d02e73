"""The task queue: durable enqueueing through the outbox, a real worker process, periodic jobs."""
import datetime as dt
import os
import subprocess
import sys
import threading
import time

import redis
from flask import current_app

from api.common.db import utcnow
from api.common.queue import app_task, run_pending, set_worker_app
from api.extensions import huey, redis_store
from api.jobs import services, tasks
from api.jobs.models import OutboxJob


def test_job_recorded_while_redis_is_down_is_relayed_later(app, db):
    original = redis_store.client
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    huey.storage.conn = down
    try:
        with db.atomic():
            job = services.record_job(tasks.heartbeat)
        assert services.dispatch(job) is False
    finally:
        huey.storage.conn = original
    assert OutboxJob.get_by_id(job.id).enqueued_at is None
    assert services.outbox_backlog() == 1

    # The relay leaves fresh jobs to their own dispatcher; age this one past the grace period.
    OutboxJob.update(created_at=utcnow() - dt.timedelta(minutes=5)).execute()
    assert services.relay_outbox() == 1
    assert services.outbox_backlog() == 0
    assert redis_store.get(services.HEARTBEAT_KEY) is None
    assert run_pending(huey) == 1
    assert services.heartbeat_age_seconds() < 5


def test_heartbeat_is_a_periodic_job_due_every_minute(app):
    due = {type(task).__name__ for task in huey.read_periodic(dt.datetime(2026, 11, 25, 3, 17))}
    assert {"heartbeat", "relay_outbox", "prune_outbox"} <= due
    due_later = {type(task).__name__ for task in huey.read_periodic(dt.datetime(2026, 11, 25, 3, 18))}
    assert "heartbeat" in due_later and "prune_outbox" not in due_later


def test_real_worker_process_runs_queued_jobs(app, tmp_path):
    env = dict(
        os.environ,
        DEPUTYHUB_ENV="testing",
        DEPUTYHUB_INSTANCE=str(tmp_path / "worker-instance"),
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=redis_store.url,
    )
    tasks.heartbeat()  # enqueue before the worker exists: nothing is lost while no worker runs
    assert huey.pending_count() == 1
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "--workers", "1", "--no-periodic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while huey.pending_count() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert huey.pending_count() == 0
        assert services.heartbeat_age_seconds() < 20
    finally:
        worker.terminate()
        worker.wait(timeout=15)


def test_queue_status_endpoint_is_for_admins(login_as):
    tasks.heartbeat()
    admin = login_as("admin")
    body = admin.get("/api/v1/jobs/status").get_json()
    assert body["pending"] == 1 and body["outbox_backlog"] == 0
    assert login_as("staff").get("/api/v1/jobs/status").status_code == 403


def test_task_outside_an_app_context_needs_a_registered_app(app):
    """Outside a request a task enters the app the factory registered; with none, it says so."""
    ran_in = []

    @app_task(huey)
    def where_am_i():
        ran_in.append(current_app.name)

    def call_outside_context(registered):
        set_worker_app(registered)
        outcome = []
        thread = threading.Thread(target=lambda: outcome.append(_try(where_am_i.call_local)))
        thread.start()
        thread.join()
        return outcome[0]

    try:
        assert call_outside_context(app) is None
        assert ran_in == [app.name]
        error = call_outside_context(None)
        assert isinstance(error, RuntimeError) and "no app is registered" in str(error)
    finally:
        set_worker_app(app)


def _try(func):
    try:
        func()
    except Exception as exc:  # noqa: BLE001 - the test inspects what the task raised
        return exc
    return None
