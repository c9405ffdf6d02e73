"""Seed the feedback benches (run in the instance's environment by bench/feedback.py).

    python bench/seed_feedback.py people OUT_JSON [--stations 200] [--constituents 3000]
    python bench/seed_feedback.py cases COUNT
    python bench/seed_feedback.py similar COUNT PEOPLE_JSON

`people`: stations, handling units, constituents with their own WeChat identity and token, and one
station-staff account per station with its token; OUT_JSON holds two client lists for the load generator
(constituents for intake, staff for the inbox), each with its own client address.

`cases`: COUNT cases spread over every station, category and state, submitted over the last two years,
in one set-based `INSERT … SELECT generate_series` (PostgreSQL), then ANALYZE. Not in the similarity index.

`similar`: COUNT open cases written like real complaints, each indexed for similar-case lookup as intake
indexes a case; PEOPLE_JSON is rewritten as the station staff with a few of their station's case ids.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed_feed import client_address  # noqa: E402

CHUNK = 1000
CONTENTS = (
    "小区门口路灯坏了一个多月，晚上出行很不安全，希望尽快维修。",
    "公交站台的雨棚漏雨，候车的老人经常被淋湿。",
    "学校门口早高峰拥堵严重，希望增加交通协管员。",
    "菜市场周边占道经营，垃圾堆放没人清理，气味难闻。",
    "老旧小区加装电梯的补贴政策不清楚，希望有人解释。",
    "社区卫生服务中心周末不开门，老人看病不方便。",
    "河道有人偷排污水，河水发黑发臭。",
    "农村公路坑洼不平，雨天积水，车辆难以通行。",
    "企业拖欠农民工工资，劳动监察投诉后迟迟没有结果。",
    "夜间施工噪音扰民，影响居民休息。",
)


def people(path, stations, constituents):
    from api import create_app
    from api.auth.models import User, UserStation
    from api.auth.services import start_session
    from api.extensions import db
    from api.org.models import HandlingUnit, Station

    app = create_app()
    with app.app_context(), db.connection_context():
        with db.atomic():
            Station.insert_many([{"name": f"第{n}代表联络站"} for n in range(1, stations + 1)]).execute()
            HandlingUnit.insert_many([{"name": f"承办单位{n}"} for n in range(1, 41)]).execute()
            for start in range(1, constituents + 1, CHUNK):
                User.insert_many([{"role": "constituent", "openid": f"o_bench_{n}", "display_name": f"群众{n}"}
                                  for n in range(start, min(start + CHUNK, constituents + 1))]).execute()
            station_ids = [s for (s,) in Station.select(Station.id).order_by(Station.id).tuples()]
            staff = [User.create(role="station_staff", username=f"bench-station-{s}", display_name=f"联络站{s}工作人员")
                     for s in station_ids]
            UserStation.insert_many([{"user": u.id, "station": s}
                                     for u, s in zip(staff, station_ids, strict=True)]).execute()
        people = User.select().where(User.role == "constituent").order_by(User.id)
        intake = [{"address": client_address(n), "token": start_session(user, method="bench")["access_token"]}
                  for n, user in enumerate(people, start=1)]
        inbox = [{"address": client_address(100_000 + n), "token": start_session(user, method="bench")["access_token"],
                  "station_id": user_station}
                 for n, (user, user_station) in enumerate(zip(staff, station_ids, strict=True), start=1)]
    Path(path).write_text(json.dumps({"intake": intake, "inbox": inbox, "station_ids": station_ids}))
    print(f"seeded {stations} stations (each with its own staff account), 40 units, {constituents} constituents")


# Case n: station n % stations, category (n / 7) % 12, submitted n × 63 s before now (1,000,000 cases:
# about two years). States by (n / 200) % 20, so every station has every state: 2 submitted, 2 accepted,
# 3 forwarded, 1 answered, 5 closed, 5 rated, 1 rejected, 1 merged.
CASES_SQL = """
WITH refs AS (
    SELECT (SELECT array_agg(id ORDER BY id) FROM station) AS stations,
           (SELECT array_agg(id ORDER BY id) FROM handling_unit) AS units,
           %(categories)s::text[] AS categories, %(contents)s::text[] AS contents,
           %(now)s::timestamp AS now
), c AS (
    SELECT n, refs.*, (n / 200) %% 20 AS bucket, refs.now - make_interval(secs => n * 63) AS created
    FROM generate_series(1, %(count)s) AS n, refs
)
INSERT INTO feedback_case (
    tracking_code, station_id, category, content, state, screening, unit_id, forwarded_at, due_date,
    answer, answered_at, first_answer_at, first_unit_id, first_forwarded_at, first_due_date, reply, closed_at,
    rating, rated_at, reopen_count, created_at, updated_at)
SELECT
    'B' || lpad(n::text, 9, '0'),
    stations[1 + n %% cardinality(stations)],
    categories[1 + (n / 7) %% cardinality(categories)],
    contents[1 + (n / 3) %% cardinality(contents)] || '（' || n || '）',
    CASE WHEN bucket < 2 THEN 'submitted' WHEN bucket < 4 THEN 'accepted' WHEN bucket < 7 THEN 'forwarded'
         WHEN bucket < 8 THEN 'answered' WHEN bucket < 13 THEN 'closed' WHEN bucket < 18 THEN 'rated'
         WHEN bucket < 19 THEN 'rejected' ELSE 'merged' END,
    'pass',
    CASE WHEN bucket BETWEEN 4 AND 17 THEN units[1 + (n / 3) %% cardinality(units)] END,
    CASE WHEN bucket BETWEEN 4 AND 17 THEN created + interval '1 day' END,
    CASE WHEN bucket BETWEEN 4 AND 17 THEN (created + interval '15 days')::date END,
    CASE WHEN bucket BETWEEN 7 AND 17 THEN '已派人现场核实处理。' END,
    CASE WHEN bucket BETWEEN 7 AND 17 THEN created + make_interval(hours => 24 + n %% 400) END,
    CASE WHEN bucket BETWEEN 7 AND 17 THEN created + make_interval(hours => 24 + n %% 400) END,
    CASE WHEN bucket BETWEEN 7 AND 17 THEN units[1 + (n / 3) %% cardinality(units)] END,
    CASE WHEN bucket BETWEEN 7 AND 17 THEN created + interval '1 day' END,
    CASE WHEN bucket BETWEEN 7 AND 17 THEN (created + interval '15 days')::date END,
    CASE WHEN bucket BETWEEN 8 AND 17 THEN '已派人现场核实处理。' END,
    CASE WHEN bucket BETWEEN 8 AND 17 THEN created + interval '20 days' END,
    CASE WHEN bucket BETWEEN 13 AND 17 THEN (ARRAY['满意', '基本满意', '不满意'])[1 + (n / 11) %% 3] END,
    CASE WHEN bucket BETWEEN 13 AND 17 THEN created + interval '22 days' END,
    0, created, created
FROM c
"""


def cases(count):
    from api import create_app
    from api.common.db import utcnow
    from api.extensions import db
    from api.feedback.models import CATEGORIES

    app = create_app()
    with app.app_context(), db.connection_context():
        started = time.perf_counter()
        with db.atomic():
            db.execute_sql("SET LOCAL statement_timeout = 0")  # the app's per-statement bound is for requests
            db.execute_sql(CASES_SQL, {"categories": list(CATEGORIES), "contents": list(CONTENTS), "count": count,
                                       "now": utcnow().replace(tzinfo=None)})
        inserted = time.perf_counter() - started
        # What autovacuum does to a table that filled over two years (a bulk load leaves its visibility
        # map empty, and index-only scans would read every row); the bench server runs with autovacuum off.
        db.execute_sql("VACUUM ANALYZE feedback_case")
        total = db.execute_sql("SELECT count(*) FROM feedback_case").fetchone()[0]
    print(f"inserted {count:,} cases in {inserted:.1f} s (one INSERT … SELECT generate_series), "
          f"VACUUM ANALYZE {time.perf_counter() - started - inserted:.1f} s; {total:,} cases in all", flush=True)


def similar(count, path):
    """`count` open cases written like real complaints (bench/similarity.py's corpus: places and matters,
    each matter in several wordings), indexed as intake indexes them, 5,000 at a time; `path` gets each
    station's staff client with a few of its station's case ids to look up."""
    import random

    from api import create_app
    from api.common import similarity
    from api.common.db import utcnow
    from api.extensions import db
    from api.feedback.models import FeedbackCase
    from api.feedback.similar import KIND
    from bench.similarity import MATTERS, complaint, places

    seeded = json.loads(Path(path).read_text())
    app = create_app()
    rng = random.Random(20261130)
    pool = places(rng)
    stations = seeded["station_ids"]
    # Stations by place, so that a station's open cases are its neighbourhood's.
    station_of = {place: stations[n % len(stations)] for n, place in enumerate(pool)}
    started, done, samples = time.perf_counter(), 0, {}
    with app.app_context(), db.connection_context():
        now = utcnow()
        while done < count:
            rows = []
            while len(rows) < min(5000, count - done):
                place, matter = rng.choice(pool), rng.randrange(len(MATTERS))
                for _ in range(min(rng.choice([1, 1, 2, 3, 4]), count - done - len(rows))):
                    rows.append({"tracking_code": f"S{done + len(rows) + 1:09d}", "station": station_of[place],
                                 "category": "其他", "content": complaint(rng, place, matter),
                                 "state": rng.choice(["submitted", "accepted"]), "created_at": now, "updated_at": now})
            with db.atomic():
                ids = [row[0] for row in FeedbackCase.insert_many(rows).returning(FeedbackCase.id).tuples()]
                pairs = zip(ids, rows, strict=True)
                similarity.index_many(KIND, [(key, row["content"]) for key, row in pairs])
            for key, row in zip(ids, rows, strict=True):
                samples.setdefault(row["station"], []).append(key)
            done += len(rows)
            print(f"\rindexed {done:,} open cases in {time.perf_counter() - started:.0f} s", end="", flush=True)
        db.execute_sql("VACUUM ANALYZE similarity_posting")
        db.execute_sql("VACUUM ANALYZE similarity_document")
    print(flush=True)
    for client in seeded["inbox"]:
        own = samples.get(client["station_id"], [])
        client["case_ids"] = rng.sample(own, k=min(20, len(own)))
    Path(path).write_text(json.dumps({"clients": [c for c in seeded["inbox"] if c["case_ids"]]}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    seed_people = sub.add_parser("people")
    seed_people.add_argument("out")
    seed_people.add_argument("--stations", type=int, default=200)
    seed_people.add_argument("--constituents", type=int, default=3000)
    seed_cases = sub.add_parser("cases")
    seed_cases.add_argument("count", type=int)
    seed_similar = sub.add_parser("similar")
    seed_similar.add_argument("count", type=int)
    seed_similar.add_argument("people", help="the people JSON; rewritten as the look-up clients")
    args = parser.parse_args(argv)
    if args.what == "people":
        people(args.out, args.stations, args.constituents)
    elif args.what == "cases":
        cases(args.count)
    else:
        similar(args.count, args.people)


if __name__ == "__main__":
    main()
