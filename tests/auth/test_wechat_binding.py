"""A deputy binds WeChat once (invitation code or phone match), then signs in as the deputy; staff can unbind."""
import datetime as dt
import json

import pytest

from api.auth.models import BindingCode, User
from api.common.audit import AuditEntry
from api.deputies.models import STATUS_ENDED
from tests.auth.helpers import TEST_PHONES, bearer, wechat_login
from tests.support import assert_error_shape, make_user

BIND = "/api/v1/auth/wechat/bind"
PHONE = TEST_PHONES[0]

pytestmark = pytest.mark.usefixtures("no_leaks")


@pytest.fixture
def office(login_as):
    return login_as("staff")


@pytest.fixture
def constituent(client, standin):
    """A fresh WeChat sign-in: (headers, openid)."""
    response, openid = wechat_login(client, standin)
    return bearer(response.get_json()["access_token"]), openid


def issue_code(office, deputy, **extra):
    response = office.post("/api/v1/auth/binding-codes", json={"deputy_id": deputy.id, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_invitation_code_binds_then_the_deputy_signs_in_as_deputy(client, standin, office, constituent, make_deputy):
    deputy = make_deputy(name="李代表")
    issued = issue_code(office, deputy)
    assert len(issued["code"].replace("-", "")) == 8
    stored = BindingCode.get(BindingCode.deputy == deputy)
    assert issued["code"] not in stored.code_hash and issued["code"].replace("-", "") not in stored.code_hash

    headers, openid = constituent
    # Typed in lower case without the dash: still accepted.
    response = client.post(BIND, json={"binding_code": issued["code"].replace("-", "").lower()}, headers=headers)
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["role"] == "deputy"
    me = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).get_json()
    assert me["deputy"] == {"id": deputy.id, "name": "李代表"} and me["display_name"] == "李代表"
    # The constituent session ended with the role change.
    assert_error_shape(client.get("/api/v1/auth/me", headers=headers), 401)

    again, _ = wechat_login(client, standin, openid=openid)
    assert again.get_json()["role"] == "deputy"
    entry = AuditEntry.get(AuditEntry.action == "auth.wechat_bound")
    assert entry.target_id == str(deputy.id) and json.loads(entry.detail)["method"] == "code"
    assert AuditEntry.select().where(AuditEntry.action == "auth.binding_code_issued").count() == 1


def test_a_code_works_only_once(client, standin, office, make_deputy):
    issued = issue_code(office, make_deputy())
    first, _ = wechat_login(client, standin)
    second, _ = wechat_login(client, standin)
    ok = client.post(BIND, json={"binding_code": issued["code"]}, headers=bearer(first.get_json()["access_token"]))
    assert ok.status_code == 200
    reused = client.post(BIND, json={"binding_code": issued["code"]}, headers=bearer(second.get_json()["access_token"]))
    body = assert_error_shape(reused, 422)
    assert "binding_code" in body["errors"]


def test_expired_or_withdrawn_codes_are_refused(client, office, constituent, make_deputy):
    deputy = make_deputy()
    old = issue_code(office, deputy)
    new = issue_code(office, deputy)  # issuing again withdraws the old code
    headers, _ = constituent
    assert_error_shape(client.post(BIND, json={"binding_code": old["code"]}, headers=headers), 422)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    BindingCode.update(expires_at=past).execute()
    assert_error_shape(client.post(BIND, json={"binding_code": new["code"]}, headers=headers), 422)
    assert AuditEntry.select().where(AuditEntry.action == "auth.bind_failed").count() == 2


def test_phone_number_match_binds_without_a_code(client, standin, constituent, make_deputy, bodies):
    deputy = make_deputy(phone=PHONE)
    headers, _ = constituent
    response = client.post(BIND, json={"phone_code": standin.issue_phone_code(PHONE)}, headers=headers)
    assert response.status_code == 200, response.get_json()
    me = client.get("/api/v1/auth/me", headers=bearer(response.get_json()["access_token"])).get_json()
    assert me["role"] == "deputy" and me["deputy"]["id"] == deputy.id
    assert len(bodies) >= 2
    assert all(PHONE not in body for body in bodies)
    assert all(PHONE not in (entry.detail or "") for entry in AuditEntry.select())


def test_phone_without_a_deputy_or_a_spent_phone_code(client, standin, constituent, make_deputy, bodies):
    make_deputy(phone=TEST_PHONES[1])
    headers, _ = constituent
    phone_code = standin.issue_phone_code(PHONE)
    assert_error_shape(client.post(BIND, json={"phone_code": phone_code}, headers=headers), 404)
    spent = assert_error_shape(client.post(BIND, json={"phone_code": phone_code}, headers=headers), 422)
    assert "phone_code" in spent["errors"]
    assert len(bodies) >= 2 and all(PHONE not in body for body in bodies)


def test_bind_needs_exactly_one_way_and_a_constituent_session(client, login_as, constituent):
    headers, _ = constituent
    assert_error_shape(client.post(BIND, json={}, headers=headers), 422)
    assert_error_shape(client.post(BIND, json={"binding_code": "ABCD-EFGH", "phone_code": "x"}, headers=headers), 422)
    assert_error_shape(login_as("staff").post(BIND, json={"binding_code": "ABCD-EFGH"}), 403)


def test_a_bound_deputy_cannot_be_bound_again(client, standin, office, make_deputy):
    deputy = make_deputy(phone=PHONE)
    first, _ = wechat_login(client, standin)
    headers = bearer(first.get_json()["access_token"])
    assert client.post(BIND, json={"phone_code": standin.issue_phone_code(PHONE)}, headers=headers).status_code == 200
    assert_error_shape(office.post("/api/v1/auth/binding-codes", json={"deputy_id": deputy.id}), 409)
    second, _ = wechat_login(client, standin)
    other = bearer(second.get_json()["access_token"])
    assert_error_shape(client.post(BIND, json={"phone_code": standin.issue_phone_code(PHONE)}, headers=other), 409)


def test_codes_are_not_issued_for_deputies_no_longer_serving(office, make_deputy):
    ended = make_deputy(status=STATUS_ENDED)
    assert_error_shape(office.post("/api/v1/auth/binding-codes", json={"deputy_id": ended.id}), 409)
    assert_error_shape(office.post("/api/v1/auth/binding-codes", json={"deputy_id": 999999}), 404)


def test_an_existing_deputy_account_takes_over_the_wechat_identity(client, standin, office, constituent, make_deputy):
    deputy = make_deputy()
    account = make_user("deputy", deputy=deputy, password=None)
    headers, openid = constituent
    response = client.post(BIND, json={"binding_code": issue_code(office, deputy)["code"]}, headers=headers)
    assert response.status_code == 200
    assert User.get_by_id(account.id).openid == openid
    assert User.select().where(User.openid == openid).count() == 1
    me = client.get("/api/v1/auth/me", headers=bearer(response.get_json()["access_token"])).get_json()
    assert me["user_id"] == account.id


def test_staff_unbinds_and_that_ends_the_deputys_sessions(client, standin, office, constituent, make_deputy):
    deputy = make_deputy()
    headers, openid = constituent
    bound = client.post(BIND, json={"binding_code": issue_code(office, deputy)["code"]}, headers=headers).get_json()
    user = User.get(User.deputy == deputy)

    assert office.delete(f"/api/v1/auth/users/{user.id}/wechat").status_code == 204
    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(bound["access_token"])), 401)
    assert_error_shape(client.post("/api/v1/auth/refresh", json={"refresh_token": bound["refresh_token"]}), 401)
    assert User.get_by_id(user.id).openid is None
    # The same WeChat account is just a constituent again.
    again, _ = wechat_login(client, standin, openid=openid)
    assert again.get_json()["role"] == "constituent"
    assert AuditEntry.get(AuditEntry.action == "auth.wechat_unbound").target_id == str(deputy.id)
    assert_error_shape(office.delete(f"/api/v1/auth/users/{user.id}/wechat"), 409)
