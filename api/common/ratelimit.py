"""Fixed-window counters in Redis, shared by every process.

If Redis is down the limiter lets requests through: refusing every sign-in because the limiter's
store is away would turn a cache outage into a full outage.
"""
import logging
import time

from api.common.redis import REDIS_ERRORS
from api.extensions import redis_store

log = logging.getLogger("deputyhub.ratelimit")


def hit(name, limit, window_seconds):
    """Count one event; return seconds to wait if `limit` is exceeded in this window, else 0."""
    window = int(time.time() // window_seconds)
    key = f"rl:{name}:{window}"
    try:
        pipe = redis_store.pipeline()
        pipe.incr(key)
        pipe.expire(key, window_seconds + 1)
        count, _ = pipe.execute()
    except REDIS_ERRORS as exc:
        log.warning("rate limiter unavailable", extra={"limiter": name, "error": str(exc)})
        return 0
    if count > limit:
        return max(1, (window + 1) * window_seconds - int(time.time()))
    return 0

