"""One person, two seats: a municipal and a provincial deputy binds WeChat once and acts for both."""
import pytest

from api.auth.models import User, UserSeat
from tests import factories
from tests.auth.helpers import bearer, wechat_login
from tests.support import assert_error_shape

BIND = "/api/v1/auth/wechat/bind"
NOTICES = "/api/v1/notices"
PHONE = "13912345678"


@pytest.fixture
def office(login_as):
    return login_as("staff")


@pytest.fixture
def person(db):
    """林晓东 sits in the city's congress and in the provincial one; 王芳 only in the provincial one."""
    own = factories.congress(current_term=17)
    province = factories.congress(name="福建省人大常委会", level="provincial", current_term=14, is_own=False)
    city = factories.deputy(name="林晓东", phone=PHONE, congress=own, code="FZ17-0001")
    provincial = factories.deputy(name="林晓东", phone=PHONE, congress=province, term=14, code="FJ14-0001")
    other = factories.deputy(name="王芳", phone="13800000001", congress=province, term=14, code="FJ14-0002")
    return {"city": city, "provincial": provincial, "other": other}


def bind_with_code(client, standin, office, deputy):
    code = office.post("/api/v1/auth/binding-codes", json={"deputy_id": deputy.id}).get_json()["code"]
    response, openid = wechat_login(client, standin)
    bound = client.post(BIND, json={"binding_code": code}, headers=bearer(response.get_json()["access_token"]))
    assert bound.status_code == 200, bound.get_json()
    return bearer(bound.get_json()["access_token"]), openid


def seats(client, headers):
    listed = client.get("/api/v1/deputies/me/seats", headers=headers).get_json()
    return [(seat["code"], seat["congress"]["level"]) for seat in listed]


def test_binding_one_seat_by_code_binds_every_seat_of_the_person(client, standin, office, person):
    headers, openid = bind_with_code(client, standin, office, person["city"])
    assert seats(client, headers) == [("FZ17-0001", "municipal"), ("FJ14-0001", "provincial")]
    assert client.get("/api/v1/deputies/me", headers=headers).get_json()["code"] == "FZ17-0001"  # the primary seat
    # Signing in again later carries both seats too.
    again, _ = wechat_login(client, standin, openid=openid)
    assert len(seats(client, bearer(again.get_json()["access_token"]))) == 2
    assert UserSeat.select().count() == 2 and User.select().where(User.deputy.is_null(False)).count() == 1
    # Neither seat can be bound by anyone else now, nor deleted while held.
    code = office.post("/api/v1/auth/binding-codes", json={"deputy_id": person["provincial"].id})
    assert_error_shape(code, 409)
    assert_error_shape(office.delete(f"/api/v1/deputies/{person['provincial'].id}"), 409)


def test_binding_by_phone_finds_both_seats_the_own_congress_seat_primary(client, standin, person):
    # This person's provincial seat was entered first; the city's own seat still becomes the primary one.
    province = person["provincial"].congress
    first = factories.deputy(name="陈静", phone="13700000007", congress=province, term=14, code="FJ14-0100")
    factories.deputy(name="陈静", phone="13700000007", congress=person["city"].congress, code="FZ17-0100")
    response, _ = wechat_login(client, standin)
    headers = bearer(response.get_json()["access_token"])
    bound = client.post(BIND, json={"phone_code": standin.issue_phone_code("13700000007")}, headers=headers)
    assert bound.status_code == 200, bound.get_json()
    mine = bearer(bound.get_json()["access_token"])
    assert seats(client, mine) == [("FZ17-0100", "municipal"), ("FJ14-0100", "provincial")]
    assert first.id < User.get(User.deputy.is_null(False)).deputy_id


def test_a_seat_held_by_another_account_stays_there(client, standin, office, person):
    holder = User.create(role="deputy", display_name="林晓东", deputy=person["provincial"])
    UserSeat.create(user=holder, deputy=person["provincial"])
    headers, _ = bind_with_code(client, standin, office, person["city"])
    assert seats(client, headers) == [("FZ17-0001", "municipal")]
    assert UserSeat.get(UserSeat.deputy == person["provincial"]).user_id == holder.id


def test_a_deputy_with_one_seat_sees_one(client, standin, office, person):
    headers, _ = bind_with_code(client, standin, office, person["other"])
    assert seats(client, headers) == [("FJ14-0002", "provincial")]
    assert_error_shape(office.get("/api/v1/deputies/me/seats"), 403)


def test_staff_target_an_audience_by_level(office, person):
    preview = office.post(f"{NOTICES}/audience-preview", json={"audience": {"levels": ["provincial"]}}).get_json()
    assert preview["count"] == 2 and {row["id"] for row in preview["sample"]} == {
        person["provincial"].id, person["other"].id
    }
    both = office.post(f"{NOTICES}/audience-preview", json={"audience": {"levels": ["provincial", "municipal"]}})
    assert both.get_json()["count"] == 3
    refused = office.post(f"{NOTICES}/audience-preview", json={"audience": {"levels": ["city"]}})
    assert "audience" in assert_error_shape(refused, 422)["errors"]
    unknown = office.post(f"{NOTICES}/audience-preview", json={"audience": {"congress_ids": [999999]}})
    assert "congress_ids" in assert_error_shape(unknown, 422)["errors"]["audience"]


def publish(office, title, audience, **fields):
    body = {"title": title, "body": "<p>请准时参加。</p>", "kind": "会议通知", "audience": audience, **fields}
    notice = office.post(NOTICES, json=body).get_json()
    assert office.post(f"{NOTICES}/{notice['id']}/publish").status_code == 200
    return notice["id"]


def test_a_deputy_at_two_levels_signs_in_once_and_sees_the_notices_of_both(client, standin, office, person):
    city_notice = publish(office, "市人大代表座谈会", {"levels": ["municipal"]})
    provincial_notice = publish(office, "省人大代表视察活动", {"levels": ["provincial"]})
    headers, _ = bind_with_code(client, standin, office, person["city"])
    feed = client.get(f"{NOTICES}/feed", headers=headers).get_json()
    assert {item["id"] for item in feed} == {city_notice, provincial_notice}


def test_a_notice_that_reached_both_seats_is_one_item_read_and_answered_once(client, standin, office, person):
    slip = {"options": [{"label": "参加"}, {"label": "请假"}], "deadline": "2099-01-01T00:00:00Z"}
    both = publish(office, "两级代表联合视察", {"levels": ["municipal", "provincial"]}, reply_slip=slip)
    headers, _ = bind_with_code(client, standin, office, person["city"])
    feed = client.get(f"{NOTICES}/feed", headers=headers).get_json()
    assert [item["id"] for item in feed] == [both]
    assert client.get(f"{NOTICES}/feed/unread-count", headers=headers).get_json()["unread"] == 1
    client.get(f"{NOTICES}/feed/{both}", headers=headers)
    assert client.get(f"{NOTICES}/feed/unread-count", headers=headers).get_json()["unread"] == 0
    assert client.put(f"{NOTICES}/feed/{both}/reply", json={"option": "参加"}, headers=headers).status_code == 200
    stats = office.get(f"{NOTICES}/{both}/stats").get_json()
    assert (stats["recipients"], stats["read"], stats["replied"]) == (3, 2, 2)  # 王芳 has not opened it
