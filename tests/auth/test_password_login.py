"""Password sign-in: same answer for unknown users and wrong passwords, throttling, rate limits, rehash."""
import datetime as dt
import json
import time

from argon2 import PasswordHasher

from api.auth.models import LoginThrottle, User
from api.auth.passwords import needs_rehash
from api.common.audit import AuditEntry
from tests.auth.helpers import bearer
from tests.support import TEST_PASSWORD, assert_error_shape, make_user

LOGIN = "/api/v1/auth/login"


def login(client, username, password=TEST_PASSWORD):
    return client.post(LOGIN, json={"username": username, "password": password})


def without_request_id(response):
    body = response.get_json()
    body.pop("request_id", None)
    return body


def test_staff_signs_in_and_the_token_works(client):
    user = make_user("staff")
    response = login(client, user.username)
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["token_type"] == "Bearer" and tokens["role"] == "staff"
    assert 0 < tokens["expires_in"] <= 900
    me = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200 and me.get_json()["user_id"] == user.id
    assert User.get_by_id(user.id).last_login_at is not None


def test_unknown_user_and_wrong_password_get_the_same_answer(client):
    user = make_user("staff")
    wrong_password = login(client, user.username, "not-the-password")
    unknown_user = login(client, "nobody-here", "not-the-password")
    assert_error_shape(wrong_password, 401)
    assert_error_shape(unknown_user, 401)
    assert without_request_id(wrong_password) == without_request_id(unknown_user)


def test_deputies_and_constituents_cannot_use_a_password(client):
    # Even with a password hash on the row, these roles sign in through WeChat only.
    deputy = make_user("deputy")
    wrong_role = login(client, deputy.username)
    unknown_user = login(client, "nobody-here")
    assert_error_shape(wrong_role, 401)
    assert without_request_id(wrong_role) == without_request_id(unknown_user)


def test_repeated_failures_make_this_address_wait_then_the_right_password_works(app, client):
    app.config["LOGIN_MAX_FAILURES"] = 3
    user = make_user("station_staff")
    statuses = [login(client, user.username, "wrong-password").status_code for _ in range(2)]
    assert statuses == [401, 401]
    delaying = login(client, user.username, "wrong-password")
    body = assert_error_shape(delaying, 429)
    assert "分钟后再试" in body["message"]
    assert int(delaying.headers["Retry-After"]) == app.config["LOGIN_FIRST_DELAY_SECONDS"]
    # While this address waits, even the right password from it is not checked.
    waiting = login(client, user.username)
    assert_error_shape(waiting, 429)
    assert 0 < int(waiting.headers["Retry-After"]) <= app.config["LOGIN_FIRST_DELAY_SECONDS"]

    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    LoginThrottle.update(wait_until=past).execute()
    assert login(client, user.username).status_code == 200
    assert User.get_by_id(user.id).failed_logins == 0
    assert LoginThrottle.select().count() == 0


def test_a_success_resets_the_failure_count(app, client):
    app.config["LOGIN_MAX_FAILURES"] = 3
    user = make_user("staff")
    for _ in range(2):
        login(client, user.username, "wrong-password")
    assert login(client, user.username).status_code == 200
    assert [login(client, user.username, "wrong-password").status_code for _ in range(2)] == [401, 401]


def test_unknown_usernames_are_throttled_like_real_ones(app, client):
    # Otherwise "does it throttle?" would tell which usernames exist.
    app.config["LOGIN_MAX_FAILURES"] = 3
    statuses = [login(client, "ghost-account", "wrong-password").status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]


def start_of_a_minute():
    """The limits count in one-minute windows: start well inside one, so the attempts share it."""
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60 + 0.1)


def test_per_address_rate_limit(app, client):
    app.config["LOGIN_RATE_PER_ADDRESS"] = 3
    start_of_a_minute()
    statuses = [login(client, f"someone{n}", "wrong-password").status_code for n in range(3)]
    assert statuses == [401, 401, 401]
    response = login(client, "someone-else", "wrong-password")
    assert_error_shape(response, 429)
    assert int(response.headers["Retry-After"]) >= 1


def test_per_account_and_address_rate_limit_counts_every_attempt(app, client):
    app.config["LOGIN_MAX_FAILURES"] = 100
    # A cheap hash keeps the eleven attempts well inside one window even on a loaded machine.
    app.config.update(ARGON2_TIME_COST=1, ARGON2_MEMORY_KIB=1024, ARGON2_PARALLELISM=1)
    user = make_user("staff", password="a-cheap-test-password")
    start_of_a_minute()
    statuses = [login(client, user.username, "wrong-password").status_code for _ in range(10)]
    assert set(statuses) == {401}
    response = login(client, user.username)
    assert_error_shape(response, 429)
    assert "Retry-After" in response.headers


def test_disabled_account_is_refused(client):
    user = make_user("unit_user", is_active=False)
    assert_error_shape(login(client, user.username), 403)


def test_password_is_rehashed_when_the_parameters_changed(client):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(TEST_PASSWORD)
    user = make_user("staff")
    User.update(password_hash=weak).where(User.id == user.id).execute()
    assert needs_rehash(weak)
    assert login(client, user.username).status_code == 200
    stored = User.get_by_id(user.id).password_hash
    assert stored != weak and not needs_rehash(stored)
    assert login(client, user.username).status_code == 200


def test_sign_ins_and_failures_are_audited_without_the_password(client):
    user = make_user("staff")
    login(client, user.username, "my-secret-guess")
    login(client, "no-such-user", "another-secret-guess")
    login(client, user.username)
    entries = list(AuditEntry.select().order_by(AuditEntry.id))
    assert [entry.action for entry in entries] == ["auth.login_failed", "auth.login_failed", "auth.login"]
    failed_known, failed_unknown, success = entries
    assert failed_known.target_id == str(user.id) and failed_known.actor_id is None
    assert json.loads(failed_known.detail)["reason"] == "bad_password"
    assert json.loads(failed_unknown.detail)["username"] == "no-such-user"
    assert success.actor_id == user.id and json.loads(success.detail) == {"method": "password"}
    every_detail = " ".join(entry.detail or "" for entry in entries)
    assert "secret-guess" not in every_detail and TEST_PASSWORD not in every_detail


def test_malformed_body_is_422(client):
    assert_error_shape(client.post(LOGIN, json={"username": "x"}), 422)
    assert_error_shape(client.post(LOGIN, json={"username": "x", "password": "y", "extra": 1}), 422)
