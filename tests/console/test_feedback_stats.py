"""意见统计: who may open it, the figures it shows (the API's, for a small hand-made set), the scope per role,
the Excel download and a refused date range.

Today is 2026-03-20 (Shanghai). Five cases (times UTC):

| case | station | category | unit | forwarded → first answer | hours | due   | on time | rating   |
|------|---------|----------|------|--------------------------|-------|-------|---------|----------|
| a1   | A       | 城乡建设 | U1   | 03-02 02:00 → 03-03 02:00 | 24    | 03-10 | yes     | 满意     |
| a2   | A       | 交通出行 | U1   | 03-02 00:00 → 03-10 17:00 | 209   | 03-10 | no      | 不满意   |
| a3   | A       | 城乡建设 | U2   | unanswered                |       | 03-15 | overdue |          |
| b1   | B       | 教育     | U2   | 03-05 00:00 → 03-05 06:00 | 6     | 03-12 | yes     | 基本满意 |
| old  | B       | 其他     | U1   | 2025: outside this year   | 1     |       | yes     |          |
"""
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from api.feedback.intake import new_tracking_code
from api.feedback.models import FeedbackCase
from tests import factories
from tests.feedback.conftest import clock  # noqa: F401 - shared fixture

STATS = "/console/feedback/stats"
API = "/api/v1/feedback/stats"
UTC = dt.timezone.utc
CONTENT = "小区门口路灯坏了一个多月，晚上出行很不安全。"


def at(day, hour=0, month=3, year=2026):
    return dt.datetime(year, month, day, hour, tzinfo=UTC)


def case(station, category, created, state="rated", unit=None, forwarded=None, answered=None, due=None, rating=None):
    first = {"first_unit": unit, "first_forwarded_at": forwarded, "first_answer_at": answered,
             "first_due_date": due} if answered else {}
    return FeedbackCase.create(
        tracking_code=new_tracking_code(), station=station, category=category, content=CONTENT, state=state,
        unit=unit, forwarded_at=forwarded, due_date=due, rating=rating, created_at=created, **first)


@pytest.fixture
def world(db, clock):  # noqa: F811
    clock(at(20, 4))
    a, b = factories.station(name="东街代表联络站"), factories.station(name="西街代表联络站")
    u1, u2 = factories.unit(name="市政园林局"), factories.unit(name="交通运输局")
    case(a, "城乡建设", at(1, 3), unit=u1, forwarded=at(2, 2), answered=at(3, 2), due=dt.date(2026, 3, 10),
         rating="满意")
    case(a, "交通出行", at(1, 5), unit=u1, forwarded=at(2), answered=at(10, 17), due=dt.date(2026, 3, 10),
         rating="不满意")
    case(a, "城乡建设", at(2, 1), state="forwarded", unit=u2, forwarded=at(3), due=dt.date(2026, 3, 15))
    case(b, "教育", at(4, 1), unit=u2, forwarded=at(5), answered=at(5, 6), due=dt.date(2026, 3, 12),
         rating="基本满意")
    case(b, "其他", at(2, 1, year=2025), state="answered", unit=u1, forwarded=at(2, 2, year=2025),
         answered=at(2, 3, year=2025), due=dt.date(2025, 3, 10))
    return {"A": a, "B": b, "U1": u1, "U2": u2}


def cells(html, testid):
    """Each row with this data-testid, as the text of its cells."""
    rows = re.findall(rf'<tr data-testid="{testid}">(.*?)</tr>', html, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def shown(figures, name):
    """A row as the console shows the API's figures."""
    def percent(rate):
        return "—" if rate is None else f"{rate * 100:.1f}%"

    median = figures["median_reply_hours"]
    return [name, str(figures["cases"]), str(figures["answered"]), "—" if median is None else f"{median:.1f}",
            percent(figures["on_time_rate"]), percent(figures["satisfaction_rate"]), str(figures["rated"])]


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("staff", 200), ("station_staff", 200), ("unit_user", 200),
])
def test_who_may_open_the_statistics(console_as, role, status):
    client = console_as(role)
    assert client.get(STATS).status_code == status
    assert client.get(f"{STATS}/export").status_code == status
    assert ('href="/console/feedback/stats"' in client.get("/console/").get_data(as_text=True)) == (status == 200)


def test_signed_out_visitors_are_sent_to_sign_in(browser):
    for url in (STATS, f"{STATS}/export"):
        response = browser.get(url)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]


@pytest.mark.parametrize("by", ["station", "category", "unit"])
def test_the_figures_are_the_apis(console_as, login_as, world, by):
    html = console_as("staff").get(f"{STATS}?by={by}").get_data(as_text=True)
    body = login_as("staff").get(f"{API}?by={by}&from=2026-01-01&to=2026-03-20").get_json()
    assert body["groups"], body
    assert cells(html, "stats-row") == [shown(group, group["name"]) for group in body["groups"]]
    assert cells(html, "stats-total") == [shown(body["total"], "合计")]
    assert body["total"]["cases"] == 4  # this year by default: last year's case is left out
    assert 'aria-current="page" data-testid="stats-by-' + by in html


def test_by_station_by_hand(console_as, world):
    html = console_as("staff").get(f"{STATS}?by=station&from=2026-03-01&to=2026-03-20").get_data(as_text=True)
    assert cells(html, "stats-row") == [
        ["东街代表联络站", "3", "2", "116.5", "33.3%", "50.0%", "2"],
        ["西街代表联络站", "1", "1", "6.0", "100.0%", "100.0%", "1"],
    ]
    everything = console_as("staff").get(f"{STATS}?from=&to=").get_data(as_text=True)
    assert cells(everything, "stats-total")[0][:3] == ["合计", "5", "4"]  # emptied dates: no bound


def test_the_ranking_sets_units_with_too_few_answers_apart(app, console_as, world):
    app.config["FEEDBACK_RANKING_MIN_ANSWERED"] = 2
    html = console_as("admin").get(STATS).get_data(as_text=True)
    assert cells(html, "ranking-row") == [["1", *shown({"cases": 2, "answered": 2, "median_reply_hours": 116.5,
                                                        "on_time_rate": 0.5, "satisfaction_rate": 0.5,
                                                        "rated": 2}, "市政园林局")]]
    assert [row[:2] for row in cells(html, "ranking-few-row")] == [["—", "交通运输局"]]
    assert "样本不足" in html


def test_station_staff_and_units_see_their_scope(app, console_as, world):
    app.config["FEEDBACK_RANKING_MIN_ANSWERED"] = 1
    staff = console_as("station_staff", stations=[world["B"]]).get(STATS).get_data(as_text=True)
    assert [row[0] for row in cells(staff, "stats-row")] == ["西街代表联络站"] and "东街" not in staff
    unit = console_as("unit_user", unit=world["U2"]).get(f"{STATS}?by=unit").get_data(as_text=True)
    assert [row[:3] for row in cells(unit, "stats-row")] == [["交通运输局", "2", "1"]]
    assert [row[:2] for row in cells(unit, "ranking-row")] == [["1", "交通运输局"]]  # 6 h beats 116.5 h
    assert "市政园林局" not in unit


def test_the_export_downloads_an_xlsx(console_as, world):
    client = console_as("staff")
    html = client.get(f"{STATS}?category=城乡建设").get_data(as_text=True)
    link = re.search(r'href="([^"]+)"[^>]*data-testid="stats-export"', html).group(1).replace("&amp;", "&")
    assert "from=2026-01-01" in link and "to=2026-03-20" in link
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "2026-01-01_2026-03-20" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["按联络站", "按类别", "按承办单位", "承办单位排名"]
    rows = [tuple(r) for r in book["按类别"].iter_rows(values_only=True)]
    assert rows[1][:3] == ("城乡建设", 2, 1) and rows[-1][:2] == ("合计", 2)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_reversed_date_range_is_refused(console_as, world, htmx):
    response = console_as("staff").get(f"{STATS}?from=2026-03-20&to=2026-03-01", htmx=htmx)
    assert response.status_code == 422
    assert "起始日期不能晚于截止日期" in response.get_data(as_text=True)
    assert console_as("staff").get(f"{STATS}/export?from=2026-03-20&to=2026-03-01").status_code == 422
