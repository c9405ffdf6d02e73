"""Behind a reverse proxy every limit and the audit log see the client, not the proxy (issue 8 item 18)."""
import pytest

from tests.support import ApiClient, make_user

PROXY = "10.0.0.2"  # the HTTPS terminator, the TCP peer of every request
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.9"
LOGIN = "/api/v1/auth/login"
AUDIT = "/api/v1/audit"


def through_proxy(app, forwarded_for):
    """A client whose requests arrive from the proxy, carrying this X-Forwarded-For."""
    flask_client = app.test_client()
    flask_client.environ_base.update({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for})
    return ApiClient(flask_client)


@pytest.fixture
def behind_one_proxy(make_app):
    return make_app(TRUSTED_PROXY_COUNT=1)


@pytest.fixture
def no_trusted_proxy(make_app):
    return make_app(TRUSTED_PROXY_COUNT=0)


def audited_addresses(app, action):
    from api.auth.services import start_session

    admin = make_user("admin")
    token = start_session(admin, method="test")["access_token"]
    body = ApiClient(app.test_client(), token=token).get(AUDIT, query_string={"action": action}).get_json()
    return [entry["remote_addr"] for entry in body]


def test_audit_log_records_the_forwarded_client(behind_one_proxy):
    user = make_user("staff")
    response = through_proxy(behind_one_proxy, CLIENT_A).post(
        LOGIN, json={"username": user.username, "password": "wrong-password"}
    )
    assert response.status_code == 401
    assert audited_addresses(behind_one_proxy, "auth.login_failed") == [CLIENT_A]


def test_audit_log_ignores_what_a_client_forges_in_front_of_the_proxy(behind_one_proxy):
    user = make_user("staff")
    # The proxy appends the address it saw; only that last entry is trusted.
    through_proxy(behind_one_proxy, f"1.2.3.4, {CLIENT_A}").post(
        LOGIN, json={"username": user.username, "password": "wrong-password"}
    )
    assert audited_addresses(behind_one_proxy, "auth.login_failed") == [CLIENT_A]


def test_without_a_trusted_proxy_the_header_is_ignored(no_trusted_proxy):
    user = make_user("staff")
    through_proxy(no_trusted_proxy, CLIENT_A).post(LOGIN, json={"username": user.username, "password": "wrong"})
    assert audited_addresses(no_trusted_proxy, "auth.login_failed") == [PROXY]


def test_per_address_rate_limit_counts_each_forwarded_client(behind_one_proxy):
    behind_one_proxy.config["RATELIMIT_PER_ADDRESS"] = 3
    a, b = through_proxy(behind_one_proxy, CLIENT_A), through_proxy(behind_one_proxy, CLIENT_B)
    statuses = [a.get("/api/v1/org/congress").status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429
    # Another client behind the same proxy is not punished for A.
    assert b.get("/api/v1/org/congress").status_code == 401
    # Nor can A escape its limit by writing a new address in front of the proxy's.
    assert through_proxy(behind_one_proxy, f"192.0.2.1, {CLIENT_A}").get("/api/v1/org/congress").status_code == 429


def test_per_address_rate_limit_without_trusted_proxy_counts_the_peer(no_trusted_proxy):
    no_trusted_proxy.config["RATELIMIT_PER_ADDRESS"] = 2
    statuses = [through_proxy(no_trusted_proxy, f"203.0.113.{n}").get("/api/v1/org/congress").status_code
                for n in range(3)]
    assert statuses == [401, 401, 429]  # a forged X-Forwarded-For per request does not help


def test_sign_in_limit_counts_each_forwarded_client(behind_one_proxy):
    behind_one_proxy.config["LOGIN_RATE_PER_ADDRESS"] = 2

    def attempt(forwarded_for, n):
        body = {"username": f"nobody{n}", "password": "wrong-password"}
        return through_proxy(behind_one_proxy, forwarded_for).post(LOGIN, json=body).status_code

    assert [attempt(CLIENT_A, n) for n in range(3)] == [401, 401, 429]
    assert attempt(CLIENT_B, 3) == 401
    assert attempt(f"192.0.2.1, {CLIENT_A}", 4) == 429


def test_sign_in_limit_without_trusted_proxy_ignores_forwarded_addresses(no_trusted_proxy):
    no_trusted_proxy.config["LOGIN_RATE_PER_ADDRESS"] = 2
    statuses = [
        through_proxy(no_trusted_proxy, f"203.0.113.{n}").post(
            LOGIN, json={"username": f"nobody{n}", "password": "wrong-password"}
        ).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]
