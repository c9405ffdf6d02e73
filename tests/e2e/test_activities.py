"""The activities journey of issue 15: staff create an activity in 代表活动 for two deputies and publish it; one
deputy answers 参加 from the phone, the other asks for leave and staff approve it; on the day, the deputy scans
the full-screen rotating code, writes a research report, and staff find the attendance, the report, the
deputy's record (履职档案) and a 述职 draft generated from it."""
import datetime as dt
import re

from tests.e2e.console import expect, open_menu
from tests.e2e.support import Api, fresh_deputies

BEIJING = dt.timezone(dt.timedelta(hours=8))
TITLE = "端到端专题调研：老旧小区加装电梯"


def test_invite_check_in_report_and_find_it_in_the_record(console_as, staff_api, live_server):
    attender, absentee = fresh_deputies(staff_api, 2)
    phone = Api.deputy(live_server, staff_api, attender["id"], f"act-{attender['id']}")
    other_phone = Api.deputy(live_server, staff_api, absentee["id"], f"act-{absentee['id']}")
    page = console_as("staff")
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. Staff create it (starting within the hour, so check-in is open) and publish it.
    open_menu(page, "代表活动")
    page.get_by_test_id("activity-new").click()
    form = page.get_by_test_id("activity-form")
    form.get_by_label("类别").select_option("research")
    form.get_by_label("活动名称").fill(TITLE)
    form.get_by_label("地点").fill("鼓楼区温泉街道")
    form.get_by_label("组织单位").fill("城建环资委")
    start = dt.datetime.now(BEIJING).replace(second=0, microsecond=0) + dt.timedelta(minutes=30)
    form.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("结束时间").fill((start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("指定代表（代表编号，逗号分隔）").fill(f"{attender['code']},{absentee['code']}")
    page.get_by_test_id("activity-save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_test_id("activity-publish").click()
    expect(page.get_by_test_id("activity-state")).to_have_text("已发布")
    activity_id = int(re.search(r"/activities/(\d+)", page.url).group(1))

    # 2. Reply slips from the phones: one attends, one asks for leave (research needs approval).
    mine = phone.call("GET", "/activities/mine")
    assert [m["activity"]["title"] for m in mine][0] == TITLE
    phone.call("PUT", f"/activities/mine/{activity_id}/reply", json={"option": "参加"})
    other_phone.call("PUT", f"/activities/mine/{activity_id}/reply", json={"option": "请假", "reason": "赴京学习"})
    page.reload()
    expect(page.get_by_test_id("attendance")).to_contain_text("请假待批准 1")
    page.get_by_test_id("leave-approve").click()
    expect(page.get_by_test_id("attendance")).to_contain_text("请假 1")

    # 3. The full-screen code: the deputy scans what the screen shows; the code rotates on its own.
    screen = page.context.new_page()
    screen.goto(f"/console/activities/{activity_id}/checkin-screen")
    qr = screen.get_by_test_id("checkin-qr")
    expect(qr).to_be_visible()
    checked = phone.call("POST", "/activities/checkin", json={"code": qr.get_attribute("data-code")})
    assert checked["checkin_method"] == "qr"
    expect(screen.get_by_test_id("checkin-count")).to_have_text("1", timeout=15000)  # the next refresh
    screen.close()

    # 4. The report afterwards (the activity is under way once it has started; here: moved to now by staff).
    staff_api.call("PATCH", f"/activities/{activity_id}", json={
        "starts_at": (dt.datetime.now(BEIJING) - dt.timedelta(minutes=1)).isoformat(),
        "ends_at": (dt.datetime.now(BEIJING) + dt.timedelta(hours=2)).isoformat()})
    phone.call("PUT", f"/activities/mine/{activity_id}/report", json={
        "kind": "调研报告", "title": "关于老旧小区加装电梯的调研报告",
        "body": "一、基本情况：全街道已加装 12 部。二、问题：低层住户意见不一。三、建议：完善补偿机制。"})
    page.reload()
    expect(page.get_by_test_id("checked-in")).to_have_text("1")
    expect(page.get_by_test_id("report")).to_contain_text("关于老旧小区加装电梯的调研报告")

    # 5. The record: the phone sees both events; staff find the deputy's record and generate the 述职 draft.
    record = phone.call("GET", "/records/me")
    kinds = {row["kind"] for row in record["figures"]["kinds"]}
    assert {"activity.attend", "activity.report"} <= kinds
    page.goto(f"/console/records/deputies/{attender['id']}")
    expect(page.get_by_test_id("timeline-item").first).to_contain_text("关于老旧小区加装电梯的调研报告")
    open_menu(page, "述职报告")
    page.get_by_test_id("report-back-code").fill(attender["code"])
    page.locator("input[name=year]").fill(str(dt.datetime.now(BEIJING).year))
    page.get_by_test_id("report-back-generate").click()
    row = page.get_by_test_id("report-back-row").filter(has_text=attender["name"])
    expect(row).to_contain_text(str(record["figures"]["total"]))
