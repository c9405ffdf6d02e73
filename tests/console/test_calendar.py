"""The working-day calendar screen: a year's overrides added, edited and deleted; the year marked maintained."""
import pytest

from api.calendar.models import CalendarDay, CalendarYear

CALENDAR = "/console/calendar"


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", False, 403), ("unit_user", False, 403),
])
def test_the_calendar_is_kept_by_the_office(console_as, role, listed, status):
    client = console_as(role)
    assert (f'href="{CALENDAR}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(f"{CALENDAR}?year=2026").status_code == status


def test_an_override_is_added_listed_edited_and_deleted(console_as, db):
    client = console_as("staff")
    added = client.post(f"{CALENDAR}/days", data={"day": "2030-10-09", "is_working_day": "0", "note": "本地节日"},
                        htmx=True)
    assert added.status_code == 204 and added.headers["HX-Redirect"] == f"{CALENDAR}?year=2030"
    row = CalendarDay.get()
    html = client.get(f"{CALENDAR}?year=2030").get_data(as_text=True)
    assert html.count('data-testid="calendar-row"') == 1 and "本地节日" in html and "放假" in html
    assert client.post(f"{CALENDAR}/days/{row.id}", data={"day": "2030-10-09", "is_working_day": "1", "note": ""}
                       ).status_code == 302
    assert CalendarDay.get_by_id(row.id).is_working_day is True
    assert client.post(f"{CALENDAR}/days/{row.id}/delete", htmx=True).status_code == 204
    assert CalendarDay.select().count() == 0


def test_a_refused_override_comes_back_422_or_409_beside_its_field(console_as, db):
    client = console_as("staff")
    bad = client.post(f"{CALENDAR}/days", data={"day": "2030-02-30", "note": "x" * 101}, htmx=True)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for field in ("day", "is_working_day", "note"):
        assert f'data-testid="error-{field}"' in html, field
    client.post(f"{CALENDAR}/days", data={"day": "2030-10-09", "is_working_day": "0"}, htmx=True)
    taken = client.post(f"{CALENDAR}/days", data={"day": "2030-10-09", "is_working_day": "1"}, htmx=True)
    assert taken.status_code == 409 and 'data-testid="error-day"' in taken.get_data(as_text=True)


def test_a_year_is_marked_maintained_and_unmarked(console_as, db):
    client = console_as("admin")
    assert 'data-testid="year-maintain"' in client.get(f"{CALENDAR}?year=2031").get_data(as_text=True)
    assert client.post(f"{CALENDAR}/years/2031", data={"maintained": "true", "note": "已录入"}).status_code == 302
    assert CalendarYear.get(CalendarYear.year == 2031).note == "已录入"
    assert 'data-testid="year-maintained"' in client.get(f"{CALENDAR}?year=2031").get_data(as_text=True)
    client.post(f"{CALENDAR}/years/2031", data={"maintained": "false"})
    assert not CalendarYear.select().exists()
    assert client.get(f"{CALENDAR}?year=1800").status_code == 422
