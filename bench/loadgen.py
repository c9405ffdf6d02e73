"""HTTP/1.1 keep-alive load generator, standard library only, meant to run as its own process.

    python bench/loadgen.py http://127.0.0.1:8000/healthz -c 32 -d 10 [-H "Authorization: Bearer ..."]
    python bench/loadgen.py --selftest        # capacity against a trivial server in a child process

Prints one JSON object on stdout: requests/s, latency percentiles in ms, non-2xx and socket errors,
and the generator's own CPU use (a generator near 100% of a core is the bottleneck, not the server).

Each connection has one request in flight (no pipelining): the next request is written from the
protocol callback the moment the previous response is complete, so the event loop does no per-request
task or future bookkeeping. Only 127.0.0.1 is accepted as a target, and every run is bounded in
duration, connections and request count.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import resource
import socket
import sys
import time
from urllib.parse import urlsplit

MAX_CONNECTIONS = 1024
MAX_DURATION_S = 600.0
MAX_REQUESTS = 5_000_000
ALLOWED_HOSTS = {"127.0.0.1", "localhost"}
# A request that got no response this long after the measured window closed counts as a timeout.
DRAIN_GRACE_S = 5.0
GENERATOR_NAME = "python-asyncio"


class Run:
    """Shared state of one load run: the window, the budget and what was measured."""

    def __init__(self, request_bytes, duration, warmup, max_requests):
        self.request_bytes = request_bytes
        self.duration = duration
        self.warmup = warmup
        self.max_requests = max_requests
        self.sent = 0
        self.latencies = []
        self.status_counts = {}
        self.non_2xx = 0
        self.socket_errors = 0
        self.reconnects = 0
        self.stopping = False
        self.window_start = 0.0
        self.window_end = 0.0
        self.in_flight = 0
        self.idle = None  # asyncio.Event set when nothing is in flight after stopping
        self.live = set()
        self.finished = False  # set once results are final: later closes are the generator's own doing

    def may_send(self, now):
        if self.stopping or now >= self.window_end or self.sent >= self.max_requests:
            self.stopping = True
            return False
        return True

    def record(self, started, finished, status):
        # Only responses that complete inside the measured window count; warm-up ones are discarded.
        if self.window_start <= finished <= self.window_end:
            self.latencies.append(finished - started)
            self.status_counts[status] = self.status_counts.get(status, 0) + 1
            if not 200 <= status < 300:
                self.non_2xx += 1


class Connection(asyncio.Protocol):
    def __init__(self, run, on_lost):
        self.run = run
        self.on_lost = on_lost
        self.transport = None
        self.buffer = bytearray()
        self.started = 0.0
        self.busy = False
        self.sent_on_this_connection = 0

    def connection_made(self, transport):
        self.transport = transport
        self.run.live.add(self)
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.send_next()

    def send_next(self):
        now = time.perf_counter()
        if not self.run.may_send(now):
            self._settle()
            self.transport.close()
            return
        self.run.sent += 1
        self.run.in_flight += 1
        self.busy = True
        self.sent_on_this_connection += 1
        self.started = now
        self.transport.write(self.run.request_bytes)

    def data_received(self, data):
        self.buffer += data
        while self.busy:
            parsed = parse_response(self.buffer)
            if parsed is None:
                return
            status, consumed, keep_alive = parsed
            finished = time.perf_counter()
            del self.buffer[:consumed]
            self._settle()
            self.run.record(self.started, finished, status)
            if keep_alive:
                self.send_next()
            else:
                self.transport.close()
                return

    def connection_lost(self, exc):
        self.run.live.discard(self)
        if self.busy and not self.run.finished:
            self._settle()
            # A keep-alive connection the server closed before answering its first request on this
            # connection's reuse is a reconnect, anything else is a socket error.
            if self.buffer or exc is not None or self.sent_on_this_connection == 1:
                self.run.socket_errors += 1
            else:
                self.run.reconnects += 1
        self.on_lost()

    def _settle(self):
        if self.busy:
            self.busy = False
            self.run.in_flight -= 1
            if self.run.stopping and self.run.in_flight == 0 and self.run.idle is not None:
                self.run.idle.set()


def parse_response(buffer):
    """(status, bytes consumed, keep-alive) for a complete response at the start of buffer, else None."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = bytes(buffer[:head_end]).lower()
    status = int(head[9:12])
    body_start = head_end + 4
    keep_alive = b"\r\nconnection: close" not in head and not head.startswith(b"http/1.0")
    cl_at = head.find(b"\r\ncontent-length:")
    if cl_at >= 0:
        line_end = head.find(b"\r\n", cl_at + 2)
        length = int(head[cl_at + 17 : line_end if line_end >= 0 else len(head)])
        if len(buffer) < body_start + length:
            return None
        return status, body_start + length, keep_alive
    if b"\r\ntransfer-encoding: chunked" in head:
        at = body_start
        while True:
            size_end = buffer.find(b"\r\n", at)
            if size_end < 0:
                return None
            size = int(bytes(buffer[at:size_end]).split(b";")[0], 16)
            at = size_end + 2 + size + 2
            if size == 0:
                # Trailers are not expected; a zero chunk is followed by the final CRLF.
                return (status, at, keep_alive) if len(buffer) >= at else None
            if len(buffer) < at:
                return None
    if status in (204, 304) or 100 <= status < 200:
        return status, body_start, keep_alive
    # No length: the body runs to the end of the connection, which a benchmark cannot use.
    return status, len(buffer), False


def build_request(method, host, port, path, headers, body):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: deputyhub-bench",
             "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
        if not any(name.lower() == "content-type" for name, _ in headers):
            lines.append("Content-Type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


async def drive(host, port, request_bytes, connections, duration, warmup, max_requests):
    loop = asyncio.get_running_loop()
    run = Run(request_bytes, duration, warmup, max_requests)
    run.idle = asyncio.Event()
    open_count = 0
    start = time.perf_counter()
    run.window_start = start + warmup
    run.window_end = run.window_start + duration
    reconnecting = set()

    def lost():
        nonlocal open_count
        open_count -= 1
        if not run.stopping and time.perf_counter() < run.window_end:
            task = loop.create_task(open_one())
            reconnecting.add(task)
            task.add_done_callback(reconnecting.discard)

    async def open_one():
        nonlocal open_count
        try:
            await loop.create_connection(lambda: Connection(run, lost), host, port)
            open_count += 1
        except OSError:
            run.socket_errors += 1
            await asyncio.sleep(0.05)
            if not run.stopping and time.perf_counter() < run.window_end:
                task = loop.create_task(open_one())
                reconnecting.add(task)
                task.add_done_callback(reconnecting.discard)

    # Open the connections one by one over the first part of the warm-up: opened in one burst, they
    # are all accepted by whichever server process wakes first, and keep-alive pins them there.
    gap = min(0.02, warmup / (2 * connections))
    for _ in range(connections):
        await open_one()
        if gap:
            await asyncio.sleep(gap)
    cpu_at_window = None
    while True:
        now = time.perf_counter()
        if cpu_at_window is None and now >= run.window_start:
            cpu_at_window = _cpu_seconds()
        if run.stopping or now >= run.window_end:
            break
        await asyncio.sleep(min(0.05, max(0.0, run.window_end - now)))
    cpu_used = _cpu_seconds() - (cpu_at_window if cpu_at_window is not None else _cpu_seconds())
    run.stopping = True
    if run.in_flight:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(run.idle.wait(), DRAIN_GRACE_S)
    timeouts = run.in_flight
    for task in list(reconnecting):
        task.cancel()
    run.finished = True
    for connection in list(run.live):
        connection.transport.abort()
    await asyncio.sleep(0)  # let the aborts run their connection_lost callbacks
    window = min(time.perf_counter(), run.window_end) - run.window_start
    return summarise(run, window, cpu_used, timeouts)


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    # Nearest rank: the smallest value with at least `fraction` of the samples at or below it.
    rank = max(0, min(len(sorted_values) - 1, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def summarise(run, window, cpu_used, timeouts):
    latencies = sorted(run.latencies)
    completed = len(latencies)
    ms = lambda value: None if value is None else round(value * 1000, 3)  # noqa: E731
    return {
        "generator": GENERATOR_NAME,
        "requests": completed,
        "duration_s": round(window, 3),
        "rps": round(completed / window, 1) if window > 0 else 0.0,
        "latency_ms": {
            "p50": ms(percentile(latencies, 0.50)),
            "p90": ms(percentile(latencies, 0.90)),
            "p99": ms(percentile(latencies, 0.99)),
            "max": ms(latencies[-1] if latencies else None),
            "mean": ms(sum(latencies) / completed if completed else None),
        },
        "errors": run.non_2xx + run.socket_errors + timeouts,
        "non_2xx": run.non_2xx,
        "socket_errors": run.socket_errors,
        "timeouts": timeouts,
        "reconnects": run.reconnects,
        "status_counts": {str(code): count for code, count in sorted(run.status_counts.items())},
        # Share of one core the generator used during the window; near 100 means it limited the rate.
        "client_cpu_percent": round(100 * cpu_used / window, 1) if window > 0 else None,
    }


def load(url, connections=32, duration=10.0, warmup=1.0, max_requests=MAX_REQUESTS, headers=(),
         method="GET", body=None):
    """Run one load test in this process and return the summary dict."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
        raise ValueError(f"only http://127.0.0.1 targets are allowed, not {url!r}")
    if not 1 <= connections <= MAX_CONNECTIONS:
        raise ValueError(f"connections must be 1..{MAX_CONNECTIONS}")
    if not 0 < duration <= MAX_DURATION_S or not 0 <= warmup <= 60:
        raise ValueError(f"duration must be in (0, {MAX_DURATION_S}] s and warm-up in [0, 60] s")
    if not 1 <= max_requests <= MAX_REQUESTS:
        raise ValueError(f"requests must be 1..{MAX_REQUESTS}")
    host, port = "127.0.0.1", parts.port or 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = list(headers.items()) if isinstance(headers, dict) else list(headers)
    request_bytes = build_request(method, host, port, path, headers, body)
    result = asyncio.run(drive(host, port, request_bytes, connections, duration, warmup, max_requests))
    result.update(url=url, method=method, connections=connections)
    return result


# --- self-test: a trivial keep-alive server, so the generator's own ceiling can be measured ---

TRIVIAL_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n" b'{"status": "ok"}'
)


class TrivialServer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = bytearray()

    def data_received(self, data):
        self.buffer += data
        # Requests without a body: one response per header block.
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            del self.buffer[: end + 4]
            self.transport.write(TRIVIAL_RESPONSE)


def serve_trivial(port_queue, lifetime_s):
    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(TrivialServer, "127.0.0.1", 0)
        port_queue.put(server.sockets[0].getsockname()[1])
        await asyncio.sleep(lifetime_s)  # bounded even if the parent dies
        server.close()

    asyncio.run(main())


def selftest(connections, duration, warmup):
    """Capacity of this generator against a server that costs almost nothing per request."""
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    server = ctx.Process(target=serve_trivial, args=(ports, duration + warmup + 30), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=15)
        result = load(f"http://127.0.0.1:{port}/ping", connections=connections, duration=duration, warmup=warmup)
    finally:
        server.terminate()
        server.join(5)
    result["selftest"] = True
    return result


def parse_header(text):
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"header must look like 'Name: value', not {text!r}")
    return name.strip(), value.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", help="http://127.0.0.1:<port>/<path>")
    parser.add_argument("-c", "--connections", type=int, default=32)
    parser.add_argument("-d", "--duration", type=float, default=10.0, help="measured seconds (after warm-up)")
    parser.add_argument("-w", "--warmup", type=float, default=1.0, help="seconds of load before measuring")
    parser.add_argument("-n", "--requests", type=int, default=MAX_REQUESTS, help="stop after this many requests")
    parser.add_argument("-H", "--header", action="append", type=parse_header, default=[], help="'Name: value'")
    parser.add_argument("-m", "--method", default="GET")
    parser.add_argument("--body", help="request body (sent as application/json unless a Content-Type header is given)")
    parser.add_argument("--selftest", action="store_true", help="measure capacity against a trivial server")
    args = parser.parse_args(argv)
    try:
        if args.selftest:
            result = selftest(args.connections, args.duration, args.warmup)
        elif not args.url:
            parser.error("a URL is required unless --selftest is given")
        else:
            body = args.body.encode() if args.body is not None else None
            result = load(args.url, args.connections, args.duration, args.warmup, args.requests, args.header,
                          args.method.upper(), body)
    except ValueError as exc:
        parser.error(str(exc))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
