"""The station inbox (群众意见): who opens it, whose cases it lists, filters, counts, overdue rows, paging."""
import pytest

from tests import factories
from tests.console.feedback_helpers import INBOX, forwarded, make_case, rows


@pytest.fixture
def stations(db):
    return factories.station(name="东街代表联络站"), factories.station(name="南街代表联络站")


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", True, 200), ("unit_user", True, 200),
])
def test_the_inbox_is_in_the_menu_of_whoever_may_read_cases(console_as, role, listed, status):
    client = console_as(role)
    assert (f'href="{INBOX}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(INBOX).status_code == status


@pytest.mark.parametrize(("role", "queue", "words"), [
    ("admin", False, True), ("staff", False, True), ("station_staff", False, False), ("unit_user", True, False),
])
def test_the_queue_and_the_word_list_are_in_the_menu_of_their_roles(console_as, role, queue, words):
    html = console_as(role).get("/console/").get_data(as_text=True)
    assert (f'href="{INBOX}/queue"' in html) is queue
    assert (f'href="{INBOX}/words"' in html) is words


def test_station_staff_see_only_their_stations_cases(console_as, stations):
    mine, theirs = stations
    make_case(mine, content="本站的路灯问题需要处理")
    other = make_case(theirs, content="外站的噪音问题需要处理")
    client = console_as("station_staff", stations=[mine])
    html = client.get(INBOX).get_data(as_text=True)
    assert rows(html) == 1 and "本站的路灯" in html and "外站的噪音" not in html
    assert "南街代表联络站" not in html  # the station filter offers only their own
    assert client.get(f"{INBOX}/{other.id}").status_code == 404
    assert client.get(f"{INBOX}?station_id={theirs.id}").get_data(as_text=True).count('data-testid="case-row"') == 0


def test_the_office_sees_every_station_and_filters_by_one(console_as, stations):
    make_case(stations[0], content="东街的事情需要处理")
    make_case(stations[1], content="南街的事情需要处理")
    client = console_as("staff")
    assert rows(client.get(INBOX).get_data(as_text=True)) == 2
    html = client.get(f"{INBOX}?station_id={stations[1].id}").get_data(as_text=True)
    assert rows(html) == 1 and "南街的事情" in html


def test_a_unit_lists_only_the_cases_forwarded_to_it(console_as, stations):
    unit, other = factories.unit(), factories.unit()
    forwarded(stations[0], unit, content="转给本单位的事项")
    forwarded(stations[0], other, content="转给别的单位的事项")
    make_case(stations[0], content="尚未转办的事项")
    html = console_as("unit_user", unit=unit).get(INBOX).get_data(as_text=True)
    assert rows(html) == 1 and "转给本单位" in html


def test_filters_by_state_category_search_and_dates(console_as, stations):
    make_case(stations[0], content="路灯坏了很久没人修", category="城乡建设")
    make_case(stations[0], "accepted", content="公交线路调整不合理", category="交通出行")
    make_case(stations[0], "rejected", content="与本站无关的广告")
    client = console_as("station_staff", stations=[stations[0]])
    for query, expected in (("state=accepted", "公交线路"), ("category=交通出行", "公交线路"), ("q=路灯", "路灯坏了"),
                            ("state=rejected&q=广告", "无关的广告")):
        html = client.get(f"{INBOX}?{query}").get_data(as_text=True)
        assert rows(html) == 1 and expected in html, query
    both = client.get(f"{INBOX}?state=accepted&state=rejected").get_data(as_text=True)
    assert rows(both) == 2
    assert rows(client.get(f"{INBOX}?created_from=2000-01-01&created_to=2000-12-31").get_data(as_text=True)) == 0
    assert rows(client.get(f"{INBOX}?created_from=2000-01-01").get_data(as_text=True)) == 3


def test_a_bad_filter_is_422_naming_the_field(console_as, stations):
    response = console_as("staff").get(f"{INBOX}?state=nonsense")
    assert response.status_code == 422 and "state" in response.get_data(as_text=True)


def test_counts_per_state_and_overdue(console_as, stations):
    unit = factories.unit()
    for _ in range(2):
        make_case(stations[0])
    forwarded(stations[0], unit, days_left=-2)
    forwarded(stations[0], unit, days_left=3)
    make_case(stations[1])  # another station's: not counted for this station's staff
    html = console_as("station_staff", stations=[stations[0]]).get(f"{INBOX}?state=submitted").get_data(as_text=True)
    assert rows(html) == 2  # the list is filtered; the tabs count every state
    assert 'data-testid="case-count-submitted">待受理 2' in html
    assert 'data-testid="case-count-forwarded">已转办 2' in html
    assert 'data-testid="case-count-overdue">已超期 1' in html
    assert 'data-testid="case-count-all">全部 4' in html


def test_overdue_cases_come_first_and_stand_out(console_as, stations):
    unit = factories.unit()
    make_case(stations[0], content="最新提交的事项在后")
    forwarded(stations[0], unit, days_left=-1, content="已经超期的事项")
    client = console_as("station_staff", stations=[stations[0]])
    html = client.get(INBOX).get_data(as_text=True)
    assert html.index("已经超期的事项") < html.index("最新提交的事项在后")
    assert html.count('data-testid="overdue"') == 1 and 'class="overdue"' in html
    only = client.get(f"{INBOX}?overdue=true").get_data(as_text=True)
    assert rows(only) == 1 and "已经超期的事项" in only


def test_the_list_pages_and_an_htmx_filter_gets_only_the_results(console_as, stations):
    for n in range(23):
        make_case(stations[0], content=f"第{n}件需要翻页的事项")
    client = console_as("staff")
    first = client.get(INBOX).get_data(as_text=True)
    assert rows(first) == 20 and "共 23 条" in first and "page=2" in first
    second = client.get(f"{INBOX}?page=2", htmx=True).get_data(as_text=True)
    assert rows(second) == 3 and "<html" not in second and "case-count-all" in second


def test_the_dashboard_shows_station_staff_their_open_and_overdue_cases(console_as, stations):
    unit = factories.unit()
    make_case(stations[0])
    make_case(stations[0], "closed")
    forwarded(stations[0], unit, days_left=-3)
    html = console_as("station_staff", stations=[stations[0]]).get("/console/").get_data(as_text=True)
    assert 'data-testid="open-cases-count">未办结 2 件' in html
    assert "已超期 1" in html and 'data-testid="unit-queue"' not in html


def test_the_dashboard_shows_a_unit_its_queue(console_as, stations):
    unit = factories.unit()
    forwarded(stations[0], unit, days_left=-1)
    forwarded(stations[0], unit, days_left=4)
    forwarded(stations[0], factories.unit(), days_left=-1)
    html = console_as("unit_user", unit=unit).get("/console/").get_data(as_text=True)
    assert 'data-testid="queue-count">待答复 2 件' in html
    assert 'data-testid="queue-overdue-count">已超期 1' in html and 'data-testid="open-cases"' not in html
