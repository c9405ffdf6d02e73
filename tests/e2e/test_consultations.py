"""The consultation journey of issue 13: staff import a draft law in 征求意见, correct the recognised structure
in the preview, publish, extend the deadline; a deputy comments on 第三条 from the mini-program; staff close it,
mark the opinion 部分采纳 with a reason, publish the outcomes and export both files; the deputy then sees 部分采纳
and the reason."""
import datetime as dt
import io
import secrets
from pathlib import Path

import docx
import openpyxl

from tests.e2e.console import expect, open_menu
from tests.e2e.support import Api, fresh_deputies

LAW = (Path(__file__).resolve().parents[1] / "consultations" / "data" / "draft_law.txt").read_text(encoding="utf-8")
BEIJING = dt.timezone(dt.timedelta(hours=8))
REASON = "已在第三条第二款中明确城市绿化主管部门的职责。"


def local(hours):
    return (dt.datetime.now(BEIJING) + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_import_fix_publish_comment_mark_partly_and_the_deputy_sees_it(console_as, staff_api, live_server):
    (deputy,) = fresh_deputies(staff_api, 1)
    phone = Api.deputy(live_server, staff_api, deputy["id"], f"o_consult_{secrets.token_hex(4)}")
    title = f"福州市城市绿化条例（草案·{secrets.token_hex(2)}）"
    page = console_as("staff")
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. Import: paste the text; the preview shows what was recognised.
    open_menu(page, "征求意见")
    page.get_by_test_id("new-consultation").click()
    page.get_by_test_id("title").fill(title)
    page.get_by_test_id("text").fill(LAW)
    page.get_by_test_id("opens-at").fill(local(-1))
    page.get_by_test_id("closes-at").fill(local(72))
    # The deputy's delegation, not everyone: publishing pushes to each deputy it reaches.
    page.get_by_label(deputy["delegation"]["name"], exact=True).check()
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("done")).to_contain_text("请核对识别出的结构")
    rows = page.get_by_test_id("structure-row")
    expect(rows).to_have_count(12)  # 3 chapters, 2 sections, 7 articles
    expect(page.get_by_test_id("label-3")).to_have_value("第三条")

    # 2. Fix one article's text before publishing, then publish.
    page.get_by_test_id("paragraphs-1").fill("为了促进城市绿化事业的发展，制定本条例。")
    page.get_by_test_id("save-structure").click()
    expect(page.get_by_test_id("done")).to_have_text("结构已保存。")
    expect(page.get_by_test_id("paragraphs-1")).to_have_value("为了促进城市绿化事业的发展，制定本条例。")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text("征求意见中")
    consultation_id = int(page.url.split("/consultations/")[1].split("?")[0])

    # 2b. Published: the deadline is extended by a day (the start and the kind can no longer change).
    page.get_by_test_id("edit").click()
    expect(page.get_by_test_id("opens-at")).to_have_count(0)
    page.get_by_test_id("closes-at").fill(local(96))
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("done")).to_have_text("已保存修改。")

    # 3. The deputy reads it article by article and comments on 第三条.
    opened = phone.call("GET", f"/consultations/feed/{consultation_id}")
    third = next(unit for unit in opened["units"] if unit["label"] == "第三条")
    content = "建议明确城市绿化主管部门与其他部门的职责分工。"
    phone.call("POST", f"/consultations/feed/{consultation_id}/opinions",
               json={"unit_id": third["id"], "content": content})

    # 4. Staff close it, read the opinions on 第三条 and mark the outcome.
    page.reload()
    page.get_by_test_id("close").click()
    expect(page.get_by_test_id("state")).to_have_text("已截止")
    expect(page.get_by_test_id("count-第三条")).to_have_text("1")
    page.get_by_test_id("unit-第三条").click()
    opinion = page.get_by_test_id("opinion")
    expect(opinion.get_by_test_id("content")).to_have_text(content)
    expect(opinion.get_by_test_id("author")).to_have_text(deputy["name"])
    opinion.get_by_test_id("outcome").select_option(label="部分采纳")
    opinion.get_by_test_id("reason-input").fill(REASON)
    opinion.get_by_test_id("mark").click()
    expect(page.get_by_test_id("opinion-state")).to_have_text("部分采纳")

    # 5. Exports, opened and checked.
    page.get_by_role("link", name=title, exact=False).click()
    with page.expect_download() as sheet:
        page.get_by_test_id("export-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(sheet.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][1] == "第三条" and rows[1][7] == content and rows[1][8] == "部分采纳" and rows[1][9] == REASON
    with page.expect_download() as report:
        page.get_by_test_id("export-docx").click()
    texts = [p.text for p in docx.Document(io.BytesIO(Path(report.value.path()).read_bytes())).paragraphs]
    assert "第三条" in texts

    # 6. Publish the outcomes; the deputy sees 部分采纳 with the reason.
    before = phone.call("GET", "/consultations/mine", params={"consultation_id": consultation_id})
    assert before[0]["status_label"] == "待研究" and before[0]["outcome_reason"] is None
    page.get_by_test_id("publish-outcomes").click()
    expect(page.get_by_test_id("done")).to_contain_text("研究结果已公布")
    mine = phone.call("GET", "/consultations/mine", params={"consultation_id": consultation_id})
    assert (mine[0]["status_label"], mine[0]["outcome_reason"]) == ("部分采纳", REASON)
