"""The public directory: anyone may read it, it shows what a station posts on its door and nothing personal."""
import pytest

from api.common.permissions import ROLES
from tests.stations.conftest import in_days
from tests.support import assert_error_shape

DIRECTORY = "/api/v1/stations"
ORG_STATIONS = "/api/v1/org/stations"


def names(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["name"] for item in response.get_json()]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_everyone_reads_the_directory_and_a_station_page(city, client, login_as, role):
    caller = client if role == "anonymous" else login_as(role)

    listed = caller.get(DIRECTORY)
    page = caller.get(f"{DIRECTORY}/{city.home.id}")

    assert names(listed) == ["鼓楼区东街街道代表联络站", "台江区代表之家", "仓山区行业联络站"]  # not the inactive one
    assert page.status_code == 200
    assert page.get_json()["name"] == "鼓楼区东街街道代表联络站"


def test_an_expired_token_does_not_lock_anyone_out_of_the_directory(city, client):
    response = client.get(DIRECTORY, headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200


def test_list_items_are_small_and_carry_the_map_point(city, client):
    item = client.get(DIRECTORY).get_json()[0]
    assert set(item) == {"id", "name", "kind", "district", "address", "latitude", "longitude"}
    assert (item["latitude"], item["longitude"]) == (city.home.latitude, city.home.longitude)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=代表之家", ["台江区代表之家"]),
        ("kind=行业联络站", ["仓山区行业联络站"]),
        ("district=鼓楼区", ["鼓楼区东街街道代表联络站"]),
        ("q=上渡路", ["台江区代表之家"]),  # address
        ("q=联络站", ["鼓楼区东街街道代表联络站", "仓山区行业联络站"]),  # name
        ("q=停用", []),  # inactive stations are never listed
        ("kind=代表之家&district=鼓楼区", []),
    ],
)
def test_directory_filters(city, client, query, expected):
    assert names(client.get(f"{DIRECTORY}?{query}")) == expected


def test_an_unknown_kind_is_refused(city, client):
    body = assert_error_shape(client.get(f"{DIRECTORY}?kind=居委会"), 422)
    assert "kind" in body["errors"]


def test_the_directory_is_paginated_in_sql(city, client):
    response = client.get(f"{DIRECTORY}?page=2&page_size=2")
    assert names(response) == ["仓山区行业联络站"]
    assert '"total": 3' in response.headers["X-Pagination"]


def test_station_page_has_everything_the_page_shows_in_one_read(city, client, login_as):
    staff = login_as("staff")
    month = in_days(0)[:7]
    staff.put(f"{DIRECTORY}/{city.home.id}/themes/{month}", json={"title": "老旧小区改造", "description": "欢迎提意见"})
    for offset in (2, 1):
        staff.post(
            f"{DIRECTORY}/{city.home.id}/receptions",
            json={"day": in_days(offset), "starts_at": "09:00", "ends_at": "11:00", "deputy_ids": [city.deputy.id]},
        )

    page = client.get(f"{DIRECTORY}/{city.home.id}").get_json()

    assert page["opening_hours"] == "周一至周五 9:00-17:00"
    assert page["phone"] == "0591-87654321"
    assert page["theme"]["title"] == "老旧小区改造" and page["theme"]["month"] == month
    assert [r["day"] for r in page["upcoming_receptions"]] == [in_days(1), in_days(2)]
    # Serving deputies only, highest level first, by name and congress: nothing to contact them by.
    assert [(d["name"], d["level_label"]) for d in page["deputies"]] == [("陈思远", "省级"), ("林晓东", "市级")]
    assert set(page["deputies"][0]) == {"id", "name", "level", "level_label"}
    assert "13900001111" not in client.get(f"{DIRECTORY}/{city.home.id}").get_data(as_text=True)


def test_a_station_page_without_theme_or_receptions(city, client):
    page = client.get(f"{DIRECTORY}/{city.other.id}").get_json()
    assert page["theme"] is None and page["upcoming_receptions"] == []
    assert [d["name"] for d in page["deputies"]] == ["陈思远", "张别处"]


@pytest.mark.parametrize("which", ["closed", "missing"])
def test_inactive_or_missing_stations_are_not_found(city, client, which):
    station_id = city.closed.id if which == "closed" else 999999
    for path in ("", "/receptions", "/themes", "/qrcode.png"):
        assert_error_shape(client.get(f"{DIRECTORY}/{station_id}{path}"), 404)


# Staff maintain the public fields in the one place stations are kept: /api/v1/org/stations.


def test_staff_set_the_public_fields_through_org(city, login_as, client):
    staff = login_as("staff")
    response = staff.patch(
        f"{ORG_STATIONS}/{city.unmapped.id}",
        json={
            "latitude": 26.05, "longitude": 119.31, "opening_hours": "每周三 9:00-11:30", "phone": "0591-8333 2222 转 8"
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    page = client.get(f"{DIRECTORY}/{city.unmapped.id}").get_json()
    assert (page["latitude"], page["longitude"], page["opening_hours"]) == (26.05, 119.31, "每周三 9:00-11:30")
    assert page["phone"] == "0591-8333 2222 转 8"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"latitude": 26.05}, "longitude"),  # one coordinate without the other
        ({"latitude": "26.05", "longitude": 119.3}, "latitude"),  # JSON numbers only
        ({"latitude": True, "longitude": 119.3}, "latitude"),
        ({"latitude": 119.3, "longitude": 26.05}, "latitude"),  # swapped: outside China
        ({"phone": "请拨打我"}, "phone"),
        ({"opening_hours": "x" * 201}, "opening_hours"),
    ],
)
def test_public_fields_are_checked(city, login_as, body, field):
    response = login_as("staff").patch(f"{ORG_STATIONS}/{city.unmapped.id}", json=body)
    assert field in assert_error_shape(response, 422)["errors"]


def test_clearing_both_coordinates_takes_a_station_off_the_map(city, login_as, client):
    response = login_as("staff").patch(f"{ORG_STATIONS}/{city.home.id}", json={"latitude": None, "longitude": None})
    assert response.status_code == 200
    assert city.home.id not in [s["id"] for s in client.get(f"{DIRECTORY}/nearest?lat=26.07&lng=119.3").get_json()]


@pytest.mark.parametrize("role", ["station_staff", "deputy", "constituent"])
def test_only_the_office_maintains_station_fields(city, login_as, role):
    response = login_as(role, stations=[city.home]).patch(f"{ORG_STATIONS}/{city.home.id}", json={"phone": "12345"})
    assert_error_shape(response, 403)
