"""Readiness of this process apart from the shared components; details only for admins and loopback
(issue 8 item 6)."""
import time

import pytest

from api.jobs import services as jobs
from tests.support import ApiClient

OUTSIDE = "203.0.113.50"


@pytest.fixture
def from_outside(app):
    def client(token=None):
        flask_client = app.test_client()
        flask_client.environ_base["REMOTE_ADDR"] = OUTSIDE
        return ApiClient(flask_client, token=token)

    return client


def stale_worker_heartbeat(app):
    from api.extensions import redis_store

    age = app.config["HEARTBEAT_MAX_AGE_SECONDS"] + 60
    redis_store.set(jobs.HEARTBEAT_KEY, f"{time.time() - age:.3f}")


def test_a_stopped_worker_leaves_readiness_up_and_components_degraded(app, client):
    stale_worker_heartbeat(app)
    assert client.get("/readyz").status_code == 200
    response = client.get("/healthz/components")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["queue"]["ok"] is False and "heartbeat" in body["checks"]["queue"]["detail"]
    assert body["checks"]["redis"]["ok"] is True


def test_components_are_green_with_a_live_worker(client):
    jobs.beat()
    response = client.get("/healthz/components")
    assert response.status_code == 200, response.get_json()
    assert set(response.get_json()["checks"]) == {"database", "redis", "queue"}


@pytest.mark.parametrize("path", ["/readyz", "/healthz/components"])
def test_anonymous_callers_from_elsewhere_learn_only_up_or_down(app, from_outside, path):
    stale_worker_heartbeat(app)
    body = from_outside().get(path).get_json()
    assert body == {"status": "ok" if path == "/readyz" else "degraded"}


@pytest.mark.parametrize("role, sees_details", [("admin", True), ("staff", False), ("deputy", False)])
def test_only_admins_from_elsewhere_see_the_details(login_as, from_outside, role, sees_details):
    token = login_as(role).token
    body = from_outside(token).get("/healthz/components").get_json()
    assert ("checks" in body) is sees_details


def test_a_bad_token_is_just_anonymous(from_outside):
    response = from_outside("not-a-token").get("/healthz/components")
    assert response.status_code in (200, 503)
    assert set(response.get_json()) == {"status"}


def test_loopback_sees_the_details(client):
    assert "checks" in client.get("/healthz/components").get_json()  # the test client comes from 127.0.0.1


def test_queue_status_still_answers_while_redis_is_down(app, login_as):
    import redis

    from api.extensions import huey as queue

    admin = login_as("admin")
    original = queue.storage.conn
    queue.storage.conn = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        response = admin.get("/api/v1/jobs/status")
    finally:
        queue.storage.conn = original
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["redis_reachable"] is False and body["pending"] is None and body["outbox_backlog"] == 0
