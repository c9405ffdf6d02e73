"""Constituent feedback under load, on PostgreSQL: intake, then the station inbox at a million cases.

    .venv/bin/python bench/feedback.py [--quick] [--database-url URL] [--redis-url URL] [--cases 1000000]

The database named in --database-url (default $BENCH_FEEDBACK_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/deputyhub_bench_feedback) is DROPPED and re-created, and the Redis
database of --redis-url (default $BENCH_FEEDBACK_REDIS_URL, else redis://127.0.0.1:6379/14) is FLUSHED:
give it ones of its own. The instance runs as DEPUTYHUB_ENV=production (bench/serving.py: JSON access log
at INFO, rate limits on with their production values, TRUSTED_PROXY_COUNT=1), served by the same gunicorn
as the bare-Flask baseline, loaded by locust (32 users = 32 keep-alive connections). The baseline is
loaded flat out; the feedback subjects at an offered rate (independent arrivals, exponential waits: --intake-rate
320/s, --inbox-rate 150/s), so their latency is measured at that load, not at saturation:

1. baseline: bare Flask /ping, from the same clients;
2. intake: constituents POST cases (3,000 WeChat identities, each with its own token and client address,
   200 stations), each content checked by msgSecCheck on the WeChat stand-in (one gunicorn process on
   the same machine). The limits per identity (10/h), address (60/h) and station (120/min) stay as
   configured: the clients are spread so that none is reached. After the run the rows are counted
   against the 2xx answers: a case answered 201 and missing is lost. Target >= 300/s, p99 < 100 ms;
3. the inbox: --cases cases are inserted with one INSERT … SELECT generate_series, then 200 station
   staff (one per station, ~5,000 cases each at a million) read a filtered first page (status,
   category, dates, overdue, text search, none) and the per-state counts. Target p99 < 100 ms.
   Then the office's statistics over every case are timed (no target);
4. similar cases: --open-cases (100,000) open cases written like real complaints (bench/similarity.py's
   corpus) are indexed as intake indexes them; station staff ask for the duplicates of one of their
   station's cases (GET /feedback/cases/<id>/similar). Target p95 < 100 ms.

When a target is missed, a profile of the same requests in process follows (bench/profile_feedback.py;
BENCH_PROFILE_ARGS=--cprofile for CPU by function). Exit status 1 if a target is missed or a subject could
not be measured. Figures: bench/results/feedback.json.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.run import BASELINE, Subject, locust, measure  # noqa: E402
from bench.serving import (  # noqa: E402
    REPO,
    RESULTS,
    BenchError,
    Gunicorn,
    deputyhub_instance,
    free_port,
    fresh_stores,
)

INTAKE = Subject("feedback intake: POST /feedback/cases (msgSecCheck on the stand-in)", "FeedbackIntake")
INBOX = Subject("feedback inbox: filtered page 3 : counts 1, station staff", "FeedbackInbox")
SIMILAR = Subject("similar cases: GET /feedback/cases/<id>/similar, station staff", "FeedbackSimilar")
SIMILAR_P95_MS = 100.0
# Staff ask for a case's duplicates when they open it: a few a second across a city is already a lot.
SIMILAR_RATE = 20.0
INTAKE_RPS, INTAKE_P99_MS, INBOX_P99_MS = 300.0, 100.0, 100.0
# The inbox's offered load: 200 station staff each reading a page or the counts every 1.3 s, far above
# what people clicking do; its target is latency at a million cases, not throughput.
INBOX_RATE = 150.0
INBOX_FILTERS = ("", "state=submitted", "state=forwarded&overdue=true", "category=交通出行",
                 "created_from=2026-06-01&created_to=2026-06-30", "state=closed&state=rated&category=教育", "q=路灯")
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/deputyhub_bench_feedback"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter loads (the million cases stay)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_FEEDBACK_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_FEEDBACK_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--duration", type=float, help="measured seconds per subject (default 15, quick 5)")
    parser.add_argument("--intake-rate", type=float, default=320.0, help="offered submissions/s (default 320)")
    parser.add_argument("--inbox-rate", type=float, default=INBOX_RATE, help="offered inbox requests/s (default 150)")
    parser.add_argument("--open-cases", type=int, default=100_000, help="open cases indexed for similar-case lookup")
    parser.add_argument("--similar-rate", type=float, default=SIMILAR_RATE, help="offered look-ups/s (default 20)")
    parser.add_argument("--only", choices=["intake", "inbox", "similar"], help="run one part")
    args = parser.parse_args(argv)
    duration = args.duration or (5.0 if args.quick else 15.0)
    warmup = 2.0 if args.quick else 3.0
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    try:
        fresh_stores(args.database_url, args.redis_url)
    except Exception as exc:  # noqa: BLE001 - whatever stops us, say it and fail
        print(f"FAILED: the feedback bench needs PostgreSQL and Redis of its own: {exc}")
        return 1

    results, notes = {}, []
    with deputyhub_instance(args.database_url, args.redis_url) as env, tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = dict(env, WECHAT_API_BASE=f"http://127.0.0.1:{port}")
        people = os.path.join(tmp, "people.json")
        run([sys.executable, "bench/seed_feedback.py", "people", people], env)
        with open(people) as seeded_file:
            seeded = json.load(seeded_file)
        intake_clients, inbox_clients = os.path.join(tmp, "intake.json"), os.path.join(tmp, "inbox.json")
        with open(intake_clients, "w") as out:
            json.dump({"clients": seeded["intake"], "station_ids": seeded["station_ids"]}, out)
        with open(inbox_clients, "w") as out:
            json.dump({"clients": seeded["inbox"]}, out)
        base_env = dict(env, BENCH_CLIENTS=intake_clients, BENCH_USERS=str(args.users))
        intake_env = dict(base_env, BENCH_RATE=str(args.intake_rate))
        inbox_env = dict(env, BENCH_CLIENTS=inbox_clients, BENCH_USERS=str(args.users), BENCH_RATE=str(args.inbox_rate))

        with standin(port, env), Gunicorn(BASELINE.app, env, "baseline") as baseline, \
                Gunicorn("wsgi:app", env, "deputyhub") as app:
            print(f"· {BASELINE.name}", flush=True)
            results[BASELINE.name] = attempt(lambda: measure(BASELINE, baseline, base_env, args.users, warmup,
                                                             duration))
            if args.only in (None, "intake"):
                results[INTAKE.name] = attempt(lambda: intake(app, intake_env, args, warmup, duration, notes))
                if INTAKE.name in verdicts(results):
                    profile("intake", intake_env)

        if args.only in (None, "inbox"):
            print(f"\n== seeding {args.cases:,} cases ==", flush=True)
            run([sys.executable, "bench/seed_feedback.py", "cases", str(args.cases)], env)
            with Gunicorn("wsgi:app", env, "deputyhub") as app:
                print(f"· {INBOX.name}, {args.cases:,} cases, offered {args.inbox_rate:g} req/s", flush=True)
                results[INBOX.name] = attempt(lambda: measure(INBOX, app, inbox_env, args.users, warmup, duration))
                notes.append(one_at_a_time(app, INBOX, seeded["inbox"], lambda client, n: (
                    f"/api/v1/feedback/cases{'/counts' if n % 4 == 3 else ''}?page_size=20&"
                    f"{INBOX_FILTERS[n % len(INBOX_FILTERS)]}")))
                notes.append(office_statistics(app, env))
            if INBOX.name in verdicts(results):
                profile("inbox", inbox_env)

        if args.only in (None, "similar"):
            print(f"\n== indexing {args.open_cases:,} open cases for similar-case lookup ==", flush=True)
            run([sys.executable, "bench/seed_feedback.py", "similar", str(args.open_cases), people], env)
            similar_env = dict(env, BENCH_CLIENTS=people, BENCH_USERS=str(args.users),
                               BENCH_RATE=str(args.similar_rate))
            with Gunicorn("wsgi:app", env, "deputyhub") as app:
                print(f"· {SIMILAR.name}, offered {args.similar_rate:g} req/s", flush=True)
                results[SIMILAR.name] = attempt(lambda: measure(SIMILAR, app, similar_env, args.users, warmup,
                                                                duration))
                with open(people) as looked_up:
                    staff = json.load(looked_up)["clients"]
                notes.append(one_at_a_time(app, SIMILAR, staff, lambda client, n: (
                    f"/api/v1/feedback/cases/{client['case_ids'][n % len(client['case_ids'])]}/similar")))

    missed = verdicts(results)
    print_table(results, missed)
    for note in notes:
        print(note)
    (RESULTS / "feedback.json").write_text(json.dumps({"load": results, "notes": notes}, indent=2, ensure_ascii=False))
    return 1 if missed else 0


def attempt(measuring):
    try:
        result = measuring()
        print(f"  {result['rps']:.0f} req/s, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
              f"p99 {result['p99_ms']:.0f} ms", flush=True)
        return result
    except BenchError as exc:
        print(f"  FAILED\n  {exc}", flush=True)
        return {"error": str(exc)}


def intake(app, env, args, warmup, duration, notes):
    """Warm up, count the rows, measure, count again: every 2xx answer must be a row."""
    print(f"· {INTAKE.name}, offered {args.intake_rate:g} req/s", flush=True)
    locust(INTAKE, app, env, args.users, warmup)
    before = case_count(args.database_url)
    result = measure(INTAKE, app, env, args.users, 0, duration)
    after = case_count(args.database_url)
    answered = result["requests"] - result["failures"]
    result["rows_added"], result["answered_2xx"] = after - before, answered
    result["lost"] = max(0, answered - (after - before))
    states = state_counts(args.database_url)
    notes.append(f"intake: {answered} answered 2xx during the measured run, {after - before} cases written "
                 f"({result['lost']} lost); all cases by state: {states}")
    return result


def one_at_a_time(app, subject, clients, path_of, count=300):
    """The same reads one at a time on one keep-alive connection (no load): what a request costs the
    server when nothing else is queued, to set beside the loaded figures."""
    import requests

    timings = []
    with requests.Session() as session:
        for n in range(count):
            client = clients[n % len(clients)]
            headers = {"Authorization": f"Bearer {client['token']}", "X-Forwarded-For": client["address"]}
            started = time.perf_counter()
            response = session.get(f"{app.url}{path_of(client, n)}", headers=headers, timeout=60)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                return f"{subject.name}, one at a time: answered {response.status_code}: {response.text[:200]}"
    timings.sort()
    return (f"{subject.name}, one request at a time ({count}, one connection, no other load from the bench): "
            f"p50 {statistics.median(timings):.0f} ms, p95 {timings[int(count * 0.95)]:.0f} ms, "
            f"p99 {timings[int(count * 0.99)]:.0f} ms")


def office_statistics(app, env):
    """The office's statistics per unit over every case (no target): five timed reads after one warm read."""
    token = subprocess.run([sys.executable, "-c", OFFICE_SIGN_IN], cwd=REPO, env=env, capture_output=True, text=True,
                           check=True).stdout.strip()
    import requests

    timings = []
    with requests.Session() as session:
        session.headers.update({"Authorization": f"Bearer {token}", "X-Forwarded-For": "10.200.0.1"})
        for n in range(6):
            started = time.perf_counter()
            response = session.get(f"{app.url}/api/v1/feedback/stats?by=unit", timeout=120)
            if response.status_code != 200:
                return f"office statistics: answered {response.status_code}: {response.text[:300]}"
            if n:
                timings.append((time.perf_counter() - started) * 1000)
    return (f"office statistics per unit over all cases (GET /feedback/stats?by=unit, no target): "
            f"median {statistics.median(timings):.0f} ms of 5 reads")


OFFICE_SIGN_IN = """
from api import create_app
from api.auth.models import User
from api.auth.services import start_session
from api.extensions import db
app = create_app()
with app.app_context(), db.connection_context():
    user = User.create(role="staff", username="bench-office", display_name="办公室")
    print(start_session(user, method="bench")["access_token"])
"""


def profile(what, env):
    print(f"\n== where a {what} request's time goes (pyinstrument, in process) ==", flush=True)
    with open(RESULTS / "logs" / f"profile_{what}.log", "w") as log:  # its access log, not the profile
        subprocess.run([sys.executable, "bench/profile_feedback.py", what, env["BENCH_CLIENTS"], "--requests", "500",
                        *os.environ.get("BENCH_PROFILE_ARGS", "").split()],
                       cwd=REPO, env=env, stderr=log)


def verdicts(results):
    missed = []
    intake_result, inbox_result = results.get(INTAKE.name), results.get(INBOX.name)
    if intake_result is None:
        pass
    elif "error" in intake_result or intake_result.get("rps", 0) < INTAKE_RPS \
            or intake_result.get("p99_ms", 1e9) >= INTAKE_P99_MS or intake_result.get("lost", 1):
        missed.append(INTAKE.name)
    if inbox_result is not None and ("error" in inbox_result or inbox_result.get("p99_ms", 1e9) >= INBOX_P99_MS):
        missed.append(INBOX.name)
    similar_result = results.get(SIMILAR.name)
    if similar_result is not None and ("error" in similar_result or similar_result["p95_ms"] >= SIMILAR_P95_MS):
        missed.append(SIMILAR.name)
    if "error" in results.get(BASELINE.name, {}):
        missed.append(BASELINE.name)
    return missed


def print_table(results, missed):
    targets = {INTAKE.name: f">= {INTAKE_RPS:g}/s, p99 < {INTAKE_P99_MS:g} ms, none lost",
               INBOX.name: f"p99 < {INBOX_P99_MS:g} ms", SIMILAR.name: f"p95 < {SIMILAR_P95_MS:g} ms",
               BASELINE.name: ""}
    base = results.get(BASELINE.name, {})
    print("\n== feedback on PostgreSQL ==")
    for name, result in results.items():
        if "error" in result:
            print(f"{name}: FAILED")
            continue
        ratio = f"{result['rps'] / base['rps']:.2f}x baseline" if base.get("rps") else "-"
        verdict = "" if name == BASELINE.name else ("MISSES TARGET" if name in missed else "meets target")
        print(f"{name}: {result['rps']:.0f} req/s ({ratio}), p50 {result['p50_ms']:.0f} ms, "
              f"p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
              f"server CPU {result['server_cpu_us_per_request']} µs/req, "
              f"CPU % generator/other {result['generator_cpu_percent']}/{result['other_cpu_percent']}; "
              f"target {targets[name] or '-'} {verdict}")


@contextlib.contextmanager
def standin(port, env):
    """The WeChat stand-in as one gunicorn gthread process (it keeps its tokens in memory), with the
    instance's throwaway app secret."""
    app = f"api.wechat.standin:create_standin_app(appid={env.get('WECHAT_APPID', 'wx_demo_appid')!r}, " \
          f"secret={env['WECHAT_SECRET']!r})"
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "16", "--keep-alive", "30",
               "--log-level", "warning", "-b", f"127.0.0.1:{port}", app]
    with open(RESULTS / "logs" / "standin.log", "w") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        import requests

        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"http://127.0.0.1:{port}/_standin/stats", timeout=1).ok:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise BenchError("the WeChat stand-in did not start; see bench/results/logs/standin.log")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)


def case_count(url):
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM feedback_case").fetchone()[0]


def state_counts(url):
    import psycopg

    with psycopg.connect(url) as connection:
        return dict(connection.execute("SELECT state, count(*) FROM feedback_case GROUP BY state ORDER BY state"))


def run(command, env):
    subprocess.run(command, cwd=REPO, env=dict(env, LOG_LEVEL="WARNING"), check=True)


if __name__ == "__main__":
    sys.exit(main())
