"""Staff manage the organisation: create, list, read, change and delete, with references kept intact."""
import json

import pytest

from api.common.audit import AuditEntry
from api.deputies.models import DeputyStation
from api.org.models import Congress, Delegation, DeputyGroup
from tests import factories
from tests.support import assert_error_shape, make_user

ORG = "/api/v1/org"
TARGETS = {"delegations": "delegation", "groups": "deputy_group", "stations": "station", "units": "handling_unit"}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def actions():
    return [entry.action for entry in AuditEntry.select().order_by(AuditEntry.id)]


def test_congress_is_a_single_row_set_by_staff(staff, login_as):
    assert_error_shape(staff.get(f"{ORG}/congress"), 404)
    body = {"name": "福州市人民代表大会常务委员会", "level": "municipal", "current_term": 17}
    assert staff.put(f"{ORG}/congress", json=body).get_json()["level_label"] == "市级"
    staff.put(f"{ORG}/congress", json={**body, "current_term": 18})
    assert Congress.select().count() == 1
    seen = login_as("constituent").get(f"{ORG}/congress").get_json()
    assert seen == {**body, "current_term": 18, "level_label": "市级"}
    assert actions() == ["org.congress.update", "org.congress.update"]


def test_congress_level_is_checked(staff):
    response = staff.put(f"{ORG}/congress", json={"name": "某人大", "level": "city", "current_term": 1})
    assert "level" in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize(
    ("resource", "body", "change"),
    [
        ("delegations", {"name": "鼓楼区代表团"}, {"kind": "选举单位"}),
        ("groups", {"name": "鼓楼区第一代表小组", "basis": "area"}, {"basis": "field"}),
        ("stations", {"name": "东街代表联络站", "district": "鼓楼区", "address": "东街1号"}, {"is_active": False}),
        ("units", {"name": "市教育局", "category": "市直部门", "contact_name": "王主任"}, {"contact_name": "李科长"}),
    ],
)
def test_crud_round_trip(staff, resource, body, change):
    created = staff.post(f"{ORG}/{resource}", json=body)
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert {key: item[key] for key in body} == body
    url = f"{ORG}/{resource}/{item['id']}"
    assert staff.get(url).get_json() == item
    assert staff.patch(url, json=change).get_json() == {**item, **change}
    assert staff.get(f"{ORG}/{resource}").get_json() == [{**item, **change}]
    assert staff.delete(url).status_code == 204
    assert_error_shape(staff.get(url), 404)
    target = TARGETS[resource]
    assert actions() == [f"org.{target}.create", f"org.{target}.update", f"org.{target}.delete"]


@pytest.mark.parametrize("resource", ["delegations", "groups", "stations", "units"])
def test_names_are_unique_and_required(staff, resource):
    staff.post(f"{ORG}/{resource}", json={"name": "同名"})
    assert assert_error_shape(staff.post(f"{ORG}/{resource}", json={"name": "同名"}), 409)["errors"]["name"]
    assert "name" in assert_error_shape(staff.post(f"{ORG}/{resource}", json={"name": "  "}), 422)["errors"]
    other = staff.post(f"{ORG}/{resource}", json={"name": "另一个"}).get_json()
    assert_error_shape(staff.patch(f"{ORG}/{resource}/{other['id']}", json={"name": "同名"}), 409)
    assert_error_shape(staff.post(f"{ORG}/{resource}", json={"name": "x", "unknown": 1}), 422)


def test_lists_filter_by_name_and_paginate_in_sql(staff):
    for n in range(25):
        factories.station(name=f"{'鼓楼' if n % 2 else '台江'}联络站{n:02d}")
    page = staff.get(f"{ORG}/stations?name=鼓楼&page=2&page_size=10")
    assert [s["name"] for s in page.get_json()] == [f"鼓楼联络站{n:02d}" for n in range(21, 25, 2)]
    assert json.loads(page.headers["X-Pagination"])["total"] == 12
    assert len(staff.get(f"{ORG}/stations?is_active=true").get_json()) == 20  # default page size


def test_group_filters_and_its_delegation_must_exist(staff):
    delegation = factories.delegation(name="鼓楼区代表团")
    factories.group(name="鼓楼第一组", delegation=delegation)
    factories.group(name="法律专业组", basis="field")
    assert [g["name"] for g in staff.get(f"{ORG}/groups?basis=field").get_json()] == ["法律专业组"]
    listed = staff.get(f"{ORG}/groups?delegation={delegation.id}").get_json()
    expected = {"id": delegation.id, "name": "鼓楼区代表团"}
    assert [(g["name"], g["delegation"]) for g in listed] == [("鼓楼第一组", expected)]
    response = staff.post(f"{ORG}/groups", json={"name": "新组", "delegation_id": delegation.id + 100})
    assert "delegation_id" in assert_error_shape(response, 422)["errors"]


def test_a_group_names_its_delegation_by_id_and_can_leave_it(staff):
    delegation = factories.delegation(name="旧名代表团")
    created = staff.post(f"{ORG}/groups", json={"name": "第一组", "delegation_id": delegation.id})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["delegation"] == {"id": delegation.id, "name": "旧名代表团"}
    staff.patch(f"{ORG}/delegations/{delegation.id}", json={"name": "新名代表团"})
    group_id = created.get_json()["id"]
    assert staff.get(f"{ORG}/groups/{group_id}").get_json()["delegation"]["name"] == "新名代表团"
    cleared = staff.patch(f"{ORG}/groups/{group_id}", json={"delegation_id": None})
    assert cleared.status_code == 200 and cleared.get_json()["delegation"] is None
    assert DeputyGroup.get_by_id(group_id).delegation_id is None


def test_delegation_in_use_cannot_be_deleted(staff):
    with_deputy, with_group = factories.delegation(), factories.delegation()
    factories.deputy(delegation=with_deputy)
    factories.group(delegation=with_group)
    body = assert_error_shape(staff.delete(f"{ORG}/delegations/{with_deputy.id}"), 409)
    assert body["message"] == "该代表团下仍有代表，不能删除。"
    assert_error_shape(staff.delete(f"{ORG}/delegations/{with_group.id}"), 409)
    assert Delegation.select().count() == 2


def test_group_station_and_unit_in_use_cannot_be_deleted(staff):
    group, station, staffed, unit = factories.group(), factories.station(), factories.station(), factories.unit()
    factories.deputy(groups=[group], stations=[station])
    make_user("station_staff", stations=[staffed])
    make_user("unit_user", unit=unit)
    # Each reason comes from the domain whose rows still point here (deputies, accounts), registered
    # with api.common.references when the app loads its modules: org itself imports neither.
    expected = {
        f"groups/{group.id}": "该代表小组仍有成员，不能删除。",
        f"stations/{station.id}": "仍有代表在该联络站履职，不能删除。",
        f"stations/{staffed.id}": "该联络站仍有工作人员账号，不能删除。",
        f"units/{unit.id}": "该承办单位仍有账号，不能删除。",
    }
    for url, message in expected.items():
        assert assert_error_shape(staff.delete(f"{ORG}/{url}"), 409)["message"] == message
        assert staff.get(f"{ORG}/{url}").status_code == 200


def test_station_deputies_are_replaced_as_a_whole(staff):
    station = factories.station()
    kept, dropped = factories.deputy(stations=[station]), factories.deputy(stations=[station])
    added = factories.deputy()
    response = staff.put(f"{ORG}/stations/{station.id}/deputies", json={"deputy_ids": [kept.id, added.id]})
    assert sorted(d["id"] for d in response.get_json()) == sorted([kept.id, added.id])
    serving = {link.deputy_id for link in DeputyStation.select().where(DeputyStation.station == station)}
    assert serving == {kept.id, added.id} and dropped.id not in serving
    assert "org.station.deputies" in actions()


def test_station_deputies_must_exist(staff):
    station = factories.station()
    existing = factories.deputy(stations=[station])
    response = staff.put(f"{ORG}/stations/{station.id}/deputies", json={"deputy_ids": [existing.id, 999999]})
    assert "999999" in assert_error_shape(response, 422)["errors"]["deputy_ids"][0]
    assert DeputyStation.select().count() == 1
