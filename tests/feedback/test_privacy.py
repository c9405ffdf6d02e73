"""Name and phone: encrypted at rest, masked for everyone, clear only to the station's staff and the handling
unit, every clear read audited; the tracking view never shows them."""
import pytest

from api.common.audit import AuditEntry
from tests import factories
from tests.feedback.conftest import URL
from tests.support import assert_error_shape

NAME, PHONE = "王五", "13700137000"


@pytest.fixture
def case(make_case, unit):
    return make_case("forwarded", unit=unit, name=NAME, phone=PHONE, consent_version="2026-11",
                     consent_text="告知书全文")


@pytest.fixture
def callers(login_as, staff, unit_client, case, constituent):
    deputy = factories.deputy(stations=[case.station])
    return {
        "station_staff": staff,
        "unit_user": unit_client,
        "deputy": login_as("deputy", deputy=deputy),
        "staff": login_as("staff"),
        "admin": login_as("admin"),
        "other_station_staff": login_as("station_staff", stations=[factories.station()]),
        "other_unit": login_as("unit_user", unit=factories.unit()),
        "constituent": constituent(),
    }


# role → (detail status, contact status)
EXPECTED = {
    "station_staff": (200, 200),
    "unit_user": (200, 200),
    "deputy": (200, 403),
    "staff": (200, 403),
    "admin": (200, 403),
    "other_station_staff": (404, 404),
    "other_unit": (404, 404),
    "constituent": (403, 403),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_privacy_per_role(callers, case, role):
    client = callers[role]
    detail_status, contact_status = EXPECTED[role]
    detail = client.get(f"{URL}/cases/{case.id}")
    assert detail.status_code == detail_status
    if detail_status == 200:
        body = detail.get_json()
        assert (body["name"], body["phone"]) == ("王*", "137****7000")
        assert NAME not in detail.get_data(as_text=True) and PHONE not in detail.get_data(as_text=True)
        assert ("contact" in body["actions"]) == (contact_status == 200)
    contact = client.get(f"{URL}/cases/{case.id}/contact")
    assert contact.status_code == contact_status
    audited = AuditEntry.select().where(AuditEntry.action == "feedback.contact_read")
    if contact_status == 200:
        assert contact.get_json() == {"name": NAME, "phone": PHONE, "consent_version": "2026-11",
                                      "consent_text": "告知书全文"}
        assert contact.headers["Cache-Control"] == "no-store"
        entry = audited.get()
        assert (entry.actor_id, entry.target_type, entry.target_id) == (client.user.id, "feedback_case", str(case.id))
        assert NAME not in (entry.detail or "") and PHONE not in (entry.detail or "")
    else:
        assert audited.count() == 0


def test_lists_never_carry_personal_data(callers, case):
    for role in ("station_staff", "unit_user", "deputy", "staff"):
        text = callers[role].get(f"{URL}/cases").get_data(as_text=True)
        assert NAME not in text and PHONE not in text and "王*" not in text


def test_the_unit_loses_the_contact_once_it_returns_the_case(unit_client, case):
    unit_client.post(f"{URL}/cases/{case.id}/return", json={"reason": "不属本单位职责"})
    assert_error_shape(unit_client.get(f"{URL}/cases/{case.id}/contact"), 404)


def test_deputies_see_their_stations_cases_once_screened(login_as, make_case):
    station, elsewhere = factories.station(), factories.station()
    deputy = login_as("deputy", deputy=factories.deputy(stations=[station]))
    visible = make_case("submitted", station=station)
    make_case("review", station=station)
    make_case("submitted", station=elsewhere)
    assert [c["id"] for c in deputy.get(f"{URL}/cases").get_json()] == [visible.id]


def test_units_see_only_their_own(login_as, make_case, unit, unit_client):
    mine = make_case("forwarded", unit=unit)
    make_case("forwarded", unit=factories.unit())
    make_case("accepted")
    assert [c["id"] for c in unit_client.get(f"{URL}/cases").get_json()] == [mine.id]
    assert [c["id"] for c in unit_client.get(f"{URL}/unit-queue").get_json()] == [mine.id]
