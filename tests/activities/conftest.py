"""Activity test helpers: the office, invited deputies with their clients, activities built through the API."""
import datetime as dt

import pytest

from api.common.db import utcnow
from tests import factories
from tests.support import create_and_publish

URL = "/api/v1/activities"


@pytest.fixture
def office(login_as):
    return login_as("staff")


@pytest.fixture
def as_deputy(login_as):
    """as_deputy(deputy) → that deputy's signed-in client (one account per deputy, made once)."""
    clients = {}

    def client_of(deputy):
        if deputy.id not in clients:
            clients[deputy.id] = login_as("deputy", deputy=deputy)
        return clients[deputy.id]

    return client_of


def body(deputies, **fields):
    start = utcnow() + dt.timedelta(days=3)
    return {"kind": "research", "title": "乡村振兴专题调研", "place": "闽侯县南屿镇", "organisers": "农业与农村委员会",
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=4)).isoformat(),
            "audience": {"deputy_ids": [d.id for d in deputies]}, **fields}


@pytest.fixture
def make_activity(office):
    """make_activity(deputies, publish=True, **fields) → the activity's JSON (published unless asked not to)."""

    def make(deputies=None, publish=True, **fields):
        deputies = deputies if deputies is not None else [factories.deputy()]
        return create_and_publish(office, URL, body(deputies, **fields), publish)

    return make


def move_start(activity_id, start):
    """Place an activity in time (tests of check-in and reports need one under way or over)."""
    from api.activities.models import Activity

    Activity.update(starts_at=start, ends_at=start + dt.timedelta(hours=4)).where(Activity.id == activity_id).execute()
