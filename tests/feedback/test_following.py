"""Following a case: the public tracking view, my cases, rating and the reopen-once rule."""
import pytest

from api.feedback.models import FeedbackCase
from tests.feedback.conftest import URL, history
from tests.support import assert_error_shape


def test_the_tracking_view_shows_status_and_answer_only(client, constituent, submit, staff, unit, unit_client):
    owner = constituent()
    receipt = submit(owner, name="李四", phone="13900139000", consent=True, consent_version="2026-11").get_json()
    code = receipt["tracking_code"]
    case_id = receipt["id"]
    staff.post(f"{URL}/cases/{case_id}/accept")
    staff.post(f"{URL}/cases/{case_id}/forward", json={"unit_id": unit.id})
    unit_client.post(f"{URL}/cases/{case_id}/answer", json={"answer": "路灯已于本周修复。"})
    staff.post(f"{URL}/cases/{case_id}/close", json={})

    response = client.get(f"{URL}/track/{code.lower()[:4]}-{code.lower()[4:]}")  # typed by a person
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "closed" and body["reply"] == "路灯已于本周修复。"
    assert [s["state"] for s in body["steps"]] == ["submitted", "accepted", "forwarded", "answered", "closed"]
    text = response.get_data(as_text=True)
    for secret in ("李四", "13900139000", "李*", "139****9000", "路灯坏了", "content", "actor", str(unit.name)):
        assert secret not in text


def test_the_reply_is_shown_only_once_closed(client, make_case):
    case = make_case("answered", answer="内部答复草稿", reply=None)
    assert client.get(f"{URL}/track/{case.tracking_code}").get_json()["reply"] is None


def test_a_rejected_case_tells_why_and_a_merged_one_follows_its_target(client, make_case):
    rejected = make_case("rejected", rejection_reason="属于诉讼程序，请依法起诉")
    body = client.get(f"{URL}/track/{rejected.tracking_code}").get_json()
    assert body["rejection_reason"] == "属于诉讼程序，请依法起诉"
    target = make_case("closed", reply="已统一答复")
    merged = make_case("merged", merged_into=target)
    assert client.get(f"{URL}/track/{merged.tracking_code}").get_json()["reply"] == "已统一答复"


@pytest.mark.parametrize("code", ["ABCDEFGH23", "not-a-code", "0000000000"])
def test_unknown_codes_are_404(client, code):
    assert_error_shape(client.get(f"{URL}/track/{code}"), 404)


def test_my_cases_are_mine_only(constituent, submit):
    me, other = constituent(), constituent()
    mine = submit(me).get_json()["id"]
    theirs = submit(other).get_json()["id"]
    assert [c["id"] for c in me.get(f"{URL}/my-cases").get_json()] == [mine]
    assert me.get(f"{URL}/my-cases/{mine}").get_json()["content"]
    assert_error_shape(me.get(f"{URL}/my-cases/{theirs}"), 404)
    assert_error_shape(me.put(f"{URL}/my-cases/{theirs}/rating", json={"rating": "满意"}), 404)


def test_rating_a_closed_case(constituent, make_case):
    owner = constituent()
    case = make_case("closed", submitter=owner.user, reply="已修复")
    assert owner.get(f"{URL}/my-cases/{case.id}").get_json()["can_rate"] is True
    rating = {"rating": "基本满意", "comment": "修得有点慢"}
    body = owner.put(f"{URL}/my-cases/{case.id}/rating", json=rating).get_json()
    assert (body["state"], body["rating"], body["rating_comment"]) == ("rated", "基本满意", "修得有点慢")
    assert body["can_rate"] is False
    assert_error_shape(owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "满意"}), 409)
    assert_error_shape(owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "很好"}), 422)


def test_unsatisfied_reopens_once_with_a_reason(constituent, make_case, staff):
    owner = constituent()
    case = make_case("closed", submitter=owner.user, reply="已修复")
    no_reason = owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "不满意", "reopen": True})
    assert "reason" in assert_error_shape(no_reason, 422)["errors"]
    satisfied = owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "满意", "reopen": True, "reason": "x"})
    assert "reopen" in assert_error_shape(satisfied, 422)["errors"]

    body = owner.put(f"{URL}/my-cases/{case.id}/rating",
                     json={"rating": "不满意", "reopen": True, "reason": "路灯仍然不亮"}).get_json()
    assert body["state"] == "accepted"
    rows = history(case.id)
    assert [(r["from_state"], r["to_state"]) for r in rows[-2:]] == [("closed", "rated"), ("rated", "accepted")]
    assert rows[-1]["reason"] == "路灯仍然不亮"

    # Handled again, closed again, still unsatisfied: no second reopening.
    staff.post(f"{URL}/cases/{case.id}/close", json={"reply": "已更换灯具"})
    body = owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "不满意"}).get_json()
    assert (body["state"], body["can_reopen"]) == ("rated", False)
    refused = owner.post(f"{URL}/my-cases/{case.id}/reopen", json={"reason": "还是不亮"})
    assert "重新办理过一次" in assert_error_shape(refused, 409)["message"]
    again = owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "不满意", "reopen": True, "reason": "x"})
    assert_error_shape(again, 409)
    assert FeedbackCase.get_by_id(case.id).reopen_count == 1


def test_reopen_later_after_an_unsatisfied_rating(constituent, make_case):
    owner = constituent()
    case = make_case("closed", submitter=owner.user, reply="已修复")
    assert owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "不满意"}).get_json()["can_reopen"] is True
    assert owner.post(f"{URL}/my-cases/{case.id}/reopen", json={"reason": "没修好"}).get_json()["state"] == "accepted"


def test_a_satisfied_rating_cannot_reopen(constituent, make_case):
    owner = constituent()
    case = make_case("closed", submitter=owner.user, reply="已修复")
    owner.put(f"{URL}/my-cases/{case.id}/rating", json={"rating": "满意"})
    assert_error_shape(owner.post(f"{URL}/my-cases/{case.id}/reopen", json={"reason": "改主意了"}), 409)
