"""Push deliveries: publishing reaches a subscribed deputy's WeChat; the screen shows each outcome."""
import re
import time

from tests.e2e.console import expect, open_menu
from tests.e2e.support import Api, fresh_deputies

WORKER_SECONDS = 60


def test_the_deliveries_of_a_notice_show_sent_and_not_sent(console_as, staff_api, live_server):
    subscribed, unbound = fresh_deputies(staff_api, 2)
    phone = Api.deputy(live_server, staff_api, subscribed["id"], openid="push-subscriber")
    phone.call("PUT", "/push/subscriptions", json={"accepted": ["notice"]})  # wx.requestSubscribeMessage: yes
    notice = staff_api.call("POST", "/notices", json={
        "title": "推送记录测试通知", "kind": "学习通知", "body": "<p>学习资料。</p>",
        "audience": {"deputy_ids": [subscribed["id"], unbound["id"]]},
    })
    staff_api.call("POST", f"/notices/{notice['id']}/publish")

    page = console_as("staff")
    open_menu(page, "推送记录")
    page.get_by_label("来源类型").fill("notice")
    page.get_by_label("来源编号").fill(str(notice["id"]))
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(rf"source_id={notice['id']}(&|$)"))
    # The queue worker sends in the background: look again until both outcomes are in.
    deadline = time.monotonic() + WORKER_SECONDS
    while page.get_by_test_id("count-sent").inner_text() != "已发送 1" and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_test_id("count-sent")).to_have_text("已发送 1")
    expect(page.get_by_test_id("count-skipped")).to_have_text("未发送 1")
    rows = page.get_by_test_id("delivery-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=subscribed["name"])).to_contain_text("已发送")
    expect(rows.filter(has_text=unbound["name"])).to_contain_text("未发送")
    expect(rows.filter(has_text=unbound["name"])).to_contain_text("代表未绑定微信")
