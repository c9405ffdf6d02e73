"""The notice workflow: publish, illegal moves, scheduling, withdrawal, edits with version history."""
import datetime as dt

import pytest

from api.common.db import utcnow
from api.common.queue import run_pending
from api.extensions import huey
from api.notices import services, tasks
from api.notices.models import Notice, NoticeRecipient
from api.notices.workflow import NOTICE_FLOW
from api.push.models import CANCELLED, QUEUED, Delivery
from tests import factories
from tests.notices.conftest import URL
from tests.support import assert_error_shape


def deliveries(notice_id, scope=None):
    query = Delivery.select().where(Delivery.source_type == "notice", Delivery.source_id == notice_id)
    return query.where(Delivery.scope == scope) if scope else query


def test_transitions_table_is_the_whole_workflow():
    expected = {
        "draft": {"scheduled", "published"},
        "scheduled": {"draft", "published"},
        "published": {"withdrawn"},
        "withdrawn": set(),
    }
    assert expected == NOTICE_FLOW.transitions()


def test_publish_records_one_delivery_per_recipient_and_queues_the_sends(app, staff, create_notice):
    people = [factories.deputy() for _ in range(3)]
    notice = create_notice()
    response = staff.post(f"{URL}/{notice['id']}/publish")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "published"
    assert response.get_json()["recipient_count"] == 3
    assert {d.deputy_id for d in deliveries(notice["id"])} == {p.id for p in people}
    assert all(d.status == QUEUED and d.scope == "publish" for d in deliveries(notice["id"]))
    assert huey.pending_count() >= 1


def test_publishing_twice_is_a_409_and_sends_nothing_more(staff, create_notice):
    factories.deputy()
    notice = create_notice()
    assert staff.post(f"{URL}/{notice['id']}/publish").status_code == 200
    body = assert_error_shape(staff.post(f"{URL}/{notice['id']}/publish"), 409)
    assert "已发布" in body["message"]
    assert deliveries(notice["id"]).count() == 1


@pytest.mark.parametrize(
    ("setup", "action", "payload"),
    [
        ("draft", "unschedule", None),
        ("draft", "withdraw", {"reason": "发错了"}),
        ("withdrawn", "publish", None),
        ("withdrawn", "schedule", "future"),
        ("published", "schedule", "future"),
        ("published", "unschedule", None),
    ],
)
def test_illegal_moves_are_409(staff, create_notice, setup, action, payload):
    factories.deputy()
    notice = create_notice()
    if setup in ("published", "withdrawn"):
        staff.post(f"{URL}/{notice['id']}/publish")
    if setup == "withdrawn":
        staff.post(f"{URL}/{notice['id']}/withdraw", json={"reason": "内容有误"})
    if payload == "future":
        payload = {"publish_at": (utcnow() + dt.timedelta(hours=1)).isoformat()}
    response = staff.post(f"{URL}/{notice['id']}/{action}", json=payload)
    assert_error_shape(response, 409)
    assert Notice.get_by_id(notice["id"]).state == setup


def test_scheduled_notice_is_published_by_the_periodic_job_once(staff, create_notice):
    factories.deputy()
    notice = create_notice()
    publish_at = utcnow() + dt.timedelta(minutes=5)
    response = staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": publish_at.isoformat()})
    assert response.status_code == 200 and response.get_json()["state"] == "scheduled"

    assert services.publish_due() == 0  # not yet due
    assert services.publish_due(now=publish_at + dt.timedelta(seconds=1)) == 1
    assert services.publish_due(now=publish_at + dt.timedelta(minutes=1)) == 0
    assert Notice.get_by_id(notice["id"]).state == "published"
    assert deliveries(notice["id"]).count() == 1


def test_periodic_job_runs_through_the_real_queue(staff, create_notice):
    factories.deputy()
    notice = create_notice()
    staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": (utcnow() + dt.timedelta(hours=1)).isoformat()})
    Notice.update(scheduled_at=utcnow() - dt.timedelta(seconds=1)).execute()  # its time has come
    tasks.publish_due_notices()  # what the scheduler enqueues each minute
    assert Notice.get_by_id(notice["id"]).state == "scheduled"
    run_pending(huey)  # a consumer step
    assert Notice.get_by_id(notice["id"]).state == "published"
    assert NoticeRecipient.select().count() == 1
    assert deliveries(notice["id"]).count() == 1


def test_periodic_job_is_due_every_minute():
    due = {type(task).__name__ for task in huey.read_periodic(dt.datetime(2026, 11, 25, 3, 17))}
    assert "publish_due_notices" in due


def test_scheduled_notice_that_cannot_go_out_returns_to_draft_with_the_reason(staff, create_notice):
    deputy = factories.deputy()
    notice = create_notice(audience={"deputy_ids": [deputy.id]})
    publish_at = utcnow() + dt.timedelta(minutes=5)
    staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": publish_at.isoformat()})
    deputy.status = "终止"
    deputy.save()
    assert services.publish_due(now=publish_at) == 0
    shown = staff.get(f"{URL}/{notice['id']}").get_json()
    assert shown["state"] == "draft"
    assert "没有在任代表" in shown["publish_error"] or "受众" in shown["publish_error"]


def test_unschedule_returns_to_draft(staff, create_notice):
    factories.deputy()
    notice = create_notice()
    staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": (utcnow() + dt.timedelta(hours=1)).isoformat()})
    response = staff.post(f"{URL}/{notice['id']}/unschedule")
    assert response.get_json()["state"] == "draft" and response.get_json()["scheduled_at"] is None
    assert services.publish_due(now=utcnow() + dt.timedelta(hours=2)) == 0


def test_schedule_in_the_past_is_refused(staff, create_notice):
    notice = create_notice()
    response = staff.post(f"{URL}/{notice['id']}/schedule", json={"publish_at": "2020-01-01T00:00:00Z"})
    assert "publish_at" in assert_error_shape(response, 422)["errors"]


def test_withdraw_needs_a_reason_and_cancels_unsent_deliveries(staff, publish_notice):
    factories.deputy()
    notice = publish_notice()
    for body in ({}, {"reason": "   "}):
        assert "reason" in assert_error_shape(staff.post(f"{URL}/{notice['id']}/withdraw", json=body), 422)["errors"]
    response = staff.post(f"{URL}/{notice['id']}/withdraw", json={"reason": "会议改期"})
    assert response.status_code == 200
    assert response.get_json()["state"] == "withdrawn"
    assert response.get_json()["withdraw_reason"] == "会议改期"
    assert {d.status for d in deliveries(notice["id"])} == {CANCELLED}


def test_only_drafts_can_be_deleted(staff, create_notice, publish_notice):
    factories.deputy()
    draft = create_notice()
    assert staff.delete(f"{URL}/{draft['id']}").status_code == 204
    assert staff.get(f"{URL}/{draft['id']}").status_code == 404
    published = publish_notice()
    assert_error_shape(staff.delete(f"{URL}/{published['id']}"), 409)


def test_editing_a_draft_keeps_no_versions(staff, create_notice):
    notice = create_notice()
    response = staff.patch(f"{URL}/{notice['id']}", json={"title": "新标题", "audience": {"grassroots_only": True}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 1
    assert response.get_json()["audience"]["grassroots_only"] is True
    assert len(staff.get(f"{URL}/{notice['id']}/versions").get_json()) == 1


def test_editing_a_published_notice_keeps_the_earlier_versions(staff, publish_notice, login_as):
    factories.deputy()
    attachment = _stored_file(staff)
    notice = publish_notice(attachment_ids=[attachment])
    first = staff.patch(f"{URL}/{notice['id']}", json={"body": "<p>改为下午三点。</p>", "attachment_ids": []})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    other = login_as("admin")
    assert other.patch(f"{URL}/{notice['id']}", json={"title": "（更正）座谈会通知"}).get_json()["version"] == 3

    history = staff.get(f"{URL}/{notice['id']}/versions").get_json()
    assert [v["version"] for v in history] == [3, 2, 1]
    assert history[0]["current"] and history[0]["title"] == "（更正）座谈会通知"
    assert history[1]["body"] == "<p>改为下午三点。</p>" and history[1]["edited_by_id"] == other.user.id
    assert history[2]["body"] == "<p>请准时参加。</p>" and history[2]["edited_by_id"] == staff.user.id
    assert [a["id"] for a in history[2]["attachments"]] == [attachment]
    assert history[2]["edited_at"] is not None


@pytest.mark.parametrize("change", [{"audience": {"grassroots_only": True}}, {"kind": "情况通报"}])
def test_published_notice_cannot_change_audience_or_kind(staff, publish_notice, change):
    factories.deputy()
    notice = publish_notice()
    body = assert_error_shape(staff.patch(f"{URL}/{notice['id']}", json=change), 409)
    assert set(change) <= set(body["errors"])


def test_withdrawn_notice_cannot_be_edited(staff, publish_notice):
    factories.deputy()
    notice = publish_notice()
    staff.post(f"{URL}/{notice['id']}/withdraw", json={"reason": "内容有误"})
    assert_error_shape(staff.patch(f"{URL}/{notice['id']}", json={"title": "x"}), 409)


def test_body_is_sanitised(staff, create_notice):
    notice = create_notice(
        body='<p onclick="x()">hi<script>alert(1)</script></p><img src="https://evil.example/t.gif">'
        '<img src="/api/v1/files/7"><a href="javascript:alert(1)">x</a><table><tr><td>1</td></tr></table>'
    )
    body = notice["body"]
    assert "onclick" not in body and "<script" not in body and "evil.example" not in body
    assert "javascript:" not in body
    assert '<img src="/api/v1/files/7">' in body and "<td>1</td>" in body


def test_unknown_attachment_is_422(staff, create_notice):
    response = staff.post(URL, json={"title": "t", "kind": "其他", "audience": {"all": True}, "attachment_ids": [999]})
    assert "attachment_ids" in assert_error_shape(response, 422)["errors"]


def _stored_file(client):
    import io

    response = client.post("/api/v1/files", data={"file": (io.BytesIO(b"%PDF-1.4 test"), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]
