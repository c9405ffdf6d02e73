"""Every move of the three workflows from every state: allowed ones answer 200 and write one history row
(by the caller); the rest answer 409 naming the current state and write nothing."""
import datetime as dt

import pytest

from api.suggestions.models import (
    ASSIGNMENT_LABELS,
    COMMITMENT_LABELS,
    STATE_LABELS,
    Assignment,
    Commitment,
    Suggestion,
)
from api.suggestions.workflow import COMMITMENT_FLOW
from tests.suggestions.conftest import URL, history
from tests.support import assert_error_shape

# action → (who, method, path, body, {allowed from: leads to})
SUGGESTION_ACTIONS = {
    "submit": ("author", "post", "submit", {"confirm_warnings": True}, {"draft": "submitted"}),
    "accept": ("staff", "post", "accept", None, {"submitted": "accepted"}),
    "reject": ("staff", "post", "reject", {"reason": "属于个人信访事项", "passed_to": "信访部门"},
               {"submitted": "rejected"}),
    "merge": ("staff", "post", "merge", "TARGET", {"submitted": "merged", "accepted": "merged"}),
    "assign": ("staff", "post", "assign", "UNIT", {"accepted": "assigned"}),
    "rate": ("author", "put", "rating", {"rating": "不满意", "comment": "未解决"}, {"answered": "rated"}),
    "rehandle": ("staff", "post", "rehandle", "UNIT", {"rated": "assigned"}),
}


@pytest.mark.parametrize("state", list(STATE_LABELS))
@pytest.mark.parametrize("action", list(SUGGESTION_ACTIONS))
def test_suggestion_move(state, action, make_suggestion, author, staff, unit):
    suggestion = make_suggestion(state, rating="不满意", rounds=1)
    who, method, path, body, allowed = SUGGESTION_ACTIONS[action]
    if body == "TARGET":
        body = {"into_id": make_suggestion("accepted").id}
    elif body == "UNIT":
        body = {"mode": "lead", "lead_unit_id": unit.id}
    client = {"author": author, "staff": staff}[who]
    before = history("suggestion", suggestion.id)

    response = getattr(client, method)(f"{URL}/{suggestion.id}/{path}", json=body)

    if state in allowed:
        assert response.status_code == 200, response.get_json()
        after = history("suggestion", suggestion.id)
        assert len(after) == len(before) + 1
        assert (after[-1]["from_state"], after[-1]["to_state"]) == (state, allowed[state])
        assert after[-1]["actor_id"] == client.user.id
        assert Suggestion.get_by_id(suggestion.id).state == allowed[state]
    else:
        body = assert_error_shape(response, 409)
        assert STATE_LABELS[state] in body["message"]
        assert history("suggestion", suggestion.id) == before
        assert Suggestion.get_by_id(suggestion.id).state == state


ASSIGNMENT_ACTIONS = {
    "acknowledge": ("lead", "acknowledge", None, {"pending": "handling"}),
    "answer": ("lead", "answer", {"category": "A", "text": "已完成改造。"}, {"handling": "answered"}),
    "opinion": ("co", "opinion", {"text": "同意主办单位意见。"}, {"handling": "opinion"}),
}


@pytest.mark.parametrize("state", list(ASSIGNMENT_LABELS))
@pytest.mark.parametrize("action", list(ASSIGNMENT_ACTIONS))
def test_assignment_move(state, action, make_suggestion, make_assignment, unit, unit_client):
    role, path, body, allowed = ASSIGNMENT_ACTIONS[action]
    suggestion = make_suggestion("assigned", rounds=1)
    assignment = make_assignment(suggestion, unit, role=role, state=state)
    before = history("suggestion_assignment", assignment.id)

    response = unit_client.post(f"{URL}/assignments/{assignment.id}/{path}", json=body)

    if state in allowed:
        assert response.status_code == 200, response.get_json()
        after = history("suggestion_assignment", assignment.id)
        assert (after[-1]["from_state"], after[-1]["to_state"], after[-1]["actor_id"]) == (
            state, allowed[state], unit_client.user.id)
        assert Assignment.get_by_id(assignment.id).state == allowed[state]
    elif state == "withdrawn":  # taken away from the unit: it no longer sees it at all
        assert_error_shape(response, 404)
    else:
        body = assert_error_shape(response, 409)
        assert ASSIGNMENT_LABELS[state] in body["message"]
        assert history("suggestion_assignment", assignment.id) == before


def test_a_co_unit_does_not_answer_and_a_lead_gives_no_opinion(make_suggestion, make_assignment, unit, unit_client):
    suggestion = make_suggestion("assigned", rounds=1)
    co = make_assignment(suggestion, unit, role="co", state="handling")
    body = assert_error_shape(unit_client.post(f"{URL}/assignments/{co.id}/answer",
                                               json={"category": "A", "text": "已办。"}), 409)
    assert "协办单位" in body["message"]
    other = make_suggestion("assigned", rounds=1)
    lead = make_assignment(other, unit, role="lead", state="handling")
    assert_error_shape(unit_client.post(f"{URL}/assignments/{lead.id}/opinion", json={"text": "意见"}), 409)


COMMITMENT_ACTIONS = {
    "report": ("unit", "report", {"evidence": "已完成招标并开工，附照片。"}, {"open": "reported"}),
    "verify": ("staff", "verify", None, {"reported": "verified"}),
    "send-back": ("staff", "send-back", {"reason": "佐证不足"}, {"reported": "open"}),
}


@pytest.mark.parametrize("state", list(COMMITMENT_LABELS))
@pytest.mark.parametrize("action", list(COMMITMENT_ACTIONS))
def test_commitment_move(state, action, make_suggestion, make_assignment, unit, unit_client, staff):
    who, path, body, allowed = COMMITMENT_ACTIONS[action]
    suggestion = make_suggestion("answered", rounds=1)
    assignment = make_assignment(suggestion, unit, state="answered", answer_category="B")
    commitment = Commitment.create(assignment=assignment, suggestion=suggestion, unit=unit, what="完成改造",
                                   due_date=dt.date(2030, 6, 30), owner="张科长", state=state)
    COMMITMENT_FLOW.start(commitment)
    client = {"unit": unit_client, "staff": staff}[who]
    before = history("suggestion_commitment", commitment.id)

    response = client.post(f"{URL}/commitments/{commitment.id}/{path}", json=body)

    if state in allowed:
        assert response.status_code == 200, response.get_json()
        after = history("suggestion_commitment", commitment.id)
        assert (after[-1]["from_state"], after[-1]["to_state"], after[-1]["actor_id"]) == (
            state, allowed[state], client.user.id)
    else:
        body = assert_error_shape(response, 409)
        assert COMMITMENT_LABELS[state] in body["message"]
        assert history("suggestion_commitment", commitment.id) == before


def test_the_wrong_party_cannot_move(make_suggestion, make_assignment, unit, other_unit_client, author, staff):
    suggestion = make_suggestion("assigned", rounds=1)
    assignment = make_assignment(suggestion, unit)
    # Another unit does not even see it; the office and the deputy are not the unit.
    assert_error_shape(other_unit_client.post(f"{URL}/assignments/{assignment.id}/acknowledge"), 404)
    assert_error_shape(staff.post(f"{URL}/assignments/{assignment.id}/acknowledge"), 403)
    assert_error_shape(author.post(f"{URL}/assignments/{assignment.id}/acknowledge"), 403)
    assert_error_shape(author.post(f"{URL}/{suggestion.id}/accept"), 403)
