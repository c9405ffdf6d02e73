"""Who may call each deputy endpoint, and whose records each may see."""
from types import SimpleNamespace

import pytest

from api.common.permissions import ROLES
from tests import factories
from tests.deputies.helpers import row, upload, xlsx
from tests.support import assert_error_shape, assert_permitted

ANONYMOUS = "anonymous"
OFFICE = {"admin", "staff"}
URL = "/api/v1/deputies"


@pytest.fixture
def world(db):
    delegation = factories.delegation(name="鼓楼区代表团")
    station_a, station_b = factories.station(name="东街代表联络站"), factories.station(name="南街代表联络站")
    factories.group(name="鼓楼区第一代表小组")
    return SimpleNamespace(
        delegation=delegation,
        station_a=station_a,
        station_b=station_b,
        at_a=factories.deputy(delegation=delegation, stations=[station_a], phone="13900000001"),
        at_b=factories.deputy(delegation=delegation, stations=[station_b], phone="13900000002"),
        spare=factories.deputy(delegation=delegation),
    )


def caller(role, client, login_as, world):
    scope = {"station_staff": {"stations": [world.station_a]}, "deputy": {"deputy": world.at_a}}
    return client if role == ANONYMOUS else login_as(role, **scope.get(role, {}))


def new_deputy(world):
    return {"code": "N0001", "name": "新代表", "gender": "女", "delegation_id": world.delegation.id, "term": 17}


ENDPOINTS = [
    # (name, roles allowed, success status, call)
    ("list", OFFICE | {"station_staff"}, 200, lambda c, w: c.get(URL)),
    ("create", OFFICE, 201, lambda c, w: c.post(URL, json=new_deputy(w))),
    ("me", {"deputy"}, 200, lambda c, w: c.get(f"{URL}/me")),
    ("get", OFFICE | {"station_staff"}, 200, lambda c, w: c.get(f"{URL}/{w.at_a.id}")),
    ("patch", OFFICE, 200, lambda c, w: c.patch(f"{URL}/{w.at_a.id}", json={"title": "主任"})),
    ("delete", OFFICE, 204, lambda c, w: c.delete(f"{URL}/{w.spare.id}")),
    ("contact", OFFICE, 200, lambda c, w: c.get(f"{URL}/{w.at_a.id}/contact")),
    ("import", OFFICE, 200, lambda c, w: upload(c, xlsx([row("N0002", phone="13900000003")]))),
    ("export", OFFICE, 200, lambda c, w: c.get(f"{URL}/export")),
]


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
@pytest.mark.parametrize(("name", "allowed", "success", "call"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_permission_matrix(client, login_as, world, role, name, allowed, success, call):
    assert_permitted(call(caller(role, client, login_as, world), world), role, allowed, success)


def test_station_staff_see_only_deputies_serving_their_stations(login_as, world):
    staff_a = login_as("station_staff", stations=[world.station_a])
    assert [d["id"] for d in staff_a.get(URL).get_json()] == [world.at_a.id]
    assert staff_a.get(f"{URL}/{world.at_a.id}").get_json()["id"] == world.at_a.id
    assert_error_shape(staff_a.get(f"{URL}/{world.at_b.id}"), 404)
    assert_error_shape(staff_a.get(f"{URL}/{world.spare.id}"), 404)
    assert staff_a.get(f"{URL}?station={world.station_b.id}").get_json() == []


def test_station_staff_may_not_search_by_phone(login_as, world):
    staff_a = login_as("station_staff", stations=[world.station_a])
    assert_error_shape(staff_a.get(f"{URL}?phone=13900000001"), 403)


def test_station_staff_of_no_station_see_nobody(login_as, world):
    assert login_as("station_staff").get(URL).get_json() == []


def test_a_deputy_reads_their_own_record_only(login_as, world):
    deputy = login_as("deputy", deputy=world.at_b)
    me = deputy.get(f"{URL}/me").get_json()
    assert me["id"] == world.at_b.id and me["stations"] == [{"id": world.station_b.id, "name": "南街代表联络站"}]
    assert me["phone"] == "139****0002"
    assert_error_shape(deputy.get(f"{URL}/{world.at_a.id}"), 403)
    assert_error_shape(deputy.get(f"{URL}/{world.at_b.id}"), 403)


def test_a_deputy_account_without_a_deputy_record_is_told_so(login_as, world):
    body = assert_error_shape(login_as("deputy").get(f"{URL}/me"), 403)
    assert "代表" in body["message"]
