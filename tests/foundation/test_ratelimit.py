"""Several fixed-window limits counted in one Redis round trip, as separate hits would count them."""
import redis

from api.common import ratelimit
from api.extensions import redis_store

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


def counts(*names):
    return [int(redis_store.get(key) or 0) for name in names for key in redis_store.keys(f"rl:{name}:*")] or [0]


def test_all_counted_while_none_is_reached(app):
    limits = [("t:a", 5, 3600), ("t:b", 5, 3600), ("t:c", 5, 60)]
    assert [ratelimit.hit_all(limits) for _ in range(5)] == [0] * 5
    assert [counts(name) for name, _, _ in limits] == [[5], [5], [5]]
    assert all(0 < redis_store.ttl(key) <= 3601 for key in redis_store.keys("rl:t:*"))


def test_the_first_limit_reached_refuses_and_the_later_ones_are_not_counted(app):
    limits = [("t:user", 1, 3600), ("t:addr", 10, 3600), ("t:station", 10, 60)]
    assert ratelimit.hit_all(limits) == 0
    wait = ratelimit.hit_all(limits)
    assert 1 <= wait <= 3600  # from the refusing limit's own window
    assert (counts("t:user"), counts("t:addr"), counts("t:station")) == ([2], [1], [1])


def test_a_later_limit_refuses_with_its_own_window(app):
    limits = [("t:user2", 10, 3600), ("t:station2", 1, 60)]
    assert ratelimit.hit_all(limits) == 0
    assert 1 <= ratelimit.hit_all(limits) <= 60
    assert ratelimit.hit("t:station2", 1, 60) >= 1  # `hit` is the one-limit case of the same counters


def test_redis_down_lets_requests_through(app, caplog):
    original = redis_store.client
    redis_store.client = redis.Redis.from_url(CLOSED_PORT_URL, socket_connect_timeout=0.2, socket_timeout=0.2)
    try:
        assert ratelimit.hit_all([("t:down", 1, 60), ("t:down2", 1, 60)]) == 0
        assert ratelimit.hit_all([("t:down", 1, 60)]) == 0
    finally:
        redis_store.client = original
    assert "rate limiter unavailable" in caplog.text


def test_keys_are_read_in_the_same_call_unless_a_limit_refuses(app):
    redis_store.set("t:read:a", "1")
    limits = [("t:reader", 1, 60)]
    assert ratelimit.hit_all_and_read(limits, ["t:read:a", "t:read:missing"]) == (0, [b"1", None])
    assert counts("t:reader") == [1]
    wait, values = ratelimit.hit_all_and_read(limits, ["t:read:a"])
    assert wait >= 1 and values is None  # refused: the caller reads for itself if it goes on at all
    assert ratelimit.hit_all_and_read([("t:reader2", 5, 60)], []) == (0, None)
