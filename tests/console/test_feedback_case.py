"""A case in the console: what it shows to whom, the audited clear read of the contact, and the station's moves."""
import pytest

from api.common.audit import AuditEntry
from api.common.workflow import timeline
from api.feedback import similar
from api.feedback.models import CasePhoto, FeedbackCase
from api.files.models import StoredFile
from tests import factories
from tests.console.feedback_helpers import INBOX, forwarded, make_case


@pytest.fixture
def station(db):
    return factories.station(name="东街代表联络站")


@pytest.fixture
def unit(db):
    return factories.unit(name="市政园林局")


@pytest.fixture
def handler(console_as, station):
    return console_as("station_staff", stations=[station])


def html_of(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("staff", 200), ("station_staff", 200), ("other_station_staff", 404), ("unit_user", 404),
])
def test_who_opens_a_case(console_as, station, role, status):
    case = make_case(station)
    if role == "station_staff":
        client = console_as(role, stations=[station])
    elif role == "other_station_staff":
        client = console_as("station_staff", stations=[factories.station()])
    else:
        client = console_as(role)
    assert client.get(f"{INBOX}/{case.id}").status_code == status


def test_the_case_shows_its_content_photos_and_masked_contact(handler, station):
    case = make_case(station, name="张三丰", phone="13912345678", consent_version="v1")
    stored = StoredFile.create(storage_key="k1", filename="路灯.jpg", content_type="image/jpeg", size=3, sha256="x")
    CasePhoto.create(case=case, file=stored)
    html = html_of(handler.get(f"{INBOX}/{case.id}"))
    assert "路灯坏了" in html and 'data-testid="case-photo"' in html and "/api/v1/files/" in html
    assert "139****5678" in html and "13912345678" not in html and "张三丰" not in html
    assert 'data-testid="show-contact"' in html and 'data-testid="timeline-row"' in html


def test_showing_the_contact_is_audited(handler, station):
    case = make_case(station, name="张三丰", phone="13912345678", consent_version="v1")
    shown = handler.post(f"{INBOX}/{case.id}/contact", htmx=True)
    assert shown.status_code == 200 and "13912345678" in html_of(shown) and "张三丰" in html_of(shown)
    entry = AuditEntry.get(AuditEntry.action == "feedback.contact_read")
    assert entry.target_id == str(case.id) and entry.actor_id == handler.user.id


def test_the_handling_unit_may_show_the_contact_too(console_as, station, unit):
    case = forwarded(station, unit, name="张三丰", phone="13912345678")
    client = console_as("unit_user", unit=unit)
    assert 'data-testid="show-contact"' in html_of(client.get(f"{INBOX}/{case.id}"))
    assert "13912345678" in html_of(client.post(f"{INBOX}/{case.id}/contact", htmx=True))


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_office_sees_the_case_but_never_the_contact_in_clear(console_as, station, role):
    case = make_case(station, name="张三丰", phone="13912345678")
    client = console_as(role)
    html = html_of(client.get(f"{INBOX}/{case.id}"))
    assert "139****5678" in html and 'data-testid="show-contact"' not in html
    assert 'data-testid="case-actions"' not in html  # the office reads; the station decides
    assert client.post(f"{INBOX}/{case.id}/contact", htmx=True).status_code == 403
    assert not AuditEntry.select().where(AuditEntry.action == "feedback.contact_read").exists()


def test_another_stations_staff_cannot_show_the_contact(console_as, station):
    case = make_case(station, name="张三丰", phone="13912345678")
    client = console_as("station_staff", stations=[factories.station()])
    assert client.post(f"{INBOX}/{case.id}/contact", htmx=True).status_code == 404
    assert not AuditEntry.select().where(AuditEntry.action == "feedback.contact_read").exists()


def test_the_page_offers_the_moves_of_the_state(handler, station):
    html = html_of(handler.get(f"{INBOX}/{make_case(station).id}"))
    for move in ("accept", "reject", "merge"):
        assert f'data-testid="move-{move}"' in html, move
    assert 'data-testid="move-forward"' not in html and 'data-testid="move-close"' not in html
    accepted = html_of(handler.get(f"{INBOX}/{make_case(station, 'accepted').id}"))
    assert 'data-testid="move-forward"' in accepted and 'data-testid="move-close"' in accepted
    assert 'data-testid="due-preview"' in accepted


def move(client, case, name, **form):
    return client.post(f"{INBOX}/{case.id}/station/{name}", data=form, htmx=True)


def state_of(case):
    return FeedbackCase.get_by_id(case.id).state


def test_accepting_moves_the_case_and_keeps_history(handler, station):
    case = make_case(station)
    response = move(handler, case, "accept")
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith(f"{INBOX}/{case.id}")
    assert state_of(case) == "accepted" and timeline("feedback_case", case.id)[-1]["actor_id"] == handler.user.id
    page = html_of(handler.get(response.headers["HX-Redirect"]))
    assert 'data-testid="moved"' in page and handler.user.display_name in page


def test_an_impossible_move_is_409_naming_the_current_state(handler, station):
    case = make_case(station, "closed")
    response = move(handler, case, "accept")
    assert response.status_code == 409 and "已办结" in html_of(response)
    assert response.headers["HX-Retarget"] == "#flash" and state_of(case) == "closed"


def test_rejecting_needs_a_reason(handler, station):
    case = make_case(station)
    refused = move(handler, case, "reject", reason="")
    assert refused.status_code == 422 and "reason" in html_of(refused) and state_of(case) == "submitted"
    assert move(handler, case, "reject", reason="不属于人大职责范围").status_code == 204
    assert FeedbackCase.get_by_id(case.id).rejection_reason == "不属于人大职责范围"


def test_merging_by_tracking_code_or_number(handler, station):
    target, case, other = make_case(station), make_case(station), make_case(station)
    assert move(handler, case, "merge", into=target.tracking_code.lower()).status_code == 204
    assert FeedbackCase.get_by_id(case.id).merged_into_id == target.id
    assert move(handler, other, "merge", into=str(target.id)).status_code == 204
    assert state_of(other) == "merged"


def test_merging_into_another_stations_case_or_itself_is_refused(handler, station):
    case = make_case(station)
    foreign = make_case(factories.station())
    for into in (foreign.tracking_code, str(case.id), "nonsense", ""):
        response = move(handler, case, "merge", into=into)
        assert response.status_code == 422, into
        assert "into_id" in html_of(response)
    assert state_of(case) == "submitted"


def test_forwarding_sets_the_unit_and_a_working_day_due_date(handler, station, unit):
    case = make_case(station, "accepted")
    preview = handler.get(f"{INBOX}/due-date?days=10", htmx=True)
    assert preview.status_code == 200 and "10 个工作日" in html_of(preview)
    response = move(handler, case, "forward", unit_id=str(unit.id), days="10")
    assert response.status_code == 204
    case = FeedbackCase.get_by_id(case.id)
    assert case.state == "forwarded" and case.unit_id == unit.id
    assert case.due_date.isoformat() in html_of(preview)


def test_forwarding_without_a_unit_or_with_too_many_days_is_refused(handler, station, unit):
    case = make_case(station, "accepted")
    assert move(handler, case, "forward", unit_id="", days="5").status_code == 422
    assert move(handler, case, "forward", unit_id=str(unit.id), days="99").status_code == 422
    assert handler.get(f"{INBOX}/due-date?days=abc", htmx=True).status_code == 422
    assert state_of(case) == "accepted"


def test_closing_relays_the_units_answer(handler, station, unit):
    case = make_case(station, "answered", unit=unit, answer="路灯已于本周修复。")
    html = html_of(handler.get(f"{INBOX}/{case.id}"))
    assert 'data-testid="move-close"' in html and "路灯已于本周修复。</textarea>" in html
    assert move(handler, case, "close", reply="").status_code == 204
    assert FeedbackCase.get_by_id(case.id).reply == "路灯已于本周修复。"


def test_closing_without_any_answer_is_refused(handler, station):
    case = make_case(station, "accepted")
    response = move(handler, case, "close", reply="  ")
    assert response.status_code == 422 and state_of(case) == "accepted"


def test_an_unknown_move_is_404(handler, station):
    assert move(handler, make_case(station), "explode").status_code == 404


@pytest.mark.parametrize("role", ["staff", "unit_user"])
def test_only_station_staff_make_station_moves(console_as, station, role):
    case = make_case(station)
    assert move(console_as(role), case, "accept").status_code == 403
    assert state_of(case) == "submitted"


def test_another_stations_staff_cannot_move_the_case(console_as, station):
    case = make_case(station)
    assert move(console_as("station_staff", stations=[factories.station()]), case, "accept").status_code == 404


def test_comments_are_listed_and_added(console_as, station):
    case = make_case(station)
    client = console_as("staff")
    response = client.post(f"{INBOX}/{case.id}/comments", data={"body": "建议联系街道一并处理", "kind": "proposal"},
                           htmx=True)
    assert response.status_code == 204
    html = html_of(client.get(f"{INBOX}/{case.id}"))
    assert 'data-testid="comment"' in html and "建议联系街道一并处理" in html
    assert client.post(f"{INBOX}/{case.id}/comments", data={"body": ""}, htmx=True).status_code == 422
    assert console_as("unit_user").post(f"{INBOX}/{case.id}/comments", data={"body": "x"}).status_code == 403


def test_similar_open_cases_are_suggested_for_merging(handler, station):
    case = make_case(station, content="小区门口路灯坏了一个多月，晚上出行很不安全。")
    twin = make_case(station, content="小区门口的路灯一直不亮，晚上出行不安全。")
    unrelated = make_case(station, content="楼下广场舞音乐声音太大，影响休息。")
    for row in (case, twin, unrelated):
        similar.index_case(row)
    html = html_of(handler.get(f"{INBOX}/{case.id}"))
    assert html.count('data-testid="similar-case"') == 1 and twin.tracking_code in html
    assert f'<option value="{twin.tracking_code}">' in html  # offered in the merge field
    assert move(handler, case, "merge", into=twin.tracking_code).status_code == 204
