"""Every move from every state: allowed ones answer 200 and write their history row; the rest 409 and write none."""
import datetime as dt

import pytest

from api.feedback.models import STATE_LABELS, FeedbackCase
from tests.feedback.conftest import URL, history
from tests.support import assert_error_shape

# action → (who, path, body, {state it is allowed from: state it leads to})
ACTIONS = {
    "release": ("staff", "release", None, {"review": "submitted"}),
    "accept": ("staff", "accept", None, {"submitted": "accepted"}),
    "reject": ("staff", "reject", {"reason": "不属于人大代表联络站受理范围"},
               {"review": "rejected", "submitted": "rejected", "accepted": "rejected"}),
    "merge": ("staff", "merge", "TARGET", {"submitted": "merged", "accepted": "merged"}),
    "forward": ("staff", "forward", "UNIT", {"accepted": "forwarded"}),
    "close": ("staff", "close", {"reply": "已协调修复。"}, {"accepted": "closed", "answered": "closed"}),
    "answer": ("unit", "answer", {"answer": "已安排维修。"}, {"forwarded": "answered"}),
    "return": ("unit", "return", {"reason": "不属本单位职责"}, {"forwarded": "accepted"}),
    "rate": ("owner", "rating", {"rating": "满意"}, {"closed": "rated"}),
    "reopen": ("owner", "reopen", {"reason": "路灯仍未修好"}, {"rated": "accepted"}),
}


@pytest.mark.parametrize("state", list(STATE_LABELS))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_move(state, action, make_case, staff, unit_client, unit, constituent):
    owner = constituent()
    case = make_case(state, unit=unit, due_date=dt.date(2030, 1, 2), rating="不满意", submitter=owner.user,
                     answer="单位答复")
    who, path, body, allowed = ACTIONS[action]
    if body == "TARGET":
        body = {"into_id": make_case("accepted").id}
    elif body == "UNIT":
        body = {"unit_id": unit.id, "days": 5}
    client = {"staff": staff, "unit": unit_client, "owner": owner}[who]
    base = f"{URL}/my-cases/{case.id}" if who == "owner" else f"{URL}/cases/{case.id}"
    send = client.put if action == "rate" else client.post
    before = history(case.id)

    response = send(f"{base}/{path}", json=body)

    if state in allowed:
        assert response.status_code == 200, response.get_json()
        after = history(case.id)
        assert len(after) == len(before) + 1
        assert (after[-1]["from_state"], after[-1]["to_state"]) == (state, allowed[state])
        assert after[-1]["actor_id"] == client.user.id
        assert FeedbackCase.get_by_id(case.id).state == allowed[state]
    else:
        body = assert_error_shape(response, 409)
        assert STATE_LABELS[state] in body["message"]
        assert history(case.id) == before
        assert FeedbackCase.get_by_id(case.id).state == state


def test_reasons_are_kept_on_the_history_row(make_case, staff):
    case = make_case("submitted")
    staff.post(f"{URL}/cases/{case.id}/reject", json={"reason": "重复反映"})
    assert history(case.id)[-1]["reason"] == "重复反映"
    assert FeedbackCase.get_by_id(case.id).rejection_reason == "重复反映"


def test_merge_needs_an_open_case_of_the_same_station(make_case, staff):
    from tests import factories

    case = make_case("submitted")
    assert_error_shape(staff.post(f"{URL}/cases/{case.id}/merge", json={"into_id": case.id}), 422)
    elsewhere = make_case("accepted", station=factories.station())
    assert_error_shape(staff.post(f"{URL}/cases/{case.id}/merge", json={"into_id": elsewhere.id}), 422)
    closed = make_case("closed")
    assert_error_shape(staff.post(f"{URL}/cases/{case.id}/merge", json={"into_id": closed.id}), 409)
    target = make_case("forwarded")
    assert staff.post(f"{URL}/cases/{case.id}/merge", json={"into_id": target.id}).status_code == 200
    assert history(case.id)[-1]["payload"] == {"into_id": target.id}


def test_a_forwarded_case_is_not_forwarded_again(make_case, staff, unit):
    case = make_case("forwarded", unit=unit, due_date=dt.date(2030, 1, 2))
    assert_error_shape(staff.post(f"{URL}/cases/{case.id}/forward", json={"unit_id": unit.id}), 409)


def test_closing_an_accepted_case_needs_a_reply(make_case, staff):
    case = make_case("accepted")
    assert_error_shape(staff.post(f"{URL}/cases/{case.id}/close", json={}), 422)


def test_forwarding_to_an_unknown_unit_is_422(make_case, staff):
    case = make_case("accepted")
    assert "unit_id" in assert_error_shape(
        staff.post(f"{URL}/cases/{case.id}/forward", json={"unit_id": 999999}), 422)["errors"]


@pytest.mark.parametrize("action", ["accept", "reject", "forward", "close", "merge", "release"])
def test_deputies_and_units_never_decide(login_as, make_case, unit, action):
    from tests import factories

    case = make_case("submitted")
    deputy = login_as("deputy", deputy=factories.deputy(stations=[case.station]))
    assert_error_shape(deputy.post(f"{URL}/cases/{case.id}/{action}", json={}), 403)
    assert_error_shape(login_as("unit_user", unit=unit).post(f"{URL}/cases/{case.id}/{action}", json={}), 403)


def test_staff_of_another_station_cannot_see_or_move_a_case(login_as, make_case):
    from tests import factories

    case = make_case("submitted")
    other = login_as("station_staff", stations=[factories.station()])
    assert_error_shape(other.post(f"{URL}/cases/{case.id}/accept"), 404)
    assert_error_shape(other.get(f"{URL}/cases/{case.id}"), 404)
