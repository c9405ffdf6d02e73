"""Staff keep deputies' records; the phone is encrypted at rest and masked in every response."""
import json
import logging

import pytest

from api.common.audit import AuditEntry
from api.common.pii import blind_index
from api.deputies.models import Deputy, DeputyExpertise, DeputyGroupMember
from tests import factories
from tests.support import assert_error_shape, make_user

URL = "/api/v1/deputies"
PHONE = "13912345678"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def org(db):
    return {
        "congress": factories.congress(),
        "delegation": factories.delegation(name="鼓楼区代表团"),
        "group": factories.group(name="鼓楼区第一代表小组"),
        "station": factories.station(name="东街代表联络站"),
    }


def payload(org, **overrides):
    return {
        "code": "FZ17-0001", "name": "林晓东", "gender": "男", "delegation_id": org["delegation"].id, "term": 17,
        "sector": "工人", "grassroots": True, "employer": "东街社区", "title": "主任", "phone": PHONE,
        "group_ids": [org["group"].id], "station_ids": [org["station"].id], "fields": ["法律", "教育"],
        **overrides,
    }


def raw_phone_column(deputy_id, db):
    sql = f"SELECT phone, phone_hash FROM deputy WHERE id = {db.param}"  # noqa: S608 - a placeholder, not data
    return db.execute_sql(sql, (deputy_id,)).fetchone()


def test_create_returns_the_record_with_the_phone_masked(staff, org, db):
    response = staff.post(URL, json=payload(org, phone="+86 139-1234-5678"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["phone"] == "139****5678" and PHONE not in response.get_data(as_text=True)
    assert body["delegation"] == {"id": org["delegation"].id, "name": "鼓楼区代表团"}
    assert body["groups"] == [{"id": org["group"].id, "name": "鼓楼区第一代表小组"}]
    assert body["stations"] == [{"id": org["station"].id, "name": "东街代表联络站"}]
    assert body["fields"] == ["法律", "教育"] and body["status"] == "在任" and body["grassroots"] is True
    stored, stored_hash = raw_phone_column(body["id"], db)
    assert PHONE not in stored and stored.startswith("v1:")
    assert stored_hash == blind_index(PHONE) and Deputy.get_by_id(body["id"]).phone == PHONE
    assert AuditEntry.get(AuditEntry.action == "deputies.create").target_id == str(body["id"])


def test_the_phone_is_masked_in_lists_details_and_updates(staff, org):
    created = staff.post(URL, json=payload(org)).get_json()
    responses = [
        staff.get(URL),
        staff.get(f"{URL}/{created['id']}"),
        staff.patch(f"{URL}/{created['id']}", json={"title": "书记"}),
        staff.get(f"{URL}?phone={PHONE}"),
    ]
    for response in responses:
        assert response.status_code == 200
        assert PHONE not in response.get_data(as_text=True) and "139****5678" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_contact_gives_the_clear_phone_and_is_audited(login_as, org, role):
    deputy = factories.deputy(phone=PHONE)
    reader = login_as(role)
    assert reader.get(f"{URL}/{deputy.id}/contact").get_json() == {"id": deputy.id, "name": deputy.name, "phone": PHONE}
    entry = AuditEntry.get(AuditEntry.action == "pii.read")
    assert (entry.target_type, entry.target_id, entry.actor_id) == ("deputy", str(deputy.id), reader.user.id)
    assert json.loads(entry.detail) == {"fields": ["phone"]}
    assert PHONE not in entry.detail


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345678901"), ("phone", "1391234567"), ("gender", "男性"), ("status", "离任"), ("term", 0),
     ("code", ""), ("fields", ["x" * 51])],
)
def test_invalid_values_are_refused(staff, org, field, value):
    body = assert_error_shape(staff.post(URL, json=payload(org, **{field: value})), 422)
    assert field in body["errors"]
    assert Deputy.select().count() == 0


def test_references_must_exist(staff, org):
    bad = payload(org, delegation_id=999, group_ids=[999], station_ids=[org["station"].id, 998])
    body = assert_error_shape(staff.post(URL, json=bad), 422)
    assert set(body["errors"]) == {"delegation_id", "group_ids", "station_ids"}
    assert "998" in body["errors"]["station_ids"][0]


def test_code_and_phone_are_unique(staff, org):
    staff.post(URL, json=payload(org))
    assert "code" in assert_error_shape(staff.post(URL, json=payload(org, phone="13900000009")), 409)["errors"]
    assert "phone" in assert_error_shape(staff.post(URL, json=payload(org, code="FZ17-0002")), 409)["errors"]
    assert Deputy.select().count() == 1


def test_term_defaults_to_the_current_term(staff, org):
    body = payload(org)
    del body["term"]
    factories.congress(current_term=16)
    assert staff.post(URL, json=body).get_json()["term"] == 16


def test_patch_changes_only_what_it_names(staff, org):
    created = staff.post(URL, json=payload(org)).get_json()
    other_group = factories.group(name="法律专业代表小组")
    updated = staff.patch(f"{URL}/{created['id']}", json={"group_ids": [other_group.id], "phone": None}).get_json()
    assert updated["groups"] == [{"id": other_group.id, "name": "法律专业代表小组"}]
    assert updated["stations"] == created["stations"] and updated["fields"] == created["fields"]
    assert updated["phone"] is None and Deputy.get_by_id(created["id"]).phone_hash is None
    assert DeputyGroupMember.select().count() == 1 and DeputyExpertise.select().count() == 2


def test_ending_a_term_keeps_the_record(staff, org):
    created = staff.post(URL, json=payload(org)).get_json()
    assert staff.patch(f"{URL}/{created['id']}", json={"status": "终止"}).get_json()["status"] == "终止"
    assert [d["id"] for d in staff.get(f"{URL}?status=终止").get_json()] == [created["id"]]
    assert staff.get(f"{URL}?status=在任").get_json() == []


def test_delete_only_a_deputy_without_an_account(staff, org):
    with_account, without = factories.deputy(), factories.deputy(groups=[org["group"]])
    make_user("deputy", deputy=with_account)
    body = assert_error_shape(staff.delete(f"{URL}/{with_account.id}"), 409)
    assert "终止" in body["message"]
    assert staff.delete(f"{URL}/{without.id}").status_code == 204
    assert list(Deputy.select(Deputy.id).tuples()) == [(with_account.id,)]
    assert DeputyGroupMember.select().count() == 0
    assert_error_shape(staff.delete(f"{URL}/{without.id}"), 404)


def test_filters(staff, org):
    other_station, other_group = factories.station(), factories.group()
    target = factories.deputy(
        name="陈思远", delegation=org["delegation"], groups=[org["group"]], stations=[org["station"]],
        expertise=["法律"], grassroots=True, phone=PHONE,
    )
    factories.deputy(name="陈佳怡", groups=[other_group], stations=[other_station], expertise=["教育"])
    factories.deputy(name="王强", status="终止", term=16)
    for query in (
        f"delegation={org['delegation'].id}", f"group={org['group'].id}", f"station={org['station'].id}",
        "field=法律", "grassroots=true", f"phone={PHONE}", "phone=139 1234 5678", "name=思远",
    ):
        assert [d["id"] for d in staff.get(f"{URL}?{query}").get_json()] == [target.id], query
    assert len(staff.get(f"{URL}?name=陈").get_json()) == 2
    assert [d["name"] for d in staff.get(f"{URL}?term=16").get_json()] == ["王强"]
    assert staff.get(f"{URL}?phone=13900000000").get_json() == []


def test_list_is_paginated_in_sql(staff, org):
    for _ in range(25):
        factories.deputy(delegation=org["delegation"])
    page = staff.get(f"{URL}?page=3&page_size=10")
    assert len(page.get_json()) == 5
    assert json.loads(page.headers["X-Pagination"])["total"] == 25


def test_a_page_costs_the_same_queries_however_many_deputies_it_holds(staff, org, caplog):
    for _ in range(20):
        factories.deputy(groups=[org["group"]], stations=[org["station"]], expertise=["法律"])

    def queries(page_size):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            assert len(staff.get(f"{URL}?page_size={page_size}").get_json()) == page_size
        return len([r for r in caplog.records if r.name == "peewee"])

    assert queries(2) == queries(20)
