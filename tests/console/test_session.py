"""Console sessions: sign-in through the API's rules, a strict cookie, CSRF on every change, sign-out at once."""
import pytest

from tests.console.conftest import CSRF
from tests.support import make_user

HOME = "/console/"


def cookie_header(response, name):
    return next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{name}="))


def test_the_sign_in_page_is_chinese_and_sets_a_strict_form_cookie(browser):
    response = browser.get("/console/login")
    assert response.status_code == 200
    assert "登录" in response.get_data(as_text=True)
    cookie = cookie_header(response, "dh_console_login")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie


def test_signing_in_sets_an_httponly_strict_secure_session_cookie(app, browser):
    user = make_user("staff")
    response = browser.sign_in(user.username)
    assert response.status_code == 302 and response.headers["Location"].endswith(HOME)
    cookie = cookie_header(response, "dh_console")
    for attribute in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/console"):
        assert attribute in cookie
    page = browser.get(HOME)
    assert page.status_code == 200
    assert user.display_name in page.get_data(as_text=True)


def test_a_wrong_password_keeps_the_form_with_a_message_and_no_session(browser):
    user = make_user("staff")
    response = browser.sign_in(user.username, password="wrong-password-1")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert not any(v.startswith("dh_console=") for v in response.headers.getlist("Set-Cookie"))


def test_signing_in_without_the_forms_token_is_refused(browser):
    user = make_user("staff")
    browser.get("/console/login")
    response = browser.flask_client.post("/console/login", data={"username": user.username, "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.get_data(as_text=True)


def test_repeated_failures_are_throttled_like_the_api(app, browser):
    user = make_user("staff")
    statuses = [browser.sign_in(user.username, password="wrong-password-1").status_code
                for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)]
    assert statuses[-1] == 429
    assert browser.sign_in(user.username).status_code == 429  # even the right password waits


@pytest.mark.parametrize("role", ["deputy", "constituent"])
def test_deputies_and_constituents_cannot_sign_in_to_the_console(browser, role):
    user = make_user(role)
    assert browser.sign_in(user.username).status_code == 401


def test_pages_need_a_session_and_come_back_after_signing_in(browser):
    response = browser.get(HOME)
    assert response.status_code == 302 and "/console/login?next=" in response.headers["Location"]
    user = make_user("staff")
    assert browser.sign_in(user.username, next_url="/console/?tab=1").headers["Location"].endswith("/console/?tab=1")


def test_htmx_requests_without_a_session_are_sent_to_the_sign_in_page(browser):
    response = browser.get(HOME, htmx=True)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/console/login")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/api/v1/auth/me", "/console\\@evil"])
def test_after_signing_in_only_console_pages_are_followed(browser, target):
    user = make_user("staff")
    assert browser.sign_in(user.username, next_url=target).headers["Location"].endswith(HOME)


def test_a_change_without_the_csrf_token_is_refused(console_as):
    client = console_as("staff")
    response = client.post("/console/logout", csrf=False)
    assert response.status_code == 403
    assert client.get(HOME).status_code == 200  # still signed in


def test_a_csrf_token_from_another_session_is_refused(console_as):
    first, second = console_as("staff"), console_as("staff")
    response = second.post("/console/logout", csrf=False, headers={"X-CSRF-Token": first.csrf})
    assert response.status_code == 403


def test_signing_out_ends_the_session_at_once_for_the_console_and_the_api(app, console_as):
    client = console_as("staff")
    cookie = client.flask_client.get_cookie("dh_console", path="/console").value
    response = client.post("/console/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/login")
    replay = app.test_client()
    replay.set_cookie("dh_console", cookie, path="/console")
    assert replay.get(HOME).status_code == 302
    assert app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {cookie}"}).status_code == 401


def test_ending_all_sessions_through_the_api_signs_the_console_out(app, console_as, login_as):
    client = console_as("staff")
    api_client = login_as("staff")
    api_client.user = client.user
    from api.auth.services import end_sessions_of
    from api.extensions import db

    with app.app_context(), db.atomic():
        end_sessions_of([client.user.id], "test")
    assert client.get(HOME).status_code == 302


def test_pages_are_private_unframeable_and_load_nothing_from_other_hosts(console_as):
    response = console_as("staff").get(HOME)
    headers = response.headers
    assert headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert "/console/static/htmx-2.0.11.min.js" in html
    assert CSRF.search(html)


def test_the_vendored_htmx_is_served_from_the_app(browser):
    response = browser.get("/console/static/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert b"htmx" in response.data[:200]
