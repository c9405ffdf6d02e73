"""Who may call each organisation endpoint, and what each may see of it."""
from types import SimpleNamespace

import pytest

from api.common.permissions import ROLES
from tests import factories
from tests.support import assert_error_shape, assert_permitted

ANONYMOUS = "anonymous"
OFFICE = {"admin", "staff"}


@pytest.fixture
def world(db):
    """One of everything, plus spares nothing refers to (so that deleting them can succeed)."""
    delegation = factories.delegation()
    station = factories.station()
    return SimpleNamespace(
        congress=factories.congress(),
        delegation=delegation,
        group=factories.group(delegation=delegation),
        station=station,
        unit=factories.unit(),
        deputy=factories.deputy(delegation=delegation, stations=[station]),
        spare_delegation=factories.delegation(),
        spare_group=factories.group(),
        spare_station=factories.station(),
        spare_unit=factories.unit(),
    )


def caller(role, client, login_as, world):
    """A client for `role`, scoped to the world's station, unit or deputy as that role would be."""
    scope = {
        "station_staff": {"stations": [world.station]},
        "unit_user": {"unit": world.unit},
        "deputy": {"deputy": world.deputy},
    }
    return client if role == ANONYMOUS else login_as(role, **scope.get(role, {}))


ORG = "/api/v1/org"
CONGRESS = {"name": "某市人大常委会", "level": "municipal", "current_term": 18}
STATION_READERS = OFFICE | {"station_staff", "deputy"}
NOBODY = {"deputy_ids": []}
ELECTORAL = {"kind": "选举单位"}
ENDPOINTS = [
    # (name, roles allowed, success status, call)
    ("congress get", set(ROLES), 200, lambda c, w: c.get(f"{ORG}/congress")),
    ("congress put", OFFICE, 200, lambda c, w: c.put(f"{ORG}/congress", json=CONGRESS)),
    ("delegations list", OFFICE | {"deputy"}, 200, lambda c, w: c.get(f"{ORG}/delegations")),
    ("delegations create", OFFICE, 201, lambda c, w: c.post(f"{ORG}/delegations", json={"name": "新代表团"})),
    ("delegation get", OFFICE | {"deputy"}, 200, lambda c, w: c.get(f"{ORG}/delegations/{w.delegation.id}")),
    ("delegation patch", OFFICE, 200, lambda c, w: c.patch(f"{ORG}/delegations/{w.delegation.id}", json=ELECTORAL)),
    ("delegation delete", OFFICE, 204, lambda c, w: c.delete(f"{ORG}/delegations/{w.spare_delegation.id}")),
    ("groups list", OFFICE | {"deputy"}, 200, lambda c, w: c.get(f"{ORG}/groups")),
    ("groups create", OFFICE, 201, lambda c, w: c.post(f"{ORG}/groups", json={"name": "新代表小组"})),
    ("group get", OFFICE | {"deputy"}, 200, lambda c, w: c.get(f"{ORG}/groups/{w.group.id}")),
    ("group patch", OFFICE, 200, lambda c, w: c.patch(f"{ORG}/groups/{w.group.id}", json={"basis": "field"})),
    ("group delete", OFFICE, 204, lambda c, w: c.delete(f"{ORG}/groups/{w.spare_group.id}")),
    ("stations list", STATION_READERS, 200, lambda c, w: c.get(f"{ORG}/stations")),
    ("stations create", OFFICE, 201, lambda c, w: c.post(f"{ORG}/stations", json={"name": "新联络站"})),
    ("station get", STATION_READERS, 200, lambda c, w: c.get(f"{ORG}/stations/{w.station.id}")),
    ("station patch", OFFICE, 200, lambda c, w: c.patch(f"{ORG}/stations/{w.station.id}", json={"district": "鼓楼区"})),
    ("station delete", OFFICE, 204, lambda c, w: c.delete(f"{ORG}/stations/{w.spare_station.id}")),
    ("station deputies get", STATION_READERS, 200, lambda c, w: c.get(f"{ORG}/stations/{w.station.id}/deputies")),
    ("station deputies put", OFFICE, 200, lambda c, w: c.put(f"{ORG}/stations/{w.station.id}/deputies", json=NOBODY)),
    ("units list", OFFICE | {"unit_user"}, 200, lambda c, w: c.get(f"{ORG}/units")),
    ("units create", OFFICE, 201, lambda c, w: c.post(f"{ORG}/units", json={"name": "新承办单位"})),
    ("unit get", OFFICE | {"unit_user"}, 200, lambda c, w: c.get(f"{ORG}/units/{w.unit.id}")),
    ("unit patch", OFFICE, 200, lambda c, w: c.patch(f"{ORG}/units/{w.unit.id}", json={"category": "市直部门"})),
    ("unit delete", OFFICE, 204, lambda c, w: c.delete(f"{ORG}/units/{w.spare_unit.id}")),
]


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
@pytest.mark.parametrize(("name", "allowed", "success", "call"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_permission_matrix(client, login_as, world, role, name, allowed, success, call):
    assert_permitted(call(caller(role, client, login_as, world), world), role, allowed, success)


def test_station_staff_see_only_their_own_stations(client, login_as, world):
    mine = login_as("station_staff", stations=[world.station])
    listed = mine.get(f"{ORG}/stations").get_json()
    assert [s["id"] for s in listed] == [world.station.id]
    assert_error_shape(mine.get(f"{ORG}/stations/{world.spare_station.id}"), 404)
    assert_error_shape(mine.get(f"{ORG}/stations/{world.spare_station.id}/deputies"), 404)
    assert mine.get(f"{ORG}/stations/{world.station.id}/deputies").get_json()[0]["id"] == world.deputy.id


def test_station_staff_without_stations_see_none(login_as, world):
    assert login_as("station_staff").get(f"{ORG}/stations").get_json() == []


def test_unit_users_see_only_their_own_unit(login_as, world):
    mine = login_as("unit_user", unit=world.unit)
    assert [u["id"] for u in mine.get(f"{ORG}/units").get_json()] == [world.unit.id]
    assert_error_shape(mine.get(f"{ORG}/units/{world.spare_unit.id}"), 404)
    assert login_as("unit_user").get(f"{ORG}/units").get_json() == []


def test_deputies_read_every_station_and_delegation(login_as, world):
    deputy = login_as("deputy", deputy=world.deputy)
    assert len(deputy.get(f"{ORG}/stations").get_json()) == 2
    assert len(deputy.get(f"{ORG}/delegations").get_json()) == 2
    assert deputy.get(f"{ORG}/stations/{world.spare_station.id}").status_code == 200


# Issue 8, item 16: the deputies of a station the caller has no part in. Office staff see every
# roster; station staff do not learn the station exists (404); a deputy sees only the colleagues
# of the stations they serve at, so no deputy can assemble the whole roster station by station.
OTHER_STATION_ROSTER = {
    "admin": 200,
    "staff": 200,
    "station_staff": 404,
    "unit_user": 403,
    "deputy": 403,
    "constituent": 403,
    ANONYMOUS: 401,
}


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
def test_permission_matrix_for_another_stations_deputies(client, login_as, world, role):
    factories.deputy(stations=[world.spare_station])
    response = caller(role, client, login_as, world).get(f"{ORG}/stations/{world.spare_station.id}/deputies")
    expected = OTHER_STATION_ROSTER[role]
    if expected == 200:
        assert response.status_code == 200 and len(response.get_json()) == 1
    else:
        assert_error_shape(response, expected)


def test_a_deputy_sees_the_colleagues_of_their_own_stations_only(login_as, world):
    colleague = factories.deputy(stations=[world.station])
    outsider = factories.deputy(stations=[world.spare_station])
    deputy = login_as("deputy", deputy=world.deputy)
    own = deputy.get(f"{ORG}/stations/{world.station.id}/deputies").get_json()
    assert {row["id"] for row in own} == {world.deputy.id, colleague.id}
    refused = assert_error_shape(deputy.get(f"{ORG}/stations/{world.spare_station.id}/deputies"), 403)
    assert "本人" in refused["message"] and outsider.name not in str(refused)
    # A deputy account without a deputy record serves at no station.
    assert_error_shape(login_as("deputy").get(f"{ORG}/stations/{world.station.id}/deputies"), 403)
