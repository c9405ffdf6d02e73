"""Deliveries filtered by when they were created (since inclusive, until exclusive), and counts per status."""
import datetime as dt

from api.push import services
from api.push.models import Delivery, PushMessage
from tests import factories
from tests.support import assert_error_shape

DELIVERIES = "/api/v1/push/deliveries"


def delivery(at, status="sent", source_id=1):
    message = PushMessage.create(template="notice", page=None, data="{}")
    return Delivery.create(message=message, source_type="notice", source_id=source_id, deputy=factories.deputy(),
                           status=status, created_at=at)


def test_since_and_until_bound_the_creation_time(login_as, db):
    early = delivery(dt.datetime(2026, 5, 1, 8, tzinfo=dt.timezone.utc))
    late = delivery(dt.datetime(2026, 5, 2, 8, tzinfo=dt.timezone.utc))
    staff = login_as("staff")

    def ids(query):
        response = staff.get(f"{DELIVERIES}?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return [d["id"] for d in response.get_json()]

    assert ids("since=2026-05-02T00:00:00%2B08:00") == [late.id]
    assert ids("until=2026-05-01T08:00:00Z") == []
    assert ids("since=2026-05-01T08:00:00Z&until=2026-05-02T08:00:00Z") == [early.id]
    assert_error_shape(staff.get(f"{DELIVERIES}?since=2026-05-02T00:00:00Z&until=2026-05-01T00:00:00Z"), 422)


def test_status_counts_split_the_filtered_deliveries(db):
    at = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
    for status in ("sent", "sent", "failed"):
        delivery(at, status)
    delivery(at, "skipped", source_id=2)
    counts = services.status_counts({"source_id": 1, "status": "failed"})
    assert counts["total"] == 3 and counts["sent"] == 2 and counts["failed"] == 1 and counts["skipped"] == 0
