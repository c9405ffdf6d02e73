"""SIGTERM to `deputyhub worker` lets running jobs finish, within a bound (issue 8 item 7)."""
import os
import signal
import subprocess
import sys
import time

import pytest

from api.extensions import huey, redis_store
from tests.resilience import slow_tasks

WORKER = (
    "import tests.resilience.slow_tasks; from api.cli import main; "
    "main(['worker', '--workers', '2', '--no-periodic'])"
)


@pytest.fixture
def start_worker(app, tmp_path):
    started = []

    def start(shutdown_timeout):
        env = dict(
            os.environ,
            DEPUTYHUB_ENV="testing",
            DEPUTYHUB_INSTANCE=str(tmp_path / f"worker-{len(started)}"),
            DATABASE_URL=app.config["DATABASE_URL"],
            REDIS_URL=redis_store.url,
            QUEUE_SHUTDOWN_TIMEOUT_SECONDS=str(shutdown_timeout),
            LOG_LEVEL="INFO",
        )
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def flag(name, stage):
    return redis_store.get(f"slow:{name}:{stage}")


def test_sigterm_lets_running_jobs_finish_and_leaves_the_rest_queued(start_worker):
    for name in ("a", "b", "c"):
        slow_tasks.slow_job(name, 2)
    worker = start_worker(shutdown_timeout=20)
    wait_for(lambda: flag("a", "started") and flag("b", "started"))
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=20)

    assert worker.returncode == 0, stderr
    assert flag("a", "finished") == b"4" and flag("b", "finished") == b"4", stderr
    # The third job was never taken: it waits for the next worker, not lost.
    assert flag("c", "started") is None and huey.pending_count() == 1
    assert "cannot schedule new futures" not in stderr and "Traceback" not in stderr, stderr
    assert "Shutting down gracefully" in stderr


def test_shutdown_is_bounded_and_an_interrupted_job_is_requeued(start_worker):
    slow_tasks.slow_job("long", 60)
    worker = start_worker(shutdown_timeout=1)
    wait_for(lambda: flag("long", "started"))
    assert huey.pending_count() == 0
    stopping = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=40)
    # Far below the job's 60 s, with room for a machine busy with other work (process exit is slow then).
    assert time.monotonic() - stopping < 20, stderr
    assert flag("long", "finished") is None
    # Back in Redis for the next worker: on the schedule, where this worker's idle threads cannot take it.
    assert (huey.pending_count(), huey.scheduled_count()) == (0, 1), stderr
    assert "requeued" in stderr
