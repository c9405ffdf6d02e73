"""The unit queue (待办件): its scope and order, answering, extensions (asked by the unit, decided by the
station), returning a case; and the office's word list (敏感词)."""
import pytest

from api.feedback.models import BlockedWord, ExtensionRequest, FeedbackCase
from tests import factories
from tests.console.feedback_helpers import INBOX, forwarded, make_case, rows

QUEUE = f"{INBOX}/queue"
WORDS = f"{INBOX}/words"


@pytest.fixture
def station(db):
    return factories.station(name="东街代表联络站")


@pytest.fixture
def unit(db):
    return factories.unit(name="市政园林局")


@pytest.fixture
def unit_client(console_as, unit):
    return console_as("unit_user", unit=unit)


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 403), ("staff", 403), ("station_staff", 403), ("unit_user", 200),
])
def test_the_queue_is_for_units(console_as, role, status):
    assert console_as(role).get(QUEUE).status_code == status


def test_the_queue_lists_the_units_forwarded_cases_overdue_first(unit_client, station, unit):
    forwarded(station, unit, days_left=6, content="期限还早的事项")
    forwarded(station, unit, days_left=-2, content="已经超期的事项")
    forwarded(station, factories.unit(), days_left=-5, content="别的单位的事项")
    make_case(station, "answered", unit=unit, content="已经答复的事项")
    html = unit_client.get(QUEUE).get_data(as_text=True)
    assert rows(html, "queue-row") == 2 and "别的单位" not in html and "已经答复" not in html
    assert html.index("已经超期的事项") < html.index("期限还早的事项")
    assert html.count('data-testid="overdue"') == 1 and 'data-testid="queue-overdue">已超期 1' in html


def unit_move(client, case, name, **form):
    return client.post(f"{INBOX}/{case.id}/unit/{name}", data=form, htmx=True)


def test_the_unit_answers_from_the_case_page(unit_client, station, unit):
    case = forwarded(station, unit)
    html = unit_client.get(f"{INBOX}/{case.id}").get_data(as_text=True)
    for name in ("answer", "extend", "return"):
        assert f'data-testid="move-{name}"' in html, name
    assert 'data-testid="move-accept"' not in html
    assert unit_move(unit_client, case, "answer", answer="").status_code == 422
    assert unit_move(unit_client, case, "answer", answer="已安排维修，本周内完成。").status_code == 204
    case = FeedbackCase.get_by_id(case.id)
    assert case.state == "answered" and case.answer == "已安排维修，本周内完成。"
    again = unit_move(unit_client, case, "answer", answer="再答一次")
    assert again.status_code == 409 and "单位已答复" in again.get_data(as_text=True)


def test_the_unit_returns_a_case_that_is_not_theirs(unit_client, station, unit):
    case = forwarded(station, unit)
    assert unit_move(unit_client, case, "return", reason="").status_code == 422
    response = unit_move(unit_client, case, "return", reason="属区住建局职责")
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith(QUEUE)
    case = FeedbackCase.get_by_id(case.id)
    assert case.state == "accepted" and case.unit_id is None
    assert unit_client.get(f"{INBOX}/{case.id}").status_code == 404  # no longer theirs


def test_another_units_user_cannot_touch_the_case(console_as, station, unit):
    case = forwarded(station, unit)
    stranger = console_as("unit_user", unit=factories.unit())
    assert stranger.get(f"{INBOX}/{case.id}").status_code == 404
    assert unit_move(stranger, case, "answer", answer="不是我们的").status_code == 404
    assert FeedbackCase.get_by_id(case.id).state == "forwarded"


@pytest.mark.parametrize("role", ["staff", "station_staff"])
def test_only_units_make_unit_moves(console_as, station, unit, role):
    case = forwarded(station, unit)
    assert unit_move(console_as(role, stations=[station]) if role == "station_staff" else console_as(role),
                     case, "answer", answer="x").status_code == 403


def test_an_extension_is_asked_then_approved_by_the_station(unit_client, console_as, station, unit):
    case = forwarded(station, unit, days_left=2)
    due_before = case.due_date
    assert unit_move(unit_client, case, "extend", days="0", reason="需要协调").status_code == 422
    assert unit_move(unit_client, case, "extend", days="5", reason="需要协调多个部门").status_code == 204
    assert unit_move(unit_client, case, "extend", days="3", reason="再申请一次").status_code == 409  # one pending
    handler = console_as("station_staff", stations=[station])
    html = handler.get(f"{INBOX}/{case.id}").get_data(as_text=True)
    assert 'data-testid="extension-row"' in html and 'data-testid="extension-approve"' in html
    extension = ExtensionRequest.get(ExtensionRequest.case == case.id)
    assert unit_client.post(f"{INBOX}/extensions/{extension.id}/approve", htmx=True).status_code == 403
    response = handler.post(f"{INBOX}/extensions/{extension.id}/approve", htmx=True)
    assert response.status_code == 204
    assert FeedbackCase.get_by_id(case.id).due_date > due_before
    assert handler.post(f"{INBOX}/extensions/{extension.id}/approve", htmx=True).status_code == 409


def test_an_extension_refused_needs_a_reason(unit_client, console_as, station, unit):
    case = forwarded(station, unit, days_left=2)
    unit_move(unit_client, case, "extend", days="5", reason="需要协调多个部门")
    extension = ExtensionRequest.get(ExtensionRequest.case == case.id)
    handler = console_as("station_staff", stations=[station])
    url = f"{INBOX}/extensions/{extension.id}/refuse"
    assert handler.post(url, data={"reason": ""}, htmx=True).status_code == 422
    assert handler.post(url, data={"reason": "期限内可以完成"}, htmx=True).status_code == 204
    assert ExtensionRequest.get_by_id(extension.id).state == "refused"
    assert FeedbackCase.get_by_id(case.id).due_date == case.due_date
    assert handler.post(f"{INBOX}/extensions/{extension.id}/maybe", htmx=True).status_code == 404


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("staff", 200), ("station_staff", 403), ("unit_user", 403),
])
def test_the_word_list_is_the_offices(console_as, role, status):
    client = console_as(role)
    assert client.get(WORDS).status_code == status
    assert client.post(WORDS, data={"word": "某词"}, htmx=True).status_code == (204 if status == 200 else 403)


def test_words_are_added_listed_and_deleted(console_as):
    client = console_as("staff")
    response = client.post(WORDS, data={"word": "  违禁词  "}, htmx=True)
    assert response.status_code == 204
    html = client.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert rows(html, "word-row") == 1 and "违禁词" in html and 'data-testid="saved"' in html
    taken = client.post(WORDS, data={"word": "违禁词"}, htmx=True)
    assert taken.status_code == 409 and 'data-testid="error-word"' in taken.get_data(as_text=True)
    blank = client.post(WORDS, data={"word": ""}, htmx=True)
    assert blank.status_code == 422 and 'data-testid="error-word"' in blank.get_data(as_text=True)
    word = BlockedWord.get(BlockedWord.word == "违禁词")
    assert client.post(f"{WORDS}/{word.id}/delete", htmx=True).status_code == 204
    assert not BlockedWord.select().exists()
    assert client.post(f"{WORDS}/{word.id}/delete", htmx=True).status_code == 404
