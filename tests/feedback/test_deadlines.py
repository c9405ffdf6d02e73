"""Due dates in working days (holidays and make-up workdays), extensions, near-due and overdue marks."""
import datetime as dt

from api.feedback.deadlines import mark_deadlines
from api.feedback.models import ExtensionRequest, FeedbackCase
from api.push.models import Delivery
from tests import factories
from tests.feedback.conftest import URL, history
from tests.support import assert_error_shape

UTC = dt.timezone.utc


def forward(staff, case, unit, days):
    response = staff.post(f"{URL}/cases/{case.id}/forward", json={"unit_id": unit.id, "days": days})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_due_dates_skip_national_day_and_count_the_make_up_saturday(clock, make_case, staff, unit):
    clock(dt.datetime(2026, 9, 28, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai
    body = forward(staff, make_case("accepted"), unit, 5)
    # 29, 30 Sep; 1-7 Oct holiday; 8, 9 Oct; Saturday 10 Oct is a make-up workday (调休).
    assert body["due_date"] == "2026-10-10"
    assert history(body["id"])[-1]["payload"] == {"unit_id": unit.id, "days": 5, "due_date": "2026-10-10"}


def test_the_day_is_the_shanghai_day(clock, make_case, staff, unit):
    clock(dt.datetime(2026, 9, 24, 17, 0, tzinfo=UTC))  # already Friday 25 Sep (Mid-Autumn holiday) in Shanghai
    assert forward(staff, make_case("accepted"), unit, 1)["due_date"] == "2026-09-28"


def test_the_default_period_comes_from_configuration(app, clock, make_case, staff, unit):
    app.config["FEEDBACK_DEFAULT_DAYS"] = 3
    clock(dt.datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # Monday
    body = staff.post(f"{URL}/cases/{make_case('accepted').id}/forward", json={"unit_id": unit.id}).get_json()
    assert body["due_date"] == "2026-11-05"


def test_an_approved_extension_moves_the_due_date_in_working_days(make_case, staff, unit, unit_client):
    case = make_case("forwarded", unit=unit, due_date=dt.date(2026, 9, 30), due_mark="overdue")
    asked = unit_client.post(f"{URL}/cases/{case.id}/extensions", json={"days": 2, "reason": "需现场勘查"})
    assert asked.status_code == 201 and asked.get_json()["state"] == "pending"
    assert_error_shape(unit_client.post(f"{URL}/cases/{case.id}/extensions", json={"days": 1, "reason": "再等"}), 409)

    approved = staff.post(f"{URL}/extensions/{asked.get_json()['id']}/approve").get_json()
    assert approved["state"] == "approved"
    assert (approved["due_before"], approved["due_after"]) == ("2026-09-30", "2026-10-09")
    moved = FeedbackCase.get_by_id(case.id)
    assert (moved.due_date, moved.due_mark) == (dt.date(2026, 10, 9), None)
    last = history(case.id)[-1]
    assert (last["from_state"], last["to_state"], last["reason"]) == ("forwarded", "forwarded", "需现场勘查")
    assert last["payload"]["due_after"] == "2026-10-09"
    assert_error_shape(staff.post(f"{URL}/extensions/{approved['id']}/approve"), 409)  # decided already


def test_a_refused_extension_keeps_the_due_date(make_case, staff, unit, unit_client):
    case = make_case("forwarded", unit=unit, due_date=dt.date(2026, 12, 4))
    asked = unit_client.post(f"{URL}/cases/{case.id}/extensions", json={"days": 5, "reason": "人手不足"})
    ext_id = asked.get_json()["id"]
    assert_error_shape(staff.post(f"{URL}/extensions/{ext_id}/refuse", json={}), 422)
    refused = staff.post(f"{URL}/extensions/{ext_id}/refuse", json={"reason": "事项简单，请按期答复"}).get_json()
    assert (refused["state"], refused["decision_reason"]) == ("refused", "事项简单，请按期答复")
    assert FeedbackCase.get_by_id(case.id).due_date == dt.date(2026, 12, 4)
    assert [e["state"] for e in staff.get(f"{URL}/cases/{case.id}/extensions").get_json()] == ["refused"]
    assert ExtensionRequest.get_by_id(ext_id).decided_by_id == staff.user.id


def test_extensions_are_asked_by_the_unit_and_decided_by_the_station(login_as, make_case, unit, unit_client, staff):
    case = make_case("accepted", unit=unit)
    assert_error_shape(unit_client.post(f"{URL}/cases/{case.id}/extensions", json={"days": 2, "reason": "x"}), 409)
    case = make_case("forwarded", unit=unit, due_date=dt.date(2026, 12, 4))
    assert_error_shape(staff.post(f"{URL}/cases/{case.id}/extensions", json={"days": 2, "reason": "x"}), 403)
    ext_id = unit_client.post(f"{URL}/cases/{case.id}/extensions", json={"days": 2, "reason": "x"}).get_json()["id"]
    assert_error_shape(unit_client.post(f"{URL}/extensions/{ext_id}/approve"), 403)
    other_station = login_as("station_staff", stations=[factories.station()])
    assert_error_shape(other_station.post(f"{URL}/extensions/{ext_id}/approve"), 404)


def test_the_job_marks_near_and_overdue_once_and_notifies_the_stations_deputies(app, make_case, unit, station):
    factories.deputy(stations=[station])
    factories.deputy(stations=[station])
    day = dt.date(2026, 11, 30)  # Monday
    overdue = make_case("forwarded", unit=unit, due_date=dt.date(2026, 11, 27))
    near = make_case("forwarded", unit=unit, due_date=dt.date(2026, 12, 2))  # 2 working days ahead
    far = make_case("forwarded", unit=unit, due_date=dt.date(2026, 12, 11))
    answered = make_case("answered", unit=unit, due_date=dt.date(2026, 11, 20))

    assert mark_deadlines(day) == {"near": 1, "overdue": 1}
    marks = {c.id: c.due_mark for c in FeedbackCase.select()}
    assert (marks[overdue.id], marks[near.id], marks[far.id], marks[answered.id]) == ("overdue", "near", None, None)
    sent = Delivery.select().where(Delivery.source_type == "feedback_case")
    assert sorted((d.source_id, d.scope[:4]) for d in sent) == sorted(
        [(overdue.id, "over")] * 2 + [(near.id, "near")] * 2)

    assert mark_deadlines(day) == {"near": 0, "overdue": 0}  # once each
    assert mark_deadlines(dt.date(2026, 12, 3)) == {"near": 0, "overdue": 1}  # the near one is now late
    assert FeedbackCase.get_by_id(near.id).due_mark == "overdue"


def test_overdue_cases_come_first_and_can_be_filtered(clock, make_case, unit, staff, unit_client):
    clock(dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    newest = make_case("submitted")
    late = make_case("forwarded", unit=unit, due_date=dt.date(2026, 11, 27))
    on_time = make_case("forwarded", unit=unit, due_date=dt.date(2026, 12, 9))
    newest_again = make_case("accepted")
    listed = staff.get(f"{URL}/cases").get_json()
    assert [c["id"] for c in listed] == [late.id, newest_again.id, on_time.id, newest.id]
    assert [c["overdue"] for c in listed] == [True, False, False, False]
    assert [c["id"] for c in staff.get(f"{URL}/cases?overdue=true").get_json()] == [late.id]
    assert late.id not in [c["id"] for c in staff.get(f"{URL}/cases?overdue=false").get_json()]
    assert [c["id"] for c in unit_client.get(f"{URL}/unit-queue").get_json()] == [late.id, on_time.id]
