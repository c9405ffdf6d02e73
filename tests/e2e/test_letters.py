"""一人一函: a letter whose body is merged per deputy from an uploaded sheet, previewed per deputy, and
received merged in the mini-program."""
import io

import openpyxl

from tests.e2e.console import expect
from tests.e2e.support import Api, fresh_deputies

BODY = "<p>{{姓名}}代表：您在常委会第二十次会议的座位号是{{座位号}}。</p>"


def merge_sheet(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["代表编号", "座位号"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_letter_is_merged_previewed_per_deputy_and_received_merged(console_as, staff_api, live_server):
    first, second = fresh_deputies(staff_api, 2)
    page = console_as("staff")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/console/notices/new")
    page.get_by_test_id("title").fill("常委会会议座位安排告知函")
    page.get_by_test_id("kind").select_option("一人一函")
    page.get_by_role("toolbar", name="正文格式").get_by_role("button", name="HTML").click()
    page.get_by_test_id("body").fill(BODY)
    page.get_by_test_id("deputy-codes").fill(f"{first['code']}\n{second['code']}")
    expect(page.get_by_test_id("audience").get_by_test_id("audience-count")).to_have_text("2")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("done")).to_have_text("草稿已保存。")

    letters = page.get_by_test_id("letters")
    expect(letters).to_contain_text("{{姓名}}")
    expect(letters).to_contain_text("{{座位号}}")
    page.get_by_test_id("merge-file").set_input_files({
        "name": "座位.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": merge_sheet([(first["code"], "3排12号"), (second["code"], "5排8号")]),
    })
    page.get_by_test_id("merge-upload").click()
    expect(page.get_by_test_id("merge-summary")).to_contain_text("已导入 2 行合并数据")

    page.get_by_test_id("letter-deputy").select_option(str(first["id"]))
    preview = page.get_by_test_id("letter-preview")
    expect(preview).to_contain_text(f"{first['name']}代表：您在常委会第二十次会议的座位号是3排12号。")
    expect(preview.get_by_role("alert")).to_have_count(0)  # no merge field is missing

    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text("已发布")
    notice_id = int(page.url.split("/notices/")[1].split("?")[0])
    phone = Api.deputy(live_server, staff_api, second["id"], openid="letter-reader")
    received = phone.call("GET", f"/notices/feed/{notice_id}")
    assert f"{second['name']}代表：您在常委会第二十次会议的座位号是5排8号。" in received["body"]
