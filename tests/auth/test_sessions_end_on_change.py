"""Issue 8, item 1: a deputy's term ending (终止), a disabled account and a changed role end sessions at once.

Each: the existing access token gets 401, the refresh token is refused, and signing in again answers
with the role the person has now.
"""
import pytest

from api.deputies.models import Deputy
from tests import factories
from tests.auth.helpers import bearer, wechat_login
from tests.deputies.helpers import row, upload, xlsx
from tests.support import TEST_PASSWORD, assert_error_shape, make_user

FEED = "/api/v1/notices/feed"
REFRESH = "/api/v1/auth/refresh"
REPLY = {"option": "参加"}


def deputy_reads(client, token):
    """Status codes of the deputy's feed, a notice's detail and a reply slip (no such notice: 404 when signed in)."""
    headers = bearer(token)
    return [
        client.get(FEED, headers=headers).status_code,
        client.get(f"{FEED}/999999", headers=headers).status_code,
        client.put(f"{FEED}/999999/reply", json=REPLY, headers=headers).status_code,
    ]


@pytest.fixture
def bound_deputy(client, standin):
    """A serving deputy bound to WeChat, signed in through wx.login: (deputy, user, tokens, openid)."""
    deputy = factories.deputy()
    openid = "o-deputy-ending-term"
    user = make_user("deputy", deputy=deputy, openid=openid, password=None, username=None)
    response, _ = wechat_login(client, standin, openid=openid)
    assert response.status_code == 200 and response.get_json()["role"] == "deputy"
    return deputy, user, response.get_json(), openid


def test_a_deputy_whose_term_ends_is_signed_out_and_signs_in_as_a_constituent(client, login_as, standin, bound_deputy):
    deputy, _, tokens, openid = bound_deputy
    assert deputy_reads(client, tokens["access_token"]) == [200, 404, 404]

    staff = login_as("staff")
    assert staff.patch(f"/api/v1/deputies/{deputy.id}", json={"status": "终止"}).status_code == 200

    assert deputy_reads(client, tokens["access_token"]) == [401, 401, 401]
    assert_error_shape(client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]}), 401)
    again, _ = wechat_login(client, standin, openid=openid)
    assert again.status_code == 200 and again.get_json()["role"] == "constituent"
    assert_error_shape(client.get(FEED, headers=bearer(again.get_json()["access_token"])), 403)
    me = client.get("/api/v1/auth/me", headers=bearer(again.get_json()["access_token"])).get_json()
    assert me["role"] == "constituent" and me["deputy"] is None


def test_editing_an_ended_deputy_again_does_not_end_later_sessions(client, login_as, standin, bound_deputy):
    deputy, _, _, openid = bound_deputy
    staff = login_as("staff")
    assert staff.patch(f"/api/v1/deputies/{deputy.id}", json={"status": "终止"}).status_code == 200
    later, _ = wechat_login(client, standin, openid=openid)
    assert staff.patch(f"/api/v1/deputies/{deputy.id}", json={"status": "终止", "title": "退休"}).status_code == 200
    assert client.get("/api/v1/auth/me", headers=bearer(later.get_json()["access_token"])).status_code == 200


def test_a_disabled_account_is_signed_out_and_refused(client, login_as):
    user = make_user("station_staff", stations=[factories.station()])
    tokens = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}).get_json()
    admin = login_as("admin")
    assert admin.patch(f"/api/v1/auth/users/{user.id}", json={"is_active": False}).status_code == 200

    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401)
    assert_error_shape(client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]}), 401)
    again = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD})
    assert_error_shape(again, 403)


def test_a_changed_role_ends_sessions_and_the_next_sign_in_carries_the_new_role(client, login_as):
    user = make_user("staff")
    tokens = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}).get_json()
    assert tokens["role"] == "staff"
    admin = login_as("admin")
    unit = factories.unit()
    changed = admin.patch(f"/api/v1/auth/users/{user.id}", json={"role": "unit_user", "unit_id": unit.id})
    assert changed.status_code == 200

    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401)
    assert_error_shape(client.post("/api/v1/notices", headers=bearer(tokens["access_token"]), json={}), 401)
    assert_error_shape(client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]}), 401)
    again = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD})
    assert again.status_code == 200 and again.get_json()["role"] == "unit_user"


def test_a_roster_import_that_ends_a_term_signs_the_deputy_out(client, login_as, standin):
    factories.congress()
    factories.delegation(name="鼓楼区代表团")
    factories.group(name="鼓楼区第一代表小组")
    factories.station(name="东街代表联络站")
    staff = login_as("staff")
    assert upload(staff, xlsx([row("FZ17-0009")])).status_code == 200
    deputy = Deputy.get(Deputy.code == "FZ17-0009")
    make_user("deputy", deputy=deputy, openid="o-imported", password=None, username=None)
    tokens = wechat_login(client, standin, openid="o-imported")[0].get_json()
    assert client.get(FEED, headers=bearer(tokens["access_token"])).status_code == 200

    assert upload(staff, xlsx([row("FZ17-0009", 状态="终止")])).status_code == 200
    assert_error_shape(client.get(FEED, headers=bearer(tokens["access_token"])), 401)
    assert_error_shape(client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]}), 401)
