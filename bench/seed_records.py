"""Create a congress's performance record quickly, for bench/records.py (or by hand on any empty instance).

    .venv/bin/python bench/seed_records.py --deputies 100000 --events-per-deputy 500 [--years 5] [--tokens 300]
                                           [--clients clients.json]

Run with the instance's environment (DATABASE_URL on PostgreSQL). Deputies are one INSERT … SELECT
generate_series into delegations of DELEGATION_SIZE (100,000 deputies in 35 delegations, as a large
provincial congress). Events go in with COPY (PostgreSQL; executemany batches of 5,000 on SQLite), written
as tab-separated text in chunks of CHUNK rows, the event table's indexes dropped before and rebuilt after
(what a bulk load does; the measured reads use the very same indexes the migrations create). Each deputy
gets `events-per-deputy` events spread over the last `years` years (this one included, up to now), of the
agreed kinds in realistic proportions, each with its object's title in the payload as the modules write it.
--tokens deputies get an account and a bearer token, and the staff account one, written to --clients.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DELEGATION_SIZE = 2857  # 100,000 deputies / 35 delegations
CHUNK = 200_000
# (kind, object type, weight, title): how often each duty happens relative to the others.
KINDS = [
    ("notice.reply", "notice", 30, "关于召开代表座谈会的通知"),
    ("learning.complete", "material", 20, "学习资料：宪法修正案解读"),
    ("training.attend", "class_session", 5, "代表履职培训班"),
    ("consultation.opinion", "opinion", 8, "关于物业管理条例（草案）的意见"),
    ("suggestion.submit", "suggestion", 6, "关于加强社区养老服务的建议"),
    ("suggestion.cosign", "suggestion", 6, "关于完善公交线路的建议"),
    ("suggestion.rate", "suggestion", 4, "关于改善农村饮水的建议"),
    ("feedback.comment", "feedback_case", 6, "群众意见（城乡建设）"),
    ("station.reception", "station_reception", 5, "联络站接待日"),
    ("activity.attend", "activity", 5, "专题调研"),
    ("activity.report", "activity", 2, "调研报告"),
    ("meeting.attend", "meeting", 3, "常委会会议"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=100_000)
    parser.add_argument("--events-per-deputy", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--clients", default="")
    args = parser.parse_args(argv)

    from api import create_app
    from api.extensions import db

    app = create_app()
    with app.app_context(), db.connection_context():
        started = time.perf_counter()
        ids = seed_deputies(args.deputies)
        print(f"{len(ids):,} deputies in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        count = seed_events(ids, args.events_per_deputy, args.years)
        print(f"{count:,} events in {time.perf_counter() - started:.1f} s (indexes included)", flush=True)
        if args.clients:
            with open(args.clients, "w") as out:
                json.dump(make_clients(ids, args.tokens), out)
    return 0


def seed_deputies(count):
    from peewee import fn

    from api.deputies.models import Deputy
    from api.extensions import db
    from api.org.models import Congress, Delegation

    congress = Congress.get_or_none(Congress.is_own == True) or Congress.create(  # noqa: E712
        name="基准测试人大常委会", level="provincial", current_term=14, is_own=True)
    delegations = max(1, -(-count // DELEGATION_SIZE))
    with db.atomic():
        Delegation.insert_many([{"name": f"基准代表团{n:03d}"} for n in range(delegations)]).execute()
    first = Delegation.select(fn.MIN(Delegation.id)).where(Delegation.name.startswith("基准代表团")).scalar()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if "Postgres" in type(db.obj).__name__:
        db.execute_sql(
            "INSERT INTO deputy (code, congress_id, name, gender, delegation_id, term, status, grassroots, "
            "created_at, updated_at) SELECT 'B' || lpad(n::text, 7, '0'), %s, '基准代表' || n, "
            "CASE WHEN n %% 2 = 0 THEN '男' ELSE '女' END, %s + ((n - 1) / %s), 14, '在任', n %% 3 = 0, %s, %s "
            "FROM generate_series(1, %s) AS n",
            (congress.id, first, DELEGATION_SIZE, now, now, count),
        )
    else:
        rows = [{"code": f"B{n:07d}", "congress": congress.id, "name": f"基准代表{n}", "gender": "男",
                 "delegation": first + (n - 1) // DELEGATION_SIZE, "term": 14, "created_at": now, "updated_at": now}
                for n in range(1, count + 1)]
        with db.atomic():
            for start in range(0, len(rows), 5000):
                Deputy.insert_many(rows[start:start + 5000]).execute()
    return [i for (i,) in Deputy.select(Deputy.id).where(Deputy.code.startswith("B")).order_by(Deputy.id).tuples()]


def event_rows(ids, per_deputy, years, rng):
    """(deputy_id, kind, object_type, object_id, occurred_at, payload) for every event, object ids unique."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    this_year = now.year
    start = dt.datetime(this_year - years + 1, 1, 1)
    span = (now - start).total_seconds()
    weights = [k[2] for k in KINDS]
    payloads = {k[0]: json.dumps({"title": k[3]}, ensure_ascii=False) for k in KINDS}
    object_id = 0
    for deputy_id in ids:
        kinds = rng.choices(KINDS, weights=weights, k=per_deputy)
        for kind, object_type, _, _ in kinds:
            object_id += 1
            when = start + dt.timedelta(seconds=rng.random() * span)
            yield deputy_id, kind, object_type, object_id, when, payloads[kind]


def seed_events(ids, per_deputy, years):
    from api.common.events import PerformanceEvent, recount
    from api.extensions import db

    rng = random.Random(20261130)
    rows = event_rows(ids, per_deputy, years, rng)
    if "Postgres" not in type(db.obj).__name__:
        batch, count = [], 0
        with db.atomic():
            for row in rows:
                batch.append(row)
                if len(batch) == 5000:
                    PerformanceEvent.insert_many(batch, fields=_fields()).execute()
                    count, batch = count + len(batch), []
            if batch:
                PerformanceEvent.insert_many(batch, fields=_fields()).execute()
                count += len(batch)
        return count
    connection = db.connection()
    indexes = db.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'performance_event' "
        "AND indexname <> 'performance_event_pkey'"
    ).fetchall()
    # A bulk load, not a request: the app's per-statement timeout does not apply to it.
    db.execute_sql("SET statement_timeout = 0")
    for name, _ in indexes:
        db.execute_sql(f'DROP INDEX "{name}"')
    # Row by row, the counting trigger would cost the load more than the rows; the counts are rebuilt
    # set-based after (recount), as after any bulk load.
    db.execute_sql("ALTER TABLE performance_event DISABLE TRIGGER performance_event_counted")
    count = 0
    copy_sql = "COPY performance_event (deputy_id, kind, object_type, object_id, occurred_at, payload) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        buffer = io.StringIO()
        for deputy_id, kind, object_type, object_id, when, payload in rows:
            buffer.write(f"{deputy_id}\t{kind}\t{object_type}\t{object_id}\t{when.isoformat(' ')}\t{payload}\n")
            count += 1
            if count % CHUNK == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
                print(f"\r{count:,} events copied", end="", flush=True)
        copy.write(buffer.getvalue())
    connection.commit()
    print(f"\r{count:,} events copied; building the indexes", flush=True)
    db.execute_sql("SET maintenance_work_mem = '512MB'")
    for _, definition in indexes:
        db.execute_sql(definition)
    db.execute_sql("ALTER TABLE performance_event ENABLE TRIGGER performance_event_counted")
    connection.commit()
    print("counting", flush=True)
    recount()
    # What autovacuum does to a table that has settled: statistics, and the visibility map that lets the
    # record's counts be index-only scans.
    connection.autocommit = True
    db.execute_sql("VACUUM ANALYZE performance_event")
    db.execute_sql("VACUUM ANALYZE performance_count")
    db.execute_sql("VACUUM ANALYZE deputy")
    connection.autocommit = False
    return count


def _fields():
    from api.common.events import PerformanceEvent as E

    return [E.deputy_id, E.kind, E.object_type, E.object_id, E.occurred_at, E.payload]


def make_clients(ids, tokens):
    """Accounts and bearer tokens for `tokens` deputies spread over the roster, and one staff token."""
    from api.auth.models import User
    from api.auth.services import start_session
    from api.org.models import Delegation

    step = max(1, len(ids) // max(tokens, 1))
    chosen = ids[::step][:tokens]
    deputies = []
    for n, deputy_id in enumerate(chosen):
        user = User.create(role="deputy", username=f"bench-deputy-{n}", display_name=f"基准代表{n}", deputy=deputy_id)
        deputies.append({"deputy_id": deputy_id, "token": start_session(user, method="bench")["access_token"]})
    staff = User.create(role="staff", username="bench-records-staff", display_name="基准工作人员")
    delegations = [d for (d,) in Delegation.select(Delegation.id).where(Delegation.name.startswith("基准代表团"))
                   .order_by(Delegation.id).tuples()]
    return {"deputies": deputies, "staff": start_session(staff, method="bench")["access_token"],
            "delegations": delegations}


if __name__ == "__main__":
    sys.exit(main())
