"""Reception calendars and monthly themes: everyone reads them; the station's own staff and the office keep them."""
import datetime as dt

import pytest

from api.common.timezone import local_today
from api.stations.models import StationReception, StationReceptionDeputy
from tests.stations.conftest import in_days
from tests.support import assert_error_shape, assert_permitted

STATIONS = "/api/v1/stations"
MAINTAINERS = {"admin", "staff", "station_staff"}


def slot(city, **fields):
    return {"day": in_days(3), "starts_at": "09:00", "ends_at": "11:30", "deputy_ids": [city.deputy.id], **fields}


def this_month():
    return local_today().strftime("%Y-%m")


def add_past_reception(city):
    reception = StationReception.create(
        station=city.home, day=local_today() - dt.timedelta(days=1), starts_at=dt.time(9), ends_at=dt.time(11)
    )
    StationReceptionDeputy.create(reception=reception, deputy=city.deputy)
    return reception


@pytest.mark.parametrize("role", ["admin", "staff", "station_staff", "unit_user", "deputy", "constituent", "anonymous"])
def test_who_may_schedule_a_reception(city, client, login_as, role):
    caller = client if role == "anonymous" else login_as(role, stations=[city.home])
    response = caller.post(f"{STATIONS}/{city.home.id}/receptions", json=slot(city))
    assert_permitted(response, role, MAINTAINERS, 201)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, city, rid: c.post(
            f"{STATIONS}/{city.other.id}/receptions", json=slot(city, deputy_ids=[city.provincial.id])
        ),
        lambda c, city, rid: c.patch(f"{STATIONS}/{city.other.id}/receptions/{rid}", json={"topic": "改"}),
        lambda c, city, rid: c.delete(f"{STATIONS}/{city.other.id}/receptions/{rid}"),
        lambda c, city, rid: c.put(f"{STATIONS}/{city.other.id}/themes/{this_month()}", json={"title": "主题"}),
        lambda c, city, rid: c.delete(f"{STATIONS}/{city.other.id}/themes/{this_month()}"),
    ],
)
def test_staff_of_another_station_are_refused(city, login_as, call):
    reception = login_as("staff").post(
        f"{STATIONS}/{city.other.id}/receptions", json=slot(city, deputy_ids=[city.elsewhere.id])
    ).get_json()
    home_staff = login_as("station_staff", stations=[city.home])

    body = assert_error_shape(call(home_staff, city, reception["id"]), 403)

    assert "本人所在联络站" in body["message"]
    assert StationReception.select().count() == 1


def test_the_calendar_is_public_ordered_and_names_the_deputies(city, client, login_as):
    staff = login_as("station_staff", stations=[city.home])
    staff.post(f"{STATIONS}/{city.home.id}/receptions", json=slot(city, day=in_days(5), topic="教育"))
    staff.post(
        f"{STATIONS}/{city.home.id}/receptions",
        json=slot(city, starts_at="14:30", ends_at="16:00", deputy_ids=[city.provincial.id, city.deputy.id]),
    )
    staff.post(f"{STATIONS}/{city.home.id}/receptions", json=slot(city, day=in_days(40)))

    default = client.get(f"{STATIONS}/{city.home.id}/receptions").get_json()
    wider = client.get(f"{STATIONS}/{city.home.id}/receptions?from={in_days(0)}&to={in_days(60)}").get_json()

    assert [(r["day"], r["starts_at"], r["ends_at"]) for r in default] == [
        (in_days(3), "14:30", "16:00"),
        (in_days(5), "09:00", "11:30"),
    ]  # a month from today by default
    assert [d["name"] for d in default[0]["deputies"]] == ["林晓东", "陈思远"]
    assert set(default[0]["deputies"][0]) == {"id", "name", "level", "level_label"}
    assert len(wider) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [("from={a}&to={b}", "to"), ("from={b}&to={c}", "to"), ("from=2026-02-30", "from")],
)
def test_calendar_ranges_are_bounded(city, client, query, field):
    dates = {"a": in_days(10), "b": in_days(0), "c": in_days(93)}
    response = client.get(f"{STATIONS}/{city.home.id}/receptions?" + query.format(**dates))
    assert field in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deputy_ids": []}, "deputy_ids"),
        ({"day": in_days(-1)}, "day"),  # the past
        ({"day": in_days(400)}, "day"),  # more than a year ahead
        ({"starts_at": "11:30", "ends_at": "09:00"}, "ends_at"),
        ({"starts_at": "10:00", "ends_at": "10:00"}, "ends_at"),
        ({"starts_at": "05:00"}, "starts_at"),  # before 07:00
        ({"ends_at": "23:30"}, "ends_at"),
        ({"starts_at": "25:00"}, "starts_at"),
        ({"starts_at": 900}, "starts_at"),
        ({"topic": "x" * 101}, "topic"),
    ],
)
def test_reception_input_is_checked(city, login_as, change, field):
    response = login_as("staff").post(f"{STATIONS}/{city.home.id}/receptions", json=slot(city, **change))
    assert field in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize("who", ["elsewhere", "ended", "unknown"])
def test_only_serving_deputies_of_the_station_may_receive_there(city, login_as, who):
    deputy_id = 999999 if who == "unknown" else getattr(city, who).id
    response = login_as("staff").post(
        f"{STATIONS}/{city.home.id}/receptions", json=slot(city, deputy_ids=[city.deputy.id, deputy_id])
    )
    assert str(deputy_id) in assert_error_shape(response, 422)["errors"]["deputy_ids"][0]


def test_a_deputy_cannot_receive_in_two_places_at_once(city, login_as):
    staff = login_as("staff")
    first = staff.post(f"{STATIONS}/{city.home.id}/receptions", json=slot(city, deputy_ids=[city.provincial.id]))
    assert first.status_code == 201

    overlapping = slot(city, starts_at="11:00", ends_at="12:00", deputy_ids=[city.provincial.id])
    body = assert_error_shape(staff.post(f"{STATIONS}/{city.other.id}/receptions", json=overlapping), 409)
    back_to_back = slot(city, starts_at="11:30", ends_at="12:00", deputy_ids=[city.provincial.id])

    assert "陈思远" in body["errors"]["deputy_ids"][0]
    assert staff.post(f"{STATIONS}/{city.other.id}/receptions", json=back_to_back).status_code == 201
    # Editing a slot does not clash with itself.
    moved = staff.patch(f"{STATIONS}/{city.home.id}/receptions/{first.get_json()['id']}", json={"starts_at": "08:30"})
    assert moved.status_code == 200, moved.get_data(as_text=True)


def test_update_and_cancel(city, login_as, client):
    staff = login_as("station_staff", stations=[city.home])
    created = staff.post(f"{STATIONS}/{city.home.id}/receptions", json=slot(city)).get_json()
    url = f"{STATIONS}/{city.home.id}/receptions/{created['id']}"

    changed = staff.patch(url, json={"ends_at": "12:00", "deputy_ids": [city.provincial.id], "topic": "养老"})
    assert changed.status_code == 200
    assert (changed.get_json()["ends_at"], changed.get_json()["topic"]) == ("12:00", "养老")
    assert [d["name"] for d in changed.get_json()["deputies"]] == ["陈思远"]
    assert_error_shape(staff.patch(url, json={"ends_at": "08:00"}), 422)  # before the stored start
    assert_error_shape(staff.patch(url, json={}), 422)

    assert staff.delete(url).status_code == 204
    assert client.get(f"{STATIONS}/{city.home.id}/receptions").get_json() == []
    assert StationReceptionDeputy.select().count() == 0
    assert_error_shape(staff.delete(url), 404)
    office = login_as("staff")
    assert_error_shape(office.patch(f"{STATIONS}/{city.other.id}/receptions/{created['id']}", json={"topic": "x"}), 404)


def test_past_receptions_are_the_record_and_stay(city, login_as):
    past = add_past_reception(city)
    staff = login_as("staff")
    assert_error_shape(staff.patch(f"{STATIONS}/{city.home.id}/receptions/{past.id}", json={"topic": "改"}), 409)
    assert_error_shape(staff.delete(f"{STATIONS}/{city.home.id}/receptions/{past.id}"), 409)


def test_a_station_with_announced_receptions_cannot_be_deleted(city, login_as):
    staff = login_as("staff")
    staff.put(f"/api/v1/org/stations/{city.home.id}/deputies", json={"deputy_ids": [city.deputy.id]})
    staff.post(f"{STATIONS}/{city.home.id}/receptions", json=slot(city))
    staff.put(f"/api/v1/org/stations/{city.home.id}/deputies", json={"deputy_ids": []})
    assert "接待安排" in assert_error_shape(staff.delete(f"/api/v1/org/stations/{city.home.id}"), 409)["message"]


# Monthly themes


def test_themes_are_set_read_replaced_and_removed(city, client, login_as):
    staff = login_as("station_staff", stations=[city.home])
    month = this_month()
    url = f"{STATIONS}/{city.home.id}/themes/{month}"

    assert staff.put(url, json={"title": "垃圾分类", "description": "第一行\n第二行"}).status_code == 200
    replaced = staff.put(url, json={"title": "老旧小区加装电梯"})

    assert replaced.get_json()["title"] == "老旧小区加装电梯" and replaced.get_json()["description"] is None
    listed = client.get(f"{STATIONS}/{city.home.id}/themes?year={month[:4]}").get_json()
    assert [(t["month"], t["title"]) for t in listed] == [(month, "老旧小区加装电梯")]
    assert client.get(f"{STATIONS}/{city.home.id}/themes?year=2001").get_json() == []
    assert staff.delete(url).status_code == 204
    assert_error_shape(staff.delete(url), 404)


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "202612", "next", "2026-12-01"])
def test_a_month_that_is_not_yyyy_mm_is_not_a_page(city, login_as, month):
    assert_error_shape(login_as("staff").put(f"{STATIONS}/{city.home.id}/themes/{month}", json={"title": "t"}), 404)


@pytest.mark.parametrize("months_ahead", [-1, 13])
def test_themes_are_set_from_this_month_to_a_year_ahead(city, login_as, months_ahead):
    today = local_today()
    index = today.year * 12 + today.month - 1 + months_ahead
    month = f"{index // 12:04d}-{index % 12 + 1:02d}"
    response = login_as("staff").put(f"{STATIONS}/{city.home.id}/themes/{month}", json={"title": "t"})
    assert "month" in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize("body", [{}, {"title": ""}, {"title": "x" * 51}, {"title": "t", "month": "2026-12"}])
def test_theme_input_is_checked(city, login_as, body):
    response = login_as("staff").put(f"{STATIONS}/{city.home.id}/themes/{this_month()}", json=body)
    assert_error_shape(response, 422)
