"""Read-through cache on Redis that degrades to the database when Redis is unreachable."""
import json
import logging

from api.common.redis import REDIS_ERRORS
from api.extensions import redis_store

log = logging.getLogger("deputyhub.cache")


def cached_json(key, ttl_seconds, produce):
    """Return the cached JSON value for `key`, or `produce()` it; Redis trouble only costs speed."""
    try:
        raw = redis_store.get(key)
    except REDIS_ERRORS as exc:
        log.warning("cache read failed; serving from the database", extra={"key": key, "error": str(exc)})
        return produce()
    if raw is not None:
        return json.loads(raw)
    value = produce()
    try:
        redis_store.set(key, json.dumps(value, ensure_ascii=False, default=str), ex=ttl_seconds)
    except REDIS_ERRORS as exc:
        log.warning("cache write failed", extra={"key": key, "error": str(exc)})
    return value


def invalidate(*keys):
    try:
        if keys:
            redis_store.delete(*keys)
    except REDIS_ERRORS as exc:
        # A missed invalidation must not outlive its TTL; callers keep TTLs short for that reason.
        log.warning("cache invalidation failed", extra={"keys": list(keys), "error": str(exc)})
