"""Invitations answered the reply-slip way: attend, leave with a reason, staff approval where the kind requires it."""
import pytest

from tests import factories
from tests.activities.conftest import URL
from tests.push.conftest import bound_deputy, drain
from tests.support import assert_error_shape, assert_permitted


def reply(client, activity, **data):
    return client.put(f"{URL}/mine/{activity['id']}/reply", json=data)


def test_publishing_invites_the_audience_and_only_them(make_activity, as_deputy, office):
    group = factories.group()
    members = [factories.deputy(groups=[group]) for _ in range(3)]
    factories.deputy(groups=[group], status="终止")
    outsider = factories.deputy()
    activity = make_activity(deputies=[], audience={"group_ids": [group.id]})
    assert activity["invited_count"] == 3 and activity["state"] == "published"
    invited = office.get(f"{URL}/{activity['id']}/invitations").get_json()
    assert sorted(i["deputy_id"] for i in invited) == sorted(m.id for m in members)
    assert all(i["state"] == "invited" and i["state_label"] == "待回复" for i in invited)
    mine = as_deputy(members[0]).get(f"{URL}/mine").get_json()
    assert [m["activity"]["title"] for m in mine] == ["乡村振兴专题调研"]
    assert as_deputy(outsider).get(f"{URL}/mine").get_json() == []
    assert_error_shape(as_deputy(outsider).get(f"{URL}/mine/{activity['id']}"), 404)


def test_drafts_are_not_shown_to_deputies(make_activity, as_deputy):
    deputy = factories.deputy()
    make_activity([deputy], publish=False)
    assert as_deputy(deputy).get(f"{URL}/mine").get_json() == []


def test_leave_needs_a_reason_and_staff_approval_for_formal_duties(make_activity, as_deputy, office):
    deputy = factories.deputy()
    client = as_deputy(deputy)
    activity = make_activity([deputy], kind="inspection")
    assert activity["needs_leave_approval"] is True
    assert_error_shape(reply(client, activity, option="请假"), 422)
    asked = reply(client, activity, option="请假", reason="同期参加省人代会")
    assert asked.status_code == 200 and asked.get_json()["state"] == "leave_pending"
    assert asked.get_json()["leave_reason"] == "同期参加省人代会"
    refused = office.post(f"{URL}/{activity['id']}/invitations/{deputy.id}/leave",
                          json={"approve": False, "note": "本次视察须全员参加"})
    assert refused.get_json()["state"] == "leave_refused"
    assert_error_shape(office.post(f"{URL}/{activity['id']}/invitations/{deputy.id}/leave", json={"approve": True}),
                       409)
    again = reply(client, activity, option="请假", reason="确有公务冲突")
    assert again.get_json()["state"] == "leave_pending"
    approved = office.post(f"{URL}/{activity['id']}/invitations/{deputy.id}/leave", json={"approve": True})
    assert approved.get_json()["state"] == "on_leave"
    counts = {c["state"]: c["count"] for c in office.get(f"{URL}/{activity['id']}/attendance").get_json()["by_state"]}
    assert counts["on_leave"] == 1


def test_leave_from_a_group_activity_needs_no_approval(make_activity, as_deputy):
    deputy = factories.deputy()
    activity = make_activity([deputy], kind="group")
    answered = reply(as_deputy(deputy), activity, option="请假", reason="出差")
    assert answered.get_json()["state"] == "on_leave"
    assert reply(as_deputy(deputy), activity, option="参加").get_json()["state"] == "attending"


def test_a_deputy_cannot_approve_their_own_leave(make_activity, as_deputy):
    deputy = factories.deputy()
    client = as_deputy(deputy)
    activity = make_activity([deputy], kind="research")
    reply(client, activity, option="请假", reason="出差")
    assert_error_shape(client.post(f"{URL}/{activity['id']}/invitations/{deputy.id}/leave", json={"approve": True}),
                       403)


def test_capacity_is_kept(make_activity, as_deputy):
    first, second = factories.deputy(), factories.deputy()
    activity = make_activity([first, second], capacity=1)
    assert reply(as_deputy(first), activity, option="参加").status_code == 200
    assert_error_shape(reply(as_deputy(second), activity, option="参加"), 409)
    reply(as_deputy(first), activity, option="请假", reason="临时有事")
    assert reply(as_deputy(second), activity, option="参加").status_code == 200


def test_answers_close_when_the_activity_starts_or_is_cancelled(make_activity, as_deputy, office):
    import datetime as dt

    from api.common.db import utcnow
    from tests.activities.conftest import move_start

    deputy = factories.deputy()
    activity = make_activity([deputy])
    move_start(activity["id"], utcnow() - dt.timedelta(minutes=5))
    assert_error_shape(reply(as_deputy(deputy), activity, option="参加"), 409)
    other = make_activity([deputy])
    assert office.post(f"{URL}/{other['id']}/cancel", json={"reason": "天气原因"}).status_code == 200
    assert_error_shape(reply(as_deputy(deputy), other, option="参加"), 409)


@pytest.mark.parametrize("role", ["admin", "staff", "station_staff", "unit_user", "deputy", "constituent", "anonymous"])
def test_who_manages_activities(client, login_as, role):
    caller = client if role == "anonymous" else login_as(role)
    assert_permitted(caller.get(URL), role, {"admin", "staff"}, 200)


def test_bad_input_is_422(office):
    deputy = factories.deputy()
    from tests.activities.conftest import body

    for bad in ({"kind": "party"}, {"capacity": 0}, {"audience": {}}, {"title": ""}):
        assert_error_shape(office.post(URL, json=body([deputy], **bad)), 422)
    reversed_times = body([deputy])
    reversed_times["ends_at"] = reversed_times["starts_at"]
    assert_error_shape(office.post(URL, json=reversed_times), 422)


def test_each_invited_deputy_is_told_on_wechat_and_a_cancelled_activity_tells_no_one_more(make_activity, office,
                                                                                         standin):
    told = [bound_deputy(), bound_deputy()]
    activity = make_activity(told, title="城市更新专题调研")
    drain()
    sent = standin.messages()
    assert sorted(m["openid"] for m in sent) == sorted(d.user.openid for d in told)
    assert {m["page"] for m in sent} == {f"pages/activity/activity?id={activity['id']}"}
    assert {m["data"]["thing1"]["value"] for m in sent} == {"城市更新专题调研"}

    late = make_activity([bound_deputy()], title="代表小组活动")
    cancelled = office.post(f"{URL}/{late['id']}/cancel", json={"reason": "台风预警，活动取消"})
    assert cancelled.status_code == 200, cancelled.get_json()
    drain()
    assert len(standin.messages()) == 2  # the cancelled activity's invitation was withdrawn before it went
