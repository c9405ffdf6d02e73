"""Courses: syllabus order, required courses with a due date, completion reports, reminders, the export."""
import datetime as dt
import io

import openpyxl

from api.common.db import utcnow
from api.materials.models import Course
from api.push.models import Delivery
from tests import factories
from tests.materials.conftest import URL
from tests.materials.test_progress import study
from tests.support import assert_error_shape

DUE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def test_lessons_keep_the_syllabus_order(staff, create_course, as_deputy):
    reader = factories.deputy()
    course = create_course(lessons=3, syllabus="一、宪法\n二、代表法")
    assert [lesson["position"] for lesson in course["lessons"]] == [1, 2, 3]
    page = as_deputy(reader).get(f"{URL}/library/courses/{course['id']}").get_json()
    assert [lesson["title"] for lesson in page["lessons"]] == ["第1课", "第2课", "第3课"]
    assert page["syllabus"].startswith("一、宪法") and page["lesson_count"] == 3


def test_a_course_needs_published_lessons(staff, create_material):
    factories.deputy()
    draft = create_material(publish=False)
    course = staff.post(f"{URL}/courses", json={
        "title": "课程", "category": "专题", "audience": {"all": True},
        "lessons": [{"title": "一", "material_id": draft["id"]}],
    }).get_json()
    assert_error_shape(staff.post(f"{URL}/courses/{course['id']}/publish"), 422)


def test_a_required_course_needs_a_due_date(staff):
    body = {"title": "必修", "category": "专题", "audience": {"all": True}, "required": True}
    assert "due_date" in assert_error_shape(staff.post(f"{URL}/courses", json=body), 422)["errors"]


def test_required_courses_come_first_in_my_courses(create_course, as_deputy):
    reader = factories.deputy()
    create_course(lessons=1, title="选修")
    create_course(lessons=1, title="必修", required=True, due_date=DUE)
    mine = as_deputy(reader).get(f"{URL}/my/courses").get_json()
    assert [(c["title"], c["required"], c["due_date"]) for c in mine] == [("必修", True, DUE), ("选修", False, None)]


def test_completion_per_delegation_and_deputy_and_export(staff, create_course, as_deputy):
    red, blue = factories.delegation(name="一团"), factories.delegation(name="二团")
    done, pending, other = factories.deputy(delegation=red), factories.deputy(delegation=red), factories.deputy(
        delegation=blue
    )
    course = create_course(lessons=1, required=True, due_date=DUE)
    study(as_deputy(done), done, course["lessons"][0]["material_id"])
    summary = staff.get(f"{URL}/courses/{course['id']}/completion").get_json()
    assert (summary["total"], summary["done"]) == (3, 1)
    per_delegation = [(d["delegation"], d["total"], d["done"]) for d in summary["delegations"]]
    assert per_delegation == [("一团", 2, 1), ("二团", 1, 0)]
    rows = staff.get(f"{URL}/courses/{course['id']}/completion/deputies",
                     query_string={"delegation_id": red.id, "status": "pending"}).get_json()
    assert [r["id"] for r in rows] == [pending.id]
    export = staff.get(f"{URL}/courses/{course['id']}/completion/export")
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.data))
    sheet = [list(row) for row in book["完成情况"].iter_rows(values_only=True)]
    assert sheet[0] == ["代表编号", "姓名", "代表团", "状态", "完成时间"]
    status = {row[0]: row[3] for row in sheet[1:]}
    assert status == {done.code: "已完成", pending.code: "未完成", other.code: "未完成"}
    assert [list(r) for r in book["按代表团"].iter_rows(values_only=True)][1:] == [["一团", 2, 1], ["二团", 1, 0]]


def test_remind_pushes_to_those_who_have_not_completed(staff, create_course, as_deputy):
    done, pending = factories.deputy(), factories.deputy()
    course = create_course(lessons=1, required=True, due_date=DUE)
    study(as_deputy(done), done, course["lessons"][0]["material_id"])
    response = staff.post(f"{URL}/courses/{course['id']}/remind")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["recipients"] == 1
    reminded = Delivery.select().where((Delivery.source_type == "course") & (Delivery.source_id == course["id"]))
    assert [d.deputy_id for d in reminded] == [pending.id]
    assert_error_shape(staff.post(f"{URL}/courses/{course['id']}/remind"), 429)  # once an hour
    Course.update(last_reminded_at=utcnow() - dt.timedelta(hours=2)).execute()
    assert staff.post(f"{URL}/courses/{course['id']}/remind").status_code == 200
    assert Delivery.select().where(Delivery.scope == "remind-2").count() == 1


def test_only_required_published_courses_are_reminded(staff, create_course):
    factories.deputy()
    optional = create_course(lessons=1)
    assert_error_shape(staff.post(f"{URL}/courses/{optional['id']}/remind"), 409)
    draft = create_course(lessons=1, publish=False, required=True, due_date=DUE)
    assert_error_shape(staff.post(f"{URL}/courses/{draft['id']}/remind"), 409)


def test_a_course_outside_my_audience_does_not_exist_for_me(create_course, as_deputy):
    mine = factories.delegation()
    outsider = factories.deputy()
    factories.deputy(delegation=mine)
    course = create_course(lessons=1, audience={"delegation_ids": [mine.id]})
    client = as_deputy(outsider)
    assert_error_shape(client.get(f"{URL}/library/courses/{course['id']}"), 404)
    assert client.get(f"{URL}/library/courses").get_json()["items"] == []
    assert client.get(f"{URL}/my/courses").get_json() == []
