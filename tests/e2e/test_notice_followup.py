"""After publishing: remind the unread (once an hour), edit (a new version), then withdraw, which the
deputy's phone then sees."""
import re

from tests.e2e.console import expect
from tests.e2e.support import Api, fresh_deputies

TITLE = "关于报送代表履职登记表的通知"


def test_remind_the_unread_edit_then_withdraw(console_as, staff_api, live_server):
    reachable, unbound = fresh_deputies(staff_api, 2)
    phone = Api.deputy(live_server, staff_api, reachable["id"], openid="followup-deputy")
    phone.call("PUT", "/push/subscriptions", json={"accepted": ["reminder"]})
    notice = staff_api.call("POST", "/notices", json={
        "title": TITLE, "kind": "学习通知", "body": "<p>请于月底前报送。</p>",
        "audience": {"deputy_ids": [reachable["id"], unbound["id"]]},
    })
    staff_api.call("POST", f"/notices/{notice['id']}/publish")

    page = console_as("staff")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/console/notices/{notice['id']}/recipients")
    expect(page.get_by_test_id("count-unread")).to_have_text("2")
    page.get_by_test_id("remind").click()
    expect(page.locator("#flash")).to_have_text(
        re.compile(r"将向 1 位未读代表发送提醒。另有 0 位未订阅提醒消息、1 位未绑定微信")
    )
    page.get_by_test_id("remind").click()  # a second reminder within the hour is refused, and says why
    expect(page.locator("#flash").get_by_role("alert")).to_contain_text("每小时最多提醒一次")

    page.get_by_role("link", name=f"← {TITLE}").click()
    # Editing a published notice keeps the old version.
    page.get_by_test_id("edit").click()
    page.get_by_test_id("title").fill(f"{TITLE}（更正）")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("done")).to_have_text("修改已保存。")
    versions = page.get_by_test_id("versions")
    expect(versions).to_contain_text(f"第 2 版（当前） · {TITLE}（更正）")
    expect(versions).to_contain_text(re.compile(rf"第 1 版 · .* 被替换 · {TITLE}$", re.M))

    page.get_by_test_id("withdraw-reason").fill("内容有误，更正后重发")
    page.get_by_test_id("withdraw").click()
    expect(page.get_by_test_id("state")).to_have_text("已撤回")
    expect(page.get_by_test_id("timeline")).to_contain_text("内容有误，更正后重发")
    expect(page.get_by_test_id("publish")).to_have_count(0)

    withdrawn = phone.call("GET", f"/notices/feed/{notice['id']}", expect=(410,))
    assert withdrawn["message"]
