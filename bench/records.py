"""The performance record (履职档案) at congress scale, on PostgreSQL: a deputy's record page and a delegation's
yearly figures.

    .venv/bin/python bench/records.py [--quick] [--deputies 100000] [--events-per-deputy 500]
                                      [--database-url URL] [--redis-url URL] [--requests 2000]

The database named in --database-url (default $BENCH_RECORDS_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/deputyhub_bench_records) is DROPPED and re-created, and the Redis
database of --redis-url (default $BENCH_RECORDS_REDIS_URL, else redis://127.0.0.1:6379/13) is FLUSHED.
The instance runs as DEPUTYHUB_ENV=production, served by the same gunicorn as every bench subject.

1. bench/seed_records.py fills it: --deputies deputies in delegations of 2,857 (100,000 in 35), each with
   --events-per-deputy events over five years (500: 50,000,000 events at 100,000 deputies), by COPY.
2. The record page: --tokens (300) deputies, each with their own token, read GET /api/v1/records/me (five
   years of figures by kind and the latest 20 entries) from 4 keep-alive connections, in random order.
   Target p99 < 100 ms. The bare-Flask baseline /ping is measured the same way for reference.
3. A delegation's yearly figures: GET /api/v1/records/figures?delegation_id=…&year=… (totals by kind over
   every member, deputies with a record, average, and the first page of 50 members with their counts) for
   every delegation and the last two years. Target: every one < 500 ms (reported: max and p95).
4. EXPLAIN (ANALYZE, BUFFERS) of the queries behind them, to show what they read: the counts the database
   keeps per (deputy, year, kind) (migration 063) and index range scans bounded by the deputy (or the
   delegation's deputies), never the table's size.
Exit status 1 if a target is missed. Figures: bench/results/records.json.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.run import BASELINE  # noqa: E402
from bench.serving import REPO, RESULTS, Gunicorn, deputyhub_instance, fresh_stores  # noqa: E402

DEFAULT_DATABASE = os.environ.get("BENCH_RECORDS_DATABASE_URL",
                                  "postgresql://postgres@127.0.0.1:5432/deputyhub_bench_records")
DEFAULT_REDIS = os.environ.get("BENCH_RECORDS_REDIS_URL", "redis://127.0.0.1:6379/13")
PAGE_P99_MS = 100.0
DELEGATION_MS = 500.0
CONNECTIONS = 4


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 deputies (5,000,000 events), fewer requests")
    parser.add_argument("--deputies", type=int)
    parser.add_argument("--events-per-deputy", type=int, default=500)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    args = parser.parse_args(argv)
    deputies = args.deputies or (10_000 if args.quick else 100_000)
    requests_count = args.requests or (500 if args.quick else 2000)
    fresh_stores(args.database_url, args.redis_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with deputyhub_instance(args.database_url, args.redis_url) as env, tempfile.TemporaryDirectory() as tmp:
        clients_path = os.path.join(tmp, "clients.json")
        started = time.perf_counter()
        subprocess.run([sys.executable, "bench/seed_records.py", "--deputies", str(deputies), "--events-per-deputy",
                        str(args.events_per_deputy), "--tokens", str(args.tokens), "--clients", clients_path],
                       cwd=REPO, env=env, check=True)
        seed_seconds = time.perf_counter() - started
        with open(clients_path) as handle:
            clients = json.load(handle)
        with Gunicorn(BASELINE.app, env, "baseline") as baseline:
            base = timed(baseline.url, [("/ping", None)] * requests_count)
        with Gunicorn("wsgi:app", env, "deputyhub") as app:
            timed(app.url, [("/api/v1/records/me", d["token"]) for d in clients["deputies"][:50]])  # warm-up
            pages = [("/api/v1/records/me", d["token"]) for d in clients["deputies"]]
            rng = random.Random(7)
            page = timed(app.url, [rng.choice(pages) for _ in range(requests_count)])
            year = time.gmtime().tm_year
            figures_paths = [(f"/api/v1/records/figures?delegation_id={d}&year={y}", clients["staff"])
                             for y in (year - 1, year) for d in clients["delegations"]]
            timed(app.url, figures_paths[:2], connections=1)  # warm-up
            delegation = timed(app.url, figures_paths, connections=1)
        plans = explain(args.database_url, clients)
    total_events = deputies * args.events_per_deputy
    result = {
        "scale": {"deputies": deputies, "events": total_events, "delegations": len(clients["delegations"]),
                  "seed_seconds": round(seed_seconds)},
        "baseline_ping": base, "record_page": page, "delegation_figures": delegation, "plans": plans,
    }
    (RESULTS / "records.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nPostgreSQL, {deputies:,} deputies in {len(clients['delegations'])} delegations, {total_events:,} "
          f"events (seeded in {seed_seconds:.0f} s); {CONNECTIONS} connections")
    rows = [("baseline: bare Flask /ping", base, ""),
            ("a deputy's record page GET /records/me", page, f"target p99 < {PAGE_P99_MS:g} ms"),
            ("a delegation's yearly figures GET /records/figures", delegation, f"target max < {DELEGATION_MS:g} ms")]
    print(f"{'subject':52} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  target")
    for name, r, target in rows:
        print(f"{name:52} {r['n']:>6} {r['p50']:>8} {r['p95']:>8} {r['p99']:>8} {r['max']:>8}  {target}")
    for name, plan in plans.items():
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) — {name}:\n{plan}")
    failed = []
    if page["p99"] >= PAGE_P99_MS:
        failed.append(f"record page p99 {page['p99']} ms >= {PAGE_P99_MS:g} ms")
    if delegation["max"] >= DELEGATION_MS:
        failed.append(f"delegation figures max {delegation['max']} ms >= {DELEGATION_MS:g} ms")
    for line in failed:
        print("FAILED:", line)
    return 1 if failed else 0


def timed(url, requests, connections=CONNECTIONS):
    """Send (path, token) requests over `connections` keep-alive connections; latencies in ms, every answer 200."""
    parts = urlsplit(url)
    chunks = [requests[i::connections] for i in range(connections)]

    def run(chunk):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        latencies = []
        for n, (path, token) in enumerate(chunk):
            headers = {"X-Forwarded-For": f"10.9.{n % 250}.{n % 200 + 1}"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"GET {path} → {response.status}: {body[:300]!r}")
        connection.close()
        return latencies

    with ThreadPoolExecutor(connections) as pool:
        latencies = sorted(x for chunk in pool.map(run, chunks) for x in chunk)

    def at(share):
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))], 1)

    return {"n": len(latencies), "p50": round(statistics.median(latencies), 1), "p95": at(0.95), "p99": at(0.99),
            "max": round(latencies[-1], 1)}


def explain(database_url, clients):
    """The plans of the record page's figures query and a delegation's figures query, as the services build them."""
    import psycopg

    deputy_id = clients["deputies"][len(clients["deputies"]) // 2]["deputy_id"]
    delegation_id = clients["delegations"][len(clients["delegations"]) // 2]
    year = time.gmtime().tm_year
    with psycopg.connect(database_url) as connection:
        five_years = ("SELECT year, kind, n FROM performance_count WHERE deputy_id IN (%(d)s) "
                      "AND year BETWEEN %(y0)s AND %(y1)s AND n > 0")
        bounds = {"y0": year - 4, "y1": year}
        recent = ("SELECT * FROM performance_event WHERE deputy_id = %(d)s AND occurred_at <= now() "
                  "ORDER BY occurred_at DESC, id DESC LIMIT 20")
        delegation = ("SELECT kind, SUM(n) FROM performance_count WHERE deputy_id IN "
                      "(SELECT id FROM deputy WHERE delegation_id = %(g)s) AND year = %(y)s AND n > 0 GROUP BY kind")
        active = ("SELECT COUNT(DISTINCT deputy_id) FROM performance_count WHERE deputy_id IN "
                  "(SELECT id FROM deputy WHERE delegation_id = %(g)s) AND year = %(y)s AND n > 0")
        ahead = ("SELECT deputy_id, occurred_at, kind FROM performance_ahead WHERE occurred_at > now() "
                 "AND occurred_at < %(b)s AND deputy_id IN (SELECT id FROM deputy WHERE delegation_id = %(g)s)")
        plans = {}
        for name, sql, params in (
            ("record page: five years by kind", five_years, {"d": deputy_id, **bounds}),
            ("record page: the latest 20", recent, {"d": deputy_id}),
            ("delegation figures: totals by kind", delegation, {"g": delegation_id, "y": year - 1}),
            ("delegation figures: deputies with a record", active, {"g": delegation_id, "y": year - 1}),
            ("delegation figures: events still ahead", ahead, {"g": delegation_id, "b": f"{year}-01-01"}),
        ):
            rows = connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
            plans[name] = "\n".join(row[0] for row in rows)
    return plans


if __name__ == "__main__":
    sys.exit(main())
