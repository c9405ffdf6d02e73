"""Deputy suggestions under load, on PostgreSQL: 100,000 suggestions and 300 units.

    .venv/bin/python bench/suggestions.py [--quick] [--database-url URL] [--redis-url URL] [--suggestions 100000]

The database of --database-url (default $BENCH_SUGGEST_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/deputyhub_bench_suggest) is DROPPED and re-created and the Redis
database of --redis-url (default $BENCH_SUGGEST_REDIS_URL, else redis://127.0.0.1:6379/5) FLUSHED. The
instance runs in the production configuration (bench/serving.py), served by the same gunicorn as the
bare-Flask baseline and loaded by locust at an offered rate (independent arrivals):

1. baseline: bare Flask /ping, from the same clients, flat out;
2. the unit desk: 300 unit accounts read their queue's first page, its counts, their own figures and their
   place in the ranking (bench/locustfile.py SuggestionUnitDesk), --desk-rate 30/s (each unit every 10 s).
   Target p99 < 100 ms;
3. the office's statistics: per unit, the ranking, per delegation (SuggestionOfficeStats), --stats-rate
   20/s. Target p99 < 100 ms;
4. routing: staff ask for a suggestion's suggested units (similar answered suggestions + category) and
   deputies run the self-check with its duplicate search over this term's suggestions (SuggestionRouting),
   --routing-rate 20/s. Target p95 < 200 ms.
Seeding: bench/seed_suggestions.py. Exit status 1 if a target is missed; a missed target prints where its
time goes (pyinstrument over the same requests in process). Figures: bench/results/suggestions.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.feedback import attempt, one_at_a_time, run  # noqa: E402
from bench.run import BASELINE, Subject, measure  # noqa: E402
from bench.serving import REPO, RESULTS, Gunicorn, deputyhub_instance, fresh_stores  # noqa: E402

DESK = Subject("unit desk: queue 3 : counts 1 : own figures 1 : ranking 1", "SuggestionUnitDesk")
STATS = Subject("office statistics: per unit 2 : ranking 1 : per delegation 1", "SuggestionOfficeStats")
ROUTING = Subject("routing: suggested units 1 : self-check with duplicates 1", "SuggestionRouting")
TARGETS = {DESK.name: ("p99_ms", 100.0), STATS.name: ("p99_ms", 100.0), ROUTING.name: ("p95_ms", 200.0)}
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/deputyhub_bench_suggest"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter loads (the 100,000 suggestions stay)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SUGGEST_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_SUGGEST_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--users", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--duration", type=float, help="measured seconds per subject (default 15, quick 5)")
    # 300 units, each looking at its desk every 10 s while at work: 30 requests/s.
    parser.add_argument("--desk-rate", type=float, default=30.0)
    parser.add_argument("--stats-rate", type=float, default=20.0)
    parser.add_argument("--routing-rate", type=float, default=20.0)
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the database a previous run seeded (no drop, no seeding)")
    args = parser.parse_args(argv)
    duration = args.duration or (5.0 if args.quick else 15.0)
    warmup = 2.0 if args.quick else 3.0
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    try:
        fresh_stores(args.database_url, args.redis_url, keep_database=args.reuse)
    except Exception as exc:  # noqa: BLE001 - whatever stops us, say it and fail
        print(f"FAILED: the suggestions bench needs PostgreSQL and Redis of its own: {exc}")
        return 1

    results, notes = {}, []
    with deputyhub_instance(args.database_url, args.redis_url) as env, tempfile.TemporaryDirectory() as tmp:
        seeded_path = os.path.join(tmp, "clients.json")
        if args.reuse:
            run([sys.executable, "bench/seed_suggestions.py", seeded_path, "--clients-only"], env)
        else:
            print(f"== seeding {args.suggestions:,} suggestions, {args.units} units ==", flush=True)
            run([sys.executable, "bench/seed_suggestions.py", seeded_path, "--suggestions", str(args.suggestions),
                 "--units", str(args.units)], env)
        with open(seeded_path, encoding="utf-8") as seeded_file:
            seeded = json.load(seeded_file)
        phases = {
            DESK.name: (DESK, seeded["units"], args.desk_rate),
            STATS.name: (STATS, seeded["office"], args.stats_rate),
            ROUTING.name: (ROUTING, seeded["office"] + seeded["deputies"], args.routing_rate),
        }
        envs = {}
        for name, (subject, clients, rate) in phases.items():
            path = os.path.join(tmp, f"{subject.user_class}.json")
            with open(path, "w", encoding="utf-8") as out:
                json.dump({"clients": clients}, out, ensure_ascii=False)
            envs[name] = dict(env, BENCH_CLIENTS=path, BENCH_USERS=str(args.users), BENCH_RATE=str(rate))
        with Gunicorn(BASELINE.app, env, "baseline") as baseline, Gunicorn("wsgi:app", env, "deputyhub") as app:
            print(f"· {BASELINE.name}", flush=True)
            results[BASELINE.name] = attempt(lambda: measure(BASELINE, baseline, envs[DESK.name], args.users, warmup,
                                                             duration))
            for name, (subject, _, rate) in phases.items():
                if subject is ROUTING:
                    warm_segmenter(app, seeded["office"])
                print(f"· {name}, offered {rate:g} req/s", flush=True)
                results[name] = attempt(lambda s=subject, n=name: measure(s, app, envs[n], args.users, warmup,
                                                                           duration))
            notes.append(one_at_a_time(app, DESK, seeded["units"], lambda c, n: (
                "/api/v1/suggestions/assignments?page_size=20", "/api/v1/suggestions/assignments/counts",
                "/api/v1/suggestions/stats/units", "/api/v1/suggestions/stats/ranking")[n % 4]))
            notes.append(one_at_a_time(app, ROUTING, seeded["office"], lambda c, n: (
                f"/api/v1/suggestions/{c['suggestion_ids'][n % len(c['suggestion_ids'])]}/unit-suggestions")))
        missed = verdicts(results)
        for name in missed:
            if name in TARGETS:
                profile(name, envs[name])
    print_table(results, missed)
    for note in notes:
        print(note)
    (RESULTS / "suggestions.json").write_text(json.dumps({"load": results, "notes": notes}, indent=2,
                                                          ensure_ascii=False))
    return 1 if missed else 0


def warm_segmenter(app, office):
    """Each gunicorn worker loads jieba's dictionary on its first segmentation (seconds on a busy machine:
    7 s was seen), which a 2 s warm-up at 20 req/s does not cover: a few parallel look-ups first."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    client = office[0]
    headers = {"Authorization": f"Bearer {client['token']}", "X-Forwarded-For": client["address"]}

    def look_up(sid):  # a connection each, in parallel: every worker and thread gets some
        requests.get(f"{app.url}/api/v1/suggestions/{sid}/unit-suggestions", headers=headers, timeout=120)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(look_up, client["suggestion_ids"][:24]))


def verdicts(results):
    missed = [name for name, (key, limit) in TARGETS.items()
              if name in results and ("error" in results[name] or results[name][key] >= limit)]
    if "error" in results.get(BASELINE.name, {}):
        missed.append(BASELINE.name)
    return missed


def print_table(results, missed):
    base = results.get(BASELINE.name, {})
    print("\n== suggestions on PostgreSQL ==")
    for name, result in results.items():
        if "error" in result:
            print(f"{name}: FAILED")
            continue
        ratio = f"{result['rps'] / base['rps']:.2f}x baseline" if base.get("rps") else "-"
        target = TARGETS.get(name)
        verdict = "" if target is None else (
            f"target {target[0][:3]} < {target[1]:g} ms " + ("MISSES TARGET" if name in missed else "meets target"))
        print(f"{name}: {result['rps']:.0f} req/s ({ratio}), p50 {result['p50_ms']:.0f} ms, "
              f"p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
              f"server CPU {result['server_cpu_us_per_request']} µs/req; {verdict}")


PROFILE = """
import json, os, sys
from pyinstrument import Profiler
from api import create_app
app = create_app()
clients = json.load(open(os.environ["BENCH_CLIENTS"]))["clients"]
paths = json.loads(sys.argv[1])
test = app.test_client()
profiler = Profiler()
profiler.start()
for n in range(200):
    client = clients[n % len(clients)]
    headers = {"Authorization": "Bearer " + client["token"], "X-Forwarded-For": client["address"]}
    method, path = paths[n % len(paths)]
    if "{sid}" in path:
        path = path.format(sid=client.get("suggestion_ids", [1])[n % len(client.get("suggestion_ids", [1]))])
    if method == "POST":
        draft = client["drafts"][n % len(client["drafts"])]
        test.post(path, json={k: draft[k] for k in ("title", "problem", "cause", "proposal")}, headers=headers)
    else:
        test.get(path, headers=headers)
profiler.stop()
print(profiler.output_text(unicode=True, color=False, show_all=False))
"""
PROFILED = {
    DESK.name: [["GET", "/api/v1/suggestions/assignments?page_size=20"], ["GET", "/api/v1/suggestions/stats/units"],
                ["GET", "/api/v1/suggestions/stats/ranking"]],
    STATS.name: [["GET", "/api/v1/suggestions/stats/units"], ["GET", "/api/v1/suggestions/stats/delegations"]],
    ROUTING.name: [["GET", "/api/v1/suggestions/{sid}/unit-suggestions"]],
}


def profile(name, env):
    print(f"\n== where the time of '{name}' goes (pyinstrument, in process) ==", flush=True)
    subprocess.run([sys.executable, "-c", PROFILE, json.dumps(PROFILED[name])], cwd=REPO,
                   env=dict(env, LOG_LEVEL="WARNING"))


if __name__ == "__main__":
    sys.exit(main())
