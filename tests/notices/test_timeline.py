"""A notice's moves on record: the timeline API, the scheduled job's moves as the system, reply events."""
import datetime as dt

from api.common.db import utcnow
from api.common.errors import Invalid, InvalidMove
from api.common.events import PerformanceEvent, yearly_counts
from api.notices import services
from api.notices.models import Notice
from api.notices.workflow import NOTICE_FLOW
from tests import factories
from tests.notices.conftest import URL, reply_slip
from tests.support import assert_error_shape


def moves(staff, notice_id):
    response = staff.get(f"{URL}/{notice_id}/timeline")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_staff_read_every_move_with_who_when_and_why(staff, create_notice):
    factories.deputy()
    notice = create_notice()
    later = (utcnow() + dt.timedelta(hours=1)).isoformat()
    staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": later})
    staff.post(f"{URL}/{notice['id']}/unschedule")
    staff.post(f"{URL}/{notice['id']}/publish")
    staff.post(f"{URL}/{notice['id']}/withdraw", json={"reason": "会议改期"})

    timeline = moves(staff, notice["id"])
    assert [(m["from_state"], m["to_state"]) for m in timeline] == [
        (None, "draft"), ("draft", "scheduled"), ("scheduled", "draft"), ("draft", "published"),
        ("published", "withdrawn"),
    ]
    assert [m["to_label"] for m in timeline] == ["草稿", "定时发布", "草稿", "已发布", "已撤回"]
    assert {m["actor_id"] for m in timeline} == {staff.user.id}
    assert {m["actor_name"] for m in timeline} == {staff.user.display_name}
    assert timeline[1]["payload"] == {"publish_at": later}
    assert timeline[-1]["reason"] == "会议改期"
    assert_error_shape(staff.get(f"{URL}/999999/timeline"), 404)


def test_a_refused_move_leaves_no_trace_and_names_the_state(staff, publish_notice):
    factories.deputy()
    notice = publish_notice()
    body = assert_error_shape(staff.post(f"{URL}/{notice['id']}/unschedule"), 409)
    assert "「已发布」" in body["message"]
    assert len(moves(staff, notice["id"])) == 2


def test_scheduled_publish_is_a_system_move_and_a_failure_a_declared_move_back(staff, create_notice):
    deputy = factories.deputy()
    ok, doomed = create_notice(), create_notice(audience={"deputy_ids": [deputy.id]})
    publish_at = utcnow() + dt.timedelta(minutes=5)
    for notice in (ok, doomed):
        staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": publish_at.isoformat()})
    Notice.update(audience={"deputy_ids": [deputy.id], "exclude_deputy_ids": [deputy.id]}).where(
        Notice.id == doomed["id"]
    ).execute()

    assert services.publish_due(now=publish_at) == 1
    published = moves(staff, ok["id"])[-1]
    assert (published["to_state"], published["actor_id"], published["actor_name"]) == ("published", None, None)
    back = moves(staff, doomed["id"])[-1]
    assert (back["from_state"], back["to_state"], back["actor_id"]) == ("scheduled", "draft", None)
    assert back["reason"].startswith("定时发布失败：受众中没有在任代表")
    assert staff.get(f"{URL}/{doomed['id']}").get_json()["publish_error"] == back["reason"]


def test_publish_due_skips_a_notice_someone_else_moved_and_decides_from_no_http_status(
    staff, create_notice, monkeypatch
):
    factories.deputy()
    notice = create_notice()
    publish_at = utcnow() + dt.timedelta(minutes=5)
    staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": publish_at.isoformat()})

    def lost_the_race(notice, **kwargs):
        raise InvalidMove("通知状态已被他人修改。", current_state="published")

    monkeypatch.setattr(services, "publish", lost_the_race)
    assert services.publish_due(now=publish_at) == 0
    assert Notice.get_by_id(notice["id"]).state == "scheduled"  # not sent back to draft

    def refused(notice, **kwargs):
        raise Invalid("函件缺少合并字段。", errors={"merge_fields": ["张三缺少：建议数"]})

    monkeypatch.setattr(services, "publish", refused)
    services.publish_due(now=publish_at)
    stored = Notice.get_by_id(notice["id"])
    assert stored.state == "draft"
    assert stored.publish_error == "定时发布失败：函件缺少合并字段。（张三缺少：建议数）"


def test_no_state_rule_outside_the_declaration():
    assert NOTICE_FLOW.allows("draft", "delete") and not NOTICE_FLOW.allows("scheduled", "delete")
    assert NOTICE_FLOW.states_allowing("remind") == ["published"]
    assert NOTICE_FLOW.states_allowing("read") == ["published"]
    assert NOTICE_FLOW.states_allowing("merge_data") == ["draft", "scheduled"]


def test_a_reply_is_one_event_in_the_performance_record_even_when_changed(as_deputy, publish_notice):
    deputy = factories.deputy()
    me = as_deputy(deputy)
    notice = publish_notice(reply_slip=reply_slip())
    assert me.put(f"{URL}/feed/{notice['id']}/reply", json={"option": "参加"}).status_code == 200
    assert me.put(f"{URL}/feed/{notice['id']}/reply", json={"option": "请假", "reason": "出差"}).status_code == 200
    (event,) = PerformanceEvent.select()
    assert (event.deputy_id, event.kind, event.object_type, event.object_id) == (
        deputy.id, "notice.reply", "notice", notice["id"],
    )
    assert event.payload == {"title": notice["title"], "option": "请假"}  # the record shows the title, not a join
    assert yearly_counts(deputy.id) == {"notice.reply": 1}


def test_a_refused_reply_records_no_event(as_deputy, publish_notice):
    deputy = factories.deputy()
    notice = publish_notice(reply_slip=reply_slip())
    assert_error_shape(as_deputy(deputy).put(f"{URL}/feed/{notice['id']}/reply", json={"option": "请假"}), 422)
    assert PerformanceEvent.select().count() == 0
