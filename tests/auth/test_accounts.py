"""The office manages accounts: create, change role and scope, disable, reset passwords; all audited."""
import json

import pytest

from api.auth.models import User
from api.auth.services import start_session
from api.common.audit import AuditEntry
from api.org.models import HandlingUnit, Station
from tests.auth.helpers import bearer
from tests.support import TEST_PASSWORD, assert_error_shape, make_user

USERS = "/api/v1/auth/users"
NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def stations():
    return [Station.create(name="鼓楼区代表联络站"), Station.create(name="台江区代表之家")]


@pytest.fixture
def unit():
    return HandlingUnit.create(name="市交通运输局")


def signed_in_session(user):
    """A live session for `user`, as its own client would hold it."""
    return start_session(user, method="test")


def login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_staff_creates_a_station_staff_account_that_can_sign_in(client, login_as, stations):
    office = login_as("staff")
    response = office.post(
        USERS,
        json={
            "username": "gulou.station",
            "display_name": "鼓楼站小陈",
            "role": "station_staff",
            "password": NEW_PASSWORD,
            "station_ids": [stations[0].id],
        },
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["role_label"] == "联络站工作人员" and created["station_ids"] == [stations[0].id]
    assert "password" not in created and "password_hash" not in created

    tokens = login(client, "gulou.station", NEW_PASSWORD).get_json()
    me = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).get_json()
    assert me["station_ids"] == [stations[0].id]
    assert me["stations"] == [{"id": stations[0].id, "name": "鼓楼区代表联络站"}]
    assert "auth:manage_users" not in me["permissions"]
    entry = AuditEntry.get(AuditEntry.action == "auth.user_created")
    assert entry.actor_id == office.user.id and entry.target_id == str(created["id"])


def test_unit_accounts_need_a_unit_and_stations_need_stations(login_as, unit):
    office = login_as("staff")
    base = {"display_name": "某人", "password": NEW_PASSWORD}
    missing_unit = office.post(USERS, json={**base, "username": "unit.a", "role": "unit_user"})
    assert "unit_id" in assert_error_shape(missing_unit, 422)["errors"]
    no_stations = office.post(USERS, json={**base, "username": "st.a", "role": "station_staff", "station_ids": [999]})
    assert "station_ids" in assert_error_shape(no_stations, 422)["errors"]
    ok = office.post(USERS, json={**base, "username": "unit.b", "role": "unit_user", "unit_id": unit.id})
    assert ok.status_code == 201 and ok.get_json()["unit_id"] == unit.id
    duplicate = office.post(USERS, json={**base, "username": "unit.b", "role": "unit_user", "unit_id": unit.id})
    assert_error_shape(duplicate, 409)
    short_password = {**base, "username": "unit.c", "role": "unit_user", "unit_id": unit.id, "password": "short"}
    short = office.post(USERS, json=short_password)
    assert "password" in assert_error_shape(short, 422)["errors"]


def test_only_an_admin_makes_office_accounts(login_as):
    body = {"username": "new.staff", "display_name": "新同事", "role": "staff", "password": NEW_PASSWORD}
    assert_error_shape(login_as("staff").post(USERS, json=body), 403)
    assert login_as("admin").post(USERS, json=body).status_code == 201


def test_role_change_ends_the_users_sessions_and_is_audited(client, login_as, stations):
    admin = login_as("admin")
    target = make_user("staff")
    tokens = signed_in_session(target)
    response = admin.patch(f"{USERS}/{target.id}", json={"role": "station_staff", "station_ids": [stations[1].id]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["role"] == "station_staff"
    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401)
    assert_error_shape(client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), 401)
    entry = AuditEntry.get(AuditEntry.action == "auth.role_changed")
    assert entry.actor_id == admin.user.id and entry.target_id == str(target.id)
    assert json.loads(entry.detail) == {"from": "staff", "to": "station_staff"}
    # The new sign-in carries the new role and scope.
    relogin = login(client, target.username, TEST_PASSWORD).get_json()
    me = client.get("/api/v1/auth/me", headers=bearer(relogin["access_token"])).get_json()
    assert me["role"] == "station_staff" and me["station_ids"] == [stations[1].id]


def test_renaming_keeps_sessions(client, login_as):
    target = make_user("unit_user")
    tokens = signed_in_session(target)
    assert login_as("staff").patch(f"{USERS}/{target.id}", json={"display_name": "新名字"}).status_code == 200
    assert client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).get_json()["display_name"] == "新名字"


def test_disable_and_enable(client, login_as):
    office = login_as("staff")
    target = make_user("unit_user")
    tokens = signed_in_session(target)
    assert office.patch(f"{USERS}/{target.id}", json={"is_active": False}).get_json()["is_active"] is False
    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401)
    assert_error_shape(login(client, target.username, TEST_PASSWORD), 403)
    assert office.patch(f"{USERS}/{target.id}", json={"is_active": True}).status_code == 200
    assert login(client, target.username, TEST_PASSWORD).status_code == 200
    entries = AuditEntry.select().where(AuditEntry.target_id == str(target.id)).order_by(AuditEntry.id)
    actions = [entry.action for entry in entries]
    assert actions == ["auth.user_disabled", "auth.login_failed", "auth.user_enabled", "auth.login"]


def test_staff_cannot_touch_office_accounts_nor_anyone_their_own_role(login_as):
    staff = login_as("staff")
    admin_user = make_user("admin")
    refused = assert_error_shape(staff.patch(f"{USERS}/{admin_user.id}", json={"is_active": False}), 403)
    assert refused["message"] == "无权管理该账号。"
    assert_error_shape(staff.post(f"{USERS}/{admin_user.id}/password", json={"password": NEW_PASSWORD}), 403)
    station_user = make_user("station_staff")
    assert_error_shape(staff.patch(f"{USERS}/{station_user.id}", json={"role": "staff"}), 403)
    admin = login_as("admin")
    assert_error_shape(admin.patch(f"{USERS}/{admin.user.id}", json={"role": "staff"}), 403)
    assert_error_shape(admin.patch(f"{USERS}/{admin.user.id}", json={"is_active": False}), 403)
    assert_error_shape(admin.get(f"{USERS}/999999"), 404)


def test_password_reset_unlocks_and_ends_sessions(app, client, login_as):
    app.config["LOGIN_MAX_FAILURES"] = 2
    target = make_user("station_staff")
    tokens = signed_in_session(target)
    for _ in range(2):
        login(client, target.username, "wrong-password")
    assert_error_shape(login(client, target.username, TEST_PASSWORD), 429)

    office = login_as("staff")
    assert office.post(f"{USERS}/{target.id}/password", json={"password": NEW_PASSWORD}).status_code == 204
    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401)
    assert_error_shape(login(client, target.username, TEST_PASSWORD), 401)
    assert login(client, target.username, NEW_PASSWORD).status_code == 200
    entry = AuditEntry.get(AuditEntry.action == "auth.password_reset")
    assert NEW_PASSWORD not in (entry.detail or "")
    wechat_only = make_user("deputy")
    assert_error_shape(office.post(f"{USERS}/{wechat_only.id}/password", json={"password": NEW_PASSWORD}), 409)


def test_list_and_filter_accounts(login_as, unit):
    office = login_as("staff")
    unit_user = make_user("unit_user", unit=unit)
    make_user("station_staff")
    response = office.get(USERS, query_string={"role": "unit_user", "page_size": 10})
    assert response.status_code == 200
    assert [u["id"] for u in response.get_json()] == [unit_user.id]
    assert json.loads(response.headers["X-Pagination"])["total"] == 1
    by_unit = office.get(USERS, query_string={"unit_id": unit.id}).get_json()
    assert [u["id"] for u in by_unit] == [unit_user.id]
    by_name = office.get(USERS, query_string={"q": unit_user.username}).get_json()
    assert [u["id"] for u in by_name] == [unit_user.id]
    assert "openid" not in by_name[0]


def test_me_for_a_unit_user(login_as, unit):
    me = login_as("unit_user", unit=unit).get("/api/v1/auth/me").get_json()
    assert me["role"] == "unit_user" and me["role_label"] == "承办单位"
    assert me["unit"] == {"id": unit.id, "name": "市交通运输局"}
    assert me["deputy"] is None and me["stations"] == [] and me["wechat_bound"] is False
    assert "auth:self" in me["permissions"] and "audit:read" not in me["permissions"]
    assert User.get_by_id(me["user_id"]).unit_id == unit.id
