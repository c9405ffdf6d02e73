"""Issue 8, items 17 and 20, and issue 7 §6: the account list agrees with the detail view, one's own
password changes only with the current one, the list costs a constant number of queries, and binding
codes take their validity from the settings."""
import datetime as dt
import logging

from api.org.models import Station
from tests import factories
from tests.support import TEST_PASSWORD, assert_error_shape, make_user

USERS = "/api/v1/auth/users"
NEW_PASSWORD = "a-brand-new-passphrase"


def login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_staff_do_not_list_admin_accounts_they_cannot_open(login_as):
    admin = make_user("admin")
    make_user("station_staff")
    staff = login_as("staff")
    assert_error_shape(staff.get(f"{USERS}/{admin.id}"), 403)
    assert staff.get(f"{USERS}?role=admin").get_json() == []
    listed = staff.get(f"{USERS}?page_size=100").get_json()
    assert listed and all(row["role"] not in ("admin", "staff") for row in listed)
    # Every account a list shows, the detail view opens.
    for row in listed:
        assert staff.get(f"{USERS}/{row['id']}").status_code == 200


def test_admins_list_and_open_admin_accounts(login_as):
    other = make_user("admin")
    admin = login_as("admin")
    assert other.id in [row["id"] for row in admin.get(f"{USERS}?role=admin").get_json()]
    assert admin.get(f"{USERS}/{other.id}").status_code == 200


def test_changing_ones_own_password_needs_the_current_one(client, login_as):
    admin = login_as("admin")
    own = f"{USERS}/{admin.user.id}/password"
    missing = assert_error_shape(admin.post(own, json={"password": NEW_PASSWORD}), 422)
    assert "current_password" in missing["errors"]
    wrong = assert_error_shape(admin.post(own, json={"password": NEW_PASSWORD, "current_password": "not-it-1234"}), 422)
    assert "current_password" in wrong["errors"]
    assert login(client, admin.user.username, TEST_PASSWORD).status_code == 200  # unchanged, session kept

    assert admin.post(own, json={"password": NEW_PASSWORD, "current_password": TEST_PASSWORD}).status_code == 204
    assert login(client, admin.user.username, NEW_PASSWORD).status_code == 200
    assert_error_shape(admin.get("/api/v1/auth/me"), 401)  # a change ends every session, this one included


def test_admins_still_reset_other_peoples_passwords_without_theirs(client, login_as):
    target = make_user("staff")
    admin = login_as("admin")
    assert admin.post(f"{USERS}/{target.id}/password", json={"password": NEW_PASSWORD}).status_code == 204
    assert login(client, target.username, NEW_PASSWORD).status_code == 200


def test_guessing_the_current_password_is_throttled_like_a_sign_in(app, login_as):
    app.config["LOGIN_MAX_FAILURES"] = 2
    admin = login_as("admin")
    own = f"{USERS}/{admin.user.id}/password"
    guesses = [admin.post(own, json={"password": NEW_PASSWORD, "current_password": f"guess-{n}-xyz"}) for n in range(3)]
    assert [guess.status_code for guess in guesses] == [422, 429, 429]
    assert "Retry-After" in guesses[-1].headers


def test_the_account_list_costs_the_same_queries_for_any_page_size(login_as, caplog):
    stations = [Station.create(name=f"联络站{n}") for n in range(3)]
    for _ in range(12):
        make_user("station_staff", stations=stations, password=None)
    staff = login_as("staff")

    def queries(page_size):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            rows = staff.get(f"{USERS}?role=station_staff&page_size={page_size}").get_json()
        assert len(rows) == page_size and all(len(row["station_ids"]) == 3 for row in rows)
        return len([record for record in caplog.records if record.name == "peewee"])

    assert queries(2) == queries(12)


def test_binding_code_validity_comes_from_the_settings(app, login_as):
    app.config.update(BINDING_CODE_VALID_DAYS=3, BINDING_CODE_MAX_VALID_DAYS=5)
    staff = login_as("staff")
    deputy = factories.deputy()
    issued = staff.post("/api/v1/auth/binding-codes", json={"deputy_id": deputy.id})
    assert issued.status_code == 201
    expires_at = dt.datetime.fromisoformat(issued.get_json()["expires_at"].replace("Z", "+00:00"))
    assert (expires_at - dt.datetime.now(dt.timezone.utc)).days in (2, 3)
    too_long = staff.post("/api/v1/auth/binding-codes", json={"deputy_id": deputy.id, "valid_days": 6})
    assert "valid_days" in assert_error_shape(too_long, 422)["errors"]

