"""The similar-case index follows the cases: indexed on arrival, out when finished, back when reopened;
suggestions are the same station's open cases, most alike first, and only what the caller may see."""
from api.common.identity.principal import Principal
from api.common.queue import run_pending
from api.common.similarity import SimilarityDocument
from api.extensions import huey
from api.feedback import services, similar
from api.feedback.models import FeedbackCase
from api.jobs.models import OutboxJob
from tests import factories
from tests.feedback.conftest import URL

LAMP = "小区门口路灯坏了一个多月，晚上出行很不安全，希望尽快修复。"
LAMP_AGAIN = "小区门口的路灯一直不亮，晚上出行不安全，老人容易摔倒。"
NOISE = "楼下广场舞音乐声音太大，晚上十点以后还在跳，影响休息。"


def indexed(case_id):
    return SimilarityDocument.select().where(SimilarityDocument.kind == "feedback",
                                             SimilarityDocument.key == case_id).exists()


def test_a_submitted_case_is_indexed_by_its_queued_job(constituent, submit):
    response = submit(constituent(), content=LAMP)
    case_id = response.get_json()["id"]
    assert response.status_code == 201 and not indexed(case_id)  # not in the request: a job in its transaction
    assert OutboxJob.select().where(OutboxJob.task_name.contains("index_new_case")).count() == 1
    assert run_pending(huey) == 1
    assert indexed(case_id)


def test_finished_cases_leave_the_index_and_a_reopened_one_returns(staff, make_case, constituent):
    cases = {name: make_case("accepted", content=LAMP) for name in ("reject", "close", "merge", "target")}
    for case in cases.values():
        similar.index_case(case)
    staff.post(f"{URL}/cases/{cases['reject'].id}/reject", json={"reason": "重复"})
    staff.post(f"{URL}/cases/{cases['close'].id}/close", json={"reply": "已修复"})
    staff.post(f"{URL}/cases/{cases['merge'].id}/merge", json={"into_id": cases["target"].id})
    assert [indexed(case.id) for case in cases.values()] == [False, False, False, True]
    owner = constituent()
    FeedbackCase.update(submitter=owner.user).where(FeedbackCase.id == cases["close"].id).execute()
    rating = {"rating": "不满意", "reopen": True, "reason": "没修好"}
    assert owner.put(f"{URL}/my-cases/{cases['close'].id}/rating", json=rating).status_code == 200
    assert indexed(cases["close"].id)


def test_suggestions_are_the_stations_open_cases_most_alike(make_case, station):
    case, twin, other_topic = (make_case(content=text) for text in (LAMP, LAMP_AGAIN, NOISE))
    elsewhere = make_case(content=LAMP, station=factories.station())
    closed = make_case("closed", content=LAMP)
    for row in (case, twin, other_topic, elsewhere, closed):
        similar.index_case(row)
    staff = Principal(user_id=1, role="station_staff", session_id="s", station_ids=(station.id,))
    found = services.similar_open_cases(case, staff)
    assert [row.id for row in found][:1] == [twin.id]
    assert elsewhere.id not in [row.id for row in found] and closed.id not in [row.id for row in found]
    assert case.id not in [row.id for row in found] and 0 < found[0].score <= 1
    stranger = Principal(user_id=2, role="station_staff", session_id="s", station_ids=(0,))
    assert services.similar_open_cases(case, stranger) == []


def test_the_index_is_rebuilt_from_the_open_cases(make_case):
    open_case, finished = make_case(content=LAMP), make_case("rejected", content=LAMP_AGAIN)
    assert similar.reindex_open_cases() == 1
    assert indexed(open_case.id) and not indexed(finished.id)
