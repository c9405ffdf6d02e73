"""WeChat sign-in: constituents at once, codes single-use, WeChat outages answered 503, no secrets out."""
import logging

import pytest

from api.auth.models import User
from api.extensions import redis_store
from api.wechat import get_client
from tests.auth.helpers import bearer, wechat_login
from tests.support import assert_error_shape

LOGIN = "/api/v1/auth/wechat/login"

pytestmark = pytest.mark.usefixtures("no_leaks")


def stored_session_key(user_id):
    value = redis_store.get(f"wechat:session_key:{user_id}")
    return value.decode() if value else None


def test_constituent_signs_in_at_once_and_session_key_stays_on_the_server(client, standin, bodies, caplog):
    with caplog.at_level(logging.DEBUG):
        response, openid = wechat_login(client, standin)
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["role"] == "constituent"
    user = User.get(User.openid == openid)
    assert user.role == "constituent" and user.username is None and user.password_hash is None

    me = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).get_json()
    assert me["user_id"] == user.id and me["role"] == "constituent" and me["wechat_bound"] is True

    session_key = stored_session_key(user.id)
    assert session_key and len(bodies) >= 2
    assert 0 < redis_store.ttl(f"wechat:session_key:{user.id}") <= 3 * 24 * 3600
    for body in bodies:
        assert session_key not in body and "session_key" not in body and openid not in body
    assert session_key not in caplog.text


def test_the_same_wechat_account_is_the_same_user(client, standin):
    first, openid = wechat_login(client, standin)
    second, _ = wechat_login(client, standin, openid=openid)
    assert second.status_code == 200
    assert User.select().where(User.openid == openid).count() == 1
    assert len({first.get_json()["refresh_token"], second.get_json()["refresh_token"]}) == 2


def test_replayed_code_is_401(client, standin):
    issued = standin.issue_login_code()
    assert client.post(LOGIN, json={"code": issued["code"]}).status_code == 200
    body = assert_error_shape(client.post(LOGIN, json={"code": issued["code"]}), 401)
    assert "重新登录" in body["message"]


def test_invalid_code_is_401_and_audited(client, standin):
    from api.common.audit import AuditEntry

    assert_error_shape(client.post(LOGIN, json={"code": "made-up-code"}), 401)
    entry = AuditEntry.get(AuditEntry.action == "auth.login_failed")
    assert '"errcode": 40029' in entry.detail


@pytest.mark.parametrize("failure", ["http500", -1])
def test_wechat_down_is_503(client, standin, failure):
    # Three failures outlast the client's retries.
    standin.fail("jscode2session", failure, times=3)
    issued = standin.issue_login_code()
    assert_error_shape(client.post(LOGIN, json={"code": issued["code"]}), 503)
    assert User.select().where(User.role == "constituent").count() == 0


def test_wechat_unreachable_is_503(app, client, standin):
    app.config["WECHAT_API_BASE"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    assert_error_shape(client.post(LOGIN, json={"code": "anything"}), 503)


def test_one_client_per_app_built_from_config(app, standin):
    assert get_client() is get_client()
    assert get_client().appid == app.config["WECHAT_APPID"]


def test_disabled_wechat_account_is_refused(client, standin):
    _, openid = wechat_login(client, standin)
    User.update(is_active=False).where(User.openid == openid).execute()
    assert_error_shape(wechat_login(client, standin, openid=openid)[0], 403)


def test_constituent_cannot_reach_office_endpoints(client, standin):
    response, _ = wechat_login(client, standin)
    headers = bearer(response.get_json()["access_token"])
    assert_error_shape(client.get("/api/v1/auth/users", headers=headers), 403)
    assert_error_shape(client.get("/api/v1/audit", headers=headers), 403)
