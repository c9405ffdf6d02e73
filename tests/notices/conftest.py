"""Helpers for notice tests: staff and deputy clients, and notices built through the API."""
import datetime as dt

import pytest

from api.common.db import utcnow
from tests import factories

URL = "/api/v1/notices"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def as_deputy(login_as):
    """as_deputy(deputy) → a client signed in as that deputy."""
    return lambda deputy: login_as("deputy", deputy=deputy)


@pytest.fixture
def create_notice(staff):
    """create_notice(**fields) → the created notice's JSON (a draft to everyone by default)."""

    def create(client=None, **fields):
        body = {"title": "关于召开代表座谈会的通知", "body": "<p>请准时参加。</p>", "kind": "会议通知",
                "audience": {"all": True}, **fields}
        response = (client or staff).post(URL, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def publish_notice(staff, create_notice):
    """publish_notice(**fields) → the published notice's JSON."""

    def publish(**fields):
        notice = create_notice(**fields)
        response = staff.post(f"{URL}/{notice['id']}/publish")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return publish


def reply_slip(hours=24, **fields):
    return {"deadline": (utcnow() + dt.timedelta(hours=hours)).isoformat(), **fields}


def deputies(count, **fields):
    return [factories.deputy(**fields) for _ in range(count)]


@pytest.fixture
def redis_down(app):
    """Point the app's Redis client (cache, generations) at a closed port for the test."""
    import redis

    from api.extensions import redis_store

    original = redis_store.client
    redis_store.client = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    yield
    redis_store.client = original
