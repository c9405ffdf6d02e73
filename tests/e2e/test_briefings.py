"""Briefings end to end (issue 12): staff create a standing-committee meeting with two invited deputies, upload a
confidential paper for its attendees and publish it; an invited deputy finds it through the one search, opens
it and fetches a watermarked page; staff see the read report and the view log, then revoke the paper and the
deputy's page link dies at once. A deputy who was not invited finds nothing."""
import datetime as dt
import secrets

import requests

from tests.briefings.pdfs import make_pdf
from tests.e2e.console import expect, open_menu
from tests.e2e.support import Api, fresh_deputies

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_meeting_paper_search_watermarked_view_and_revoke(console_as, staff_api, live_server):
    invited, also_invited, outsider = fresh_deputies(staff_api, 3)
    marker = secrets.token_hex(3)
    title = f"预算调整方案审议意见（{marker}）"
    page = console_as("staff")
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The meeting, with its invited deputies (列席代表) by code.
    open_menu(page, "会议与资料")
    page.get_by_test_id("new-meeting").click()
    start = (dt.datetime.now(BEIJING) + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    page.get_by_label("会议名称").fill(f"常委会第二十次会议（{marker}）")
    page.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("结束时间").fill((start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("deputy-codes").fill(f"{invited['code']}\n{also_invited['code']}")
    page.get_by_test_id("save-meeting").click()
    expect(page.get_by_test_id("done")).to_contain_text("已保存为草稿")
    page.get_by_test_id("publish-meeting").click()
    expect(page.get_by_test_id("attendees")).to_have_text("2")

    # 2. A confidential paper for the attendees, uploaded as PDF and published.
    page.get_by_test_id("add-paper").click()
    page.get_by_label("标题").fill(title)
    page.get_by_label("摘要").fill("一府一委两院关于代表建议办理情况的说明")
    page.get_by_label("密级").select_option("confidential")
    page.get_by_test_id("file").set_input_files(
        {"name": "预算.pdf", "mimeType": "application/pdf", "buffer": make_pdf(2)})
    page.get_by_test_id("save-paper").click()
    expect(page.get_by_test_id("confidentiality")).to_have_text("机密")
    page.get_by_test_id("publish-paper").click()
    expect(page.get_by_test_id("recipients")).to_have_text("2")
    paper_id = int(page.url.rsplit("/", 1)[1].split("?")[0])

    # 3. The invited deputy finds it by search, opens it (read) and fetches a watermarked page.
    deputy = Api.deputy(live_server, staff_api, invited["id"], f"brief-{marker}")
    found = deputy.call("GET", "/search", params={"q": f"审议意见 {marker}"})
    assert [(i["kind"], i["key"]) for i in found["items"]] == [("paper", paper_id)], found
    assert "<em>审议意见</em>" in found["items"][0]["title_html"]
    deputy.call("GET", f"/briefings/my/papers/{paper_id}")
    links = deputy.call("GET", f"/briefings/my/papers/{paper_id}/pages")["pages"]
    image = requests.get(live_server.url + links[0]["url"], timeout=30)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert deputy.call("GET", f"/briefings/my/papers/{paper_id}/download", expect=(403,))

    outsider_api = Api.deputy(live_server, staff_api, outsider["id"], f"out-{marker}")
    assert outsider_api.call("GET", "/search", params={"q": marker})["total"] == 0

    # 4. Staff: the read report and the view log name the deputy; revoking kills the link at once.
    page.reload()
    expect(page.get_by_test_id("stats")).to_contain_text("已阅 1")
    expect(page.get_by_test_id("views")).to_contain_text(invited["name"])
    page.get_by_test_id("revoke-reason").fill("内容调整，另行印发")
    page.get_by_test_id("revoke").click()
    expect(page.get_by_test_id("state")).to_have_text("已撤销")
    assert requests.get(live_server.url + links[1]["url"], timeout=30).status_code == 410
    assert deputy.call("GET", "/search", params={"q": marker})["total"] == 0
