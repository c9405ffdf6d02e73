"""Publishing a notice to 3,000 and to 100,000 deputies on a fresh SQLite instance (embedded Redis).

    .venv/bin/python bench/notices_publish.py [--small 3000] [--large 100000]

Each publish is timed from the call of `api.notices.services.publish` until it returns: the state move,
every NoticeRecipient row (INSERT ... SELECT from the audience), every push Delivery row, the send
jobs recorded in the outbox, the commit, and the jobs handed to the queue. The baseline in the same
run is a bare `executemany` INSERT of the same number of rows into a scratch table of the same
database. Exit status 1 if a target is missed or a row or job is missing.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS_S = {"small": 2.0, "large": 30.0}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=3000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args(argv)

    from bench.serving import deputyhub_instance

    with deputyhub_instance() as env:
        os.environ.update(env, LOG_LEVEL="WARNING")  # no requests here: the access log would stay empty
        os.chdir(REPO)
        return run(args.small, args.large)


def run(small, large):
    from api import create_app
    from api.extensions import db, huey

    app = create_app()
    failures = []
    rows = []
    with app.app_context(), db.connection_context():
        staff, audiences = seed(small, large)
        for label, size, audience in (("small", small, audiences["small"]), ("large", large, audiences["large"])):
            pending_before = huey.pending_count()
            seconds, notice = timed_publish(staff, audience, label)
            problems = check(notice, size, huey.pending_count() - pending_before)
            baseline = bare_insert(size)
            target = TARGETS_S[label]
            ok = not problems and seconds <= target
            rows.append((f"publish to {size:,}", seconds, baseline, target, "ok" if ok else "MISSED"))
            failures += problems + ([] if seconds <= target else [f"{label}: {seconds:.2f} s > {target} s"])
    print_table(rows)
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def seed(small, large):
    """`large` serving deputies (plus 2% who left office), each with an account; `small` of them in one delegation."""
    from api.auth.models import User
    from api.common.db import utcnow
    from api.deputies.models import STATUS_ENDED, STATUS_SERVING, Deputy
    from api.extensions import db
    from api.org.models import Delegation

    started = time.perf_counter()
    target = Delegation.create(name="目标代表团")
    others = [Delegation.create(name=f"第{n}代表团") for n in range(1, 20)]
    left = large // 50
    now = utcnow()
    with db.atomic():
        batch = []
        for n in range(1, large + left + 1):
            delegation = target.id if n <= small else others[n % len(others)].id
            status = STATUS_ENDED if n > large else STATUS_SERVING
            batch.append({"code": f"PB{n:06d}", "name": f"代表{n}", "gender": "女", "term": 17,
                          "delegation": delegation, "status": status, "created_at": now, "updated_at": now})
            if len(batch) == 2000:
                Deputy.insert_many(batch).execute()
                batch = []
        if batch:
            Deputy.insert_many(batch).execute()
        db.execute_sql(
            'INSERT INTO "user" (role, display_name, deputy_id, openid, is_active, failed_logins, created_at) '
            "SELECT 'deputy', name, id, 'openid-' || code, 1, 0, created_at FROM deputy"
        )
    staff = User.create(role="staff", display_name="工作人员", username="bench-staff")
    print(f"seeded {large + left:,} deputies with accounts in {time.perf_counter() - started:.1f} s", flush=True)
    return staff, {"small": {"delegation_ids": [target.id]}, "large": {"all": True}}


def timed_publish(staff, audience, label):
    from api.notices import services
    from api.notices.models import Notice

    notice = Notice.create(
        title=f"关于召开代表座谈会的通知（{label}）",
        body="<p>请准时参加。</p>",
        kind="会议通知",
        audience=audience,
        created_by=staff.id,
        updated_by=staff.id,
    )
    started = time.perf_counter()
    services.publish(notice, actor=staff)
    return time.perf_counter() - started, notice


def check(notice, size, jobs_queued):
    """Every recipient and delivery written, every send job recorded and on the queue."""
    from api.jobs.models import OutboxJob
    from api.notices.models import NoticeRecipient
    from api.push.models import Delivery

    problems = []
    recipients = NoticeRecipient.select().where(NoticeRecipient.notice == notice.id).count()
    deliveries = Delivery.select().where(Delivery.source_type == "notice", Delivery.source_id == notice.id).count()
    if recipients != size:
        problems.append(f"notice {notice.id}: {recipients} recipients, expected {size}")
    if deliveries != size:
        problems.append(f"notice {notice.id}: {deliveries} deliveries, expected {size}")
    unsent = OutboxJob.select().where(OutboxJob.enqueued_at.is_null()).count()
    if unsent:
        problems.append(f"{unsent} outbox job(s) not handed to the queue")
    if jobs_queued <= 0:
        problems.append("no send job reached the queue")
    return problems


def bare_insert(size):
    """The floor: the same number of rows through one executemany into a scratch table."""
    from api.extensions import db

    db.execute_sql("CREATE TABLE IF NOT EXISTS bench_scratch (id INTEGER PRIMARY KEY, notice_id INTEGER, "
                   "deputy_id INTEGER, user_id INTEGER, read_at TEXT)")
    db.execute_sql("DELETE FROM bench_scratch")
    values = [(1, n, n) for n in range(1, size + 1)]
    started = time.perf_counter()
    with db.atomic():
        db.cursor().executemany("INSERT INTO bench_scratch (notice_id, deputy_id, user_id) VALUES (?, ?, ?)", values)
    return time.perf_counter() - started


def print_table(rows):
    header = ("step", "seconds", "bare executemany s", "ratio", "target s", "result")
    lines = [header] + [
        (name, f"{seconds:.3f}", f"{base:.3f}", f"{seconds / base:.1f}x" if base else "-", f"{target:g}", result)
        for name, seconds, base, target, result in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line)))
        if index == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())
