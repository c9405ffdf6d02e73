"""A draft law asked of "the deputies who submitted related suggestions" reaches exactly them (issue 13)."""
import datetime as dt

from api.common.db import utcnow
from api.consultations.audience import related_choices
from tests import factories
from tests.suggestions.conftest import submitted

LIFT_LAW = {
    "title": "福州市既有住宅增设电梯管理办法（草案）",
    "explanation": "为规范老旧小区既有住宅加装电梯，简化审批流程，明确财政补贴，制定本办法。",
    "text": "第一条 为了规范既有住宅增设电梯，制定本办法。\n第二条 本办法适用于本市老旧小区。",
}


def test_related_suggestions_select_their_authors(login_as, author, author_deputy):
    submitted(author)  # 关于加快老旧小区加装电梯的建议
    unrelated = factories.deputy()
    staff = login_as("staff")
    assert {"name": "suggestions", "label": "提出过相关建议的代表"} in related_choices()  # offered on import
    now = utcnow()
    draft = staff.post("/api/v1/consultations", json={
        **LIFT_LAW, "kind": "法规草案", "audience": {"related": "suggestions"},
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(), "closes_at": (now + dt.timedelta(days=3)).isoformat(),
    })
    assert draft.status_code == 201, draft.get_json()
    assert staff.post(f"/api/v1/consultations/{draft.get_json()['id']}/publish").status_code == 200

    asked = [item["id"] for item in author.get("/api/v1/consultations/feed").get_json()]
    assert asked == [draft.get_json()["id"]]
    assert login_as("deputy", deputy=unrelated).get("/api/v1/consultations/feed").get_json() == []
