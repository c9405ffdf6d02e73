"""Record test helpers: a deputy and their client, the office, events placed in time, a movable "now"."""
import datetime as dt

import pytest

from api.common.db import utcnow
from api.common.events import record_event
from api.common.timezone import LOCAL_TZ
from tests import factories

URL = "/api/v1/records"


@pytest.fixture
def deputy(db):
    return factories.deputy()


@pytest.fixture
def me(login_as, deputy):
    return login_as("deputy", deputy=deputy)


@pytest.fixture
def office(login_as):
    return login_as("staff")


def at(year, month=6, day=15, hour=10):
    """A moment in Beijing time, as the record counts years."""
    return dt.datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def this_year():
    return utcnow().astimezone(LOCAL_TZ).year


def put_event(deputy, kind, object_id, when, title="标题", **payload):
    """An event as a module records it (for reading tests; the flows' own tests go through HTTP)."""
    record_event(deputy.id if hasattr(deputy, "id") else deputy, kind, kind.split(".")[0], object_id,
                 payload={"title": title, **payload}, occurred_at=when)


@pytest.fixture
def clock(monkeypatch):
    """clock(moment) → the record reads as if it were that moment (to see a scheduled day once it has come)."""

    def set_now(moment):
        import api.records.services as services

        monkeypatch.setattr(services, "utcnow", lambda: moment.astimezone(dt.timezone.utc))

    return set_now
