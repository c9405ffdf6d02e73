"""The workflow's moves from the notice page: each is an htmx POST that reloads the page in its new state."""
import datetime as dt

import pytest

from api.notices.models import Notice, NoticeRecipient
from tests import factories

BASE = "/console/notices"


def moved_to(response, notice_id, done):
    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.headers["HX-Redirect"] == f"{BASE}/{notice_id}?done={done}"


@pytest.mark.parametrize(
    ("state", "buttons", "absent"),
    [
        ("draft", {"edit", "publish", "publish-at", "delete"}, {"withdraw", "unschedule", "recipients"}),
        ("published", {"edit", "withdraw", "recipients"}, {"publish", "publish-at", "delete", "unschedule"}),
    ],
)
def test_the_page_offers_the_moves_the_workflow_allows_in_each_state(console_as, create_notice, state, buttons, absent):
    factories.deputy()
    client = console_as("staff")
    notice = create_notice()
    if state == "published":
        client.post(f"{BASE}/{notice['id']}/publish", htmx=True)
    html = client.get(f"{BASE}/{notice['id']}").get_data(as_text=True)
    for name in buttons:
        assert f'data-testid="{name}"' in html, name
    for name in absent:
        assert f'data-testid="{name}"' not in html, name


def test_publishing_asks_first_then_sends_and_shows_the_new_state(console_as, create_notice):
    factories.deputy(), factories.deputy()
    notice = create_notice()
    client = console_as("staff")
    page = client.get(f"{BASE}/{notice['id']}").get_data(as_text=True)
    assert 'hx-confirm="确定立即发布' in page and '<strong data-testid="reach">2</strong>' in page
    moved_to(client.post(f"{BASE}/{notice['id']}/publish", htmx=True), notice["id"], "published")
    assert NoticeRecipient.select().where(NoticeRecipient.notice == notice["id"]).count() == 2
    html = client.get(f"{BASE}/{notice['id']}?done=published").get_data(as_text=True)
    assert '<span class="badge ok" data-testid="state">已发布</span>' in html and "已发布，正在推送" in html


def test_publishing_twice_is_refused_in_the_flash_area_and_sends_nothing_more(console_as, create_notice):
    factories.deputy()
    notice = create_notice()
    client = console_as("staff")
    client.post(f"{BASE}/{notice['id']}/publish", htmx=True)
    again = client.post(f"{BASE}/{notice['id']}/publish", htmx=True)
    assert again.status_code == 409 and again.headers["HX-Retarget"] == "#flash"
    assert NoticeRecipient.select().count() == 1


def test_a_letter_missing_merge_fields_is_not_published_and_says_who_lacks_what(console_as, create_notice):
    deputy = factories.deputy()
    notice = create_notice(kind="一人一函", body="<p>{{姓名}}代表：座位 {{座位号}}</p>")
    response = console_as("staff").post(f"{BASE}/{notice['id']}/publish", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f"{deputy.name}（{deputy.code}）缺少：座位号" in html
    assert Notice.get_by_id(notice["id"]).state == "draft"


def test_scheduling_takes_beijing_time_and_can_be_undone(console_as, create_notice):
    factories.deputy()
    notice = create_notice()
    client = console_as("staff")
    moved_to(client.post(f"{BASE}/{notice['id']}/schedule", data={"publish_at": "2099-05-01T08:00"}, htmx=True),
             notice["id"], "scheduled")
    stored = Notice.get_by_id(notice["id"])
    assert stored.state == "scheduled"
    assert stored.scheduled_at.replace(tzinfo=None) == dt.datetime(2099, 5, 1, 0, 0)  # 08:00 Beijing = 00:00 UTC
    html = client.get(f"{BASE}/{notice['id']}").get_data(as_text=True)
    assert "定时 2099-05-01 08:00" in html and 'data-testid="unschedule"' in html
    moved_to(client.post(f"{BASE}/{notice['id']}/unschedule", htmx=True), notice["id"], "unscheduled")
    assert Notice.get_by_id(notice["id"]).state == "draft"


@pytest.mark.parametrize("when", ["2000-01-01T08:00", "明天", ""])
def test_a_schedule_in_the_past_or_unreadable_is_a_field_error(console_as, create_notice, when):
    notice = create_notice()
    response = console_as("staff").post(f"{BASE}/{notice['id']}/schedule", data={"publish_at": when}, htmx=True)
    assert response.status_code == 422 and "publish_at" in response.get_data(as_text=True)
    assert Notice.get_by_id(notice["id"]).state == "draft"


def test_withdrawing_needs_a_reason_which_the_timeline_then_shows(console_as, publish_notice):
    factories.deputy()
    notice = publish_notice()
    client = console_as("staff", display_name="王秘书")
    refused = client.post(f"{BASE}/{notice['id']}/withdraw", data={"reason": ""}, htmx=True)
    assert refused.status_code == 422 and Notice.get_by_id(notice["id"]).state == "published"
    moved_to(client.post(f"{BASE}/{notice['id']}/withdraw", data={"reason": "时间有变"}, htmx=True),
             notice["id"], "withdrawn")
    html = client.get(f"{BASE}/{notice['id']}").get_data(as_text=True)
    timeline = html.split('data-testid="timeline"')[1]
    assert "王秘书：已发布 → 已撤回（时间有变）" in timeline
    assert 'data-testid="withdraw"' not in html and 'data-testid="edit"' not in html


def test_a_draft_can_be_deleted_and_the_list_is_shown_again(console_as, create_notice):
    notice = create_notice()
    response = console_as("staff").post(f"{BASE}/{notice['id']}/delete", htmx=True)
    assert response.headers["HX-Redirect"] == BASE and Notice.select().count() == 0


def test_without_htmx_a_move_redirects_to_the_page(console_as, create_notice):
    factories.deputy()
    notice = create_notice()
    client = console_as("staff")
    response = client.post(f"{BASE}/{notice['id']}/publish", data={"csrf_token": client.csrf}, csrf=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("?done=published")


def test_a_move_without_the_csrf_token_is_refused(console_as, create_notice):
    factories.deputy()
    notice = create_notice()
    response = console_as("staff").post(f"{BASE}/{notice['id']}/publish", htmx=True, csrf=False)
    assert response.status_code == 403 and Notice.get_by_id(notice["id"]).state == "draft"


def test_a_missing_notice_is_404(console_as):
    assert console_as("staff").get(f"{BASE}/999999").status_code == 404
