"""Console: the library and course screens, and the training-class screens with the check-in page."""
import datetime as dt
import io

import openpyxl
import pytest

from api.common.db import utcnow
from api.materials.models import Attendance, ClassSession, Course, Material, TrainingClass
from tests import factories

LEARNING = "/console/learning"
TRAINING = "/console/training"


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", False, 403), ("unit_user", False, 403),
])
def test_learning_screens_belong_to_the_office(console_as, role, listed, status):
    client = console_as(role)
    home = client.get("/console/").get_data(as_text=True)
    assert (f'href="{LEARNING}"' in home, f'href="{TRAINING}"' in home) == (listed, listed)
    assert client.get(LEARNING).status_code == status
    assert client.get(TRAINING).status_code == status


def material_form(**fields):
    return {"title": "代表法解读", "kind": "article", "category": "法律法规", "body": "<p>第一条</p><script>x</script>",
            "estimated_minutes": "5", "tags": "代表法、解读", "audience_all": "on", **fields}


def test_a_material_is_written_published_and_unpublished(console_as, db):
    factories.deputy()
    client = console_as("staff")
    created = client.post(f"{LEARNING}/materials/new", data=material_form())
    assert created.status_code == 302, created.get_data(as_text=True)
    material = Material.get()
    assert material.tags == ["代表法", "解读"] and "<script>" not in material.body
    assert client.post(f"{LEARNING}/materials/{material.id}/publish").status_code == 302
    assert Material.get_by_id(material.id).state == "published"
    html = client.get(f"{LEARNING}/materials/{material.id}").get_data(as_text=True)
    assert 'data-testid="unpublish"' in html and "已发布" in html
    # Editing a published material keeps its audience (unchanged) and saves the rest.
    assert client.post(f"{LEARNING}/materials/{material.id}", data=material_form(title="新标题")).status_code == 302
    assert Material.get_by_id(material.id).title == "新标题"
    assert client.post(f"{LEARNING}/materials/{material.id}/unpublish").status_code == 302
    assert Material.get_by_id(material.id).state == "unpublished"
    assert client.post(f"{LEARNING}/materials/{material.id}/bogus").status_code == 404


def test_a_refused_material_comes_back_with_field_errors(console_as, db):
    client = console_as("staff")
    response = client.post(f"{LEARNING}/materials/new", data=material_form(kind="link", title=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-testid="error-title"' in html
    assert Material.select().count() == 0


def test_a_course_with_lessons_its_completion_and_export(console_as, db):
    red = factories.delegation(name="一团")
    factories.deputy(delegation=red)
    client = console_as("staff")
    client.post(f"{LEARNING}/materials/new", data=material_form(title="第一课资料"))
    client.post(f"{LEARNING}/materials/new", data=material_form(title="第二课资料"))
    first, second = Material.select().order_by(Material.id)
    for material in (first, second):
        client.post(f"{LEARNING}/materials/{material.id}/publish")
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(f"{LEARNING}/courses/new", data={
        "title": "履职必修课", "category": "履职知识", "lessons": f"{first.id}\n{second.id}|代表法要点",
        "required": "on", "due_date": due, "audience_all": "on",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    course = Course.get()
    assert client.post(f"{LEARNING}/courses/{course.id}/publish").status_code == 302
    html = client.get(f"{LEARNING}/courses/{course.id}").get_data(as_text=True)
    assert "完成情况：0 / 1" in html and "一团" in html and 'data-testid="remind"' in html
    reminded = client.post(f"{LEARNING}/courses/{course.id}/remind", htmx=True)
    assert reminded.status_code == 200 and "1 位未完成" in reminded.get_data(as_text=True)
    export = client.get(f"{LEARNING}/courses/{course.id}/export")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.data))["完成情况"].iter_rows(values_only=True))
    assert rows[1][2:4] == ("一团", "未完成")
    # Saving a published course with its lessons unchanged works; changing them needs unpublishing first.
    lessons = f"{first.id}|第一课资料\n{second.id}|代表法要点"
    same = {"title": "履职必修课（修订）", "category": "履职知识", "lessons": lessons,
            "required": "on", "due_date": due, "audience_all": "on"}
    assert client.post(f"{LEARNING}/courses/{course.id}", data=same).status_code == 302
    changed = client.post(f"{LEARNING}/courses/{course.id}", data=dict(same, lessons=f"{second.id}"))
    assert changed.status_code == 409


def test_a_class_its_sessions_invitations_and_attendance(console_as, db):
    invited = factories.deputy(name="王五")
    client = console_as("staff")
    today = dt.date.today().isoformat()
    assert client.post(TRAINING, data={"title": "专题学习班", "place": "三楼会议室", "starts_on": today,
                                       "ends_on": today}).status_code == 302
    klass = TrainingClass.get()
    start = (utcnow() - dt.timedelta(minutes=10)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    session_form = {"title": "开班式", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                    "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}
    assert client.post(f"{TRAINING}/{klass.id}/sessions", data=session_form).status_code == 302
    session = ClassSession.get()
    assert abs((session.starts_at - (utcnow() - dt.timedelta(minutes=10))).total_seconds()) < 120
    bad = client.post(f"{TRAINING}/{klass.id}/invitations", data={"codes": "NOPE"})
    assert bad.status_code == 422 and "NOPE" in bad.get_data(as_text=True)
    assert client.post(f"{TRAINING}/{klass.id}/invitations", data={"codes": invited.code}).status_code == 302
    screen = client.get(f"{TRAINING}/sessions/{session.id}/screen").get_data(as_text=True)
    assert 'hx-trigger="every 5s"' in screen and 'data-testid="checkin-qr"' in screen and "data:image/png" in screen
    fragment = client.get(f"{TRAINING}/sessions/{session.id}/screen/code", htmx=True).get_data(as_text=True)
    assert 'data-code="ck1.training.' in fragment
    marked = client.post(f"{TRAINING}/sessions/{session.id}/attendance", data={"deputy_id": invited.id})
    assert marked.status_code == 302
    assert Attendance.get().method == "staff"
    html = client.get(f"{TRAINING}/{klass.id}").get_data(as_text=True)
    assert "王五" in html and "工作人员登记" in html
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get(f"{TRAINING}/{klass.id}/export").data))["签到表"]
                .iter_rows(values_only=True))
    assert rows[1][1] == "王五" and rows[1][5] == "工作人员登记"


def test_the_screen_says_when_the_window_is_closed(console_as, db):
    client = console_as("staff")
    klass = TrainingClass.create(title="班", place="室", starts_on=dt.date.today(), ends_on=dt.date.today())
    later = utcnow() + dt.timedelta(days=1)
    session = ClassSession.create(training_class=klass, title="明天", starts_at=later,
                                  ends_at=later + dt.timedelta(hours=1))
    html = client.get(f"{TRAINING}/sessions/{session.id}/screen").get_data(as_text=True)
    assert 'data-testid="checkin-closed"' in html and "签到尚未开始" in html


def test_a_refused_publish_is_said_on_the_page(console_as, db):
    client = console_as("staff")
    client.post(f"{LEARNING}/materials/new", data=material_form())  # nobody serving: nobody to reach
    material = Material.get()
    response = client.post(f"{LEARNING}/materials/{material.id}/publish")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "受众中没有在任代表" in html and 'data-testid="material-form"' in html
    assert Material.get_by_id(material.id).state == "draft"
