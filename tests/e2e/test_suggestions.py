"""Deputy suggestions end to end (issue 14): a deputy writes a suggestion in the mini-program (the JSON API)
and submits it after the self-check; staff find it in 代表建议 with its 两摘两推, accept it and assign it to
a lead unit; the unit acknowledges it in 建议待办 and answers B with a commitment; the deputy rates the
answer; the unit reports the commitment met in 答复承诺台账 and staff verify it there."""
import secrets

from tests.e2e.console import expect, open_menu, search_for
from tests.e2e.feedback_support import console_page, open_account
from tests.e2e.support import Api

PROMISE = "明年六月底前出台老旧小区加装电梯补贴新标准"


def test_a_suggestion_written_assigned_answered_b_rated_and_its_commitment_verified(
    browsing, staff_api, live_server
):
    staff_api.call("PUT", "/calendar/years/2027", json={"note": "端到端：三个月的期限跨年"})
    marker = secrets.token_hex(3)
    unit = staff_api.call("POST", "/org/units", json={"name": f"端到端住建局{marker}", "category": "城乡建设"})
    unit_user = open_account(staff_api, "unit_user", "端到端建议承办人", unit_id=unit["id"])
    deputy_id = staff_api.call("GET", "/deputies", params={"page_size": 1})[0]["id"]
    phone = Api.deputy(live_server, staff_api, deputy_id, f"suggest-{marker}")

    # 1. The deputy writes, runs the self-check and submits.
    title = f"关于加快推进老旧小区加装电梯的建议{marker}"
    draft = {
        "title": title, "category": "城乡建设",
        "problem": "我市上世纪九十年代建成的老旧小区普遍没有电梯，六层住宅的老年人上下楼十分困难。",
        "cause": "加装电梯须本单元业主同意，低层住户担心采光和噪音；财政补贴标准偏低，审批环节多。",
        "proposal": "一是简化加装电梯审批流程，推行一窗受理。二是提高财政补贴标准。三是建立低层住户补偿协商机制。",
    }
    checked = phone.call("POST", "/suggestions/self-check", json=draft)
    assert [r["rule"] for r in checked["rules"]] == ["title", "sections", "personal", "duplicates"], checked
    assert checked["can_submit"], checked
    sid = phone.call("POST", "/suggestions", json=draft)["id"]
    submitted = phone.call("POST", f"/suggestions/{sid}/submit", json={"confirm_warnings": True})
    assert submitted["state"] == "submitted" and submitted["abstract"], submitted

    # 2. Staff find it with its digest, accept it and assign it to the unit.
    staff = console_page(browsing, {"username": live_server.accounts["staff"]["username"],
                                    "password": live_server.accounts["staff"]["password"],
                                    "display_name": live_server.accounts["staff"]["display_name"]})
    staff.on("dialog", lambda dialog: dialog.accept())
    open_menu(staff, "代表建议")
    search_for(staff, marker)
    row = staff.get_by_test_id("suggestion-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("row-abstract")).to_contain_text("简化加装电梯审批流程")
    row.get_by_test_id("suggestion-link").click()
    expect(staff.get_by_test_id("suggestion-title")).to_have_text(title)
    expect(staff.get_by_test_id("key-points")).to_contain_text("提高财政补贴标准")
    staff.get_by_test_id("do-accept").click()
    expect(staff.get_by_test_id("moved")).to_have_text("已立案。")
    expect(staff.get_by_test_id("suggested-unit").first).to_be_visible()
    assign = staff.get_by_test_id("move-assign")
    assign.get_by_test_id("assign-lead").select_option(label=unit["name"])
    assign.get_by_test_id("do-assign").click()
    expect(staff.get_by_test_id("moved")).to_have_text("已交办。")
    expect(staff.get_by_test_id("suggestion-state")).to_have_text("办理中")
    expect(staff.get_by_test_id("assignment-row")).to_contain_text(unit["name"])

    # 3. The unit acknowledges and answers B with a commitment.
    desk = console_page(browsing, unit_user)
    desk.on("dialog", lambda dialog: dialog.accept())
    open_menu(desk, "建议待办")
    queued = desk.get_by_test_id("queue-row")
    expect(queued).to_have_count(1)
    queued.get_by_test_id("queue-link").click()
    desk.get_by_test_id("do-acknowledge").click()
    expect(desk.get_by_test_id("moved")).to_have_text("已签收。")
    answer = desk.get_by_test_id("move-answer")
    answer.get_by_label("答复类别").select_option("B")
    answer.get_by_test_id("answer-text").fill("已将加装电梯补贴标准调整列入明年工作计划。")
    answer.get_by_test_id("commitment-what-0").fill(PROMISE)
    answer.get_by_test_id("commitment-due-0").fill("2027-06-30")
    answer.get_by_test_id("commitment-owner-0").fill("城建处王处长")
    answer.get_by_test_id("do-answer").click()
    expect(desk.get_by_test_id("moved")).to_have_text("已答复。")
    expect(desk.get_by_test_id("commitment")).to_contain_text(PROMISE)

    # 4. The deputy reads the answer and rates it; the commitment is on the deputy's ledger.
    mine = phone.call("GET", f"/suggestions/{sid}")
    assert mine["state"] == "answered" and mine["assignments"][0]["answer_category"] == "B", mine
    assert phone.call("PUT", f"/suggestions/{sid}/rating", json={"rating": "基本满意", "comment": "希望按期落实"})[
        "state"] == "rated"
    assert [c["what"] for c in phone.call("GET", "/suggestions/commitments")] == [PROMISE]

    # 5. The unit reports it met; staff verify it on the ledger.
    open_menu(desk, "答复承诺台账")
    ledger_row = desk.get_by_test_id("ledger-row").filter(has_text=PROMISE)
    ledger_row.get_by_test_id("report-evidence").fill("新标准已印发，见市住建局文件。")
    ledger_row.get_by_test_id("report").click()
    expect(desk.get_by_test_id("moved")).to_have_text("已报告落实。")
    desk.close()
    open_menu(staff, "答复承诺台账")
    ledger_row = staff.get_by_test_id("ledger-row").filter(has_text=PROMISE)
    ledger_row.get_by_test_id("verify").click()
    expect(staff.get_by_test_id("moved")).to_have_text("已核实办结。")
    expect(staff.get_by_test_id("ledger-row").filter(has_text=PROMISE).get_by_test_id("ledger-state")).to_have_text(
        "已核实办结")
    assert phone.call("GET", "/suggestions/commitments")[0]["state"] == "verified"
