"""GET /feedback/cases/<id>/similar: the station's staff ask for a case's likely duplicates over HTTP."""
import pytest

from api.common.queue import run_pending
from api.extensions import huey
from tests import factories
from tests.feedback.conftest import URL
from tests.support import assert_error_shape

LAMP = "幸福小区3号楼门口的路灯坏了一个多月，晚上出门很黑，老人摔倒过。"
LAMP_AGAIN = "幸福小区3号楼路灯坏了很久没人修，晚上出门很黑不安全。"
SCHOOL = "实验小学门口早高峰接送孩子的车堵成一团，希望增加交通协管员。"


def similar_ids(client, case_id):
    response = client.get(f"{URL}/cases/{case_id}/similar")
    assert response.status_code == 200, response.get_json()
    return [c["id"] for c in response.get_json()]


@pytest.fixture
def cases(constituent, submit):
    """Three cases at the station, each from its own constituent: two about the same lamp; the worker
    has run intake's indexing jobs."""
    ids = submit_three(constituent, submit)
    assert run_pending(huey) == 3
    return ids


def submit_three(constituent, submit):
    return [submit(constituent(), content=text).get_json()["id"] for text in (LAMP, SCHOOL, LAMP_AGAIN)]


def test_a_new_case_is_indexed_by_the_worker_not_the_request(staff, constituent, submit):
    lamp, _, again = submit_three(constituent, submit)
    assert similar_ids(staff, again) == []  # the request only recorded the job
    assert run_pending(huey) == 3
    assert similar_ids(staff, again)[:1] == [lamp]


def test_the_indexing_job_is_safe_to_repeat(staff, cases):
    from api.feedback.tasks import index_new_case

    lamp, _, again = cases
    before = staff.get(f"{URL}/cases/{again}/similar").get_json()
    index_new_case.call_local(lamp)  # a retry, or a job requeued after a worker's shutdown
    index_new_case.call_local(again)
    assert staff.get(f"{URL}/cases/{again}/similar").get_json() == before


def test_a_case_finished_before_its_job_runs_is_not_indexed(staff, constituent, submit):
    lamp, _, again = submit_three(constituent, submit)
    assert staff.post(f"{URL}/cases/{lamp}/reject", json={"reason": "重复反映。"}).status_code == 200
    run_pending(huey)
    assert lamp not in similar_ids(staff, again)


def test_the_duplicate_comes_first(staff, cases):
    lamp, school, again = cases
    found = staff.get(f"{URL}/cases/{again}/similar").get_json()
    assert [c["id"] for c in found][:1] == [lamp]
    assert again not in [c["id"] for c in found]  # never the case itself
    assert 0 < found[0]["score"] <= 1
    assert found[0]["score"] > next((c["score"] for c in found if c["id"] == school), 0.0)
    assert found[0]["state"] == "submitted" and found[0]["station"]["id"]


@pytest.mark.parametrize("move", ["reject", "close", "merge"])
def test_finished_cases_are_not_suggested(staff, cases, move):
    lamp, school, again = cases
    if move == "reject":
        assert staff.post(f"{URL}/cases/{lamp}/reject", json={"reason": "重复反映。"}).status_code == 200
    elif move == "close":
        staff.post(f"{URL}/cases/{lamp}/accept")
        assert staff.post(f"{URL}/cases/{lamp}/close", json={"reply": "已修复。"}).status_code == 200
    else:
        assert staff.post(f"{URL}/cases/{lamp}/merge", json={"into_id": school}).status_code == 200
    assert lamp not in similar_ids(staff, again)


def test_only_the_same_station(login_as, constituent, submit, staff, cases):
    lamp, _, again = cases
    elsewhere = factories.station()
    far = submit(constituent(), station_id=elsewhere.id, content=LAMP).get_json()["id"]
    assert far not in similar_ids(staff, again)
    assert lamp not in similar_ids(login_as("station_staff", stations=[elsewhere]), far)


@pytest.mark.parametrize("role", ["deputy", "unit_user", "staff"])
def test_only_station_staff_ask(login_as, cases, role):
    assert_error_shape(login_as(role).get(f"{URL}/cases/{cases[0]}/similar"), 403)


def test_another_stations_staff_see_nothing(login_as, cases):
    assert_error_shape(login_as("station_staff", stations=[factories.station()]).get(
        f"{URL}/cases/{cases[0]}/similar"), 404)
