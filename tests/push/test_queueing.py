"""Queueing a send-out: set-based, deduplicated, durable until dispatched, cancellable."""
import pytest

from api.deputies.models import Deputy, DeputyGroupMember
from api.extensions import db, huey
from api.jobs.models import OutboxJob
from api.push import services
from api.push.models import Delivery, PushMessage
from tests import factories
from tests.push.conftest import bound_deputy, drain

MESSAGE = {"template": "notice", "page": "pages/notices/detail?id=3", "data": {"thing1": "会议通知"}}


def queue(recipients, source_id=3, scope="publish", message=MESSAGE):
    with db.atomic():
        result = services.queue_deliveries("notice", source_id, recipients, message, scope)
    services.dispatch_recorded(result["jobs"])
    return result


def test_publishing_twice_queues_and_sends_each_deputy_once(app, standin):
    deputies = [bound_deputy(credits=5) for _ in range(3)]
    recipients = Deputy.select(Deputy.id)

    first = queue(recipients)
    again = queue(recipients)  # a second publish, or the same request retried
    drain()
    late = queue(recipients)  # after everything was sent
    drain()

    assert (first["queued"], first["duplicate"]) == (3, 0)
    assert (again["queued"], again["duplicate"], again["jobs"]) == (0, 3, [])
    assert (late["queued"], late["duplicate"]) == (0, 3)
    assert Delivery.select().count() == 3
    assert PushMessage.select().count() == 1  # the duplicates left no orphan content behind
    assert sorted(m["openid"] for m in standin.messages()) == sorted(d.user.openid for d in deputies)


def test_new_recipients_of_a_republished_notice_get_only_their_own_delivery(app, standin):
    early = bound_deputy()
    queue(Deputy.select(Deputy.id))
    late = bound_deputy()
    result = queue(Deputy.select(Deputy.id))
    drain()
    assert (result["queued"], result["duplicate"]) == (1, 1)
    assert sorted(m["openid"] for m in standin.messages()) == sorted([early.user.openid, late.user.openid])


def test_another_scope_is_another_delivery(app, standin):
    deputy = bound_deputy(credits=2)
    queue(Deputy.select(Deputy.id), scope="publish")
    reminder = queue(Deputy.select(Deputy.id), scope="reminder:2026-12-01")
    drain()
    assert reminder["queued"] == 1
    assert len(standin.messages()) == 2
    scopes = {d.scope for d in Delivery.select().where(Delivery.deputy == deputy.id)}
    assert scopes == {"publish", "reminder:2026-12-01"}


def test_recipients_may_come_from_any_single_column_query(app, standin):
    group = factories.group()
    members = [bound_deputy() for _ in range(2)]
    bound_deputy()  # not in the group
    for deputy in members:
        DeputyGroupMember.create(deputy=deputy, group=group)
    recipients = DeputyGroupMember.select(DeputyGroupMember.deputy).where(DeputyGroupMember.group == group)
    assert queue(recipients)["queued"] == 2
    assert {d.deputy_id for d in Delivery.select()} == {d.id for d in members}


def test_a_query_with_more_than_one_column_is_refused(app):
    with pytest.raises(ValueError):
        services.queue_deliveries("notice", 1, Deputy.select(Deputy.id, Deputy.name), MESSAGE)
    with pytest.raises(ValueError):
        services.queue_deliveries("notice", 1, Deputy.select(Deputy.id), {**MESSAGE, "template": "nope"})


def test_jobs_cover_id_ranges_and_wait_in_the_outbox_until_dispatched(app, standin, monkeypatch):
    monkeypatch.setattr(services, "JOB_RANGE", 2)
    for _ in range(5):
        bound_deputy()
    with db.atomic():
        result = services.queue_deliveries("notice", 3, Deputy.select(Deputy.id), MESSAGE, "publish")
        # Inside the transaction nothing is in the queue: a rollback would leave no stray job.
        assert huey.pending_count() == 0
    assert result["queued"] == 5 and len(result["jobs"]) == 3
    assert OutboxJob.select().where(OutboxJob.enqueued_at.is_null()).count() == 3

    assert services.dispatch_recorded(result["jobs"]) == 3
    assert huey.pending_count() == 3
    drain()
    assert Delivery.select().where(Delivery.status == "sent").count() == 5


def test_a_rolled_back_publish_leaves_nothing(app, standin):
    bound_deputy()
    with pytest.raises(RuntimeError), db.atomic():
        services.queue_deliveries("notice", 3, Deputy.select(Deputy.id), MESSAGE)
        raise RuntimeError("the notice failed to save")
    assert Delivery.select().count() == PushMessage.select().count() == OutboxJob.select().count() == 0


def test_cancel_pending_withdraws_what_no_worker_has_taken(app, standin):
    sent_before, *waiting = [bound_deputy() for _ in range(3)]
    queue(Deputy.select(Deputy.id).where(Deputy.id == sent_before.id))
    drain()
    queue(Deputy.select(Deputy.id))

    assert services.cancel_pending("notice", 3) == 2
    drain()

    statuses = {d.deputy_id: (d.status, d.reason) for d in Delivery.select()}
    assert statuses[sent_before.id] == ("sent", None)
    assert all(statuses[d.id] == ("cancelled", "已取消发送") for d in waiting)
    assert [m["openid"] for m in standin.messages()] == [sent_before.user.openid]
    assert services.cancel_pending("notice", 3) == 0
