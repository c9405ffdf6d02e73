"""Screenshots of the console's main screens for the README: docs/screenshots/console-<screen>.png.

    .venv/bin/python -m tests.e2e.screenshots      (or: make screenshots)

A live server with the demo data (tests/e2e/live_server.py), a published notice with a few replies so
the screens are not empty, then Debian's chromium-headless-shell signed in as an admin (who sees every
screen) visits the sign-in page and each entry of the console's menu, plus the screens reached from
a notice. Each image is the 1280×800 viewport, as a laptop shows it.
"""
import datetime as dt
import re
import sys
import time
from urllib.parse import urlsplit

from tests.e2e.support import ROOT, VIEWPORT, Api, LiveServer, browser_path, launch

OUT = ROOT / "docs" / "screenshots"
MAX_BYTES = 200 * 1024
SCENE_TITLE = "关于召开市人大常委会第二十次会议的通知"


def prepare_scene(live):
    """A notice with a reply slip to eight serving deputies; three of them use the mini-program (bound,
    consented to its push message) and answered, the others have not bound WeChat yet."""
    staff = Api.password(live, "staff")
    deputies = staff.call("GET", "/deputies", params={"status": "在任", "page_size": 8})
    phones = []
    for deputy in deputies[:3]:
        phone = Api.deputy(live, staff, deputy["id"], openid=f"screenshot-{deputy['id']}")
        phone.call("PUT", "/push/subscriptions", json={"accepted": ["notice"]})
        phones.append(phone)
    deadline = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)).isoformat()
    notice = staff.call("POST", "/notices", json={
        "title": SCENE_TITLE,
        "kind": "会议通知",
        "body": "<p>市人大常委会定于下周二上午九时召开第二十次会议，请准时出席。</p>",
        "audience": {"deputy_ids": [deputy["id"] for deputy in deputies]},
        "reply_slip": {"deadline": deadline},
    })
    staff.call("POST", f"/notices/{notice['id']}/publish")
    answers = [("参加", None), ("参加", None), ("请假", "外出参加培训，无法出席。")]
    for phone, (option, reason) in zip(phones, answers, strict=True):
        phone.call("GET", f"/notices/feed/{notice['id']}")
        phone.call("PUT", f"/notices/feed/{notice['id']}/reply", json={"option": option, "reason": reason})
    others = [deputy["id"] for deputy in deputies]
    for title, kind, move in (
        ("2026年第四季度代表学习资料", "学习通知", "publish"),
        ("关于调整代表接待日安排的通知", "会议通知", "withdraw"),
        ("关于征集2027年度立法计划项目建议的通知", "知情知政", None),
    ):
        other = staff.call("POST", "/notices", json={
            "title": title, "kind": kind, "body": "<p>详见附件。</p>", "audience": {"deputy_ids": others},
        })
        if move:
            staff.call("POST", f"/notices/{other['id']}/publish")
        if move == "withdraw":
            staff.call("POST", f"/notices/{other['id']}/withdraw", json={"reason": "接待日安排另行通知"})
    wait_for_deliveries(staff, notice["id"])
    return {"notice": notice, "replied": deputies[:3], "unbound": deputies[-1]}


def wait_for_deliveries(staff, notice_id, seconds=60):
    """Until the queue worker has an outcome for every delivery of the notice."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        query = {"source_type": "notice", "source_id": notice_id}
        summary = staff.call("GET", "/push/deliveries/summary", params=query)
        if summary["total"] and not (summary["queued"] or summary["sending"] or summary["attempting"]):
            return
        time.sleep(0.5)
    print("some deliveries are still pending", file=sys.stderr)


def screen_name(path):
    """/console/ → home, /console/notices → notices, /console/push/deliveries → push-deliveries."""
    rest = urlsplit(path).path.removeprefix("/console").strip("/")
    return re.sub(r"[^a-z0-9]+", "-", rest.lower()).strip("-") or "home"


def shoot(target, name):
    """The viewport of a page, or one element (a locator) whole."""
    path = OUT / f"console-{name}.png"
    target.screenshot(path=str(path))
    size = path.stat().st_size
    over = f"  (over {MAX_BYTES // 1024} KB)" if size > MAX_BYTES else ""
    print(f"{path.relative_to(ROOT)}  {size // 1024} KB{over}")
    return path


def main():
    from playwright.sync_api import sync_playwright

    if browser_path() is None:
        sys.exit("chromium-headless-shell is missing: apt-get install chromium-headless-shell fonts-wqy-microhei")
    OUT.mkdir(parents=True, exist_ok=True)
    live = LiveServer.start()
    try:
        scene = prepare_scene(live)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            context = browser.new_context(
                base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=VIEWPORT
            )
            page = context.new_page()
            page.goto("/console/login")
            shoot(page, "login")
            account = live.accounts["admin"]
            page.get_by_label("用户名").fill(account["username"])
            page.get_by_label("密码").fill(account["password"])
            page.get_by_role("button", name="登录").click()
            page.get_by_test_id("who").wait_for()
            menu = page.get_by_role("navigation", name="主菜单").get_by_role("link")
            paths = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
            for path in paths:
                page.goto(path)
                page.wait_for_load_state("networkidle")
                shoot(page, screen_name(path))
            for name, show in EXTRA_SCREENS:
                part = show(page, scene)
                page.wait_for_load_state("networkidle")
                shoot(part if part is not True else page, name)
            browser.close()
    finally:
        live.stop()


def binding_code(page, scene):
    page.goto("/console/accounts/binding-codes")
    page.get_by_label("代表编号").fill(scene["unbound"]["code"])
    page.get_by_test_id("binding-issue").click()
    page.get_by_test_id("binding-qr").wait_for()
    return True


def deputy_record(page, scene):
    page.goto(f"/console/roster/{scene['replied'][0]['id']}")
    return True


def roster_import(page, scene):
    page.goto("/console/roster/import")
    return True


def notice_compose(page, scene):
    page.goto("/console/notices/new")
    page.get_by_test_id("title").fill("关于开展年度代表集中视察活动的通知")
    page.get_by_test_id("kind").select_option("会议通知")
    page.get_by_test_id("editor").click()
    page.get_by_test_id("editor").press_sequentially("请各代表小组于本月内组织集中视察，并报送视察报告。")
    page.get_by_test_id("reply-required").check()
    audience = page.get_by_test_id("audience")
    audience.get_by_label("鼓楼区代表团", exact=True).check()
    audience.get_by_label("台江区代表团", exact=True).check()
    audience.get_by_test_id("audience-count").filter(has_text=re.compile(r"^[1-9]")).wait_for()
    return True  # the first screenful: title, kind and the editor; notice-audience shows the rest


def notice_audience(page, scene):
    """The audience builder alone, as notice_compose left it."""
    return page.get_by_test_id("audience")


def notice_detail(page, scene):
    page.goto(f"/console/notices/{scene['notice']['id']}")
    return True


def notice_recipients(page, scene):
    page.goto(f"/console/notices/{scene['notice']['id']}/recipients")
    return True


# (file name, how to get there): screens reached from the menu's, with the scene's data. A function that
# returns a locator asks for that element's picture rather than the first screenful.
EXTRA_SCREENS = [
    ("notice-compose", notice_compose),
    ("notice-audience", notice_audience),
    ("notice-detail", notice_detail),
    ("notice-recipients", notice_recipients),
    ("roster-deputy", deputy_record),
    ("roster-import", roster_import),
    ("accounts-binding-code", binding_code),
]


if __name__ == "__main__":
    main()
