"""The dashboard counts a deputy's reply from the mini-program as it arrives."""
import datetime as dt

from tests.e2e.console import expect
from tests.e2e.support import Api, fresh_deputies


def test_a_reply_from_the_mini_program_lowers_the_dashboards_count(console_as, staff_api, live_server):
    staff = staff_api
    deputies = fresh_deputies(staff, 3)
    deadline = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).isoformat()
    notice = staff.call("POST", "/notices", json={
        "title": "工作台回执计数测试", "kind": "会议通知", "body": "<p>请回执。</p>",
        "audience": {"deputy_ids": [deputy["id"] for deputy in deputies]},
        "reply_slip": {"deadline": deadline},
    })
    staff.call("POST", f"/notices/{notice['id']}/publish")

    page = console_as("staff")
    row = page.get_by_test_id("awaiting-replies").get_by_role("row").filter(has_text="工作台回执计数测试")
    expect(row.get_by_role("cell").last).to_have_text("3")

    phone = Api.deputy(live_server, staff, deputies[0]["id"], openid="dashboard-replier")
    phone.call("GET", f"/notices/feed/{notice['id']}")
    phone.call("PUT", f"/notices/feed/{notice['id']}/reply", json={"option": "参加"})
    page.reload()
    expect(row.get_by_role("cell").last).to_have_text("2")
