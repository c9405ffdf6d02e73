"""`make bench`: each subject against the bare-Flask baseline, same gunicorn config, same run.

    .venv/bin/python bench/run.py [--duration 10] [--connections 32] [--only healthz] [--generator auto]

Prints a table (req/s, p50, p99, ratio of req/s to the baseline), writes bench/results/latest.json,
then runs the scripts in BENCH_SCRIPTS that exist and prints their output. Exit status 1 if any
subject or script failed. Figures are for comparison within one run, not absolute targets.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import notices_feed  # noqa: E402
from bench.harness import (  # noqa: E402
    BASELINE,
    GUNICORN_ARGS,
    REPO,
    RESULTS_DIR,
    BenchError,
    LoadSettings,
    Subject,
    choose_generator,
    load_subject,
    loadgen_selftest,
    median_round,
    print_table,
    serving,
)

# One entry per endpoint measured against the baseline. Later issues append theirs, e.g.
#   Subject(name="deputies list", path="/api/v1/deputies?page=1", setup=seed_demo, headers=staff_token)
SUBJECTS = [
    Subject(name="healthz", path="/healthz"),
    Subject(name="notice feed (warm cache)", path=notices_feed.FEED_PATH, setup=notices_feed.seed,
            headers=notices_feed.warm_headers),
]

# Other bench scripts run after the table (relative to the repo root); missing ones are skipped.
# They get BENCH_DURATION and BENCH_CONNECTIONS in the environment and may use them.
BENCH_SCRIPTS = [
    "bench/roster_import.py",
    "bench/notices_publish.py",
    "bench/push_delivery.py",
]
SCRIPT_TIMEOUT_S = 1800

# Above this share of one core the Python generator itself may be what limits requests/s.
GENERATOR_CPU_WARNING = 90.0
# CPU (percent of one core) used by processes outside the bench during a run; above this, say so.
OTHER_CPU_WARNING = 20.0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark deputyhub endpoints against a bare Flask baseline.")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per subject (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent keep-alive connections (default 32)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first (default 2)")
    parser.add_argument("--generator", choices=("auto", "python", "wrk"), default="auto",
                        help="auto (default) is bench/loadgen.py; wrk, if installed, on request only "
                        "(see harness.choose_generator)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="load each subject this many times, taking turns, and report the median (default 1)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="measure only these subjects (the baseline always runs)")
    parser.add_argument("--no-scripts", action="store_true", help="skip BENCH_SCRIPTS")
    parser.add_argument("--no-selftest", action="store_true", help="skip measuring the Python generator's ceiling")
    args = parser.parse_args(argv)

    if args.rounds < 1 or args.connections < 1 or args.duration <= 0:
        parser.error("--rounds, --connections and --duration must be positive")
    try:
        generator = choose_generator(args.generator)
    except BenchError as exc:
        parser.error(str(exc))
    settings = LoadSettings(connections=args.connections, duration=args.duration, warmup=args.warmup,
                            generator=generator)
    subjects = [s for s in SUBJECTS if not args.only or s.name in args.only]
    unknown = set(args.only) - {s.name for s in SUBJECTS}
    if unknown:
        parser.error(f"unknown subject(s): {', '.join(sorted(unknown))}; known: {', '.join(s.name for s in SUBJECTS)}")

    print(f"gunicorn {' '.join(GUNICORN_ARGS[:6])} · {settings.connections} connections · "
          f"{settings.duration:g} s measured after {settings.warmup:g} s warm-up · "
          f"generator: {_generator_label(generator)} · {os.cpu_count()} CPU(s)", flush=True)

    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    selftest = None
    if generator == "python" and not args.no_selftest:
        print("· load generator ceiling (trivial server) ...", end=" ", flush=True)
        selftest = _attempt(lambda: loadgen_selftest(settings.connections))
        if selftest.get("error"):
            _print_failure(selftest)
            selftest = None
        else:
            print(f"{selftest['rps']:.0f} req/s")

    everything = [BASELINE, *subjects]
    rounds = {subject.name: [] for subject in everything}
    failures = {}
    with contextlib.ExitStack() as stack:
        # Every server is started before any load: with several rounds, baseline and subjects take
        # turns, so a burst of other work on the machine hits all of them rather than one.
        served = {}
        for subject in everything:
            print(f"· starting {subject.name} ...", end=" ", flush=True)
            outcome = _attempt(lambda subject=subject: stack.enter_context(serving(subject)))
            if isinstance(outcome, dict):
                failures[subject.name] = outcome["error"]
                _print_failure(outcome)
            else:
                served[subject.name] = outcome
                print(outcome.server.base_url)
        for number in range(1, args.rounds + 1):
            label = f"round {number}/{args.rounds}: " if args.rounds > 1 else ""
            for subject in everything:
                if subject.name not in served:
                    continue
                print(f"· {label}{subject.name} ...", end=" ", flush=True)
                outcome = _attempt(lambda subject=subject: load_subject(served[subject.name], settings))
                if outcome.get("error"):
                    failures[subject.name] = outcome["error"]
                    served.pop(subject.name)
                    _print_failure(outcome)
                else:
                    rounds[subject.name].append(outcome)
                    print(f"{outcome['rps']:.0f} req/s")

    def summary(subject):
        if subject.name in failures or not rounds[subject.name]:
            return {"subject": subject.name, "path": subject.path, "error": failures.get(subject.name, "not run")}
        return median_round(rounds[subject.name])

    baseline = summary(BASELINE)
    results = [summary(subject) for subject in subjects]

    print()
    if args.rounds > 1:
        print(f"(median of {args.rounds} rounds by req/s)")
    print_table(results, baseline)
    warnings = _warnings([baseline, *results], selftest, args.rounds)
    for line in warnings:
        print(f"note: {line}")

    report = {
        "started_at": started_at,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "gunicorn_args": list(GUNICORN_ARGS[:6]),
        "settings": {"connections": settings.connections, "duration_s": settings.duration,
                     "warmup_s": settings.warmup, "rounds": args.rounds, "generator": generator},
        "generator_selftest": selftest,
        "baseline": baseline,
        "subjects": results,
        "notes": warnings,
        "scripts": [],
    }
    _write(report)

    if not args.no_scripts:
        for script in BENCH_SCRIPTS:
            if (REPO / script).exists():
                report["scripts"].append(_run_script(script, settings))
                _write(report)
    path = RESULTS_DIR / "latest.json"
    print(f"\nwritten: {path.relative_to(REPO)}")

    failed = any(r.get("error") for r in [baseline, *results]) or any(s["exit_code"] != 0 for s in report["scripts"])
    return 1 if failed else 0


def _generator_label(generator):
    return "wrk" if generator == "wrk" else "python (bench/loadgen.py, asyncio)"


def _attempt(action):
    """The action's result, or {"error": ...} with the reason printed, for failures a run should survive."""
    try:
        return action()
    except (BenchError, OSError, subprocess.SubprocessError, ValueError) as exc:
        return {"error": str(exc)}


def _print_failure(outcome):
    print("FAILED", flush=True)
    print("  " + outcome["error"].replace("\n", "\n  "), file=sys.stderr, flush=True)


def _warnings(results, selftest, rounds):
    notes = []
    for result in results:
        if not result or result.get("error"):
            continue
        cpu = result.get("client_cpu_percent")
        if cpu is not None and cpu >= GENERATOR_CPU_WARNING and result.get("generator") != "wrk":
            notes.append(f"{result['subject']}: the generator used {cpu:.0f}% of a core; it may be the bottleneck")
        if selftest and result["rps"] > 0.5 * selftest["rps"]:
            notes.append(f"{result['subject']}: {result['rps']:.0f} req/s is over half the generator's ceiling "
                         f"({selftest['rps']:.0f} req/s); the ratio understates the gap")
        if result["errors"]:
            notes.append(f"{result['subject']}: {result['errors']} error(s) (non-2xx {result['non_2xx']}, "
                         f"socket {result['socket_errors']}, timeouts {result['timeouts']})")
        other = result.get("other_cpu_percent")
        if other is not None and other >= OTHER_CPU_WARNING:
            advice = "" if rounds > 1 else " (--rounds 3 takes the median of alternating runs)"
            notes.append(f"{result['subject']}: other processes used {other:.0f}% CPU (of one core) during the run; "
                         f"figures are noisy{advice}")
        spread = result.get("connections_per_worker") or []
        if len(spread) > 1 and min(spread) < sum(spread) / (2 * len(spread)):
            notes.append(f"{result['subject']}: keep-alive connections per worker {spread}; "
                         "a worker got under half its share, so req/s and latency are skewed")
    if selftest:
        notes.append(f"generator ceiling against a trivial server: {selftest['rps']:.0f} req/s "
                     f"at {selftest['client_cpu_percent']:.0f}% of a core")
    return notes


def _run_script(script, settings):
    print(f"\n== {script} ==", flush=True)
    env = dict(os.environ, BENCH_DURATION=str(settings.duration), BENCH_CONNECTIONS=str(settings.connections))
    lines = []
    process = subprocess.Popen([sys.executable, script], cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(SCRIPT_TIMEOUT_S, process.kill)  # a hung script must not hang `make bench`
    watchdog.start()
    try:
        # Echo as it runs: these can take a while and their progress is the point.
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
        exit_code = process.wait()
    finally:
        watchdog.cancel()
    if exit_code < 0:
        lines.append(f"stopped by signal {-exit_code} (timeout {SCRIPT_TIMEOUT_S} s)\n")
    if exit_code != 0:
        print(f"{script} exited with {exit_code}")
    return {"script": script, "exit_code": exit_code, "output": "".join(lines)}


def _write(report):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "latest.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
