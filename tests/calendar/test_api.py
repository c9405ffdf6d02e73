"""The calendar through HTTP: overrides managed by the office, due dates for every signed-in client."""
import datetime as dt

import pytest

from api.calendar.models import CalendarDay
from api.calendar.services import DatabaseOverrides
from api.common import calendar
from tests.support import assert_error_shape

URL = "/api/v1/calendar"
NEXT_YEAR = max(calendar.BUILTIN_YEARS) + 1


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def due(client, start, days):
    return client.get(f"{URL}/working-days?start={start}&days={days}")


def test_due_dates_across_national_day_for_every_signed_in_role(login_as, client):
    for role in ("deputy", "constituent", "unit_user"):
        body = due(login_as(role), "2026-09-30", 1).get_json()
        assert body == {"start": "2026-09-30", "days": 1, "due": "2026-10-08", "start_is_working_day": True}
    assert_error_shape(due(client, "2026-09-30", 1), 401)


def test_a_utc_moment_is_read_as_its_beijing_date(staff):
    # 16:30 UTC on Friday 13 February 2026 is already the make-up Saturday in Beijing.
    body = due(staff, "2026-02-13T16:30:00Z", 1).get_json()
    assert body["start"] == "2026-02-14" and body["due"] == "2026-02-24" and body["start_is_working_day"]


def test_bad_queries_are_422(staff):
    for query in ("start=2026-13-01&days=1", "start=2026-10-01T08:00:00&days=1", "start=2026-10-01&days=-1", "days=1"):
        assert_error_shape(staff.get(f"{URL}/working-days?{query}"), 422)


def test_staff_override_changes_due_dates_at_once(staff, login_as):
    deputy = login_as("deputy")
    assert due(deputy, "2026-10-08", 1).get_json()["due"] == "2026-10-09"
    created = staff.post(f"{URL}/days", json={"day": "2026-10-09", "is_working_day": False, "note": "本地节日"})
    assert created.status_code == 201 and created.get_json()["note"] == "本地节日"
    assert due(deputy, "2026-10-08", 1).get_json()["due"] == "2026-10-10"  # the make-up Saturday
    day_id = created.get_json()["id"]
    staff.patch(f"{URL}/days/{day_id}", json={"is_working_day": True})
    assert due(deputy, "2026-10-08", 1).get_json()["due"] == "2026-10-09"
    assert staff.delete(f"{URL}/days/{day_id}").status_code == 204
    assert CalendarDay.select().count() == 0


def test_only_the_office_manages_overrides(staff, login_as):
    body = {"day": "2026-10-09", "is_working_day": False}
    for role in ("deputy", "station_staff", "unit_user", "constituent"):
        assert_error_shape(login_as(role).post(f"{URL}/days", json=body), 403)
    staff.post(f"{URL}/days", json=body)
    assert "day" in assert_error_shape(staff.post(f"{URL}/days", json=body), 409)["errors"]
    listed = login_as("deputy").get(f"{URL}/days?year=2026").get_json()
    assert [row["day"] for row in listed] == ["2026-10-09"]
    assert login_as("deputy").get(f"{URL}/days?year=2025").get_json() == []
    assert "is_working_day" in assert_error_shape(staff.post(f"{URL}/days", json={"day": "2026-10-10"}), 422)["errors"]


def test_a_year_past_the_data_says_so_until_staff_maintain_it(staff):
    refused = assert_error_shape(due(staff, f"{NEXT_YEAR}-03-02", 1), 422)
    assert refused["message"] == f"{NEXT_YEAR}年的节假日安排尚未公布，请工作人员先维护该年日历。"
    staff.post(f"{URL}/days", json={"day": f"{NEXT_YEAR}-03-03", "is_working_day": False, "note": "示例"})
    assert_error_shape(due(staff, f"{NEXT_YEAR}-03-02", 1), 422)  # one row does not make a year
    status = staff.put(f"{URL}/years/{NEXT_YEAR}", json={"note": "按省政府通知维护"}).get_json()
    assert status == {
        "year": NEXT_YEAR, "builtin": False, "maintained": True, "usable": True, "overrides": 1,
        "note": "按省政府通知维护",
    }
    start, expected = dt.date(NEXT_YEAR, 3, 2), dt.date(NEXT_YEAR, 3, 3)
    while expected.weekday() >= 5 or expected == dt.date(NEXT_YEAR, 3, 3):  # weekends and the staff's day off
        expected += dt.timedelta(days=1)
    answer = due(staff, start.isoformat(), 1).get_json()
    assert answer["due"] == expected.isoformat() and answer["start_is_working_day"] == (start.weekday() < 5)
    years = {row["year"]: row for row in staff.get(f"{URL}/years").get_json()}
    assert years[2026]["builtin"] and years[NEXT_YEAR]["maintained"]
    assert staff.delete(f"{URL}/years/{NEXT_YEAR}").status_code == 204
    assert_error_shape(due(staff, f"{NEXT_YEAR}-03-02", 1), 422)
    assert_error_shape(staff.delete(f"{URL}/years/{NEXT_YEAR}"), 404)
    assert_error_shape(staff.put(f"{URL}/years/1900", json={}), 422)


def test_another_process_sees_a_write_through_the_redis_generation(staff):
    other_process = DatabaseOverrides()
    assert other_process.year(2026).days == {}
    CalendarDay.create(day="2026-05-06", is_working_day=False)  # behind the API's back: no announcement
    assert other_process.year(2026).days == {}  # still its cached year: the cache is real
    staff.post(f"{URL}/days", json={"day": "2026-05-07", "is_working_day": False})
    assert set(map(str, other_process.year(2026).days)) == {"2026-05-06", "2026-05-07"}


def test_without_redis_the_database_is_read_every_time(staff, monkeypatch):
    from api.calendar import services

    monkeypatch.setattr(services, "current_generation", lambda: None)
    reader = DatabaseOverrides()
    assert reader.year(2026).days == {}
    CalendarDay.create(day="2026-05-06", is_working_day=False)
    assert len(reader.year(2026).days) == 1


def test_is_working_day_takes_json_booleans_only(staff):
    for value in (0, 1, "yes", "true"):
        body = {"day": "2026-10-09", "is_working_day": value}
        assert_error_shape(staff.post(f"{URL}/days", json=body), 422)


def test_an_empty_override_patch_is_refused(staff):
    created = staff.post(f"{URL}/days", json={"day": "2026-10-09", "is_working_day": False}).get_json()
    assert_error_shape(staff.patch(f"{URL}/days/{created['id']}", json={}), 422)
