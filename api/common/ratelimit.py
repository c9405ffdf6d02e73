"""Fixed-window counters in Redis, shared by every process.

If Redis is down the limiter lets requests through: refusing every sign-in because the limiter's
store is away would turn a cache outage into a full outage.
"""
import logging
import time

from api.common.redis import REDIS_ERRORS
from api.extensions import redis_store

log = logging.getLogger("deputyhub.ratelimit")

# Several limits in one round trip, counted in order exactly as separate `hit`s would be: each counter
# is incremented (and its expiry set) until one is over its limit; the ones after it are not counted,
# so a refused request does not use up the other limits. The first ARGV is how many KEYS are counters;
# any KEYS after them are read (MGET) in the same call. Returns {the 1-based position of the limit that
# refused or 0, the values read}.
_HIT_IN_ORDER = """
local counters = tonumber(ARGV[1])
for i = 1, counters do
    local count = redis.call('INCR', KEYS[i])
    redis.call('EXPIRE', KEYS[i], ARGV[2 * i + 1])
    if count > tonumber(ARGV[2 * i]) then
        return {i, {}}
    end
end
if #KEYS > counters then
    return {0, redis.call('MGET', unpack(KEYS, counters + 1))}
end
return {0, {}}
"""
_script = None


def hit(name, limit, window_seconds):
    """Count one event; return seconds to wait if `limit` is exceeded in this window, else 0."""
    return hit_all([(name, limit, window_seconds)])


def hit_all(limits):
    """Count one event against each (name, limit, window_seconds) in turn, in one Redis round trip.

    Returns the seconds to wait from the first limit exceeded (the later ones are then not counted),
    else 0: the same answer, and the same counters, as calling `hit` for each until one refuses.
    """
    return hit_all_and_read(limits, ())[0]


def hit_all_and_read(limits, keys):
    """`hit_all`, also reading `keys` in the same round trip: (seconds to wait, their values).

    The values are None when Redis could not be asked or a limit refused: the caller reads them itself.
    """
    if not limits:
        return 0, None
    now = time.time()
    windows = [int(now // window_seconds) for _, _, window_seconds in limits]
    counters = [f"rl:{name}:{window}" for (name, _, _), window in zip(limits, windows, strict=True)]
    args = [len(limits), *(value for _, limit, window_seconds in limits for value in (limit, window_seconds + 1))]
    try:
        refused, values = _hit_script()(keys=[*counters, *keys], args=args)
    except REDIS_ERRORS as exc:
        log.warning("rate limiter unavailable", extra={"limiter": limits[0][0], "error": str(exc)})
        return 0, None
    if not refused:
        return 0, (values if keys else None)
    window_seconds = limits[refused - 1][2]
    return max(1, (windows[refused - 1] + 1) * window_seconds - int(time.time())), None


def _hit_script():
    # Registered once; redis-py runs it by EVALSHA and loads it again by itself if the server lost it.
    global _script
    if _script is None or _script.registered_client is not redis_store.client:
        _script = redis_store.register_script(_HIT_IN_ORDER)
    return _script
