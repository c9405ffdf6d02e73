"""Due dates on the working-day calendar (holidays, 调休), and the job that warns and escalates near due and
overdue answers and commitments through push to the unit's accounts and, escalated, the office."""
import datetime as dt

import pytest

from api.push.models import Delivery
from api.suggestions import services
from api.suggestions.deadlines import mark_deadlines
from api.suggestions.models import Assignment, Commitment
from tests.suggestions.conftest import URL
from tests.support import make_user

UTC = dt.timezone.utc


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(services, "utcnow", lambda: moment)
        return moment

    return set_now


def assign(staff, suggestion, unit):
    response = staff.post(f"{URL}/{suggestion.id}/assign", json={"mode": "lead", "lead_unit_id": unit.id})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["assignments"][0]


def test_three_months_in_working_days_leave_national_day_out(clock, make_suggestion, staff, unit):
    clock(dt.datetime(2026, 9, 1, 2, 0, tzinfo=UTC))  # Tuesday 10:00 in Shanghai
    body = assign(staff, make_suggestion("accepted"), unit)
    # 62 working days: weekends alone would end on 26 Nov; Mid-Autumn and National Day push it to 2 Dec.
    assert body["due_date"] == "2026-12-02"


def test_the_period_is_configurable_and_counts_the_make_up_saturday(app, clock, make_suggestion, staff, unit):
    app.config["SUGGESTION_ANSWER_DAYS"] = 5
    clock(dt.datetime(2026, 9, 30, 2, 0, tzinfo=UTC))  # Wednesday, the day before National Day
    # 1-7 Oct holiday; 8, 9 Oct; Saturday 10 Oct is a make-up workday (调休); 12, 13 Oct.
    assert assign(staff, make_suggestion("accepted"), unit)["due_date"] == "2026-10-13"


def test_near_due_warns_the_unit_and_overdue_escalates_to_the_office(make_suggestion, make_assignment, unit,
                                                                     other_unit):
    unit_users = [make_user("unit_user", unit=unit) for _ in range(2)]
    make_user("unit_user", unit=other_unit)  # another unit hears nothing
    office = make_user("staff")
    day = dt.date(2026, 11, 30)  # Monday
    suggestion = make_suggestion("assigned", rounds=1)
    late = make_assignment(suggestion, unit, due_date=dt.date(2026, 11, 27))
    near = make_assignment(make_suggestion("assigned", rounds=1), unit, due_date=dt.date(2026, 12, 4))
    far = make_assignment(make_suggestion("assigned", rounds=1), unit, due_date=dt.date(2027, 1, 29))
    done = make_assignment(make_suggestion("answered", rounds=1), unit, state="answered",
                           due_date=dt.date(2026, 11, 2))
    promise = Commitment.create(assignment=done, suggestion=done.suggestion, unit=unit, what="完成改造",
                                due_date=dt.date(2026, 11, 20), owner="王处长")

    counts = mark_deadlines(day)

    assert counts == {"suggestion_assignment": {"near": 1, "overdue": 1},
                      "suggestion_commitment": {"near": 0, "overdue": 1}}
    marks = {a.id: a.due_mark for a in Assignment.select()}
    assert (marks[late.id], marks[near.id], marks[far.id], marks[done.id]) == ("overdue", "near", None, None)
    sent = {(d.source_type, d.source_id, d.addressee_id) for d in Delivery.select()}
    unit_ids = {u.id for u in unit_users}
    assert {a for t, s, a in sent if (t, s) == ("suggestion_assignment", near.id)} == unit_ids
    assert {a for t, s, a in sent if (t, s) == ("suggestion_assignment", late.id)} == unit_ids | {office.id}
    assert {a for t, s, a in sent if (t, s) == ("suggestion_commitment", promise.id)} == unit_ids | {office.id}

    again = mark_deadlines(day)  # each mark once
    assert again["suggestion_assignment"] == {"near": 0, "overdue": 0}
    assert mark_deadlines(dt.date(2026, 12, 7))["suggestion_assignment"] == {"near": 0, "overdue": 1}
    assert Assignment.get_by_id(near.id).due_mark == "overdue"


def test_an_approved_extension_clears_the_mark_and_moves_the_date_in_working_days(make_suggestion, make_assignment,
                                                                                   unit, unit_client, staff):
    assignment = make_assignment(make_suggestion("assigned", rounds=1), unit, state="handling",
                                 due_date=dt.date(2026, 9, 30), due_mark="near")
    made = unit_client.post(f"{URL}/assignments/{assignment.id}/requests",
                            json={"kind": "extension", "days": 3, "reason": "需要调研"}).get_json()
    assert staff.post(f"{URL}/requests/{made['id']}/decision", json={"approve": True}).status_code == 200
    moved = Assignment.get_by_id(assignment.id)
    assert (moved.due_date, moved.due_mark) == (dt.date(2026, 10, 10), None)  # 8, 9 Oct and the make-up Saturday


def test_the_queue_puts_the_overdue_first(make_suggestion, make_assignment, unit, unit_client):
    later = make_assignment(make_suggestion("assigned", rounds=1), unit, due_date=dt.date(2030, 1, 2))
    late = make_assignment(make_suggestion("assigned", rounds=1), unit, due_date=dt.date(2020, 1, 2))
    body = unit_client.get(f"{URL}/assignments").get_json()
    assert [(a["id"], a["overdue"]) for a in body] == [(late.id, True), (later.id, False)]
    assert unit_client.get(f"{URL}/assignments/counts").get_json() == {"total": 2, "overdue": 1}
    assert [a["id"] for a in unit_client.get(f"{URL}/assignments", query_string={"overdue": "true"}).get_json()] == [
        late.id]
