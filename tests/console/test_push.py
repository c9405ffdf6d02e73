"""The push deliveries screen: each delivery's outcome and reason, filters, counts per status, paging."""
import datetime as dt

import pytest

from api.push.models import Delivery, PushMessage
from tests import factories

PUSH = "/console/push"


def deliveries(source_id, statuses, created_at=None, scope="publish"):
    message = PushMessage.create(template="notice", page="pages/feed/feed", data="{}")
    rows = []
    for status in statuses:
        reason = "用户未订阅" if status == "skipped" else ("微信返回错误" if status == "failed" else None)
        rows.append(Delivery.create(
            message=message, source_type="notice", source_id=source_id, deputy=factories.deputy(), scope=scope,
            status=status, reason=reason, errcode=43101 if status == "failed" else None,
            **({"created_at": created_at} if created_at else {}),
        ))
    return rows


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", False, 403), ("unit_user", False, 403),
])
def test_push_deliveries_are_for_the_office(console_as, role, listed, status):
    client = console_as(role)
    assert (f'href="{PUSH}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(PUSH).status_code == status


def test_each_delivery_shows_its_outcome_and_reason_with_the_counts(console_as, db):
    deliveries(7, ["sent", "sent", "failed", "skipped"])
    html = console_as("staff").get(PUSH).get_data(as_text=True)
    assert html.count('data-testid="delivery-row"') == 4
    assert "微信返回错误" in html and "43101" in html and "用户未订阅" in html
    assert "合计 4" in html and "已发送 2" in html and "发送失败 1" in html


def test_filters_by_status_source_and_date(console_as, db):
    deliveries(7, ["sent", "failed"])
    deliveries(8, ["failed"], created_at=dt.datetime(2026, 1, 5, 3, tzinfo=dt.timezone.utc))
    client = console_as("staff")
    failed = client.get(f"{PUSH}?status=failed", htmx=True).get_data(as_text=True)
    assert failed.count('data-testid="delivery-row"') == 2 and "<html" not in failed
    assert "合计 3" in failed  # the counts split the other filters' deliveries by status
    source = client.get(f"{PUSH}?source_type=notice&source_id=8").get_data(as_text=True)
    assert source.count('data-testid="delivery-row"') == 1 and "合计 1" in source
    day = client.get(f"{PUSH}?from=2026-01-05&to=2026-01-05").get_data(as_text=True)
    assert day.count('data-testid="delivery-row"') == 1 and "notice #8" in day
    assert client.get(f"{PUSH}?from=2026-01-06").get_data(as_text=True).count('data-testid="delivery-row"') == 2


def test_the_dates_are_beijing_days(console_as, db):
    # 2026-01-04 17:00 UTC is 2026-01-05 01:00 in Beijing.
    deliveries(9, ["sent"], created_at=dt.datetime(2026, 1, 4, 17, tzinfo=dt.timezone.utc))
    client = console_as("staff")
    assert client.get(f"{PUSH}?from=2026-01-05&to=2026-01-05").get_data(as_text=True).count("delivery-row") == 1
    assert client.get(f"{PUSH}?to=2026-01-04").get_data(as_text=True).count("delivery-row") == 0


@pytest.mark.parametrize("query", ["status=lost", "from=2026-13-01", "from=2026-01-05&to=2026-01-01", "source_id=x"])
def test_a_bad_filter_is_422(console_as, db, query):
    assert console_as("staff").get(f"{PUSH}?{query}").status_code == 422


def test_the_list_pages_newest_first(console_as, db):
    rows = deliveries(3, ["queued"] * 21)
    client = console_as("staff")
    first = client.get(PUSH).get_data(as_text=True)
    assert first.count('data-testid="delivery-row"') == 20 and 'data-testid="page-next"' in first
    last = client.get(f"{PUSH}?page=2").get_data(as_text=True)
    assert last.count('data-testid="delivery-row"') == 1 and rows[0].deputy.name in last


def test_a_delivery_to_an_account_names_the_account(console_as, db):
    from tests.support import make_user

    message = PushMessage.create(template="reminder", page="pages/feed/feed", data="{}")
    user = make_user("unit_user", display_name="市水务局办公室")
    Delivery.create(message=message, source_type="feedback_case", source_id=3, addressee=user, status="skipped",
                    reason="账号未绑定微信或已停用")
    html = console_as("staff").get(PUSH).get_data(as_text=True)
    assert "市水务局办公室" in html and "账号未绑定微信或已停用" in html and "接收人" in html
