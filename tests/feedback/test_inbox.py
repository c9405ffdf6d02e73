"""The station inbox: filters, search, comments and proposals, the timeline, what the console may offer."""
import datetime as dt
import json

import pytest

from api.feedback.deadlines import erase_personal_data
from api.feedback.models import FeedbackCase
from tests import factories
from tests.feedback.conftest import URL
from tests.support import assert_error_shape

UTC = dt.timezone.utc


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [c["id"] for c in response.get_json()]


def test_filters_and_search(make_case, staff, unit):
    road = make_case("submitted", category="交通出行", content="公交站台的雨棚漏雨，候车的老人淋雨。")
    school = make_case("accepted", category="教育", content="学校门口早高峰拥堵，希望增加交通协管。")
    handled = make_case("forwarded", category="交通出行", unit=unit, due_date=dt.date(2030, 1, 2))
    FeedbackCase.update(created_at=dt.datetime(2026, 1, 5, 3, tzinfo=UTC)).where(FeedbackCase.id == road.id).execute()

    assert ids(staff.get(f"{URL}/cases?category=交通出行")) == [handled.id, road.id]
    assert ids(staff.get(f"{URL}/cases?state=submitted&state=accepted")) == [school.id, road.id]
    assert ids(staff.get(f"{URL}/cases?q=雨棚")) == [road.id]
    assert ids(staff.get(f"{URL}/cases?q=交通")) == [school.id]  # content, not category
    assert ids(staff.get(f"{URL}/cases?created_from=2026-01-05&created_to=2026-01-05")) == [road.id]
    assert ids(staff.get(f"{URL}/cases?created_to=2026-01-04")) == []
    assert ids(staff.get(f"{URL}/cases?unit_id={unit.id}")) == [handled.id]
    assert ids(staff.get(f"{URL}/cases?station_id={road.station_id}")) == [handled.id, school.id, road.id]
    assert_error_shape(staff.get(f"{URL}/cases?state=bogus"), 422)
    assert staff.get(f"{URL}/cases?page_size=1").headers["X-Pagination"]


def test_office_sees_every_station(login_as, make_case):
    make_case("submitted")
    make_case("submitted", station=factories.station())
    assert len(ids(login_as("staff").get(f"{URL}/cases"))) == 2


def test_deputies_comment_and_propose(login_as, make_case, staff):
    case = make_case("accepted")
    deputy = login_as("deputy", deputy=factories.deputy(stations=[case.station]))
    posted = deputy.post(f"{URL}/cases/{case.id}/comments", json={"body": "建议转市城管委。", "kind": "proposal"})
    assert posted.status_code == 201 and posted.get_json()["author_role"] == "deputy"
    staff.post(f"{URL}/cases/{case.id}/comments", json={"body": "已电话联系群众。"})
    listed = staff.get(f"{URL}/cases/{case.id}/comments").get_json()
    assert [(c["kind"], c["body"]) for c in listed] == [
        ("proposal", "建议转市城管委。"), ("comment", "已电话联系群众。")]
    assert listed[0]["author_name"] == deputy.user.display_name
    detail = deputy.get(f"{URL}/cases/{case.id}").get_json()
    assert detail["actions"] == ["comment"]


def test_a_deputy_of_another_station_sees_nothing(login_as, make_case):
    case = make_case("accepted")
    outsider = login_as("deputy", deputy=factories.deputy(stations=[factories.station()]))
    assert_error_shape(outsider.post(f"{URL}/cases/{case.id}/comments", json={"body": "x"}), 404)
    assert ids(outsider.get(f"{URL}/cases")) == []


@pytest.mark.parametrize("state, expected", [
    ("review", ["release", "reject", "comment"]),
    ("submitted", ["accept", "reject", "merge", "comment"]),
    ("accepted", ["reject", "merge", "forward", "close", "comment"]),
    ("answered", ["close", "comment"]),
])
def test_actions_follow_the_workflow(make_case, staff, state, expected):
    case = make_case(state)
    assert sorted(staff.get(f"{URL}/cases/{case.id}").get_json()["actions"]) == sorted(expected)


def test_the_units_actions(make_case, unit, unit_client):
    case = make_case("forwarded", unit=unit, due_date=dt.date(2030, 1, 2), name="赵六", consent_version="2026-11")
    assert sorted(unit_client.get(f"{URL}/cases/{case.id}").get_json()["actions"]) == [
        "answer", "contact", "extend", "return"]


def test_the_timeline_names_who_moved_it(make_case, staff):
    case = make_case("submitted")
    staff.post(f"{URL}/cases/{case.id}/accept")
    rows = staff.get(f"{URL}/cases/{case.id}/timeline").get_json()
    assert [(r["to_label"], r["actor_id"]) for r in rows] == [("待受理", None), ("已受理", staff.user.id)]
    assert [r["actor_name"] for r in rows] == [None, staff.user.display_name]


def test_retention_erases_personal_fields_of_old_finished_cases_only(app, make_case, constituent):
    owner = constituent()
    old = make_case("rated", name="钱七", phone="13600136000", submitter=owner.user)
    recent = make_case("closed", name="孙八", phone="13500135000", submitter=owner.user)
    open_old = make_case("forwarded", name="周九", phone="13400134000", submitter=owner.user)
    long_ago = dt.datetime(2024, 1, 1, tzinfo=UTC)
    FeedbackCase.update(updated_at=long_ago).where(FeedbackCase.id.in_([old.id, open_old.id])).execute()
    app.config["FEEDBACK_RETENTION_DAYS"] = 365

    assert erase_personal_data() == 1
    erased = FeedbackCase.get_by_id(old.id)
    assert (erased.name, erased.phone, erased.submitter_id) == (None, None, None)
    assert erased.personal_erased_at is not None and erased.content  # the case stays for statistics
    assert FeedbackCase.get_by_id(recent.id).name == "孙八"
    assert FeedbackCase.get_by_id(open_old.id).name == "周九"
    assert erase_personal_data() == 0


def test_counts_per_state_under_the_same_scope_and_filters(clock, make_case, staff, unit):
    clock(dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    make_case("submitted")
    make_case("submitted", category="教育")
    make_case("forwarded", unit=unit, due_date=dt.date(2026, 11, 27))
    make_case("submitted", station=factories.station())  # another station's
    body = staff.get(f"{URL}/cases/counts").get_json()
    by_state = {s["state"]: s["count"] for s in body["states"]}
    assert (body["total"], body["overdue"], by_state["submitted"], by_state["forwarded"]) == (3, 1, 2, 1)
    filtered = staff.get(f"{URL}/cases/counts?category=教育&state=forwarded").get_json()
    assert (filtered["total"], filtered["overdue"]) == (1, 0)


def test_each_page_carries_the_total_and_a_page_past_the_end_is_empty(clock, make_case, staff, unit):
    clock(dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    oldest, middle, newest = make_case("submitted"), make_case("accepted"), make_case("submitted")
    late = make_case("forwarded", unit=unit, due_date=dt.date(2026, 11, 27))
    make_case("submitted", station=factories.station())  # another station's

    def page(number, query=""):
        response = staff.get(f"{URL}/cases?page_size=2&page={number}{query}")
        return ids(response), json.loads(response.headers["X-Pagination"])["total"]

    assert page(1) == ([late.id, newest.id], 4)
    assert page(2) == ([middle.id, oldest.id], 4)
    assert page(3) == ([], 4)
    assert page(1, "&category=教育") == ([], 0)
    assert page(1, "&overdue=false") == ([newest.id, middle.id], 3)
