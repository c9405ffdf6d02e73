"""Reply slips (回执): answer, change until the deadline, reasons for leave, tallies for staff."""
import datetime as dt

import pytest

from api.common.db import utcnow
from api.notices.models import Notice
from tests import factories
from tests.notices.conftest import URL, reply_slip
from tests.support import assert_error_shape


@pytest.fixture
def me(as_deputy):
    return as_deputy(factories.deputy())


def reply(client, notice, **body):
    return client.put(f"{URL}/feed/{notice['id']}/reply", json=body)


def test_default_options_are_attend_and_leave_with_reason(me, publish_notice):
    notice = publish_notice(reply_slip=reply_slip())
    assert notice["reply_slip"]["options"] == [
        {"label": "参加", "requires_reason": False},
        {"label": "请假", "requires_reason": True},
    ]


def test_answer_then_change_before_the_deadline(me, publish_notice):
    notice = publish_notice(reply_slip=reply_slip())
    first = reply(me, notice, option="参加")
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["option"] == "参加"
    changed = reply(me, notice, option="请假", reason="外出开会")
    assert changed.get_json()["option"] == "请假"
    detail = me.get(f"{URL}/feed/{notice['id']}").get_json()
    assert detail["my_reply"]["option"] == "请假" and detail["my_reply"]["reason"] == "外出开会"
    assert detail["reply_open"] is True
    assert me.get(f"{URL}/feed").get_json()[0]["my_reply"] == "请假"


def test_replying_counts_as_reading(me, publish_notice):
    notice = publish_notice(reply_slip=reply_slip())
    reply(me, notice, option="参加")
    assert me.get(f"{URL}/feed/unread-count").get_json() == {"unread": 0}


def test_leave_needs_a_reason(me, publish_notice):
    notice = publish_notice(reply_slip=reply_slip())
    body = assert_error_shape(reply(me, notice, option="请假"), 422)
    assert "请假" in body["errors"]["reason"][0]


def test_unknown_option_is_422_naming_the_choices(me, publish_notice):
    notice = publish_notice(reply_slip=reply_slip())
    body = assert_error_shape(reply(me, notice, option="也许"), 422)
    assert "参加" in body["errors"]["option"][0]


def test_custom_options(me, publish_notice):
    options = [{"label": "线上参加"}, {"label": "现场参加"}, {"label": "其他", "requires_reason": True}]
    notice = publish_notice(reply_slip=reply_slip(options=options))
    assert reply(me, notice, option="线上参加").status_code == 200
    assert_error_shape(reply(me, notice, option="参加"), 422)


def test_no_answers_after_the_deadline(me, publish_notice, staff):
    notice = publish_notice(reply_slip=reply_slip())
    assert reply(me, notice, option="参加").status_code == 200
    Notice.update(reply_deadline=utcnow() - dt.timedelta(minutes=1)).where(Notice.id == notice["id"]).execute()
    body = assert_error_shape(reply(me, notice, option="请假", reason="临时有事"), 409)
    assert "截止" in body["message"]
    detail = me.get(f"{URL}/feed/{notice['id']}").get_json()
    assert detail["reply_open"] is False and detail["my_reply"]["option"] == "参加"


def test_staff_may_extend_the_deadline_after_publishing(me, publish_notice, staff):
    notice = publish_notice(reply_slip=reply_slip(hours=1))
    Notice.update(reply_deadline=utcnow() - dt.timedelta(minutes=1)).where(Notice.id == notice["id"]).execute()
    options = notice["reply_slip"]["options"]
    extended = staff.patch(f"{URL}/{notice['id']}", json={"reply_slip": reply_slip(hours=48, options=options)})
    assert extended.status_code == 200, extended.get_json()
    assert reply(me, notice, option="参加").status_code == 200
    other_options = reply_slip(options=[{"label": "甲"}, {"label": "乙"}])
    changed = staff.patch(f"{URL}/{notice['id']}", json={"reply_slip": other_options})
    assert "reply_slip" in assert_error_shape(changed, 409)["errors"]


def test_a_notice_without_a_slip_takes_no_answers(me, publish_notice):
    notice = publish_notice()
    assert_error_shape(reply(me, notice, option="参加"), 409)


@pytest.mark.parametrize(
    ("slip", "field"),
    [
        ({"deadline": "2020-01-01T00:00:00Z"}, "deadline"),
        ({"options": [{"label": "参加"}]}, "options"),
        ({"options": [{"label": "参加"}, {"label": "参加"}]}, "options"),
        ({"options": [{"label": "参加"}, {"label": "请假"}], "deadline": None}, "deadline"),
    ],
)
def test_slip_rules(staff, slip, field):
    slip = {"deadline": reply_slip()["deadline"], **slip}
    if slip["deadline"] is None:
        del slip["deadline"]
    response = staff.post(URL, json={"title": "t", "kind": "会议通知", "audience": {"all": True}, "reply_slip": slip})
    assert field in assert_error_shape(response, 422)["errors"]["reply_slip"]


def test_staff_see_tallies_and_lists(me, as_deputy, publish_notice, staff):
    others = [as_deputy(factories.deputy()) for _ in range(3)]
    notice = publish_notice(reply_slip=reply_slip())
    reply(me, notice, option="参加")
    reply(others[0], notice, option="参加")
    reply(others[1], notice, option="请假", reason="出差")
    stats = staff.get(f"{URL}/{notice['id']}/stats").get_json()
    assert stats["recipients"] == 4 and stats["replied"] == 3 and stats["not_replied"] == 1
    assert stats["reply_tallies"] == [{"option": "参加", "count": 2}, {"option": "请假", "count": 1}]
    leave = staff.get(f"{URL}/{notice['id']}/recipients", query_string={"option": "请假"}).get_json()
    assert [(r["deputy_id"], r["reply_reason"]) for r in leave] == [(others[1].user.deputy_id, "出差")]
    missing = staff.get(f"{URL}/{notice['id']}/recipients", query_string={"status": "not_replied"}).get_json()
    assert [r["deputy_id"] for r in missing] == [others[2].user.deputy_id]
