"""Handling end to end through the API: co-units' opinions before the lead answers, B answers with
commitments through to verification, the one re-handling after 不满意, requests, publication."""
import datetime as dt

from api.common.events import PerformanceEvent
from api.suggestions.models import Assignment, Suggestion
from tests import factories
from tests.suggestions.conftest import URL, history, submitted
from tests.support import assert_error_shape

AS, CM = f"{URL}/assignments", f"{URL}/commitments"


def assign(staff, sid, **body):
    assert staff.post(f"{URL}/{sid}/accept").status_code == 200
    response = staff.post(f"{URL}/{sid}/assign", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_co_units_give_opinions_before_the_lead_answers(author, staff, unit, unit_client, other_unit,
                                                       other_unit_client):
    sid = submitted(author)
    body = assign(staff, sid, mode="lead", lead_unit_id=unit.id, co_unit_ids=[other_unit.id])
    lead, co = ({a["role"]: a["id"] for a in body["assignments"]}[r] for r in ("lead", "co"))
    for client, aid in ((unit_client, lead), (other_unit_client, co)):
        assert client.post(f"{AS}/{aid}/acknowledge").status_code == 200
    answer = {"category": "A", "text": "已完成加装电梯审批流程改革。"}
    refused = assert_error_shape(unit_client.post(f"{AS}/{lead}/answer", json=answer), 409)
    assert other_unit.name in refused["message"]
    assert other_unit_client.post(f"{AS}/{co}/opinion", json={"text": "补贴资金由财政保障。"}).status_code == 200
    # The lead sees the co-unit's opinion; the co-unit does not see the lead's part.
    seen = unit_client.get(f"{AS}/{lead}").get_json()["co_opinions"]
    assert [o["opinion"] for o in seen] == ["补贴资金由财政保障。"]
    assert other_unit_client.get(f"{AS}/{co}").get_json()["co_opinions"] == []
    assert {a["role"] for a in other_unit_client.get(f"{URL}/{sid}").get_json()["assignments"]} == {"co"}
    assert unit_client.post(f"{AS}/{lead}/answer", json=answer).status_code == 200
    assert Suggestion.get_by_id(sid).state == "answered"


def test_separate_units_each_answer_before_the_suggestion_is_answered(author, staff, unit, unit_client, other_unit,
                                                                      other_unit_client):
    sid = submitted(author)
    body = assign(staff, sid, mode="separate", unit_ids=[unit.id, other_unit.id])
    ids = {a["unit"]["id"]: a["id"] for a in body["assignments"]}
    for client, aid in ((unit_client, ids[unit.id]), (other_unit_client, ids[other_unit.id])):
        client.post(f"{AS}/{aid}/acknowledge")
        assert client.post(f"{AS}/{aid}/answer", json={"category": "C", "text": "暂无条件。"}).status_code == 200
        expected = "answered" if client is other_unit_client else "assigned"
        assert Suggestion.get_by_id(sid).state == expected


def test_a_b_answer_needs_commitments_which_run_to_verification(author, staff, unit, unit_client):
    sid = submitted(author)
    aid = assign(staff, sid, mode="lead", lead_unit_id=unit.id)["assignments"][0]["id"]
    unit_client.post(f"{AS}/{aid}/acknowledge")
    assert_error_shape(unit_client.post(f"{AS}/{aid}/answer", json={"category": "B", "text": "列入计划。"}), 422)
    promise = {"what": "出台加装电梯补贴新标准", "due_date": "2030-06-30", "owner": "城建处王处长"}
    assert_error_shape(unit_client.post(f"{AS}/{aid}/answer",
                                        json={"category": "A", "text": "已办。", "commitments": [promise]}), 422)
    answered = unit_client.post(f"{AS}/{aid}/answer",
                                json={"category": "B", "text": "已列入明年计划。", "commitments": [promise]})
    assert answered.status_code == 200, answered.get_json()
    ledger = author.get(f"{URL}/commitments").get_json()
    assert [(c["what"], c["state"], c["owner"]) for c in ledger] == [(promise["what"], "open", promise["owner"])]
    cid = ledger[0]["id"]
    assert unit_client.post(f"{CM}/{cid}/report", json={"evidence": "新标准已印发，附文件。"}).status_code == 200
    assert staff.post(f"{CM}/{cid}/send-back", json={"reason": "请附正式文件"}).status_code == 200
    assert unit_client.post(f"{CM}/{cid}/report", json={"evidence": "附正式文件。"}).status_code == 200
    verified = staff.post(f"{CM}/{cid}/verify").get_json()
    assert verified["state"] == "verified" and verified["on_time"] is True
    moves = [(h["from_state"], h["to_state"]) for h in history("suggestion_commitment", cid)]
    assert moves == [(None, "open"), ("open", "reported"), ("reported", "open"), ("open", "reported"),
                     ("reported", "verified")]


def test_one_rehandling_after_unsatisfied(author, staff, unit, unit_client, other_unit, other_unit_client):
    sid = submitted(author)
    aid = assign(staff, sid, mode="lead", lead_unit_id=unit.id)["assignments"][0]["id"]
    unit_client.post(f"{AS}/{aid}/acknowledge")
    unit_client.post(f"{AS}/{aid}/answer", json={"category": "C", "text": "暂无条件解决。"})
    assert author.put(f"{URL}/{sid}/rating", json={"rating": "不满意", "comment": "理由不充分"}).status_code == 200
    event = PerformanceEvent.get(PerformanceEvent.kind == "suggestion.rate")
    assert event.payload["title"] and event.payload["rating"] == "不满意"
    # Re-handled by another unit, in round 2; the first unit's answer stays on record.
    again = staff.post(f"{URL}/{sid}/rehandle", json={"mode": "lead", "lead_unit_id": other_unit.id})
    assert again.status_code == 200, again.get_json()
    body = again.get_json()
    assert body["state"] == "assigned" and body["rounds"] == 2 and body["first_rating"] == "不满意"
    second = next(a["id"] for a in body["assignments"] if a["round"] == 2)
    other_unit_client.post(f"{AS}/{second}/acknowledge")
    other_unit_client.post(f"{AS}/{second}/answer", json={"category": "A", "text": "已解决。"})
    assert author.put(f"{URL}/{sid}/rating", json={"rating": "不满意"}).status_code == 200
    refused = assert_error_shape(staff.post(f"{URL}/{sid}/rehandle", json={"mode": "lead", "lead_unit_id": unit.id}),
                                 409)
    assert "一次" in refused["message"]
    # A satisfied rating is not re-handled at all.
    sid2 = submitted(author, title="关于加快城区老旧管网改造的建议")
    aid2 = assign(staff, sid2, mode="lead", lead_unit_id=unit.id)["assignments"][0]["id"]
    unit_client.post(f"{AS}/{aid2}/acknowledge")
    unit_client.post(f"{AS}/{aid2}/answer", json={"category": "A", "text": "已解决。"})
    author.put(f"{URL}/{sid2}/rating", json={"rating": "满意"})
    assert_error_shape(staff.post(f"{URL}/{sid2}/rehandle", json={"mode": "lead", "lead_unit_id": unit.id}), 409)


def test_extension_and_reassignment_requests(author, staff, unit, unit_client, other_unit, other_unit_client):
    sid = submitted(author)
    first = assign(staff, sid, mode="lead", lead_unit_id=unit.id)["assignments"][0]
    aid, due = first["id"], dt.date.fromisoformat(first["due_date"])
    assert_error_shape(unit_client.post(f"{AS}/{aid}/requests", json={"kind": "extension", "reason": "需调研"}),
                       422)
    made = unit_client.post(f"{AS}/{aid}/requests", json={"kind": "extension", "days": 10, "reason": "需调研"})
    assert made.status_code == 201
    assert_error_shape(unit_client.post(f"{AS}/{aid}/requests", json={"kind": "reassign", "reason": "非本单位职责"}),
                       409)
    assert staff.post(f"{URL}/requests/{made.get_json()['id']}/decision", json={"approve": True}).status_code == 200
    assert Assignment.get_by_id(aid).due_date > due
    moved = unit_client.post(f"{AS}/{aid}/requests", json={"kind": "reassign", "reason": "非本单位职责"})
    rid = moved.get_json()["id"]
    assert_error_shape(staff.post(f"{URL}/requests/{rid}/decision", json={"approve": True}), 422)
    decided = staff.post(f"{URL}/requests/{rid}/decision", json={"approve": True, "unit_id": other_unit.id})
    assert decided.status_code == 200
    assert Assignment.get_by_id(aid).state == "withdrawn"
    assert_error_shape(unit_client.get(f"{URL}/{sid}"), 404)  # no longer the first unit's
    queue = other_unit_client.get(f"{URL}/assignments").get_json()
    assert [(q["suggestion"]["id"], q["role"]) for q in queue] == [(sid, "lead")]
    assert_error_shape(staff.post(f"{URL}/requests/{rid}/decision", json={"approve": False}), 409)


def test_publication_needs_the_deputys_consent(author, staff, unit, unit_client, login_as):
    sid = submitted(author)
    aid = assign(staff, sid, mode="lead", lead_unit_id=unit.id)["assignments"][0]["id"]
    unit_client.post(f"{AS}/{aid}/acknowledge")
    unit_client.post(f"{AS}/{aid}/answer", json={"category": "A", "text": "加装电梯补贴已提高。"})
    body = assert_error_shape(unit_client.post(f"{AS}/{aid}/publish"), 409)
    assert "同意" in body["message"]
    author.put(f"{URL}/{sid}/consent", json={"consent": False})
    assert_error_shape(unit_client.post(f"{AS}/{aid}/publish"), 409)
    consented = author.put(f"{URL}/{sid}/consent", json={"consent": True}).get_json()
    assert consented["publish_consent"] is True and consented["consent_at"]
    assert unit_client.post(f"{AS}/{aid}/publish").get_json()["published"] is True
    reader = login_as("deputy", deputy=factories.deputy())
    found = reader.get(f"{URL}/public", query_string={"q": "电梯"}).get_json()
    assert [f["suggestion"]["id"] for f in found] == [sid] and found[0]["answer"] == "加装电梯补贴已提高。"
    assert reader.get(f"{URL}/public", query_string={"q": "公交"}).get_json() == []
    searched = reader.get("/api/v1/search", query_string={"q": "电梯补贴", "kind": "answer"}).get_json()
    assert [(i["key"], i["title"]) for i in searched["items"]] == [(aid, "关于加快老旧小区加装电梯的建议")]
    # Withdrawn consent takes it down, from the one search too.
    author.put(f"{URL}/{sid}/consent", json={"consent": False})
    assert reader.get(f"{URL}/public").get_json() == []
    assert reader.get("/api/v1/search", query_string={"q": "电梯补贴"}).get_json()["total"] == 0


def test_contacts_and_supervision(author, staff, unit, unit_client):
    sid = submitted(author)
    aid = assign(staff, sid, mode="lead", lead_unit_id=unit.id)["assignments"][0]["id"]
    contact = {"stage": "before", "contacted_at": "2026-11-02T02:00:00Z", "contact_person": "李科长",
               "method": "面谈", "note": "听取代表对补贴标准的意见。"}
    assert unit_client.post(f"{AS}/{aid}/contacts", json=contact).status_code == 201
    assert [c["stage"] for c in author.get(f"{AS}/{aid}/contacts").get_json()] == ["before"]
    assert_error_shape(staff.post(f"{URL}/{sid}/progress", json={"body": "进展"}), 409)  # not a key suggestion yet
    assert_error_shape(staff.put(f"{URL}/{sid}/supervision", json={"key": True}), 422)
    flagged = staff.put(f"{URL}/{sid}/supervision", json={"key": True, "supervisor": "张副主任"}).get_json()
    assert flagged["key"] and flagged["supervisor"] == "张副主任"
    assert unit_client.post(f"{URL}/{sid}/progress", json={"body": "已完成调研。"}).status_code == 201
    assert [p["body"] for p in author.get(f"{URL}/{sid}/progress").get_json()] == ["已完成调研。"]
    assert [s["id"] for s in staff.get(URL, query_string={"key": "true"}).get_json()] == [sid]
