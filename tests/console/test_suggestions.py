"""The suggestion screens: the review queue with 两摘两推, a suggestion with its duplicate hints and suggested
units, assignment, the unit workspace (acknowledge, contact log, answer with commitments), the ledger,
supervision and the statistics, each through the pages as a browser would."""
import datetime as dt

import pytest

from api.calendar.models import CalendarYear
from api.suggestions.models import Assignment, Commitment, Suggestion
from tests import factories
from tests.suggestions.conftest import GOOD, submitted

BASE = "/console/suggestions"


@pytest.fixture
def world(db, login_as):
    for year in (2027, 2028):
        CalendarYear.create(year=year)
    deputy = factories.deputy()
    author = login_as("deputy", deputy=deputy)
    unit = factories.unit(name="市住房和城乡建设局", category="城乡建设")
    other = factories.unit(name="市财政局")
    first = submitted(author)
    second = submitted(author, title="关于老旧小区加装电梯财政补贴的建议")
    return {"author": author, "unit": unit, "other": other, "first": first, "second": second}


def html(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_the_review_queue_shows_the_digest(world, console_as):
    page = html(console_as("staff").get(f"{BASE}?state=submitted"))
    assert page.count('data-testid="suggestion-row"') == 2
    assert "简化加装电梯审批流程" in page  # a key point, in the list


def test_review_shows_duplicates_and_assignment_with_suggested_units(world, console_as):
    staff = console_as("staff")
    page = html(staff.get(f"{BASE}/{world['second']}"))
    assert 'data-testid="duplicate"' in page and GOOD["title"] in page
    assert html(staff.post(f"{BASE}/{world['second']}/do/accept"), 302) is not None
    page = html(staff.get(f"{BASE}/{world['second']}"))
    assert 'data-testid="suggested-unit"' in page and "职能类别为「城乡建设」" in page
    response = staff.post(f"{BASE}/{world['second']}/do/assign",
                          data={"mode": "lead", "lead_unit_id": world["unit"].id, "co_unit_ids": [world["other"].id]})
    assert response.status_code == 302
    assert Suggestion.get_by_id(world["second"]).state == "assigned"
    roles = {a.unit_id: a.role for a in Assignment.select()}
    assert roles == {world["unit"].id: "lead", world["other"].id: "co"}
    # The digest is staff-editable; a bad form is a clear 422, not a 500.
    digest = {"abstract": "加装电梯难。", "key_points": "简化审批\n提高补贴"}
    staff.post(f"{BASE}/{world['first']}/do/digest", data=digest)
    assert Suggestion.get_by_id(world["first"]).key_points == ["简化审批", "提高补贴"]
    assert staff.post(f"{BASE}/{world['first']}/do/reject", data={"reason": "x"}).status_code == 422


def test_the_unit_workspace_answers_b_with_a_commitment_and_the_ledger_follows_it(world, console_as):
    staff = console_as("staff")
    staff.post(f"{BASE}/{world['first']}/do/accept")
    staff.post(f"{BASE}/{world['first']}/do/assign", data={"mode": "lead", "lead_unit_id": world["unit"].id})
    assignment = Assignment.get(Assignment.suggestion == world["first"])
    unit = console_as("unit_user", unit=world["unit"])
    queue = html(unit.get(f"{BASE}/queue"))
    assert queue.count('data-testid="queue-row"') == 1
    url = f"{BASE}/assignments/{assignment.id}"
    assert 'data-testid="move-acknowledge"' in html(unit.get(url))
    assert unit.post(f"{url}/do/acknowledge").status_code == 302
    contact = {"stage": "before", "contacted_at": "2026-11-20T10:00", "contact_person": "李科长", "method": "电话",
               "note": "听取代表意见"}
    assert unit.post(f"{url}/do/contact", data=contact).status_code == 302
    assert "听取代表意见" in html(unit.get(url))
    answer = {"category": "B", "text": "列入明年计划。", "what_0": "出台补贴新标准", "due_0": "2030-06-30",
              "owner_0": "王处长"}
    assert unit.post(f"{url}/do/answer", data={**answer, "what_0": ""}).status_code == 422  # B needs one
    assert unit.post(f"{url}/do/answer", data=answer).status_code == 302
    commitment = Commitment.get()
    ledger = html(unit.get(f"{BASE}/ledger"))
    assert "出台补贴新标准" in ledger and 'data-testid="report"' in ledger
    unit.post(f"{BASE}/commitments/{commitment.id}/report", data={"evidence": "新标准已印发"})
    assert unit.post(f"{BASE}/commitments/{commitment.id}/verify").status_code == 403
    assert 'data-testid="verify"' in html(staff.get(f"{BASE}/ledger"))
    assert staff.post(f"{BASE}/commitments/{commitment.id}/verify").status_code == 302
    assert Commitment.get_by_id(commitment.id).state == "verified"


def test_a_unit_never_opens_another_units_assignment(world, console_as):
    staff = console_as("staff")
    staff.post(f"{BASE}/{world['first']}/do/accept")
    staff.post(f"{BASE}/{world['first']}/do/assign", data={"mode": "lead", "lead_unit_id": world["unit"].id})
    assignment = Assignment.get(Assignment.suggestion == world["first"])
    other = console_as("unit_user", unit=world["other"])
    assert other.get(f"{BASE}/assignments/{assignment.id}").status_code == 404
    assert other.get(f"{BASE}/{world['first']}").status_code == 404
    assert 'data-testid="queue-row"' not in html(other.get(f"{BASE}/queue"))
    assert other.post(f"{BASE}/assignments/{assignment.id}/do/acknowledge").status_code == 404


def test_supervision_and_statistics(world, console_as):
    staff = console_as("staff")
    staff.post(f"{BASE}/{world['first']}/do/accept")
    flag = {"key": "on", "supervisor": "张副主任"}
    assert staff.post(f"{BASE}/{world['first']}/do/supervise", data=flag).status_code == 302
    staff.post(f"{BASE}/{world['first']}/progress", data={"body": "已召开协调会"})
    page = html(staff.get(f"{BASE}/{world['first']}"))
    assert "张副主任" in page and "已召开协调会" in page
    assert 'data-testid="suggestion-row"' in html(staff.get(f"{BASE}?key=true"))
    stats = html(staff.get(f"{BASE}/stats"))
    assert 'data-testid="delegation-row"' in stats and 'data-testid="stats-export"' in stats
    export = staff.get(f"{BASE}/stats/export")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")


def test_the_ranking_shows_a_units_feedback_stars(world, console_as):
    answered = dt.datetime(2026, 3, 2, 2, tzinfo=dt.timezone.utc)
    assignment = Assignment.create(suggestion=world["first"], unit=world["unit"], role="lead", state="answered",
                                   due_date=dt.date(2030, 1, 2), round=1, answer_category="A", answered_at=answered,
                                   on_time=True, assigned_at=answered)
    for _ in range(5):  # FEEDBACK_RANKING_MIN_ANSWERED answers, on time and satisfied: ★★★★★
        factories.answered_case(assignment.unit, answered, 1, "满意", due_date=dt.date(2026, 3, 5))
    row = html(console_as("staff").get(f"{BASE}/stats")).split('data-testid="rank-row"')[1]
    assert "市住房和城乡建设局" in row
    assert '<span class="hint" data-testid="feedback-stars">群众意见办理 ★★★★★</span>' in row
