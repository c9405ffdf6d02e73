"""Learning under load (issue 11): catalogue and course reads from a warm cache, and heartbeat intake.

    .venv/bin/python bench/learning.py [--quick] [--database-url URL] [--redis-url URL] [--deputies 1000]

The database of --database-url (default $BENCH_LEARNING_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/deputyhub_bench_learning) is DROPPED and re-created and the Redis
database of --redis-url (default $BENCH_LEARNING_REDIS_URL, else redis://127.0.0.1:6379/2) FLUSHED: give
it ones of its own. The instance runs as DEPUTYHUB_ENV=production (bench/serving.py), served by the same
gunicorn as the bare-Flask baseline, loaded by locust (32 users = 32 keep-alive connections, no wait):

1. baseline: bare Flask /ping;
2. catalogue: --deputies deputies (12 delegations; materials aimed at everyone, at one delegation, courses
   at several: 12 different reaches), each with their own token and address, read the library's first page,
   a category, the course list and a course page, after each has read them once (warm cache).
   Target: at least half the baseline's req/s, p99 < 50 ms;
3. heartbeats: each deputy has opened a material; they beat flat out. The heartbeats counted in the
   database before and after the measured run are set against the 200 answers: none may be lost.
   Target: at least 1,000 heartbeats/s.

A missed target prints a profile of the same requests in process (pyinstrument). Exit status 1 if a
target is missed. Figures: bench/results/learning.json.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.feedback import run  # noqa: E402
from bench.run import BASELINE, TARGET_P99_MS, TARGET_RATIO, Subject, measure  # noqa: E402
from bench.serving import HOST, REPO, RESULTS, BenchError, Gunicorn, deputyhub_instance, fresh_stores  # noqa: E402

CATALOGUE = Subject("learning catalogue: library 3 : category 2 : courses 2 : course page 3", "LearningCatalogue")
HEARTBEAT = Subject("learning heartbeats: POST /materials/heartbeats", "LearningHeartbeat")
HEARTBEAT_RPS = 1000.0
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/deputyhub_bench_learning"
DEFAULT_REDIS = "redis://127.0.0.1:6379/2"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter loads")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LEARNING_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_LEARNING_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--deputies", type=int, default=1000)
    parser.add_argument("--users", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--duration", type=float, help="measured seconds per subject (default 15, quick 5)")
    args = parser.parse_args(argv)
    duration = args.duration or (5.0 if args.quick else 15.0)
    warmup = 2.0 if args.quick else 3.0
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    try:
        fresh_stores(args.database_url, args.redis_url)
    except Exception as exc:  # noqa: BLE001 - whatever stops us, say it and fail
        print(f"FAILED: the learning bench needs PostgreSQL and Redis of its own: {exc}")
        return 1

    results, notes = {}, []
    with deputyhub_instance(args.database_url, args.redis_url) as env, tempfile.TemporaryDirectory() as tmp:
        clients_file = os.path.join(tmp, "clients.json")
        run([sys.executable, "bench/seed_learning.py", clients_file, "--deputies", str(args.deputies)], env)
        load_env = dict(env, BENCH_CLIENTS=clients_file, BENCH_USERS=str(args.users))
        with Gunicorn(BASELINE.app, env, "baseline") as baseline, Gunicorn("wsgi:app", env, "deputyhub") as app:
            print("· every deputy reads the catalogue once and opens a material (warm cache) ...", flush=True)
            warm(app, clients_file)
            for subject, server in ((BASELINE, baseline), (CATALOGUE, app)):
                print(f"· {subject.name}", flush=True)
                results[subject.name] = attempt(lambda s=subject, v=server: measure(s, v, load_env, args.users,
                                                                                     warmup, duration))
            print(f"· {HEARTBEAT.name}", flush=True)
            results[HEARTBEAT.name] = attempt(lambda: heartbeats(app, load_env, args, warmup, duration, notes))
        missed = verdicts(results)
        for subject in missed:
            profile(subject, load_env, clients_file)

    print_table(results, missed)
    for note in notes:
        print(note)
    (RESULTS / "learning.json").write_text(json.dumps({"load": results, "notes": notes}, indent=2,
                                                      ensure_ascii=False))
    return 1 if missed else 0


def warm(server, clients_file):
    """Each deputy reads what the catalogue subject reads, once, and opens a material (its study session)."""
    with open(clients_file) as seeded_file:
        seeded = json.load(seeded_file)
    paths = ["/api/v1/materials/library", "/api/v1/materials/library?category=%E6%B3%95%E5%BE%8B%E6%B3%95%E8%A7%84",
             "/api/v1/materials/library/courses"]

    def visit(client):
        connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
        headers = {"Authorization": f"Bearer {client['token']}", "X-Forwarded-For": client["address"]}
        try:
            for path in paths + [f"/api/v1/materials/library/courses/{c}" for c in client["course_ids"]]:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise BenchError(f"warming: {path} answered {response.status}; see {server.log_path}")
            connection.request("POST", f"/api/v1/materials/library/{client['material_id']}/open", headers=headers)
            response = connection.getresponse()
            opened = json.loads(response.read())
            if response.status != 200:
                raise BenchError(f"opening a material answered {response.status}: {opened}")
            client["session"] = opened["session"]
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(visit, seeded["clients"]))
    with open(clients_file, "w") as out:
        json.dump(seeded, out)


def heartbeats(app, env, args, warmup, duration, notes):
    """Warm up, count, measure, count again: every heartbeat answered 200 must be counted in the database."""
    from bench.run import locust

    locust(HEARTBEAT, app, env, args.users, warmup)
    flush(env)
    before = heartbeat_count(args.database_url)
    result = measure(HEARTBEAT, app, env, args.users, 0, duration)
    flushed = flush(env)  # what the minute's job would write; then every beat answered 200 must be counted
    after = heartbeat_count(args.database_url)
    answered = result["requests"] - result["failures"]
    result["counted"], result["answered_200"] = after - before, answered
    result["lost"] = max(0, answered - (after - before))
    notes.append(f"heartbeats: {answered} answered 200 during the measured run, {after - before} counted in "
                 f"learning_progress.heartbeats after flushing {flushed} buffers ({result['lost']} lost)")
    return result


FLUSH = """
from api import create_app
from api.extensions import db
from api.materials.heartbeats import flush_pending

app = create_app()
with app.app_context(), db.connection_context():
    print(flush_pending())
"""


def flush(env):
    """The buffered heartbeats written to the database, as api/materials/tasks.py does every minute."""
    done = subprocess.run([sys.executable, "-c", FLUSH], cwd=REPO, env=dict(env, LOG_LEVEL="WARNING"),
                          capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def heartbeat_count(url):
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SELECT coalesce(sum(heartbeats), 0) FROM learning_progress").fetchone()[0]


def attempt(measuring):
    try:
        result = measuring()
        print(f"  {result['rps']:.0f} req/s, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
              f"p99 {result['p99_ms']:.0f} ms", flush=True)
        return result
    except BenchError as exc:
        print(f"  FAILED\n  {exc}", flush=True)
        return {"error": str(exc)}


def verdicts(results):
    """The subjects that missed their target (or could not be measured)."""
    base, missed = results.get(BASELINE.name, {}), []
    catalogue, beats = results.get(CATALOGUE.name, {"error": "not run"}), results.get(HEARTBEAT.name, {"error": 1})
    if "error" in catalogue or "error" in base or catalogue["rps"] < TARGET_RATIO * base["rps"] \
            or catalogue["p99_ms"] >= TARGET_P99_MS:
        missed.append(CATALOGUE)
    if "error" in beats or beats["rps"] < HEARTBEAT_RPS or beats["lost"]:
        missed.append(HEARTBEAT)
    return missed


def profile(subject, env, clients_file):
    print(f"\n== where a request's time goes: {subject.name} (pyinstrument, in process) ==", flush=True)
    with open(RESULTS / "logs" / "profile_learning.log", "w") as log:  # its access log, not the profile
        subprocess.run([sys.executable, "bench/profile_learning.py", subject.user_class, clients_file], cwd=REPO,
                       env=env, stderr=log, check=False)


def print_table(results, missed):
    base = results.get(BASELINE.name, {})
    print("\nsubject | req/s | p50 ms | p99 ms | vs baseline | verdict")
    for subject in (BASELINE, CATALOGUE, HEARTBEAT):
        result = results.get(subject.name, {"error": "not run"})
        if "error" in result:
            print(f"{subject.name} | FAILED | - | - | - | FAILED")
            continue
        ratio = f"{result['rps'] / base['rps']:.2f}x" if base.get("rps") else "-"
        verdict = "" if subject is BASELINE else ("MISSES TARGET" if subject in missed else "meets target")
        print(f"{subject.name} | {result['rps']:.0f} | {result['p50_ms']:.0f} | {result['p99_ms']:.0f} | {ratio} | "
              f"{verdict}")


if __name__ == "__main__":
    sys.exit(main())
