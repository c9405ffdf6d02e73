"""Following up a published notice in the console: who read and replied, reminders, the Excel export."""
import io
import re

import openpyxl
import pytest

from api.auth.models import User
from api.push.models import SubscriptionCredit
from tests import factories
from tests.notices.conftest import URL, reply_slip

BASE = "/console/notices"


def rows_of(html):
    return re.findall(r'data-testid="recipient-row".*?</tr>', html, re.S)


def count(html, name):
    return int(re.search(rf'data-testid="count-{name}">(\d+)<', html).group(1))


@pytest.fixture
def sent(publish_notice, login_as):
    """A notice with a reply slip to three deputies: 王一 replied 请假, 王二 only read it, 王三 did nothing."""
    people = [factories.deputy(name=name) for name in ("王一", "王二", "王三")]
    notice = publish_notice(reply_slip=reply_slip())
    clients = [login_as("deputy", deputy=person) for person in people]
    clients[0].put(f"{URL}/feed/{notice['id']}/reply", json={"option": "请假", "reason": "外出考察"})
    clients[1].get(f"{URL}/feed/{notice['id']}")
    return {"notice": notice, "people": people, "clients": clients, "url": f"{BASE}/{notice['id']}/recipients"}


def test_counts_and_rows_show_who_read_and_replied(console_as, sent):
    html = console_as("staff").get(sent["url"]).get_data(as_text=True)
    assert (count(html, "recipients"), count(html, "read"), count(html, "replied")) == (3, 2, 1)
    rows = rows_of(html)
    assert len(rows) == 3
    first = next(row for row in rows if "王一" in row)
    assert "请假" in first and "外出考察" in first


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=read", {"王一", "王二"}),
        ("status=unread", {"王三"}),
        ("status=replied", {"王一"}),
        ("status=not_replied", {"王二", "王三"}),
        ("option=请假", {"王一"}),
        ("option=参加", set()),
        ("q=王二", {"王二"}),
        ("status=&option=&q=", {"王一", "王二", "王三"}),
    ],
)
def test_filters_by_read_and_reply_state(console_as, sent, query, names):
    html = console_as("staff").get(f"{sent['url']}?{query}").get_data(as_text=True)
    assert {name for name in ("王一", "王二", "王三") if any(name in row for row in rows_of(html))} == names


def test_a_reply_made_later_appears_when_the_page_is_reloaded(console_as, sent):
    client = console_as("staff")
    assert count(client.get(sent["url"]).get_data(as_text=True), "replied") == 1
    sent["clients"][2].put(f"{URL}/feed/{sent['notice']['id']}/reply", json={"option": "参加"})
    html = client.get(sent["url"]).get_data(as_text=True)
    assert count(html, "replied") == 2 and count(html, "read") == 3
    assert "参加" in next(row for row in rows_of(html) if "王三" in row)


def test_recipients_page_twenty_at_a_time(console_as, publish_notice):
    for _ in range(21):
        factories.deputy()
    notice = publish_notice()
    client = console_as("staff")
    assert len(rows_of(client.get(f"{BASE}/{notice['id']}/recipients").get_data(as_text=True))) == 20
    second = client.get(f"{BASE}/{notice['id']}/recipients?page=2&status=unread").get_data(as_text=True)
    assert len(rows_of(second)) == 1
    assert f'href="{BASE}/{notice["id"]}/recipients?status=unread&amp;page=1"' in second


def test_an_unknown_status_filter_is_refused(console_as, sent):
    assert console_as("staff").get(f"{sent['url']}?status=maybe").status_code == 422


def consent(user):
    """The deputy's account is bound to WeChat and has accepted reminders."""
    User.update(openid=f"o-console-{user.id}").where(User.id == user.id).execute()
    SubscriptionCredit.create(user=user.id, template="reminder", remaining=5)


def test_remind_says_who_it_reaches_and_then_the_hourly_rule(console_as, sent):
    consent(sent["clients"][2].user)
    client = console_as("staff")
    remind = f"{BASE}/{sent['notice']['id']}/remind"
    first = client.post(remind, htmx=True)
    assert first.status_code == 200 and "将向 1 位未读代表发送提醒" in first.get_data(as_text=True)
    again = client.post(remind, htmx=True)
    assert again.status_code == 429 and again.headers["HX-Retarget"] == "#flash"
    assert "每小时最多提醒一次" in again.get_data(as_text=True) and int(again.headers["Retry-After"]) > 0
    assert "已提醒 1 次" in client.get(sent["url"]).get_data(as_text=True)


def test_remind_when_nobody_can_be_reached_explains_why(console_as, sent):
    response = console_as("staff").post(f"{BASE}/{sent['notice']['id']}/remind", htmx=True)
    assert response.status_code == 200 and "本次不发送" in response.get_data(as_text=True)


def test_the_export_is_an_xlsx_download_with_formulas_neutralised(console_as, publish_notice):
    factories.deputy(name="=HYPERLINK(\"http://x\",\"点我\")")
    notice = publish_notice(title="=1+1 通知")
    client = console_as("staff")
    page = client.get(f"{BASE}/{notice['id']}/recipients").get_data(as_text=True)
    assert f'href="{BASE}/{notice["id"]}/export" data-testid="export"' in page
    response = client.get(f"{BASE}/{notice['id']}/export")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    names = [row[1] for row in book["阅读与回执"].iter_rows(min_row=2, values_only=True)]
    assert names == ["'=HYPERLINK(\"http://x\",\"点我\")"]
    assert dict(book["汇总"].iter_rows(values_only=True))["标题"] == "'=1+1 通知"
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)


@pytest.mark.parametrize("role", ["station_staff", "unit_user"])
def test_other_roles_see_no_recipients_and_cannot_export_or_remind(console_as, sent, role):
    client = console_as(role)
    assert client.get(sent["url"]).status_code == 403
    assert client.get(f"{BASE}/{sent['notice']['id']}/export").status_code == 403
    assert client.post(f"{BASE}/{sent['notice']['id']}/remind", htmx=True).status_code == 403
