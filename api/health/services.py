"""Health: liveness, this process's readiness, and the shared components (Redis, queue) apart.

A load balancer asks `/readyz`, which depends only on what this process needs to serve (the
database). Redis and the queue worker are shared by every instance: their trouble must not take all
instances out of service at once, so they are reported by `/healthz/components` for monitoring.
"""
import ipaddress
import time

from flask import current_app, request
from werkzeug.exceptions import HTTPException

from api.common import db as db_setup
from api.common.access import current_principal
from api.common.errors import DomainError
from api.common.http import client_address
from api.common.permissions import allowed
from api.common.redis import REDIS_ERRORS
from api.extensions import huey, redis_store
from api.jobs.services import heartbeat_age_seconds


def readiness():
    return _report({"database": _timed(_check_database)}, failed="unavailable")


def components():
    checks = {"database": _timed(_check_database), "redis": _timed(_check_redis), "queue": _timed(_check_queue)}
    return _report(checks, failed="degraded")


def for_caller(report):
    """Anonymous callers from elsewhere learn only up or down; admins and the loopback address see why."""
    return report if may_see_details() else {"status": report["status"]}


def may_see_details():
    try:
        if ipaddress.ip_address(client_address()).is_loopback:
            return True
    except ValueError:
        pass
    if not request.headers.get("Authorization"):
        return False
    try:
        return allowed(current_principal().role, "jobs:status")
    except (HTTPException, DomainError):
        return False


def _report(checks, failed):
    status = "ok" if all(check["ok"] for check in checks.values()) else failed
    return {"status": status, "checks": checks}


def _timed(check):
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency is "not ready"
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return {"ok": ok, "detail": detail, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_database():
    db_setup.probe(current_app)
    return "SELECT 1"


def _check_redis():
    redis_store.ping()
    return "PONG"


def _check_queue():
    try:
        pending = huey.pending_count()
        age = heartbeat_age_seconds()
    except REDIS_ERRORS as exc:
        raise RuntimeError("queue storage unreachable") from exc
    limit = current_app.config["HEARTBEAT_MAX_AGE_SECONDS"]
    worker = "worker heartbeat never seen" if age is None else f"last worker heartbeat {age:.0f}s ago"
    if age is None or age > limit:
        raise RuntimeError(f"{worker} (limit {limit}s); pending {pending}")
    return f"pending {pending}; {worker}"
