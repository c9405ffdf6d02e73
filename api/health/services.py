"""Readiness: each dependency checked on its own, so an operator sees which one is down."""
import time

from flask import current_app

from api.common.redis import REDIS_ERRORS
from api.extensions import db, huey, redis_store
from api.jobs.services import heartbeat_age_seconds


def readiness():
    checks = {"database": _timed(_check_database), "redis": _timed(_check_redis), "queue": _timed(_check_queue)}
    status = "ok" if all(check["ok"] for check in checks.values()) else "degraded"
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
    db.execute_sql("SELECT 1").fetchone()
    return db.obj.__class__.__name__


def _check_redis():
    redis_store.ping()
    return "PONG"


def _check_queue():
    try:
        pending = huey.pending_count()
    except REDIS_ERRORS as exc:
        raise RuntimeError("queue storage unreachable") from exc
    age = heartbeat_age_seconds()
    limit = current_app.config["HEARTBEAT_MAX_AGE_SECONDS"]
    worker = "worker heartbeat never seen" if age is None else f"last worker heartbeat {age:.0f}s ago"
    if age is not None and age > limit:
        raise RuntimeError(f"{worker} (limit {limit}s); pending {pending}")
    return f"pending {pending}; {worker}"
