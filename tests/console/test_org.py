"""The organisation screen: every kind listed, created and edited with the API's rules; guarded deletes."""
import pytest

from api.deputies.models import DeputyStation
from api.org.models import Congress, Delegation, DeputyGroup, HandlingUnit, Station
from tests import factories
from tests.support import make_user

ORG = "/console/org"


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", False, 403), ("unit_user", False, 403),
])
def test_the_organisation_is_for_the_office(console_as, role, listed, status):
    client = console_as(role)
    assert (f'href="{ORG}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(ORG).status_code == status
    assert client.get(f"{ORG}/stations").status_code == status
    created = client.post(f"{ORG}/units/new", data={"name": "某局"})
    assert created.status_code == (302 if status == 200 else 403)
    assert HandlingUnit.select().where(HandlingUnit.name == "某局").exists() is (status == 200)


def test_an_unknown_kind_is_404(console_as):
    assert console_as("staff").get(f"{ORG}/planets").status_code == 404


def test_congresses_show_their_seats_and_the_levels(console_as, db):
    own = factories.congress(name="福州市人大常委会")
    factories.deputy(congress=own)
    html = console_as("staff").get(ORG).get_data(as_text=True)
    assert "福州市人大常委会（本级）" in html and 'data-testid="level-statistics"' in html
    assert "市级" in html


def test_the_own_congress_can_be_set_when_there_is_none(console_as, db):
    client = console_as("admin")
    assert "尚未设置本级人大" in client.get(ORG).get_data(as_text=True)
    form = {"name": "某市人大常委会", "level": "municipal", "current_term": "16", "is_own": "on", "region": ""}
    assert client.post(f"{ORG}/congresses/new", data=form, htmx=True).status_code == 204
    assert Congress.get(Congress.is_own == True).current_term == 16  # noqa: E712


@pytest.mark.parametrize(("kind", "model", "form"), [
    ("congresses", Congress, {"name": "福建省人大", "level": "provincial", "current_term": "14"}),
    ("delegations", Delegation, {"name": "台江区代表团", "kind": "选举单位"}),
    ("groups", DeputyGroup, {"name": "财经小组", "basis": "field", "delegation_id": ""}),
    ("stations", Station, {"name": "西湖代表之家", "kind": "代表之家", "district": "鼓楼区", "is_active": "on"}),
    ("units", HandlingUnit, {"name": "市住建局", "category": "市直部门", "is_active": "on"}),
])
def test_each_kind_is_created_and_edited_through_its_form(console_as, db, kind, model, form):
    factories.congress()
    client = console_as("staff")
    created = client.post(f"{ORG}/{kind}/new", data=form, htmx=True)
    assert created.status_code == 204, created.get_data(as_text=True)
    obj = model.get(model.name == form["name"])
    assert created.headers["HX-Redirect"] == f"{ORG}/{kind}/{obj.id}"
    assert form["name"] in client.get(f"{ORG}/{kind}").get_data(as_text=True)
    edited = client.post(f"{ORG}/{kind}/{obj.id}", data={**form, "name": form["name"] + "（改）"})
    assert edited.status_code == 302
    assert model.get_by_id(obj.id).name == form["name"] + "（改）"


@pytest.mark.parametrize(("kind", "form", "field"), [
    ("congresses", {"name": "", "level": "galactic", "current_term": "x"}, "level"),
    ("delegations", {"name": "", "kind": "代表团"}, "name"),
    ("groups", {"name": "小组", "basis": "area", "delegation_id": "999"}, "delegation_id"),
    ("stations", {"name": "站" * 101, "kind": "代表之家"}, "name"),
    ("units", {"name": ""}, "name"),
])
def test_a_refused_form_comes_back_422_with_the_fields_message(console_as, db, kind, form, field):
    response = console_as("staff").post(f"{ORG}/{kind}/new", data=form, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'data-testid="error-{field}"' in html and "<html" not in html


def test_a_taken_name_is_409_beside_the_name(console_as, db):
    factories.unit(name="市教育局")
    response = console_as("staff").post(f"{ORG}/units/new", data={"name": "市教育局"}, htmx=True)
    assert response.status_code == 409 and 'data-testid="error-name"' in response.get_data(as_text=True)


def test_a_referenced_record_is_not_deleted_and_the_reason_is_shown(console_as, db):
    station = factories.station(name="有人的站")
    make_user("station_staff", stations=[station])
    client = console_as("staff")
    response = client.post(f"{ORG}/stations/{station.id}/delete", htmx=True)
    assert response.status_code == 409 and "仍有工作人员账号" in response.get_data(as_text=True)
    assert Station.select().where(Station.id == station.id).exists()
    delegation = factories.delegation()
    factories.group(delegation=delegation)
    response = client.post(f"{ORG}/delegations/{delegation.id}/delete", htmx=True)
    assert response.status_code == 409 and "代表小组" in response.get_data(as_text=True)


def test_an_unreferenced_record_is_deleted(console_as, db):
    unit = factories.unit()
    response = console_as("staff").post(f"{ORG}/units/{unit.id}/delete", htmx=True)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"{ORG}/units"
    assert not HandlingUnit.select().where(HandlingUnit.id == unit.id).exists()


def test_a_station_shows_its_deputies_and_they_are_set_by_code(console_as, db):
    station = factories.station()
    staying = factories.deputy(name="留下", stations=[station])
    leaving = factories.deputy(name="离开", stations=[station])
    joining = factories.deputy(code="JOIN-1", name="加入")
    client = console_as("staff")
    page = client.get(f"{ORG}/stations/{station.id}").get_data(as_text=True)
    assert page.count('data-testid="station-deputy"') == 2
    url = f"{ORG}/stations/{station.id}/deputies"
    response = client.post(url, data={"deputy_ids": [str(staying.id)], "add_codes": "JOIN-1"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "留下" in html and "加入" in html and "离开" not in html
    unknown = client.post(url, data={"deputy_ids": [str(staying.id)], "add_codes": "NOPE-9"}, htmx=True)
    assert unknown.status_code == 422 and "NOPE-9" in unknown.get_data(as_text=True)
    serving = DeputyStation.select(DeputyStation.deputy).where(DeputyStation.station == station.id)
    assert {link.deputy_id for link in serving} == {staying.id, joining.id} and leaving.id


def test_the_list_pages(console_as, db):
    for n in range(21):
        factories.unit(name=f"单位{n:02d}")
    client = console_as("staff")
    first = client.get(f"{ORG}/units").get_data(as_text=True)
    assert first.count('data-testid="org-row"') == 20 and 'data-testid="page-next"' in first
    assert client.get(f"{ORG}/units?page=2").get_data(as_text=True).count('data-testid="org-row"') == 1
