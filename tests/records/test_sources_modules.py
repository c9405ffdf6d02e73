"""Learning, training classes and draft-law consultations reach the record through their own HTTP flows."""
import datetime as dt

from api.common.db import utcnow
from tests.records.test_sources import kinds_on_record


def test_studying_a_material_to_completion_reaches_the_record(login_as, app, me, deputy):
    app.config["LEARNING_COMPLETION_SHARE"] = 0.0  # the credit rules have their own tests (tests/materials)
    staff = login_as("staff")
    material = staff.post("/api/v1/materials/items", json={
        "title": "代表法学习要点", "kind": "article", "category": "法律法规", "body": "<p>正文</p>",
        "estimated_minutes": 1, "audience": {"deputy_ids": [deputy.id]}}).get_json()
    assert staff.post(f"/api/v1/materials/items/{material['id']}/publish").status_code == 200
    assert me.post(f"/api/v1/materials/library/{material['id']}/open").status_code == 200
    assert me.post(f"/api/v1/materials/library/{material['id']}/complete").status_code == 200
    counts, recent = kinds_on_record(me)
    assert counts == {"learning.complete": 1}
    assert recent[0]["title"] == "代表法学习要点"


def test_attending_a_training_class_reaches_the_record(login_as, me, deputy):
    staff = login_as("staff")
    today = dt.date.today().isoformat()
    klass = staff.post("/api/v1/materials/classes", json={
        "title": "新任代表履职学习班", "place": "市人大常委会会议室", "starts_on": today, "ends_on": today}).get_json()
    start = utcnow() - dt.timedelta(minutes=5)
    session = staff.post(f"/api/v1/materials/classes/{klass['id']}/sessions", json={
        "title": "开班式", "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat()}).get_json()
    assert staff.post(f"/api/v1/materials/classes/{klass['id']}/invitations",
                      json={"deputy_ids": [deputy.id]}).status_code == 200
    marked = staff.post(f"/api/v1/materials/sessions/{session['id']}/attendance", json={"deputy_id": deputy.id})
    assert marked.status_code == 200, marked.get_json()
    counts, recent = kinds_on_record(me)
    assert counts == {"training.attend": 1}
    assert "新任代表履职学习班" in recent[0]["title"]


def test_an_opinion_on_a_draft_law_reaches_the_record(login_as, me):
    staff = login_as("staff")
    now = utcnow()
    draft = staff.post("/api/v1/consultations", json={
        "title": "福州市城市绿化条例（草案）", "kind": "法规草案", "explanation": "起草说明。",
        "audience": {"all": True}, "text": "第一条 为了加强城市绿化，制定本条例。\n第二条 本条例适用于本市。",
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=3)).isoformat()}).get_json()
    assert staff.post(f"/api/v1/consultations/{draft['id']}/publish").status_code == 200
    opinion = me.post(f"/api/v1/consultations/feed/{draft['id']}/opinions", json={"content": "建议明确主管部门。"})
    assert opinion.status_code == 201, opinion.get_json()
    counts, recent = kinds_on_record(me)
    assert counts == {"consultation.opinion": 1}
    assert "福州市城市绿化条例" in recent[0]["title"]
