"""A worker that dies mid-way: nothing is sent twice, claimed rows go back to the queue, few are in doubt."""
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
from tests.push.conftest import bound_deputy, credits_left, drain

MESSAGE = {"template": "notice", "page": "pages/notices/detail?id=9", "data": {"thing1": "会议通知"}}
UNKNOWN = "发送结果未知（任务中断），为避免重复不再重发"


def publish(source_id=9):
    with db.atomic():
        result = services.queue_deliveries("notice", source_id, Deputy.select(Deputy.id), MESSAGE, "publish")
    return result


def age(status, seconds):
    stamp = utcnow() - dt.timedelta(seconds=seconds)
    Delivery.update(updated_at=stamp).where(Delivery.status == status).execute()


def test_rows_a_dead_worker_claimed_but_never_attempted_go_back_to_the_queue(app, standin):
    deputies = [bound_deputy(credits=1) for _ in range(5)]
    result = publish()
    # A worker takes two rows (spending their credits), then dies before sending them.
    batch = sending.claim(PushMessage.get(), 1, 10**9, limit=2)
    claimed = {c.delivery_id for c in batch.to_send}
    assert len(claimed) == 2
    assert sorted(credits_left(d)[0] for d in deputies) == [0, 0, 1, 1, 1]

    # Too fresh to judge: the worker might still be about to send them.
    assert services.reap_abandoned() == {"requeued": 0, "unknown": 0}
    age("sending", app.config["PUSH_CLAIM_TIMEOUT_SECONDS"] + 1)
    assert services.reap_abandoned() == {"requeued": 2, "unknown": 0}
    # Never attempted, so their credits come back, and their send job is queued at once.
    assert [credits_left(d)[0] for d in deputies] == [1] * 5
    assert {d.status for d in Delivery.select().where(Delivery.id.in_(claimed))} == {"queued"}
    drain()
    assert {d.status for d in Delivery.select().where(Delivery.id.in_(claimed))} == {"sent"}
    services.dispatch_recorded(result["jobs"])  # the dead worker's job for the rest, relayed
    drain()

    assert {d.status for d in Delivery.select()} == {"sent"}
    assert sorted(m["openid"] for m in standin.messages()) == sorted(d.user.openid for d in deputies)
    # The job turning up again (the outbox relay, a Redis replay) changes nothing.
    services.dispatch_recorded(result["jobs"])
    drain()
    assert len(standin.messages()) == 5


def test_rows_being_attempted_when_the_worker_died_are_unknown_and_never_resent(app, standin):
    deputies = [bound_deputy(credits=1) for _ in range(3)]
    publish()
    batch = sending.claim(PushMessage.get(), 1, 10**9, limit=3)
    attempted = sending.mark_attempting(batch, batch.to_send[:1])
    assert len(attempted) == 1
    huey.flush()  # the worker and its job die with one row's request possibly out

    age("attempting", 60)
    age("sending", 60)
    assert services.reap_abandoned() == {"requeued": 2, "unknown": 0}  # a live worker may still be sending
    age("attempting", services.ATTEMPT_TIMEOUT.total_seconds() + 1)
    assert services.reap_abandoned() == {"requeued": 0, "unknown": 1}
    drain()

    final = {d.id: (d.status, d.reason) for d in Delivery.select()}
    assert final.pop(attempted[0]) == ("failed", UNKNOWN)
    assert {status for status, _ in final.values()} == {"sent"}
    assert len(standin.messages()) == 2
    # The unknown row's credit stays spent: WeChat used it if the message arrived.
    assert sorted(credits_left(d)[0] for d in deputies) == [0, 0, 0]


def test_a_slow_worker_never_sends_rows_the_reaper_took_back(app, standin):
    bound_deputy(credits=1)
    publish()
    batch = sending.claim(PushMessage.get(), 1, 10**9, limit=5)
    age("sending", 60)
    services.reap_abandoned()
    assert sending.mark_attempting(batch, batch.to_send) == []


def test_sweeper_requeues_only_rows_left_queued_too_long(app, standin):
    bound_deputy()
    publish(source_id=1)
    huey.flush()  # the job was lost
    assert services.requeue_stalled() == 0
    age("queued", 6 * 60)
    assert services.requeue_stalled() == 1
    # Requeued rows count as fresh again: the next sweep does not pile up more jobs for them.
    assert services.requeue_stalled() == 0
    drain()
    assert Delivery.get().status == "sent"


def test_killed_worker_leaves_at_most_max_in_doubt_rows_unknown_and_a_restarted_one_finishes(
    app, standin, tmp_path
):
    max_in_doubt = 6
    deputies = [bound_deputy() for _ in range(150)]
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
        PUSH_MAX_IN_DOUBT=str(max_in_doubt),
    )
    db.close()  # the worker needs the SQLite write lock
    worker = start_worker(env)
    try:
        wait_until(lambda: standin.stats()["subscribe_send"] >= 20, "the worker to start sending")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    at_kill = services.summary("notice", 9)
    assert at_kill["sent"] < 150, "the worker finished before it could be killed; raise the latency"
    # The measurement: rows whose send may have gone out unanswered.
    in_doubt = at_kill["attempting"]
    assert in_doubt <= max_in_doubt
    assert at_kill["sending"] > 0, "nothing was claimed ahead of its send; nothing to recover"

    age("sending", 60)
    age("attempting", services.ATTEMPT_TIMEOUT.total_seconds() + 1)
    settled = services.reap_abandoned()
    assert settled == {"requeued": at_kill["sending"], "unknown": in_doubt}
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
    assert sum(status == "failed" for status, _ in final.values()) == in_doubt
    messaged = [m["openid"] for m in standin.messages()]
    assert len(messaged) == len(set(messaged)), "a deputy got the notice twice"
    openid = {d.id: d.user.openid for d in deputies}
    sent = {openid[d] for d, (status, _) in final.items() if status == "sent"}
    # Every "sent" reached WeChat; whatever else reached it was in flight when the worker died.
    assert sent <= set(messaged)
    assert len(set(messaged) - sent) <= in_doubt
    assert len(sent) == 150 - in_doubt
    print(f"worker killed: {in_doubt} rows in doubt (max {max_in_doubt}), {at_kill['sending']} requeued")


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
