"""Steps every console journey takes, written the way a person does them: through labels and buttons.

Test modules import Playwright's `expect` from here, so that they still import without the e2e extra."""
import re

try:
    from playwright.sync_api import Error, expect
except ImportError:  # a clone without the e2e extra: the fixtures skip (or fail under CI) and say why
    Error, expect = Exception, None


def sign_in(page, live, role="staff"):
    """Sign in through the form as the live server's account for `role`; ends on the dashboard."""
    account = live.accounts[role]
    page.goto("/console/login")
    page.get_by_label("用户名").fill(account["username"])
    page.get_by_label("密码").fill(account["password"])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("who")).to_contain_text(account["display_name"])
    return account


def open_menu(page, label):
    """Open a screen from the side menu and wait until it has loaded (htmx binds its handlers on load:
    a filter changed before that would do nothing)."""
    link = page.get_by_role("navigation", name="主菜单").get_by_role("link", name=label, exact=True)
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}", wait_until="load")
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def search_for(page, text):
    """Search a list screen for `text` and wait for htmx to swap the results in and push the address: a row
    clicked before that would start a navigation the address push then cancels."""
    page.get_by_test_id("filter-q").fill(text)
    page.get_by_test_id("filter-q").press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]q={re.escape(text)}(&|$)"))
