"""The notice journey of issue 9: compose with the rich-text editor, build the audience watching the live
count, publish, see a deputy's reply from the mini-program arrive on the recipients screen, export it."""
import datetime as dt
import json
import re

import openpyxl
import requests

from tests.e2e.console import expect, open_menu
from tests.e2e.support import Api, fresh_deputies

DELEGATION = "鼓楼区代表团"
TITLE = "关于召开端到端测试专题会议的通知"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def serving_in_delegation(live_server, staff_api, name):
    """The roster's count of a delegation's serving deputies (from the API), and one of them."""
    delegations = staff_api.call("GET", "/org/delegations", params={"q": name})
    delegation_id = next(item["id"] for item in delegations if item["name"] == name)
    response = requests.get(
        f"{live_server.url}/api/v1/deputies", params={"delegation": delegation_id, "status": "在任", "page_size": 1},
        headers={"Authorization": f"Bearer {staff_api.token}"}, timeout=30,
    )
    assert response.status_code == 200, response.text
    return json.loads(response.headers["X-Pagination"])["total"], response.json()[0]


def test_compose_audience_publish_reply_and_export(console_as, staff_api, live_server, tmp_path):
    replier, reader, silent = fresh_deputies(staff_api, 3)
    page = console_as("staff")
    page.on("dialog", lambda dialog: dialog.accept())  # "确定立即发布？" and the like
    open_menu(page, "通知公告")
    page.get_by_test_id("new-notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("撰写通知")
    page.wait_for_load_state()

    # Content: the editor's toolbar makes bold text; the server keeps it.
    page.get_by_test_id("title").fill(TITLE)
    page.get_by_test_id("kind").select_option("会议通知")
    editor = page.get_by_test_id("editor")
    editor.click()
    editor.press_sequentially("请各位代表")
    page.get_by_role("toolbar", name="正文格式").get_by_role("button", name="加粗").click()
    editor.press_sequentially("准时出席")

    # Reply slip: the default options (参加 / 请假 with a reason), due in three days, Beijing time.
    page.get_by_test_id("reply-required").check()
    deadline = (dt.datetime.now(BEIJING) + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    page.get_by_test_id("reply-deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))

    # Audience: the count follows each choice as it is made.
    audience = page.get_by_test_id("audience")
    count = audience.get_by_test_id("audience-count")
    in_delegation, one_of_them = serving_in_delegation(live_server, staff_api, DELEGATION)
    expect(count).to_have_text("0")
    audience.get_by_label(DELEGATION, exact=True).check()
    expect(count).to_have_text(str(in_delegation))
    page.get_by_test_id("exclude-codes").fill(one_of_them["code"])
    expect(count).to_have_text(str(in_delegation - 1))
    audience.get_by_label(DELEGATION, exact=True).uncheck()
    page.get_by_test_id("exclude-codes").fill("")
    expect(count).to_have_text("0")
    page.get_by_test_id("deputy-codes").fill("\n".join(d["code"] for d in (replier, reader, silent)))
    expect(count).to_have_text("3")
    expect(audience.locator("details")).to_contain_text(replier["name"])  # the sample names them

    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("done")).to_have_text("草稿已保存。")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_test_id("state")).to_have_text("草稿")
    expect(page.get_by_test_id("reach")).to_have_text("3")
    expect(page.get_by_test_id("notice-body").locator("strong")).to_have_text("准时出席")
    notice_id = int(re.search(r"/notices/(\d+)", page.url).group(1))

    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text("已发布")
    expect(page.get_by_test_id("done")).to_contain_text("已发布")

    page.get_by_test_id("recipients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("阅读与回执")
    expect(page.get_by_test_id("count-recipients")).to_have_text("3")
    expect(page.get_by_test_id("count-replied")).to_have_text("0")
    row = page.locator(f'[data-testid="recipient-row"][data-deputy="{replier["id"]}"]')
    expect(row.get_by_test_id("reply")).to_have_text("未回执")

    # The deputies' side, as the mini-program calls the API: one replies with a leave reason, one only reads.
    phone = Api.deputy(live_server, staff_api, replier["id"], openid="notice-replier")
    assert phone.call("GET", f"/notices/feed/{notice_id}")["title"] == TITLE
    phone.call("PUT", f"/notices/feed/{notice_id}/reply", json={"option": "请假", "reason": "在外地出差"})
    Api.deputy(live_server, staff_api, reader["id"], openid="notice-reader").call("GET", f"/notices/feed/{notice_id}")

    page.reload()
    expect(page.get_by_test_id("count-read")).to_have_text("2")
    expect(page.get_by_test_id("count-replied")).to_have_text("1")
    expect(page.get_by_test_id("count-not-replied")).to_have_text("2")
    expect(row.get_by_test_id("reply")).to_have_text("请假")
    expect(row).to_contain_text("在外地出差")
    page.get_by_test_id("filter-status").select_option(label="已回执")
    expect(page.get_by_test_id("recipient-row")).to_have_count(1)
    expect(page.get_by_test_id("recipient-row")).to_contain_text(replier["name"])

    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    rows = list(openpyxl.load_workbook(saved, read_only=True)["阅读与回执"].iter_rows(values_only=True))
    header, records = rows[0], {row[0]: row for row in rows[1:]}
    assert set(records) == {replier["code"], reader["code"], silent["code"]}
    replied = dict(zip(header, records[replier["code"]], strict=True))
    assert (replied["是否已读"], replied["回执"], replied["理由"]) == ("已读", "请假", "在外地出差")
    assert dict(zip(header, records[reader["code"]], strict=True))["是否已读"] == "已读"
    assert dict(zip(header, records[silent["code"]], strict=True))["是否已读"] == "未读"


def test_the_server_sanitises_the_editors_html(console_as, staff_api):
    deputy = fresh_deputies(staff_api, 1)[0]
    page = console_as("staff")
    page.goto("/console/notices/new")
    page.get_by_test_id("title").fill("富文本清洗测试")
    page.get_by_role("toolbar", name="正文格式").get_by_role("button", name="HTML").click()
    page.get_by_test_id("body").fill(
        '<p onclick="document.title=\'pwned\'">保留的文字</p><script>document.title="pwned"</script>'
        '<img src="http://tracker.example/pixel.png" alt="外部图片"><p><a href="javascript:alert(1)">坏链接</a></p>'
    )
    page.get_by_test_id("deputy-codes").fill(deputy["code"])
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("done")).to_have_text("草稿已保存。")
    body = page.get_by_test_id("notice-body")
    expect(body).to_contain_text("保留的文字")
    inner = body.inner_html()
    assert "onclick" not in inner and "<script" not in inner and "javascript:" not in inner
    assert "tracker.example" not in inner  # and the page guard saw no request to that host
    assert page.title() != "pwned"
