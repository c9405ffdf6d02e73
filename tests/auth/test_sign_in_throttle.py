"""Issue 8, item 21: throttling per account AND address, so that an attacker cannot lock the real user out."""
import datetime as dt

from api.auth.models import LoginThrottle
from tests.support import TEST_PASSWORD, assert_error_shape, make_user

LOGIN = "/api/v1/auth/login"
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


def login(client, username, password=TEST_PASSWORD, address=OWNER):
    return client.post(LOGIN, json={"username": username, "password": password}, environ_base=address)


def attack(client, username, times):
    return [login(client, username, "guess-wrong-1", ATTACKER) for _ in range(times)]


def test_anonymous_failures_cannot_lock_the_admin_out(app, client):
    admin = make_user("admin")
    answers = attack(client, admin.username, 6)
    assert [answer.status_code for answer in answers] == [401, 401, 401, 401, 429, 429]
    throttled = assert_error_shape(answers[-1], 429)
    assert throttled["message"] and int(answers[-1].headers["Retry-After"]) > 0

    # The real admin, from their own address, signs in at once with the right password.
    assert login(client, admin.username).status_code == 200
    # The attacker's address stays throttled, whatever it sends.
    assert_error_shape(login(client, admin.username, address=ATTACKER), 429)


def test_delays_grow_with_each_further_failure_up_to_the_limit(app, client):
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_FIRST_DELAY_SECONDS=10, LOGIN_LOCK_SECONDS=35)
    staff = make_user("staff")
    waits = []
    for answer in attack(client, staff.username, 2):
        waits.append(answer.headers.get("Retry-After"))
        # Let each delay pass at once, so that the next failure is counted rather than refused unchecked.
        LoginThrottle.update(wait_until=dt.datetime.now(dt.timezone.utc)).execute()
    for _ in range(3):
        answer = attack(client, staff.username, 1)[0]
        assert_error_shape(answer, 429)
        waits.append(answer.headers["Retry-After"])
        LoginThrottle.update(wait_until=dt.datetime.now(dt.timezone.utc)).execute()
    assert waits == [None, "10", "20", "35", "35"]


def test_a_delayed_pair_is_refused_without_checking_the_password(app, client):
    staff = make_user("staff")
    attack(client, staff.username, 5)
    failures = LoginThrottle.get().failures
    assert_error_shape(login(client, staff.username, "guess-wrong-2", ATTACKER), 429)
    assert LoginThrottle.get().failures == failures  # refused before hashing: nothing counted


def test_an_admin_reset_clears_the_delays_of_every_address(app, client, login_as):
    staff = make_user("station_staff")
    attack(client, staff.username, 5)
    admin = login_as("admin")
    reset = admin.post(f"/api/v1/auth/users/{staff.id}/password", json={"password": "brand-new-pass-2026"})
    assert reset.status_code == 204
    assert login(client, staff.username, "brand-new-pass-2026", ATTACKER).status_code == 200
