"""The learning journey of issue 11: staff write two lessons and a required course and set up a training
class in the console; a deputy (as the mini-program calls the API) studies the course to completion by
heartbeats and checks in by scanning the full-screen rotating code; staff then see both in the reports."""
import datetime as dt
import re
import time

import openpyxl

from tests.e2e.console import expect, open_menu
from tests.e2e.support import Api, fresh_deputies

BEIJING = dt.timezone(dt.timedelta(hours=8))


def new_material(page, title):
    page.goto("/console/learning/materials/new")
    form = page.get_by_test_id("material-form")
    form.get_by_label("标题").fill(title)
    form.get_by_label("类别").select_option("履职知识")
    form.get_by_label("预计学习时长（分钟）").fill("1")
    form.get_by_label("图文正文（HTML；保存时清理不安全内容）").fill(f"<p>{title}的正文</p>")
    form.get_by_label("全体代表").check()
    page.get_by_test_id("material-save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text("已发布")
    return int(re.search(r"/materials/(\d+)", page.url).group(1))


def study(phone, material_id):
    opened = phone.call("POST", f"/materials/library/{material_id}/open")
    time.sleep(2.2)  # the live server credits a beat after 1 s; a one-minute lesson needs under 2 s of credit
    phone.call("POST", "/materials/heartbeats", json={"session": opened["session"], "material_id": material_id,
                                                       "position": "end", "percent": 100})
    return phone.call("POST", f"/materials/library/{material_id}/complete")


def test_study_a_course_check_in_to_a_class_and_see_both_in_the_reports(console_as, staff_api, live_server, tmp_path):
    (student,) = fresh_deputies(staff_api, 1)
    page = console_as("staff")

    # Staff: two lessons and a required course over them.
    open_menu(page, "学习资料与课程")
    first, second = new_material(page, "代表法要点（e2e）"), new_material(page, "履职实务（e2e）")
    page.goto("/console/learning/courses/new")
    form = page.get_by_test_id("course-form")
    form.get_by_label("课程名称").fill("新任代表必修课（e2e）")
    page.get_by_test_id("lessons").fill(f"{first}\n{second}|履职实务")
    form.get_by_label("必修（受众须在截止日期前学完）").check()
    form.get_by_label("截止日期", exact=True).fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    form.get_by_label("全体代表").check()
    page.get_by_test_id("course-save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新任代表必修课（e2e）")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text("已发布")
    course_id = int(re.search(r"/courses/(\d+)", page.url).group(1))

    # Staff: a class with a session running now, the deputy invited.
    open_menu(page, "专题学习班")
    today = dt.date.today().isoformat()
    form = page.get_by_test_id("class-form")
    form.get_by_label("名称").fill("履职能力专题学习班（e2e）")
    form.get_by_label("地点").fill("市人大常委会三楼会议室")
    form.get_by_label("开始日期").fill(today)
    form.get_by_label("结束日期").fill(today)
    page.get_by_test_id("class-save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("履职能力专题学习班（e2e）")
    class_id = int(re.search(r"/training/(\d+)", page.url).group(1))
    start = dt.datetime.now(BEIJING) - dt.timedelta(minutes=5)
    sessions = page.get_by_test_id("session-form")
    sessions.get_by_label("场次名称").fill("开班式")
    sessions.get_by_label("开始（北京时间）").fill(start.strftime("%Y-%m-%dT%H:%M"))
    sessions.get_by_label("结束（北京时间）").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("session-save").click()
    expect(page.get_by_test_id("session-row")).to_have_count(1)
    page.get_by_test_id("invite-codes").fill(student["code"])
    page.get_by_test_id("invite-save").click()
    expect(page.get_by_test_id("attendance-row")).to_contain_text(student["name"])

    # The deputy's phone: the course to completion, lesson by lesson.
    phone = Api.deputy(live_server, staff_api, student["id"], openid="learning-student")
    mine = {c["id"]: c for c in phone.call("GET", "/materials/my/courses")}
    assert mine[course_id]["required"] and mine[course_id]["lessons_done"] == 0
    assert study(phone, first)["courses_completed"] == []
    assert study(phone, second)["courses_completed"] == [course_id]

    # The full-screen check-in page shows the rotating code; the phone scans it.
    screen = page.context.new_page()
    screen.goto(page.get_by_test_id("screen-link").get_attribute("href"))
    qr = screen.get_by_test_id("checkin-qr")
    expect(qr).to_be_visible()
    code = qr.get_attribute("data-code")
    (klass,) = [c for c in phone.call("GET", "/materials/my/classes") if c["id"] == class_id]
    phone.call("PUT", f"/materials/my/classes/{klass['id']}/reply", json={"reply": "attending"})
    assert phone.call("POST", "/materials/checkin", json={"code": code})["method"] == "qr"
    phone.call("POST", "/materials/checkin", json={"code": code}, expect=(409,))  # the same code again
    screen.close()

    # Staff see both: the attendance sheet and its export, the course's completion and its export.
    page.reload()
    row = page.get_by_test_id("attendance-row").filter(has_text=student["name"])
    expect(row).to_contain_text("扫码签到")
    expect(row).to_contain_text("参加")
    with page.expect_download() as download:
        page.get_by_test_id("attendance-export").click()
    saved = tmp_path / "attendance.xlsx"
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved)["签到表"].iter_rows(values_only=True))
    assert [r[5] for r in rows if r[0] == student["code"]] == ["扫码签到"]

    page.goto(f"/console/learning/courses/{course_id}")
    expect(page.get_by_test_id("completion").get_by_role("heading")).to_contain_text("完成情况：1 /")
    with page.expect_download() as download:
        page.get_by_test_id("completion-export").click()
    saved = tmp_path / "completion.xlsx"
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved)["完成情况"].iter_rows(values_only=True))
    assert [r[3] for r in rows if r[0] == student["code"]] == ["已完成"]
