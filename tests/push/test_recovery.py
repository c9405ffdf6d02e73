"""A worker that dies mid-way: nothing is sent twice, and a restarted worker finishes the rest."""
import datetime as dt
import os
import signal
import subprocess
import sys
import time

from api.common.db import utcnow
from api.deputies.models import Deputy
from api.extensions import db, huey, redis_store
from api.push import sending, services
from api.push.models import Delivery, PushMessage
from tests.push.conftest import bound_deputy, drain

MESSAGE = {"template": "notice", "page": "pages/notices/detail?id=9", "data": {"thing1": "会议通知"}}
UNKNOWN = "发送结果未知（任务中断），为避免重复不再重发"


def publish(source_id=9):
    with db.atomic():
        result = services.queue_deliveries("notice", source_id, Deputy.select(Deputy.id), MESSAGE, "publish")
    return result


def age(status, minutes):
    Delivery.update(updated_at=utcnow() - dt.timedelta(minutes=minutes)).where(Delivery.status == status).execute()


def test_rows_a_dead_worker_claimed_are_failed_as_unknown_and_the_rest_are_finished(app, standin):
    deputies = [bound_deputy() for _ in range(5)]
    result = publish()
    # A worker takes two rows, then dies before sending them, and its job dies with it.
    message = PushMessage.get()
    batch = sending.claim(message, 1, 10**9, limit=2)
    abandoned = {c.delivery_id for c in batch.to_send}
    assert len(abandoned) == 2
    huey.flush()

    # Too fresh to judge: the worker might still be sending.
    assert services.reap_abandoned() == 0
    assert services.requeue_stalled() == 0
    age("sending", 11)
    age("queued", 6)
    assert services.reap_abandoned() == 2
    assert services.requeue_stalled() == 1
    drain()

    statuses = {d.id: (d.status, d.reason) for d in Delivery.select()}
    assert all(statuses[i] == ("failed", UNKNOWN) for i in abandoned)
    assert sorted(s for s, _ in statuses.values()) == ["failed"] * 2 + ["sent"] * 3
    # The claimed rows were never sent; the others once each.
    sent_to = sorted(m["openid"] for m in standin.messages())
    assert sent_to == sorted(d.user.openid for d in deputies if delivery_of(d).id not in abandoned)

    # The lost job turning up after all (the outbox relay, a Redis replay) changes nothing.
    services.dispatch_recorded(result["jobs"])
    drain()
    assert len(standin.messages()) == 3


def delivery_of(deputy):
    return Delivery.get(Delivery.deputy == deputy.id)


def test_reaper_leaves_rows_of_a_worker_that_is_still_sending(app, standin):
    bound_deputy()
    publish()
    sending.claim(PushMessage.get(), 1, 10**9, limit=10)
    age("sending", 9)
    assert services.reap_abandoned() == 0
    assert Delivery.get().status == "sending"


def test_sweeper_requeues_only_rows_left_queued_too_long(app, standin):
    bound_deputy()
    publish(source_id=1)
    huey.flush()  # the job was lost
    assert services.requeue_stalled() == 0
    age("queued", 6)
    assert services.requeue_stalled() == 1
    # Requeued rows count as fresh again: the next sweep does not pile up more jobs for them.
    assert services.requeue_stalled() == 0
    drain()
    assert Delivery.get().status == "sent"


def test_killed_worker_process_never_sends_twice_and_a_restarted_one_finishes(app, standin, tmp_path):
    deputies = [bound_deputy() for _ in range(120)]
    standin.set_latency("subscribe_send", 0.05)
    result = publish()
    services.dispatch_recorded(result["jobs"])
    env = dict(
        os.environ,
        DEPUTYHUB_ENV="testing",
        DEPUTYHUB_INSTANCE=str(tmp_path / "worker"),
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=redis_store.url,
        WECHAT_API_BASE=standin.url,
    )
    db.close()  # the worker needs the SQLite write lock
    worker = start_worker(env)
    try:
        wait_until(lambda: standin.stats()["subscribe_send"] >= 20, "the worker to start sending")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    counts = services.summary("notice", 9)
    assert counts["sent"] < 120, "the worker finished before it could be killed; raise the latency"

    age("sending", 11)
    age("queued", 6)
    services.reap_abandoned()
    services.requeue_stalled()
    standin.set_latency("subscribe_send", 0)
    db.close()
    worker = start_worker(env)
    try:
        wait_until(lambda: not pending(), "the restarted worker to finish")
    finally:
        worker.terminate()
        worker.wait(timeout=15)

    final = {d.deputy_id: (d.status, d.reason) for d in Delivery.select()}
    assert {status for status, _ in final.values()} <= {"sent", "failed"}
    assert all(reason == UNKNOWN for status, reason in final.values() if status == "failed")
    messaged = [m["openid"] for m in standin.messages()]
    assert len(messaged) == len(set(messaged)), "a deputy got the notice twice"
    openid = {d.id: d.user.openid for d in deputies}
    sent = {openid[d] for d, (status, _) in final.items() if status == "sent"}
    # Every "sent" reached WeChat; whatever else reached it was in flight when the worker died.
    assert sent <= set(messaged)
    assert len(set(messaged) - sent) <= counts["sending"]
    assert len(sent) >= 120 - counts["sending"]


def pending():
    db.close()
    counts = services.summary("notice", 9)
    return counts["queued"] + counts["sending"]


def start_worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "--workers", "2", "--no-periodic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
