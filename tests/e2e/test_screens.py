"""Every screen in the console's menu opens cleanly for each staff role, on a laptop and on a tablet.

Clean: no JavaScript error, no request to another host, no 5xx (the page fixture's guard), a heading,
and nothing wider than the screen outside the tables' own scrolling boxes. The menu is read from the
page, so each new screen is covered as soon as it is listed.
"""
import pytest

from tests.e2e.console import expect

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "tablet": {"width": 768, "height": 1024}}
# Wider than the window by more than this many CSS pixels is a layout that makes the user scroll sideways.
SLACK = 1


def menu_paths(page):
    links = page.get_by_role("navigation", name="主菜单").get_by_role("link")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("role", ["admin", "staff"])
def test_every_menu_screen_opens_and_fits(console_as, role, viewport):
    page = console_as(role, VIEWPORTS[viewport])
    paths = menu_paths(page)
    assert paths, "the signed-in menu is empty"
    for path in paths:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # The menu shows where the user is.
        current = page.get_by_role("navigation", name="主菜单").locator('a[aria-current="page"]')
        expect(current).to_have_attribute("href", path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= SLACK, f"{path} is {overflow}px wider than a {viewport} screen"


def test_the_forms_fit_a_tablet(console_as, staff_api):
    """The screens a menu entry leads to: composing a notice, a notice, its recipients, a deputy, a binding code."""
    deputy = staff_api.call("GET", "/deputies", params={"status": "在任", "page_size": 1})[0]
    notice = staff_api.call("POST", "/notices", json={
        "title": "平板布局检查", "kind": "学习通知", "body": "<p>布局。</p>",
        "audience": {"deputy_ids": [deputy["id"]]},
    })
    staff_api.call("POST", f"/notices/{notice['id']}/publish")
    page = console_as("staff", VIEWPORTS["tablet"])
    for path in (
        "/console/notices/new", f"/console/notices/{notice['id']}", f"/console/notices/{notice['id']}/recipients",
        f"/console/notices/{notice['id']}/edit", f"/console/roster/{deputy['id']}", "/console/roster/import",
        "/console/accounts/new", "/console/accounts/binding-codes",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= SLACK, f"{path} is {overflow}px wider than a tablet screen"
