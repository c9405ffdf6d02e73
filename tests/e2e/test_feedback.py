"""Constituent feedback end to end (issue 10): a constituent submits at a station from the mini-program;
station staff find it in 群众意见, reveal who wrote (audited), accept it and forward it to a handling unit
with a due date; the unit answers from its 待办件; staff close it with the answer relayed; the constituent
reads the answer, rates it 不满意 and thereby reopens it, and staff see it back in their inbox."""
import datetime as dt
import re
import secrets

from tests.e2e.console import expect, open_menu, search_for
from tests.e2e.feedback_support import console_page, constituent, draft_key, open_account, submit
from tests.e2e.support import Api

NAME, PHONE = "李建国", "13912345678"
ANSWER = "已安排维修队本周五前更换路面井盖，并在施工期间设置警示标志。"
REOPEN_REASON = "井盖换了，但路面塌陷还在，雨天依旧积水。"


def test_a_case_submitted_routed_answered_closed_then_rated_unsatisfied_reopens(
    browsing, staff_api, live_server
):
    station, unit = quiet_station_and_unit(staff_api)
    station_staff = open_account(staff_api, "station_staff", "端到端联络站工作人员", station_ids=[station["id"]])
    unit_user = open_account(staff_api, "unit_user", "端到端承办人", unit_id=unit["id"])

    # 1. The constituent, on the phone: silent sign-in, then one submission retried under the same key.
    phone = constituent(live_server, f"feedback-{secrets.token_hex(4)}")
    info = phone.call("GET", "/feedback/intake-info")
    marker = secrets.token_hex(3)
    content = f"幸福路口井盖松动，车辆经过哐当作响，夜里行人容易绊倒（{marker}）。"
    body = {
        "station_id": station["id"], "category": "城乡建设", "content": content, "photo_ids": [],
        "name": NAME, "phone": PHONE, "consent": True, "consent_version": info["consent"]["version"],
    }
    key = draft_key()
    receipt = submit(phone, body, key)
    retried = submit(phone, body, key)  # as if the first answer had been lost on the way
    assert retried["tracking_code"] == receipt["tracking_code"]
    assert receipt["state"] == "submitted", receipt
    code, case_id = receipt["tracking_code"], receipt["id"]
    assert [c["tracking_code"] for c in phone.call("GET", "/feedback/my-cases")].count(code) == 1

    # 2. Station staff find it, see the contact masked, reveal it (audited), accept and forward it.
    staff = console_page(browsing, station_staff)
    dialogs = []
    staff.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    open_menu(staff, "群众意见")
    expect(staff.get_by_test_id("case-count-submitted")).to_have_text("待受理 1")
    search_for(staff, marker)
    row = staff.get_by_test_id("case-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(code)
    expect(row.get_by_test_id("case-state")).to_have_text("待受理")
    row.get_by_role("link", name=code).click()

    expect(staff.get_by_test_id("case-content")).to_have_text(content)
    expect(staff.get_by_test_id("contact-masked")).to_contain_text("姓名：李** · 电话：139****5678")
    expect(staff.get_by_test_id("case-summary")).not_to_contain_text(PHONE)
    staff.get_by_test_id("show-contact").click()
    expect(staff.get_by_test_id("contact-clear")).to_contain_text(f"姓名：{NAME} · 电话：{PHONE}")
    expect(staff.get_by_test_id("contact-clear")).to_contain_text(f"告知书版本 {info['consent']['version']}")
    assert any("记入审计" in message for message in dialogs), dialogs
    admin = Api.password(live_server, "admin")
    audited = admin.call("GET", "/audit", params={"action": "feedback.contact_read", "target_id": str(case_id)})
    assert [entry["actor_name"] for entry in audited] == [station_staff["display_name"]], audited

    staff.get_by_test_id("do-accept").click()
    expect(staff.get_by_test_id("moved")).to_have_text("已受理。")
    expect(staff.get_by_test_id("case-state")).to_have_text("已受理")

    forward = staff.get_by_test_id("move-forward")
    forward.get_by_label("承办单位").select_option(label=unit["name"])
    forward.get_by_test_id("forward-days").fill("12")
    due = working_days_from_today(staff_api, 12)
    expect(forward.get_by_test_id("due-preview")).to_have_text(
        f"12 个工作日，答复期限 {due}（按工作日历，节假日顺延）"
    )
    forward.get_by_test_id("do-forward").click()
    expect(staff.get_by_test_id("moved")).to_have_text("已转办。")
    expect(staff.get_by_test_id("case-state")).to_have_text("已转办")
    expect(staff.get_by_test_id("due-date")).to_have_text(due)
    expect(staff.get_by_test_id("case-summary")).to_contain_text(unit["name"])

    # 3. The unit finds it in 待办件 and answers.
    desk = console_page(browsing, unit_user)
    desk.on("dialog", lambda dialog: dialog.accept())
    open_menu(desk, "待办件")
    expect(desk.get_by_test_id("queue-counts")).to_contain_text("待答复 1")
    queued = desk.get_by_test_id("queue-row")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text(code)
    expect(queued).to_contain_text(station["name"])
    expect(queued).to_contain_text(due)
    queued.get_by_role("link", name=code).click()
    expect(desk.get_by_test_id("contact-masked")).to_contain_text("139****5678")
    desk.get_by_test_id("answer-text").fill(ANSWER)
    desk.get_by_test_id("do-answer").click()
    expect(desk.get_by_test_id("moved")).to_have_text("已答复。")
    expect(desk.get_by_test_id("case-state")).to_have_text("单位已答复")
    expect(desk.get_by_test_id("case-answer")).to_have_text(ANSWER)
    open_menu(desk, "待办件")
    expect(desk.get_by_test_id("queue-row")).to_have_count(0)
    desk.close()  # the staff's screen is the journey's final one

    # 4. Station staff close it, relaying the answer; the timeline shows every move.
    staff.reload()
    expect(staff.get_by_test_id("case-answer")).to_have_text(ANSWER)
    expect(staff.get_by_test_id("close-reply")).to_have_value(ANSWER)
    staff.get_by_test_id("do-close").click()
    expect(staff.get_by_test_id("moved")).to_have_text("已办结。")
    expect(staff.get_by_test_id("case-state")).to_have_text("已办结")
    expect(staff.get_by_test_id("case-reply")).to_have_text(ANSWER)
    expect(staff.get_by_test_id("timeline-row")).to_have_text([
        step(None, "待受理", "微信用户"),  # the submission, by the constituent's silent WeChat identity
        step("待受理", "已受理", station_staff["display_name"]),
        step("已受理", "已转办", station_staff["display_name"], f"· 期限 {due}"),
        step("已转办", "单位已答复", unit_user["display_name"]),
        step("单位已答复", "已办结", station_staff["display_name"]),
    ])

    # 5. The constituent reads the answer in my cases, rates it 不满意 and asks for it to be handled again.
    listed = next(c for c in phone.call("GET", "/feedback/my-cases") if c["tracking_code"] == code)
    assert listed["state_label"] == "已办结", listed
    mine = phone.call("GET", f"/feedback/my-cases/{case_id}")  # pages/case: one call
    assert (mine["reply"], mine["can_rate"], mine["can_reopen"]) == (ANSWER, True, False), mine
    rated = phone.call("PUT", f"/feedback/my-cases/{case_id}/rating", json={
        "rating": "不满意", "comment": "问题没有根本解决", "reopen": True, "reason": REOPEN_REASON,
    })
    assert (rated["state"], rated["rating"], rated["can_rate"], rated["can_reopen"]) == (
        "accepted", "不满意", False, False
    ), rated
    tracked = Api(live_server.url).call("GET", f"/feedback/track/{code}")
    assert tracked["state_label"] == "已受理" and NAME not in str(tracked) and PHONE not in str(tracked)

    # ...and staff see it back in their inbox, accepted again, ready to be forwarded once more.
    open_menu(staff, "群众意见")
    expect(staff.get_by_test_id("case-count-accepted")).to_have_text("已受理 1")
    staff.get_by_test_id("case-count-accepted").click()
    back = staff.get_by_test_id("case-row")
    expect(back).to_have_count(1)
    expect(back).to_contain_text(code)
    expect(back.get_by_test_id("case-state")).to_have_text("已受理")
    back.get_by_role("link", name=code).click()
    expect(staff.get_by_test_id("case-state")).to_have_text("已受理")
    expect(staff.get_by_test_id("case-summary")).to_contain_text("群众评价：不满意 问题没有根本解决 · 已重新办理 1 次")
    expect(staff.get_by_test_id("do-forward")).to_be_visible()
    timeline = staff.get_by_test_id("timeline-row")
    expect(timeline).to_have_count(7)
    expect(timeline.nth(5)).to_have_text(step("已办结", "已评价", "微信用户"))
    expect(timeline.nth(6)).to_have_text(step("已评价", "已受理", "微信用户", REOPEN_REASON))


def test_the_office_reads_a_case_with_its_contact_masked_and_cannot_reveal_it(console_as, staff_api, live_server):
    station = quiet_stations(staff_api)[-2]  # not the journey's station: its counts stay its own
    phone = constituent(live_server, f"feedback-{secrets.token_hex(4)}")
    consent = phone.call("GET", "/feedback/intake-info")["consent"]["version"]
    receipt = submit(phone, {
        "station_id": station["id"], "category": "交通出行", "content": "公交末班车太早，晚班工人回不了家。",
        "name": NAME, "phone": PHONE, "consent": True, "consent_version": consent,
    }, draft_key())

    office = console_as("staff")  # the standing committee's office: reads every case, decides none
    office.goto(f"/console/feedback/{receipt['id']}")
    expect(office.get_by_test_id("case-state")).to_have_text("待受理")
    expect(office.get_by_test_id("contact-masked")).to_contain_text("姓名：李** · 电话：139****5678")
    expect(office.get_by_test_id("show-contact")).to_have_count(0)
    expect(office.get_by_test_id("case-actions")).to_have_count(0)
    expect(office.locator("body")).not_to_contain_text(PHONE)
    expect(office.get_by_test_id("comment-form")).to_be_visible()
    tracked = Api(live_server.url).call("GET", f"/feedback/track/{receipt['tracking_code']}")
    assert tracked["state_label"] == "待受理" and NAME not in str(tracked) and PHONE not in str(tracked)


def step(source, target, who, then=""):
    """A timeline row (the template's whitespace between its parts is not the test's business)."""
    parts = ([re.escape(f"{source} →")] if source else []) + [re.escape(target), re.escape(f"· {who}")]
    parts += [re.escape(word) for word in then.split()]
    return re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d\s+" + r"\s+".join(parts) + r"\s*$")


def quiet_stations(staff_api):
    """The stations without demo cases (the demo's are at the first two), oldest first."""
    stations = Api(staff_api.base[: -len("/api/v1")]).call("GET", "/stations", params={"page_size": 50})
    return sorted(stations, key=lambda s: s["id"])[2:]


def quiet_station_and_unit(staff_api):
    """A station and a handling unit without demo cases (the demo's are at the first two stations and the
    first three units), so that the inbox and the queue counts are this journey's alone."""
    stations = quiet_stations(staff_api)
    units = sorted(staff_api.call("GET", "/org/units", params={"is_active": "true", "page_size": 50}),
                   key=lambda u: u["id"])
    assert len(stations) > 1 and len(units) > 3, (len(stations), len(units))
    return stations[-1], units[-1]


def working_days_from_today(api, days):
    """The due date the calendar gives for `days` working days from now (Beijing time), as the API answers."""
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return api.call("GET", "/calendar/working-days", params={"start": now, "days": days})["due"]
