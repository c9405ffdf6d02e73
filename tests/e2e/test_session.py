"""Signing in and out of the console, and the CSRF guard, in a real browser."""
import re

from tests.e2e.console import expect, sign_in

STALE_PAGE = "页面已过期，请刷新后重试。"


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_dashboard(page, live_server):
    account = live_server.accounts["staff"]
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))  # signed out: the console asks to sign in
    page.get_by_label("用户名").fill(account["username"])
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("who")).to_have_count(0)

    sign_in(page, live_server, "staff")
    expect(page).to_have_url(re.compile(r"/console/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.get_by_test_id("awaiting-replies")).to_be_visible()
    expect(page.get_by_role("navigation", name="主菜单")).to_contain_text("工作台")


def test_the_session_cookie_is_http_only_strict_and_secure(page, context, live_server):
    sign_in(page, live_server, "staff")
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    session = cookies["dh_console"]
    assert (session["httpOnly"], session["sameSite"], session["secure"]) == (True, "Strict", True)
    assert page.evaluate("document.cookie") == ""  # scripts on the page cannot read it


def test_signing_out_ends_the_session_at_once(page, context, browser, live_server):
    sign_in(page, live_server, "staff")
    # The same cookie in another browser (as a copied cookie would be): signed in there too, for now.
    other = browser.new_context(base_url=live_server.url)
    try:
        other.add_cookies(context.cookies())
        elsewhere = other.new_page()
        elsewhere.goto("/console/")
        expect(elsewhere.get_by_test_id("who")).to_contain_text(live_server.accounts["staff"]["display_name"])

        page.get_by_test_id("logout").click()
        expect(page).to_have_url(re.compile(r"/console/login"))
        page.goto("/console/")
        expect(page).to_have_url(re.compile(r"/console/login"))
        # The session ended on the server, not just in this browser: the copied cookie is worth nothing.
        elsewhere.reload()
        expect(elsewhere).to_have_url(re.compile(r"/console/login"))
        expect(elsewhere.get_by_test_id("who")).to_have_count(0)
    finally:
        other.close()


def test_a_form_without_the_csrf_token_is_refused(page, live_server):
    # Its own sign-in, not the shared session: if the guard failed, this would sign out.
    sign_in(page, live_server, "staff")
    # The page as a forged one would be: the same form, without this session's token.
    page.evaluate("""() => {
        document.querySelectorAll('input[name=csrf_token]').forEach((field) => field.remove());
        document.body.removeAttribute('hx-headers');
    }""")
    with page.expect_response(re.compile(r"/console/logout$")) as answer:
        page.get_by_test_id("logout").click()
    assert answer.value.status == 403
    expect(page.get_by_role("alert")).to_contain_text(STALE_PAGE)
    # Refused means not done: the session is still there.
    page.goto("/console/")
    expect(page.get_by_test_id("who")).to_contain_text(live_server.accounts["staff"]["display_name"])


def test_the_sign_in_form_without_its_token_is_refused(page, live_server):
    account = live_server.accounts["staff"]
    page.goto("/console/login")
    page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    page.get_by_label("用户名").fill(account["username"])
    page.get_by_label("密码").fill(account["password"])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("login-error")).to_have_text(STALE_PAGE)
    expect(page.get_by_test_id("who")).to_have_count(0)


def test_an_htmx_request_without_the_csrf_header_is_refused_and_says_so(console_as):
    page = console_as("staff")
    page.goto("/console/roster?status=在任")
    page.evaluate("document.body.removeAttribute('hx-headers')")  # htmx then sends no X-CSRF-Token
    row = page.get_by_test_id("roster-row").filter(has=page.get_by_test_id("show-phone")).first
    masked = row.locator("td:nth-child(8)").inner_text()
    with page.expect_response(re.compile(r"/console/roster/\d+/contact$")) as answer:
        row.get_by_test_id("show-phone").click()
    assert answer.value.status == 403
    expect(page.locator("#flash").get_by_role("alert")).to_contain_text(STALE_PAGE)
    expect(row.locator("td:nth-child(8)")).to_have_text(masked)  # the number stayed hidden
