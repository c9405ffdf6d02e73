"""The embedded Redis server, and what keeps working when Redis goes away."""
import json
import logging
import os
import subprocess
import sys

import pytest
import redis

from api.common import cache
from api.common.redis import ensure_embedded_redis, stop_embedded_redis

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def embedded_dir(tmp_path):
    directory = str(tmp_path / "redis")
    yield directory
    stop_embedded_redis(directory)


def test_embedded_redis_starts_once_and_is_shared_across_processes(embedded_dir):
    url = ensure_embedded_redis(embedded_dir)
    client = redis.Redis.from_url(url)
    client.set("marker", "from-first-process")
    server_pid = client.info("server")["process_id"]

    assert ensure_embedded_redis(embedded_dir) == url
    code = (
        "import sys, redis; from api.common.redis import ensure_embedded_redis;"
        "url = ensure_embedded_redis(sys.argv[1]); c = redis.Redis.from_url(url);"
        "print(c.get('marker').decode(), c.info('server')['process_id'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, embedded_dir], capture_output=True, text=True, check=True, cwd=os.getcwd()
    ).stdout.split()
    assert out == ["from-first-process", str(server_pid)]
    assert os.path.exists(os.path.join(embedded_dir, "redis.sock"))


def test_embedded_redis_keeps_data_across_a_restart(embedded_dir):
    url = ensure_embedded_redis(embedded_dir)
    redis.Redis.from_url(url).set("queued-job", "keep me")
    stop_embedded_redis(embedded_dir)
    url = ensure_embedded_redis(embedded_dir)
    assert redis.Redis.from_url(url).get("queued-job") == b"keep me"


@pytest.fixture
def redis_down(app):
    """Point the app's Redis client at a closed port for the duration of the test."""
    from api.extensions import redis_store

    original = redis_store.client
    redis_store.client = redis.Redis.from_url(CLOSED_PORT_URL, socket_connect_timeout=0.2, socket_timeout=0.2)
    yield
    redis_store.client = original


def test_cached_read_serves_from_source_when_redis_is_down(app, redis_down, caplog):
    calls = []

    def produce():
        calls.append(1)
        return {"deputies": 500}

    with caplog.at_level(logging.WARNING, logger="deputyhub.cache"):
        assert cache.cached_json("stats:demo", 60, produce) == {"deputies": 500}
        assert cache.cached_json("stats:demo", 60, produce) == {"deputies": 500}
    assert len(calls) == 2
    assert any("cache read failed" in r.getMessage() for r in caplog.records)


def test_cached_read_uses_redis_when_up(app):
    from api.extensions import redis_store

    calls = []
    assert cache.cached_json("stats:demo", 60, lambda: calls.append(1) or {"n": 1}) == {"n": 1}
    assert cache.cached_json("stats:demo", 60, lambda: calls.append(1) or {"n": 2}) == {"n": 1}
    assert calls == [1]
    assert json.loads(redis_store.get("stats:demo")) == {"n": 1}
    cache.invalidate("stats:demo")
    assert redis_store.get("stats:demo") is None


def test_readiness_ignores_redis_and_components_name_it_when_it_is_down(client, redis_down):
    assert client.get("/healthz").status_code == 200
    # Redis is shared by every instance: its outage must not take them all out of the load balancer.
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert set(ready.get_json()["checks"]) == {"database"}
    response = client.get("/healthz/components")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["redis"]["ok"] is False


def test_readiness_all_green(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database"}


def test_congress_info_is_served_from_the_cache_and_refreshed_by_a_write(login_as):
    from api.org.models import Congress

    staff = login_as("staff")
    body = {"name": "福州市人民代表大会常务委员会", "level": "municipal", "current_term": 17}
    staff.put("/api/v1/org/congress", json=body)
    assert staff.get("/api/v1/org/congress").get_json()["current_term"] == 17
    Congress.update(current_term=99).execute()  # behind the API's back: the cache still answers
    assert staff.get("/api/v1/org/congress").get_json()["current_term"] == 17
    staff.put("/api/v1/org/congress", json={**body, "current_term": 18})
    assert staff.get("/api/v1/org/congress").get_json()["current_term"] == 18


def test_congress_info_is_read_from_the_database_while_redis_is_down(login_as):
    from api.extensions import redis_store
    from tests import factories

    factories.congress()
    deputy = login_as("deputy")
    original = redis_store.client
    redis_store.client = redis.Redis.from_url(CLOSED_PORT_URL, socket_connect_timeout=0.2, socket_timeout=0.2)
    try:
        response = deputy.get("/api/v1/org/congress")
    finally:
        redis_store.client = original
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["name"]
