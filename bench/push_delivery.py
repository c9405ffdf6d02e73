"""Push delivery: publishing to many deputies, then real workers sending through the WeChat stand-in.

    .venv/bin/python bench/push_delivery.py [--small 3000] [--large 100000] [--worker-processes 1]

On a fresh SQLite instance (embedded Redis) it seeds deputies with bound WeChat accounts and credits,
then, each step timed:
- publish to `--small` and to `--large` deputies: `queue_deliveries`, commit and dispatch, i.e. until
  every delivery is recorded and its job is in the queue (targets: 3,000 in 2 s, 100,000 in 30 s);
- real worker processes (`python -m api.cli worker`) send them through the stand-in, served by one
  gunicorn gthread process (connections kept alive, as WeChat's are): sends/second between the first
  and the last send (target 1,000), worker CPU per send, and each worker's peak RSS (VmHWM);
- baseline: the stand-in's send endpoint hit with plain `requests` from as many threads as a worker
  sends with, through a session set up as the WeChat client's (same pool, no per-call proxy lookup,
  same timeouts), no queue and no database: the ratio shows what the queue and the bookkeeping cost.
Exit status 1 if a target is missed or any deputy is not sent exactly one message.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

PUBLISH_TARGETS_S = {3000: 2.0, 100_000: 30.0}
SENDS_PER_SECOND_TARGET = 1000
TEMPLATE = "notice"
MESSAGE = {
    "template": TEMPLATE,
    "page": "pages/notices/detail?id=1",
    "data": {"thing1": "关于召开代表座谈会的通知", "time2": "2026-12-01 09:00"},
}
BASELINE_SENDS = 20_000
STACKS = REPO / "bench" / "results" / "logs" / "push_worker.stacks"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=3000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--worker-processes", type=int, default=1, help="queue worker processes (default 1)")
    parser.add_argument("--queue-workers", type=int, default=4, help="task threads per worker process (default 4)")
    parser.add_argument("--baseline-sends", type=int, default=BASELINE_SENDS, help="sends in the baseline")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    parser.add_argument("--py-spy", metavar="PATH", help=f"py-spy executable: sample the first worker (GIL holder) "
                        f"while it sends the large send-out; collapsed stacks go to {STACKS.relative_to(REPO)}")
    args = parser.parse_args(argv)

    # Short path: the embedded Redis listens on a unix socket under it (~100 byte limit).
    instance = tempfile.mkdtemp(prefix="pushb-", dir="/tmp")
    port = _free_port()
    settings = {
        "DEPUTYHUB_ENV": "development",
        "DEPUTYHUB_INSTANCE": instance,
        "WECHAT_API_BASE": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(settings)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    print(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start", flush=True)
    children, failures = [], []
    try:
        from api import create_app

        app = create_app()
        with app.app_context():
            from api.common.migrate import upgrade
            from api.extensions import db

            upgrade()
            started = time.perf_counter()
            _seed(db, args.large)
            db.close()
        print(f"seeded {args.large} deputies with bound WeChat accounts and credits "
              f"in {time.perf_counter() - started:.1f} s", flush=True)

        standin = _spawn_standin(port, env, instance)
        children.append(standin)
        _wait_for(f"http://127.0.0.1:{port}/_standin/stats")
        workers = []
        for n in range(args.worker_processes):
            # Periodic jobs (sweepers) run in one worker only, as in a deployment.
            command = ["worker", "--workers", str(args.queue_workers)] + (["--no-periodic"] if n else [])
            workers.append(_spawn(command, env, instance, f"worker{n}"))
        children += workers

        with app.app_context():
            failures += _publish_and_send(1, args.small, workers, standin)
            with _sampled(args.py_spy, workers[0].pid):
                failures += _publish_and_send(2, args.large, workers, standin)
            failures += _check_exactly_once(port, args.small + args.large)
        peaks = ", ".join(f"{_vm_kb(w.pid, 'VmHWM') / 1024:.0f} MB" for w in workers)
        print(f"worker peak RSS (VmHWM, whole run): {peaks}")

        threads = _send_threads()
        baseline = _baseline(port, threads, args.baseline_sends)
        print(f"baseline: {args.baseline_sends} plain-requests sends from {threads} threads, no queue: "
              f"{baseline:.0f} sends/s; load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        for child in children:
            child.terminate()
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=15)
        with contextlib.suppress(Exception):
            from api.common.redis import stop_embedded_redis

            stop_embedded_redis(os.path.join(instance, "redis"))
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
    for line in failures:
        print(f"FAILED: {line}")
    return 1 if failures else 0


def _seed(db, count):
    from api.auth.models import User
    from api.deputies.models import Deputy
    from api.org.models import Delegation
    from api.push.models import SubscriptionCredit

    delegation = Delegation.create(name="基准代表团")
    chunk = 2000
    with db.atomic():
        for start in range(1, count + 1, chunk):
            Deputy.insert_many(
                [{"code": f"B{n:06d}", "name": f"代表{n}", "gender": "男", "delegation": delegation.id, "term": 17}
                 for n in range(start, min(start + chunk, count + 1))]
            ).execute()
        deputies = [d for (d,) in Deputy.select(Deputy.id).order_by(Deputy.id).tuples()]
        for start in range(0, len(deputies), chunk):
            User.insert_many(
                [{"role": "deputy", "display_name": f"代表{d}", "deputy": d, "openid": f"o-bench-{d}"}
                 for d in deputies[start:start + chunk]]
            ).execute()
        users = [u for (u,) in User.select(User.id).where(User.role == "deputy").tuples()]
        for start in range(0, len(users), chunk):
            SubscriptionCredit.insert_many(
                [{"user": u, "template": TEMPLATE, "remaining": 3} for u in users[start:start + chunk]]
            ).execute()


def _publish_and_send(source_id, count, workers, standin):
    from api.deputies.models import Deputy
    from api.extensions import db
    from api.push import services

    failures = []
    cpu_before = [_cpu_seconds(w.pid) for w in workers], _cpu_seconds(standin.pid)
    started = time.perf_counter()
    with db.atomic():
        result = services.queue_deliveries("bench", source_id, Deputy.select(Deputy.id).where(Deputy.id <= count),
                                           MESSAGE, "publish")
    services.dispatch_recorded(result["jobs"])
    publish_s = time.perf_counter() - started
    target = PUBLISH_TARGETS_S.get(count)
    print(f"publish to {count} deputies: {result['queued']} deliveries recorded and {len(result['jobs'])} jobs "
          f"queued in {publish_s:.2f} s" + (f" (target {target:g} s)" if target else ""), flush=True)
    if result["queued"] != count:
        failures.append(f"publish to {count}: queued {result['queued']}")
    if target and publish_s > target:
        failures.append(f"publish to {count} took {publish_s:.2f} s, target {target:g} s")

    rss_peak = 0
    deadline = time.monotonic() + max(120, count / 100)
    while True:
        summary = services.summary("bench", source_id)
        db.close()  # the workers need the SQLite write lock more than this poll does
        rss_peak = max([rss_peak] + [_vm_kb(w.pid, "VmRSS") for w in workers])
        pending = summary["queued"] + summary["sending"] + summary["attempting"]  # attempting: sent, not yet recorded
        if not pending:
            break
        if any(w.poll() is not None for w in workers):
            return failures + ["a worker exited"]
        if time.monotonic() > deadline:
            return failures + [f"{pending} of {count} deliveries still pending"]
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    worker_cpu = sum(_cpu_seconds(w.pid) for w in workers) - sum(cpu_before[0])
    standin_cpu = _cpu_seconds(standin.pid) - cpu_before[1]
    first, last = _sent_window(source_id)
    rate = summary["sent"] / max(last - first, 1e-6)
    print(f"  sent {summary['sent']} (failed {summary['failed']}, skipped {summary['skipped']}), all done "
          f"{elapsed:.1f} s after publishing started: {rate:.0f} sends/s between first and last send "
          f"(target {SENDS_PER_SECOND_TARGET}); worker RSS at most {rss_peak / 1024:.0f} MB while sending", flush=True)
    print(f"  CPU per send: workers {worker_cpu / count * 1e6:.0f} µs, stand-in {standin_cpu / count * 1e6:.0f} µs "
          f"(a whole core per worker process would allow {count / max(worker_cpu, 1e-6):.0f} sends/s each)", flush=True)
    if summary["sent"] != count:
        failures.append(f"{count - summary['sent']} of {count} deliveries not sent")
    if rate < SENDS_PER_SECOND_TARGET:
        failures.append(f"{rate:.0f} sends/s for {count} deliveries, target {SENDS_PER_SECOND_TARGET}")
    return failures


def _check_exactly_once(port, expected):
    messages = requests.get(f"http://127.0.0.1:{port}/_standin/messages", timeout=60).json()
    openids = [m["openid"] for m in messages]
    stats = requests.get(f"http://127.0.0.1:{port}/_standin/stats", timeout=10).json()
    print(f"stand-in: {len(openids)} messages to {len(set(openids))} deputies; "
          f"{stats['stable_token']} access token fetch(es)")
    # Together with "sent == recipients" per send-out: nothing went out twice.
    if len(openids) != expected:
        return [f"stand-in got {len(openids)} messages for {expected} deliveries"]
    return []


def _sent_window(source_id):
    from peewee import fn

    from api.push.models import Delivery

    first, last = (
        Delivery.select(fn.MIN(Delivery.sent_at), fn.MAX(Delivery.sent_at))
        .where(Delivery.source_type == "bench", Delivery.source_id == source_id)
        .scalar(as_tuple=True)
    )
    return Delivery.sent_at.python_value(first).timestamp(), Delivery.sent_at.python_value(last).timestamp()


def _client_session(base):
    """A requests session set up as api/wechat/client.py sets up the subject's: same pool, no per-call
    environment lookups, no urllib3 retries, shared by every sending thread of the process."""
    from requests.adapters import HTTPAdapter

    from api.wechat.client import POOL_SIZE

    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    session.proxies = requests.utils.get_environ_proxies(base)
    return session


def _baseline(port, threads, sends):
    """Plain requests to the send endpoint, no queue, no database: the client-side floor."""
    base = f"http://127.0.0.1:{port}"
    session = _client_session(base)
    token = requests.post(f"{base}/cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": "wx_demo_appid", "secret": "demo_secret"}, timeout=10).json()
    url = f"{base}/cgi-bin/message/subscribe/send"
    per_thread = sends // threads
    errors = []

    def run(n):
        for i in range(per_thread):
            body = {"touser": f"o-base-{n}-{i}", "template_id": "tmpl_notice_demo", "page": MESSAGE["page"],
                    "data": {k: {"value": v} for k, v in MESSAGE["data"].items()}, "miniprogram_state": "formal",
                    "lang": "zh_CN"}
            response = session.post(url, params={"access_token": token["access_token"]},
                                    data=json.dumps(body, ensure_ascii=False).encode(),
                                    headers={"Content-Type": "application/json; charset=utf-8"}, timeout=(3, 5))
            if response.json().get("errcode"):
                errors.append(response.text)

    senders = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"baseline sends failed: {errors[:3]}")
    return per_thread * threads / elapsed


def _send_threads():
    from api.push.sending import SEND_THREADS

    return SEND_THREADS


@contextlib.contextmanager
def _sampled(py_spy, pid):
    if not py_spy:
        yield
        return
    STACKS.parent.mkdir(parents=True, exist_ok=True)
    # --gil: only the thread holding the GIL, i.e. where the worker's one core of Python goes.
    sampler = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--format", "raw", "--gil", "--nonblocking",
                                "--rate", "200", "-o", str(STACKS)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        sampler.send_signal(2)
        sampler.wait(timeout=30)
        print(f"worker samples: {STACKS.relative_to(REPO)}")


def _spawn_standin(port, env, instance):
    """One gunicorn gthread process: the stand-in keeps tokens in memory, so exactly one process.

    `api.cli wechat-standin` runs werkzeug's development server, which closes the connection after
    every request (a TCP handshake and a new thread per send) and caps near 750 sends/s here.
    """
    command = ["-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "32", "--keep-alive", "30",
               "--log-level", "warning", "-b", f"127.0.0.1:{port}", "api.wechat.standin:create_standin_app()"]
    return _popen([sys.executable, *command], env, instance, "standin")


def _spawn(command, env, instance, name):
    return _popen([sys.executable, "-m", "api.cli", *command], env, instance, name)


def _popen(argv, env, instance, name):
    with open(os.path.join(instance, f"{name}.log"), "w") as log:
        return subprocess.Popen(argv, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)


def _wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=1).ok:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def _cpu_seconds(pid):
    """User + system CPU of a process and its children (gunicorn's worker is the master's child)."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in (root, *root.children(recursive=True)):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def _vm_kb(pid, field):
    with contextlib.suppress(FileNotFoundError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
