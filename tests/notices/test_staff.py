"""Staff follow-up: read/unread lists, stats, Excel export, reminding only the unread; and who may do what."""
import datetime as dt
import io

import openpyxl
import pytest

from api.auth.models import User
from api.common.db import utcnow
from api.notices.models import Notice
from api.push.models import Delivery, SubscriptionCredit
from tests import factories
from tests.notices.conftest import URL, reply_slip
from tests.support import assert_error_shape


def consents(deputy, template="reminder", credits=1):
    """Bind the deputy's WeChat account; `credits` sends of `template` accepted (None: never asked)."""
    user = User.create(role="deputy", display_name=deputy.name, deputy=deputy, openid=f"o-staff-{deputy.id}")
    if credits is not None:
        SubscriptionCredit.create(user=user, template=template, remaining=credits)


@pytest.fixture
def sent(publish_notice, as_deputy):
    """A notice to three deputies, one of whom has read it; 王二 accepts reminders, 王三 never did."""
    people = [factories.deputy(name=name) for name in ("王一", "王二", "王三")]
    consents(people[1], credits=5)
    consents(people[2], credits=None)
    notice = publish_notice(reply_slip=reply_slip())
    reader = as_deputy(people[0])
    reader.get(f"{URL}/feed/{notice['id']}")
    return {"notice": notice, "people": people, "reader": reader}


def test_read_and_unread_lists(staff, sent):
    notice, people = sent["notice"], sent["people"]
    read = staff.get(f"{URL}/{notice['id']}/recipients", query_string={"status": "read"})
    assert [r["name"] for r in read.get_json()] == ["王一"] and read.get_json()[0]["read_at"]
    unread = staff.get(f"{URL}/{notice['id']}/recipients", query_string={"status": "unread", "page_size": 1})
    assert [r["deputy_id"] for r in unread.get_json()] == [people[1].id]
    assert '"total": 2' in unread.headers["X-Pagination"] or '"total":2' in unread.headers["X-Pagination"]
    stats = staff.get(f"{URL}/{notice['id']}/stats").get_json()
    assert (stats["recipients"], stats["read"], stats["unread"]) == (3, 1, 2)


def test_export_to_excel(staff, sent):
    notice = sent["notice"]
    sent["reader"].put(f"{URL}/feed/{notice['id']}/reply", json={"option": "请假", "reason": "住院"})
    response = staff.get(f"{URL}/{notice['id']}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    rows = list(book["阅读与回执"].iter_rows(values_only=True))
    assert rows[0][:4] == ("代表编号", "姓名", "代表团", "是否已读")
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"王一", "王二", "王三"}
    assert by_name["王一"][3] == "已读" and by_name["王一"][5] == "请假" and by_name["王一"][6] == "住院"
    assert by_name["王二"][3] == "未读"
    summary = dict(book["汇总"].iter_rows(values_only=True))
    assert summary["应收人数"] == 3 and summary["已读"] == 1


def test_remind_pushes_only_to_the_unread(staff, sent):
    notice, people = sent["notice"], sent["people"]
    response = staff.post(f"{URL}/{notice['id']}/remind")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("reminder", "queued", "recipients", "will_send", "no_consent", "unbound")} == {
        "reminder": 1, "queued": 2, "recipients": 2, "will_send": 1, "no_consent": 1, "unbound": 0,
    }
    assert "将向 1 位" in body["message"] and "1 位未订阅" in body["message"]
    reminded = Delivery.select().where(Delivery.source_id == notice["id"], Delivery.scope == "remind-1")
    assert {d.deputy_id for d in reminded} == {people[1].id, people[2].id}
    assert staff.get(f"{URL}/{notice['id']}").get_json()["reminder_count"] == 1


def test_remind_at_most_once_an_hour(staff, sent):
    notice = sent["notice"]
    assert staff.post(f"{URL}/{notice['id']}/remind").status_code == 200
    again = staff.post(f"{URL}/{notice['id']}/remind")
    assert_error_shape(again, 429)
    assert 0 < int(again.headers["Retry-After"]) <= 3600
    Notice.update(last_reminded_at=utcnow() - dt.timedelta(hours=2)).execute()
    second = staff.post(f"{URL}/{notice['id']}/remind")
    assert second.get_json()["reminder"] == 2
    assert Delivery.select().where(Delivery.scope == "remind-2").count() == 2


def test_remind_with_nobody_consenting_says_nothing_will_be_sent(staff, publish_notice):
    people = [factories.deputy() for _ in range(3)]
    consents(people[0], credits=0)  # accepted once, already used up
    consents(people[1], template="notice")  # consented to notices, not reminders
    notice = publish_notice()
    response = staff.post(f"{URL}/{notice['id']}/remind")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["reminder"], body["queued"], body["will_send"], body["no_consent"], body["unbound"]) == (
        None, 0, 0, 2, 1,
    )
    assert "不发送" in body["message"] and "2 位未在小程序中同意接收提醒消息" in body["message"]
    assert Delivery.select().where(Delivery.scope.startswith("remind")).count() == 0
    # Nothing was sent, so the hourly slot is still free.
    assert staff.get(f"{URL}/{notice['id']}").get_json()["reminder_count"] == 0
    assert staff.post(f"{URL}/{notice['id']}/remind").status_code == 200


def test_no_reminder_when_everyone_has_read(staff, publish_notice, as_deputy):
    deputy = factories.deputy()
    notice = publish_notice()
    as_deputy(deputy).get(f"{URL}/feed/{notice['id']}")
    assert_error_shape(staff.post(f"{URL}/{notice['id']}/remind"), 409)


def test_list_filters(staff, create_notice, publish_notice):
    factories.deputy()
    create_notice(title="草稿一")
    publish_notice(title="已发布一", kind="情况通报")
    listed = staff.get(URL, query_string={"state": "published"}).get_json()
    assert [n["title"] for n in listed] == ["已发布一"]
    assert [n["title"] for n in staff.get(URL, query_string={"q": "草稿"}).get_json()] == ["草稿一"]
    assert [n["title"] for n in staff.get(URL, query_string={"kind": "情况通报"}).get_json()] == ["已发布一"]


def test_staff_writes_are_audited(staff, publish_notice):
    from api.common.audit import AuditEntry

    factories.deputy()
    notice = publish_notice()
    staff.post(f"{URL}/{notice['id']}/withdraw", json={"reason": "撤回"})
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.target_id == str(notice["id"]))]
    assert {"notice.create", "notice.publish", "notice.withdraw"} <= set(actions)


STAFF_ENDPOINTS = [
    ("GET", ""), ("POST", ""), ("POST", "/audience-preview"), ("GET", "/{id}"), ("PATCH", "/{id}"),
    ("POST", "/{id}/publish"), ("POST", "/{id}/withdraw"), ("POST", "/{id}/remind"), ("GET", "/{id}/stats"),
    ("GET", "/{id}/recipients"), ("GET", "/{id}/export"), ("GET", "/{id}/versions"),
]


@pytest.mark.parametrize("role", ["station_staff", "unit_user", "deputy", "constituent"])
@pytest.mark.parametrize(("method", "path"), STAFF_ENDPOINTS)
def test_only_office_staff_manage_notices(login_as, publish_notice, role, method, path):
    factories.deputy()
    notice = publish_notice()
    client = login_as(role, deputy=factories.deputy()) if role == "deputy" else login_as(role)
    response = client.open(method, URL + path.format(id=notice["id"]), json={} if method != "GET" else None)
    assert_error_shape(response, 403)


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_office_roles_may_manage(login_as, role):
    factories.deputy()
    client = login_as(role)
    response = client.post(URL, json={"title": "t", "kind": "其他", "audience": {"all": True}})
    assert response.status_code == 201
    assert client.post(f"{URL}/{response.get_json()['id']}/publish").status_code == 200


@pytest.mark.parametrize("role", ["admin", "staff", "station_staff", "unit_user", "constituent"])
def test_only_deputies_have_a_feed(login_as, role):
    assert_error_shape(login_as(role).get(f"{URL}/feed"), 403)
    assert_error_shape(login_as(role).get(f"{URL}/feed/unread-count"), 403)
