"""Feedback statistics: figures per station, category and unit, checked against sums done by hand.

Today is 2026-03-20 (Shanghai). Nine cases, eight of them submitted in March (a ninth in February):

| case | station | category | unit (first) | forwarded → first answer (UTC)  | hours | due   | on time | rating |
|------|---------|----------|--------------|---------------------------------|-------|-------|---------|--------|
| a1   | A       | 城乡建设 | U1           | 03-02 02:00 → 03-03 02:00       | 24    | 03-10 | yes     | 满意   |
| a2   | A       | 城乡建设 | U1           | 03-02 02:00 → 03-04 14:00       | 60    | 03-10 | yes     | 不满意 |
| a3   | A       | 交通出行 | U1           | 03-02 00:00 → 03-10 17:00       | 209   | 03-10 | no (a)  | 基本满意 |
| a4   | A       | 交通出行 | U2           | unanswered                      |       | 03-15 | no (overdue) |   |
| a5   | A       | 城乡建设 | U2           | unanswered                      |       | 03-25 | not yet |        |
| b1   | B       | 教育     | U2           | 03-05 00:00 → 03-05 06:00       | 6     | 03-12 | yes     | 满意   |
| b2   | B       | 教育     | —            | (submitted 03-10 16:30 UTC = 03-11 in Shanghai)  |   |   |        |
| c1   | B       | 城乡建设 | U1 (now U3)  | 03-06 00:00 → 03-06 12:00       | 12    | 03-13 | yes     |        |
| old  | A       | 其他     | U1           | February: outside the range     | 1     |       | yes     | 不满意 |

(a) 03-11 01:00 in Shanghai, a day late.
"""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from api.feedback.intake import new_tracking_code
from api.feedback.models import FeedbackCase
from tests import factories
from tests.feedback.conftest import CONTENT, URL
from tests.support import assert_error_shape

UTC = dt.timezone.utc
MARCH = "from=2026-03-01&to=2026-03-20"


def at(day, hour=0, minute=0, month=3):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def case(station, category, created, state="closed", unit=None, forwarded=None, answered=None, due=None,
         rating=None, **fields):
    first = {"first_unit": unit, "first_forwarded_at": forwarded, "first_answer_at": answered,
             "first_due_date": due} if answered else {}
    return FeedbackCase.create(
        tracking_code=new_tracking_code(), station=station, category=category, content=CONTENT, state=state,
        unit=unit, forwarded_at=forwarded, due_date=due, rating=rating, created_at=created, **first, **fields)


@pytest.fixture
def world(clock, station):
    clock(dt.datetime(2026, 3, 20, 4, tzinfo=UTC))
    other = factories.station()
    u1, u2, u3 = factories.unit(), factories.unit(), factories.unit()
    a, b = station, other
    case(a, "城乡建设", at(1, 3), unit=u1, forwarded=at(2, 2), answered=at(3, 2), due=dt.date(2026, 3, 10),
         rating="满意", state="rated")
    case(a, "城乡建设", at(1, 4), unit=u1, forwarded=at(2, 2), answered=at(4, 14), due=dt.date(2026, 3, 10),
         rating="不满意", state="rated")
    case(a, "交通出行", at(1, 5), unit=u1, forwarded=at(2), answered=at(10, 17), due=dt.date(2026, 3, 10),
         rating="基本满意", state="rated")
    case(a, "交通出行", at(2, 1), state="forwarded", unit=u2, forwarded=at(3), due=dt.date(2026, 3, 15))
    case(a, "城乡建设", at(12, 1), state="forwarded", unit=u2, forwarded=at(13), due=dt.date(2026, 3, 25))
    case(b, "教育", at(4, 1), unit=u2, forwarded=at(5), answered=at(5, 6), due=dt.date(2026, 3, 12),
         rating="满意", state="rated")
    case(b, "教育", at(10, 16, 30), state="submitted")
    reopened = case(b, "城乡建设", at(5, 8), unit=u1, forwarded=at(6), answered=at(6, 12), due=dt.date(2026, 3, 13))
    FeedbackCase.update(state="forwarded", unit=u3, forwarded_at=at(16), due_date=dt.date(2026, 3, 18)).where(
        FeedbackCase.id == reopened.id).execute()
    case(a, "其他", at(2, 1, month=2), unit=u1, forwarded=at(2, 2, month=2), answered=at(2, 3, month=2),
         due=dt.date(2026, 2, 10), rating="不满意", state="rated")
    return {"A": a, "B": b, "U1": u1, "U2": u2, "U3": u3}


def figures(cases, answered, median, on_time, due, satisfied, basically, unsatisfied):
    rated = satisfied + basically + unsatisfied
    return {
        "cases": cases, "answered": answered, "median_reply_hours": median, "on_time": on_time, "due": due,
        "on_time_rate": round(on_time / due, 4) if due else None, "satisfied": satisfied,
        "basically_satisfied": basically, "unsatisfied": unsatisfied, "rated": rated,
        "satisfaction_rate": round((satisfied + basically) / rated, 4) if rated else None,
    }


def groups(response):
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    found = {g["name"]: {k: v for k, v in g.items() if k not in ("id", "name")} for g in body["groups"]}
    return found, body["total"]


MARCH_TOTAL = figures(8, 5, 24.0, 4, 6, 2, 1, 1)


def test_per_station(login_as, world):
    found, total = groups(login_as("staff").get(f"{URL}/stats?by=station&{MARCH}"))
    assert found == {
        world["A"].name: figures(5, 3, 60.0, 2, 4, 1, 1, 1),
        world["B"].name: figures(3, 2, 9.0, 2, 2, 1, 0, 0),
    }
    assert total == MARCH_TOTAL


def test_per_category(login_as, world):
    found, total = groups(login_as("admin").get(f"{URL}/stats?by=category&{MARCH}"))
    assert found == {
        "城乡建设": figures(4, 3, 24.0, 3, 3, 1, 0, 1),
        "交通出行": figures(2, 1, 209.0, 0, 2, 0, 1, 0),
        "教育": figures(2, 1, 6.0, 1, 1, 1, 0, 0),
    }
    assert total == MARCH_TOTAL


def test_per_unit_counts_the_unit_that_answered_first(login_as, world):
    found, total = groups(login_as("staff").get(f"{URL}/stats?by=unit&{MARCH}"))
    assert found == {
        world["U1"].name: figures(4, 4, 42.0, 3, 4, 1, 1, 1),
        world["U2"].name: figures(3, 1, 6.0, 1, 2, 1, 0, 0),
    }
    assert total == MARCH_TOTAL  # the total is over all cases in range, with or without a unit


def test_date_range_and_filters(login_as, world):
    office = login_as("staff")
    _, everything = groups(office.get(f"{URL}/stats"))
    assert everything == figures(9, 6, 18.0, 5, 7, 2, 1, 2)  # February's 1-hour answer joins: [1,6,12,24,60,209]
    _, until_tenth = groups(office.get(f"{URL}/stats?from=2026-03-01&to=2026-03-10"))
    assert until_tenth["cases"] == 6  # b2 came on 03-11 and a5 on 03-12, Shanghai time
    found, _ = groups(office.get(f"{URL}/stats?by=category&station_id={world['B'].id}&category=教育&{MARCH}"))
    assert found == {"教育": figures(2, 1, 6.0, 1, 1, 1, 0, 0)}
    assert_error_shape(office.get(f"{URL}/stats?from=2026-03-20&to=2026-03-01"), 422)
    assert_error_shape(office.get(f"{URL}/stats?by=deputy"), 422)


def test_empty_range(login_as, world):
    found, total = groups(login_as("staff").get(f"{URL}/stats?from=2027-01-01"))
    assert found == {} and total == figures(0, 0, None, 0, 0, 0, 0, 0)


def test_station_staff_see_their_stations_only(login_as, world):
    staff = login_as("station_staff", stations=[world["A"]])
    found, total = groups(staff.get(f"{URL}/stats?{MARCH}"))
    assert list(found) == [world["A"].name] and total == figures(5, 3, 60.0, 2, 4, 1, 1, 1)
    ranked = staff.get(f"{URL}/stats/ranking?{MARCH}").get_json()["units"]
    assert [(u["unit"]["id"], u["answered"]) for u in ranked] == [(world["U1"].id, 3), (world["U2"].id, 0)]


def test_a_unit_sees_its_own_figures_and_its_own_place(app, login_as, world):
    app.config["FEEDBACK_RANKING_MIN_ANSWERED"] = 1
    unit = login_as("unit_user", unit=world["U2"])
    found, total = groups(unit.get(f"{URL}/stats?by=station&{MARCH}"))
    assert found == {world["A"].name: figures(2, 0, None, 0, 1, 0, 0, 0),
                     world["B"].name: figures(1, 1, 6.0, 1, 1, 1, 0, 0)}
    ranked = unit.get(f"{URL}/stats/ranking?{MARCH}").get_json()["units"]
    assert [(u["unit"]["id"], u["rank"]) for u in ranked] == [(world["U2"].id, 1)]  # 6 h beats U1's 42 h
    # c1, reopened and now held by U3, still counts for U1, which answered it first
    assert groups(login_as("unit_user", unit=world["U3"]).get(f"{URL}/stats?{MARCH}"))[1]["cases"] == 0


def test_ranking_flags_units_with_too_few_cases(app, login_as, world):
    app.config["FEEDBACK_RANKING_MIN_ANSWERED"] = 2
    body = login_as("staff").get(f"{URL}/stats/ranking?{MARCH}").get_json()
    assert body["min_answered"] == 2
    assert [(u["unit"]["id"], u["rank"], u["few_cases"], u["median_reply_hours"]) for u in body["units"]] == [
        (world["U1"].id, 1, False, 42.0), (world["U2"].id, None, True, 6.0)]


def test_ranking_breaks_ties_by_on_time_share_then_evidence(app, clock, login_as, station):
    app.config["FEEDBACK_RANKING_MIN_ANSWERED"] = 1
    clock(dt.datetime(2026, 3, 20, 4, tzinfo=UTC))
    late, few, many, same = (factories.unit(name=n) for n in ("丁单位", "丙单位", "乙单位", "甲单位"))
    for unit, answers, due in ((late, 1, dt.date(2026, 3, 1)), (few, 1, dt.date(2026, 3, 10)),
                               (many, 2, dt.date(2026, 3, 10)), (same, 2, dt.date(2026, 3, 10))):
        for _ in range(answers):  # every answer takes 10 hours
            case(station, "其他", at(2), unit=unit, forwarded=at(3), answered=at(3, 10), due=due)
    ranked = login_as("staff").get(f"{URL}/stats/ranking").get_json()["units"]
    assert [(u["unit"]["name"], u["rank"]) for u in ranked] == [
        ("乙单位", 1), ("甲单位", 1), ("丙单位", 3), ("丁单位", 4)]


@pytest.mark.parametrize("role", ["deputy", "constituent"])
def test_no_statistics_for_deputies_and_constituents(login_as, role):
    for path in ("stats", "stats/ranking", "stats/export"):
        assert_error_shape(login_as(role).get(f"{URL}/{path}"), 403)


def test_export(login_as, world):
    world["A"].name = "=HYPERLINK(\"http://evil\")"
    world["A"].save()
    response = login_as("staff").get(f"{URL}/stats/export?{MARCH}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "2026-03-01_2026-03-20" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["按联络站", "按类别", "按承办单位", "承办单位排名"]
    rows = [tuple(r) for r in book["按联络站"].iter_rows(values_only=True)]
    assert rows[0][:4] == ("联络站", "事项数", "已答复", "答复用时中位数（小时）")
    assert rows[1][:4] == ("'=HYPERLINK(\"http://evil\")", 5, 3, 60)  # neutralised, never a formula
    assert rows[-1][:4] == ("合计", 8, 5, 24)
    ranking = [tuple(r) for r in book["承办单位排名"].iter_rows(values_only=True)]
    # both units answered fewer than 5: flagged, unranked, the faster first
    assert [r[:3] for r in ranking[1:]] == [(None, world["U2"].name, 3), (None, world["U1"].name, 4)]
    assert ranking[1][-1] == "是"
