"""Access tokens are checked strictly; refresh tokens rotate; sign-out takes effect at once."""
import base64
import datetime as dt
import json

import jwt
import pytest
import redis

from api.auth.models import AuthSession
from api.common.audit import AuditEntry
from api.common.identity import revocation
from tests.auth.helpers import bearer
from tests.support import TEST_PASSWORD, assert_error_shape, make_user

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh"


@pytest.fixture
def signed_in(client):
    user = make_user("staff")
    response = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200
    return user, response.get_json()


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def signed(app, claims, kid="dev-1", key=None, algorithm="HS256"):
    key = key or json.loads(app.config["JWT_KEYS"])[kid]
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def refresh(client, token):
    return client.post(REFRESH, json={"refresh_token": token})


def test_a_genuine_token_and_a_re_signed_copy_both_work(app, client, signed_in):
    # The control for the forgeries below: re-signing the same claims with the right key is accepted.
    _, tokens = signed_in
    assert client.get(ME, headers=bearer(tokens["access_token"])).status_code == 200
    assert client.get(ME, headers=bearer(signed(app, claims_of(tokens["access_token"])))).status_code == 200


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda app, token, claims: token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"), id="tamper"),
        pytest.param(
            lambda app, token, claims: signed(app, {**claims, "role": "admin"}, key="guessed-key-0123456789abcdef0123"),
            id="wrong-key",
        ),
        pytest.param(
            lambda app, token, claims: signed(app, {**claims, "exp": claims["iat"] - 60, "iat": claims["iat"] - 1000}),
            id="expired",
        ),
        pytest.param(
            lambda app, token, claims: f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': 'dev-1'})}.{b64(claims)}.",
            id="alg-none",
        ),
        pytest.param(
            lambda app, token, claims: signed(app, claims, kid="other-kid", key="other-key-0123456789abcdef0123456"),
            id="unknown-kid",
        ),
        pytest.param(lambda app, token, claims: signed(app, {**claims, "aud": "someone-else"}), id="wrong-audience"),
        pytest.param(lambda app, token, claims: signed(app, {**claims, "iss": "someone-else"}), id="wrong-issuer"),
        pytest.param(lambda app, token, claims: signed(app, {**claims, "typ": "refresh"}), id="wrong-type"),
        pytest.param(
            lambda app, token, claims: signed(app, {k: v for k, v in claims.items() if k != "sid"}), id="no-session"
        ),
    ],
)
def test_forged_or_stale_access_tokens_are_401(app, client, signed_in, forge):
    _, tokens = signed_in
    token = tokens["access_token"]
    assert_error_shape(client.get(ME, headers=bearer(forge(app, token, claims_of(token)))), 401)


def test_refresh_token_is_not_an_access_token(client, signed_in):
    _, tokens = signed_in
    assert_error_shape(client.get(ME, headers=bearer(tokens["refresh_token"])), 401)


def test_refresh_rotates_the_pair(client, signed_in):
    user, first = signed_in
    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200
    second = second.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert claims_of(second["access_token"])["sid"] == claims_of(first["access_token"])["sid"]
    assert client.get(ME, headers=bearer(second["access_token"])).get_json()["user_id"] == user.id
    third = refresh(client, second["refresh_token"])
    assert third.status_code == 200 and third.get_json()["refresh_token"] != second["refresh_token"]


def test_reuse_of_a_spent_refresh_token_revokes_the_whole_family(client, signed_in):
    user, first = signed_in
    second = refresh(client, first["refresh_token"]).get_json()
    assert client.get(ME, headers=bearer(second["access_token"])).status_code == 200

    assert_error_shape(refresh(client, first["refresh_token"]), 401)
    # Whoever held the newer pair is cut off too, at once.
    assert_error_shape(client.get(ME, headers=bearer(second["access_token"])), 401)
    assert_error_shape(refresh(client, second["refresh_token"]), 401)
    session = AuthSession.get_by_id(claims_of(first["access_token"])["sid"])
    assert session.revoked_reason == "refresh_reuse"
    entry = AuditEntry.get(AuditEntry.action == "auth.refresh_reuse")
    assert entry.target_type == "user" and entry.target_id == str(user.id)


def test_unknown_or_expired_refresh_token_is_401(client, signed_in):
    _, tokens = signed_in
    assert_error_shape(refresh(client, "never-issued"), 401)
    sid = claims_of(tokens["access_token"])["sid"]
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    AuthSession.update(expires_at=past).where(AuthSession.id == sid).execute()
    assert_error_shape(refresh(client, tokens["refresh_token"]), 401)


def test_logout_takes_effect_at_once(client, signed_in):
    _, tokens = signed_in
    headers = bearer(tokens["access_token"])
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert_error_shape(client.get(ME, headers=headers), 401)
    assert_error_shape(refresh(client, tokens["refresh_token"]), 401)
    assert AuditEntry.select().where(AuditEntry.action == "auth.logout").count() == 1


def test_logout_ends_only_the_current_session(client, signed_in):
    user, first = signed_in
    other = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}).get_json()
    assert client.post("/api/v1/auth/logout", headers=bearer(first["access_token"])).status_code == 204
    assert client.get(ME, headers=bearer(other["access_token"])).status_code == 200


def test_logout_all_ends_every_session_of_the_user_only(client, login_as, signed_in):
    user, first = signed_in
    other = client.post("/api/v1/auth/login", json={"username": user.username, "password": TEST_PASSWORD}).get_json()
    bystander = login_as("staff")
    assert client.post("/api/v1/auth/logout-all", headers=bearer(other["access_token"])).status_code == 204
    for tokens in (first, other):
        assert_error_shape(client.get(ME, headers=bearer(tokens["access_token"])), 401)
        assert_error_shape(refresh(client, tokens["refresh_token"]), 401)
    assert bystander.get(ME).status_code == 200


class _DeadPipeline:
    def set(self, *args, **kwargs):
        return self

    def execute(self):
        raise redis.ConnectionError("redis is down")


class _DeadRedis:
    def pipeline(self, transaction=True):
        return _DeadPipeline()

    def mget(self, *keys):
        raise redis.ConnectionError("redis is down")


def test_sign_out_fails_with_503_when_the_revocation_cannot_be_published(client, signed_in, monkeypatch):
    _, tokens = signed_in
    monkeypatch.setattr(revocation, "redis_store", _DeadRedis())
    headers = bearer(tokens["access_token"])
    assert_error_shape(client.post("/api/v1/auth/logout", headers=headers), 503)
    assert_error_shape(client.post("/api/v1/auth/logout-all", headers=headers), 503)
    # Nothing was committed, so the client's retry will do the whole sign-out.
    assert AuthSession.get_by_id(claims_of(tokens["access_token"])["sid"]).revoked_at is None
    monkeypatch.undo()
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert_error_shape(client.get(ME, headers=headers), 401)
