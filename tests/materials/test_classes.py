"""Training classes: invitations answered like reply slips, QR check-in and staff marks, the sheet and its export."""
import datetime as dt
import io

import openpyxl
import pytest

from api.common.db import utcnow
from api.common.events import PerformanceEvent
from tests import factories
from tests.materials.conftest import URL
from tests.support import assert_error_shape


@pytest.fixture
def training(staff):
    """A class running today with one open session and one later, and two invited deputies."""
    today = dt.date.today()
    invited = [factories.deputy(name="李一"), factories.deputy(name="李二")]
    created = staff.post(f"{URL}/classes", json={
        "title": "新任代表履职学习班", "place": "市人大常委会会议室", "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=2)).isoformat(), "syllabus": "一、代表法",
    })
    assert created.status_code == 201, created.get_json()
    klass = created.get_json()
    now = utcnow()
    sessions = []
    for title, start in (("开班式", now - dt.timedelta(minutes=5)), ("专题讲座", now + dt.timedelta(days=1))):
        response = staff.post(f"{URL}/classes/{klass['id']}/sessions", json={
            "title": title, "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        })
        assert response.status_code == 201, response.get_json()
        sessions.append(response.get_json())
    invite = staff.post(f"{URL}/classes/{klass['id']}/invitations", json={"deputy_ids": [d.id for d in invited]})
    assert invite.get_json() == {"invited": 2, "total": 2}
    return {"class": klass, "sessions": sessions, "deputies": invited}


def test_inviting_again_is_harmless_and_unknown_deputies_are_refused(staff, training):
    klass = training["class"]
    again = staff.post(f"{URL}/classes/{klass['id']}/invitations", json={"deputy_ids": [training["deputies"][0].id]})
    assert again.get_json() == {"invited": 0, "total": 2}
    assert_error_shape(staff.post(f"{URL}/classes/{klass['id']}/invitations", json={"deputy_ids": [99999]}), 422)


def test_invitations_are_answered_like_reply_slips(training, as_deputy):
    first, second = (as_deputy(d) for d in training["deputies"])
    klass = training["class"]
    assert [c["id"] for c in first.get(f"{URL}/my/classes").get_json()] == [klass["id"]]
    mine = first.get(f"{URL}/my/classes/{klass['id']}").get_json()
    assert (mine["reply"], mine["reply_label"], len(mine["sessions"])) == ("invited", "未回复", 2)
    attending = first.put(f"{URL}/my/classes/{klass['id']}/reply", json={"reply": "attending"})
    assert attending.get_json()["reply"] == "attending"
    body = assert_error_shape(second.put(f"{URL}/my/classes/{klass['id']}/reply", json={"reply": "leave"}), 422)
    assert "reason" in body["errors"]
    leave = second.put(f"{URL}/my/classes/{klass['id']}/reply", json={"reply": "leave", "reason": "外地出差"})
    assert (leave.get_json()["reply_label"], leave.get_json()["reason"]) == ("请假", "外地出差")


def test_a_deputy_not_invited_sees_nothing(training, as_deputy):
    stranger = as_deputy(factories.deputy())
    assert stranger.get(f"{URL}/my/classes").get_json() == []
    assert_error_shape(stranger.get(f"{URL}/my/classes/{training['class']['id']}"), 404)


def test_qr_check_in_records_attendance_once(staff, training, as_deputy):
    session = training["sessions"][0]
    deputy = training["deputies"][0]
    client = as_deputy(deputy)
    code = staff.get(f"{URL}/sessions/{session['id']}/code").get_json()
    assert code["code"].startswith("ck1.training.") and code["step_seconds"] == 10
    response = client.post(f"{URL}/checkin", json={"code": code["code"]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["method"] == "qr"
    assert_error_shape(client.post(f"{URL}/checkin", json={"code": code["code"]}), 409)  # replayed
    (event,) = PerformanceEvent.select()
    assert (event.kind, event.object_type, event.object_id) == ("training.attend", "class_session", session["id"])
    assert event.payload["title"] == "新任代表履职学习班·开班式"
    assert client.get(f"{URL}/my/classes/{training['class']['id']}").get_json()["attended_session_ids"] == [
        session["id"]
    ]


def test_refused_codes(staff, training, as_deputy, app):
    open_session, later = training["sessions"]
    client = as_deputy(training["deputies"][0])
    code = staff.get(f"{URL}/sessions/{open_session['id']}/code").get_json()["code"]
    forged = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    assert_error_shape(client.post(f"{URL}/checkin", json={"code": forged}), 422)
    assert_error_shape(client.post(f"{URL}/checkin", json={"code": "https://example.com/x"}), 422)
    # A later session's code cannot be shown before its window.
    assert_error_shape(staff.get(f"{URL}/sessions/{later['id']}/code"), 409)
    # Expired: a code from well before now.
    from api.common.checkin import _sign

    old_step = int(utcnow().timestamp() // 10) - 5
    expired = f"ck1.training.{open_session['id']}.{old_step}.{_sign('training', open_session['id'], old_step)}"
    assert_error_shape(client.post(f"{URL}/checkin", json={"code": expired}), 410)
    # An uninvited deputy with a valid code is refused.
    stranger = as_deputy(factories.deputy())
    assert_error_shape(stranger.post(f"{URL}/checkin", json={"code": code}), 404)
    assert PerformanceEvent.select().count() == 0


def test_staff_mark_and_the_attendance_sheet_export(staff, training, as_deputy):
    first, second = training["deputies"]
    session, later = training["sessions"]
    klass = training["class"]
    as_deputy(second).put(f"{URL}/my/classes/{klass['id']}/reply", json={"reply": "leave", "reason": "病假"})
    marked = staff.post(f"{URL}/sessions/{session['id']}/attendance", json={"deputy_id": first.id})
    assert marked.status_code == 200 and marked.get_json()["method_label"] == "工作人员登记"
    stranger = factories.deputy()
    assert_error_shape(staff.post(f"{URL}/sessions/{session['id']}/attendance", json={"deputy_id": stranger.id}), 422)
    sheet = staff.get(f"{URL}/classes/{klass['id']}/attendance").get_json()
    by_name = {row["name"]: row for row in sheet["rows"]}
    assert [c["method"] for c in by_name["李一"]["sessions"]] == ["staff", None]
    assert (by_name["李二"]["reply_label"], by_name["李二"]["reason"]) == ("请假", "病假")
    export = staff.get(f"{URL}/classes/{klass['id']}/attendance/export")
    book = openpyxl.load_workbook(io.BytesIO(export.data))
    rows = [list(r) for r in book["签到表"].iter_rows(values_only=True)]
    assert rows[0][:5] == ["代表编号", "姓名", "代表团", "回执", "请假理由"] and rows[0][5].startswith("开班式")
    assert {r[1]: r[3:] for r in rows[1:]} == {
        "李一": ["未回复", None, "工作人员登记", "缺席"],
        "李二": ["请假", "病假", "缺席", "缺席"],
    }


def test_class_dates_and_session_windows_are_checked(staff):
    body = {"title": "班", "place": "会议室", "starts_on": "2026-12-05", "ends_on": "2026-12-01"}
    assert_error_shape(staff.post(f"{URL}/classes", json=body), 422)
    klass = staff.post(f"{URL}/classes", json=dict(body, ends_on="2026-12-06")).get_json()
    start = utcnow()
    window = {"title": "场", "starts_at": start.isoformat(), "ends_at": (start - dt.timedelta(hours=1)).isoformat()}
    assert_error_shape(staff.post(f"{URL}/classes/{klass['id']}/sessions", json=window), 422)
