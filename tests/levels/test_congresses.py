"""Deputies of several levels in one deployment: congresses, seats, filters, stations and counts by level."""
import pytest

from api.deputies.models import Deputy
from tests import factories
from tests.deputies.helpers import row, upload, xlsx
from tests.support import assert_error_shape

ORG = "/api/v1/org"
DEPUTIES = "/api/v1/deputies"
PHONE = "13912345678"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def levels(db):
    """The city's own congress and the provincial one; a person (same phone) with a seat in each."""
    own = factories.congress(name="福州市人民代表大会常务委员会", current_term=17)
    province = factories.congress(
        name="福建省人民代表大会常务委员会", level="provincial", current_term=14, is_own=False
    )
    station = factories.station(name="东街代表联络站")
    city_seat = factories.deputy(name="林晓东", phone=PHONE, congress=own, stations=[station], code="FZ17-0001")
    provincial_seat = factories.deputy(
        name="林晓东", phone=PHONE, congress=province, term=14, stations=[station], code="FJ14-0001"
    )
    other = factories.deputy(congress=province, term=14, code="FJ14-0002")
    return {"own": own, "province": province, "station": station, "city": city_seat,
            "provincial": provincial_seat, "other": other}


def test_congresses_list_with_their_seat_counts(staff, levels, login_as):
    listed = login_as("deputy").get(f"{ORG}/congresses").get_json()
    assert [(c["name"], c["is_own"], c["deputy_count"], c["serving_count"]) for c in listed] == [
        ("福州市人民代表大会常务委员会", True, 1, 1),
        ("福建省人民代表大会常务委员会", False, 2, 2),
    ]
    assert listed[1]["level_label"] == "省级"
    provincial = staff.get(f"{ORG}/congresses?level=provincial").get_json()
    assert [c["id"] for c in provincial] == [levels["province"].id]
    assert_error_shape(staff.get(f"{ORG}/congresses?level=city"), 422)


def test_statistics_split_by_level(staff, levels):
    Deputy.update(status="终止").where(Deputy.id == levels["other"].id).execute()
    stats = {row["level"]: row for row in staff.get(f"{ORG}/levels").get_json()}
    assert list(stats) == ["national", "provincial", "municipal", "county", "township"]
    assert stats["provincial"] == {
        "level": "provincial", "level_label": "省级", "congresses": 1, "deputies": 2, "serving": 1
    }
    assert stats["municipal"]["deputies"] == 1 and stats["national"]["deputies"] == 0


def test_staff_add_and_remove_a_higher_congress(staff, levels, login_as):
    body = {"name": "全国人民代表大会常务委员会", "level": "national", "current_term": 14, "region": "全国"}
    assert_error_shape(login_as("deputy").post(f"{ORG}/congresses", json=body), 403)
    created = staff.post(f"{ORG}/congresses", json=body)
    assert created.status_code == 201 and created.get_json()["is_own"] is False
    assert_error_shape(staff.post(f"{ORG}/congresses", json=body), 409)
    assert_error_shape(staff.post(f"{ORG}/congresses", json={**body, "name": "x", "is_own": True}), 422)
    national = created.get_json()["id"]
    assert staff.patch(f"{ORG}/congresses/{national}", json={"current_term": 15}).get_json()["current_term"] == 15
    assert staff.delete(f"{ORG}/congresses/{national}").status_code == 204
    assert "仍有代表" in assert_error_shape(staff.delete(f"{ORG}/congresses/{levels['province'].id}"), 409)["message"]
    assert "本级" in assert_error_shape(staff.delete(f"{ORG}/congresses/{levels['own'].id}"), 409)["message"]
    assert staff.get(f"{ORG}/congress").get_json()["name"] == "福州市人民代表大会常务委员会"


def test_deputy_list_filters_by_level_and_congress(staff, levels):
    by_level = staff.get(f"{DEPUTIES}?level=provincial").get_json()
    assert {d["code"] for d in by_level} == {"FJ14-0001", "FJ14-0002"}
    assert by_level[0]["congress"]["level"] == "provincial" and by_level[0]["congress"]["level_label"] == "省级"
    by_congress = staff.get(f"{DEPUTIES}?congress={levels['own'].id}").get_json()
    assert [d["code"] for d in by_congress] == ["FZ17-0001"]
    assert_error_shape(staff.get(f"{DEPUTIES}?level=city"), 422)


def test_stations_list_deputies_of_every_level(levels, login_as):
    station_staff = login_as("station_staff", stations=[levels["station"]])
    listed = station_staff.get(f"{ORG}/stations/{levels['station'].id}/deputies").get_json()
    pairs = [(d["code"], d["congress"]["level"]) for d in listed]
    assert pairs == [("FJ14-0001", "provincial"), ("FZ17-0001", "municipal")]  # the higher level first


def test_one_person_may_hold_a_seat_in_each_congress_but_not_two_in_one(staff, levels):
    delegation = factories.delegation()
    body = {"code": "FJ14-0003", "name": "林晓东", "gender": "男", "delegation_id": delegation.id, "phone": PHONE}
    refused = staff.post(DEPUTIES, json={**body, "congress_id": levels["province"].id})
    assert "phone" in assert_error_shape(refused, 409)["errors"]
    national = factories.congress(name="全国人民代表大会常务委员会", level="national", current_term=14, is_own=False)
    created = staff.post(DEPUTIES, json={**body, "congress_id": national.id}).get_json()
    assert created["congress"]["level"] == "national" and created["term"] == 14  # the congress's own term
    assert_error_shape(staff.post(DEPUTIES, json={**body, "code": "X1", "congress_id": 999999}), 422)


def test_new_seats_join_the_own_congress_which_must_be_set_first(staff, db):
    delegation = factories.delegation()
    body = {"code": "FZ17-0009", "name": "王芳", "gender": "女", "delegation_id": delegation.id}
    assert set(assert_error_shape(staff.post(DEPUTIES, json=body), 422)["errors"]) == {"congress_id", "term"}
    own = factories.congress()
    assert staff.post(DEPUTIES, json=body).get_json()["congress"]["id"] == own.id


def test_a_roster_imports_into_the_congress_it_names(staff, levels):
    factories.delegation(name="鼓楼区代表团")
    factories.group(name="鼓楼区第一代表小组")
    data = xlsx([row("FJ14-0101", phone=PHONE, 届次="14")])
    result = upload(staff, data, query=f"?congress_id={levels['province'].id}")
    assert_error_shape(result, 422)  # the same phone already holds a provincial seat (FJ14-0001)
    imported = upload(staff, xlsx([row("FJ14-0101", phone="13800000001", 届次="14")]),
                      query=f"?congress_id={levels['province'].id}")
    assert imported.status_code == 200, imported.get_json()
    assert Deputy.get(Deputy.code == "FJ14-0101").congress_id == levels["province"].id
    # A code that belongs to another congress's seat is not moved by this congress's roster.
    moved = upload(staff, xlsx([row("FZ17-0001", phone=PHONE)]), query=f"?congress_id={levels['province'].id}")
    assert "代表编号" in assert_error_shape(moved, 422)["errors"]["rows"][0]["errors"]


def test_an_empty_congress_patch_is_refused(staff, levels):
    assert_error_shape(staff.patch(f"{ORG}/congresses/{levels['own'].id}", json={}), 422)
