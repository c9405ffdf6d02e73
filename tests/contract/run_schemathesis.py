"""The API contract, checked from outside: schemathesis as every role and as nobody (issue 8 item 19).

Serves the app (testing configuration, a fresh SQLite database with the demo congress, the rate limiter
off so that fuzzing is not answered 429) on a local port, then runs `st run` once per role with every
check and the examples, coverage and fuzzing phases, each run bounded by `--max-examples` and
`--max-time`. Exits non-zero if any run finds a server error or a response that breaks the document.

    .venv/bin/python tests/contract/run_schemathesis.py [--roles admin,deputy] [--max-examples 20]

Run by .ci/run, not by `make test` (it takes a few minutes).
"""
import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

from werkzeug.serving import make_server

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

ROLES = ("admin", "staff", "station_staff", "unit_user", "deputy", "constituent", "anonymous")
# Ending the session would turn the rest of that role's run into 401s; both are covered by the suite.
EXCLUDED_PATHS = r"^/api/v1/auth/logout"


def build_app(instance, wechat_base):
    from api import create_app

    app = create_app(
        "testing",
        instance_path=instance,
        DATABASE_URL=f"sqlite:///{os.path.join(instance, 'contract.db')}",
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        RATELIMIT_ENABLED=False,
        LOG_LEVEL="ERROR",
        WECHAT_API_BASE=wechat_base,
        # The worker sends on the same SQLite file: wait out its write locks rather than answer 503 (the
        # documented SQLite-busy answer), which would say nothing about the contract.
        DATABASE_BUSY_TIMEOUT_MS=60000,
    )
    with app.app_context():
        from api.common.migrate import upgrade
        from api.demo import seed_demo_data
        from api.extensions import db

        db.connect(reuse_if_open=True)
        upgrade()
        seed_demo_data(seed=7)
        db.close()
    return app


def tokens_by_role(app):
    from api.auth.services import start_session
    from api.deputies.models import Deputy
    from api.extensions import db
    from api.org.models import HandlingUnit, Station
    from tests.support import make_user

    tokens = {}
    with app.app_context():
        db.connect(reuse_if_open=True)
        scope = {
            "station_staff": {"stations": [Station.select().first()]},
            "unit_user": {"unit": HandlingUnit.select().first()},
            "deputy": {"deputy": Deputy.select().first()},
        }
        for role in ROLES:
            if role != "anonymous":
                user = make_user(role, username=f"contract-{role}", **scope.get(role, {}))
                tokens[role] = start_session(user, method="test")["access_token"]
        db.close()
    return tokens


def start_worker(app):
    """A real queue worker on the same database and Redis, so the component health the API reports is up."""
    environment = {
        **os.environ,
        "DEPUTYHUB_ENV": "testing",
        "DEPUTYHUB_INSTANCE": app.instance_path,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "REDIS_URL": app.extensions["redis"].url,
        "WECHAT_API_BASE": app.config["WECHAT_API_BASE"],
        "DATABASE_BUSY_TIMEOUT_MS": str(app.config["DATABASE_BUSY_TIMEOUT_MS"]),
    }
    worker = subprocess.Popen(  # noqa: S603
        [os.path.join(os.path.dirname(sys.executable), "deputyhub"), "worker", "--workers", "1"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from api.jobs.services import heartbeat_age_seconds

    deadline = time.monotonic() + 60
    with app.app_context():
        while heartbeat_age_seconds() is None:
            if worker.poll() is not None or time.monotonic() > deadline:
                worker.kill()
                raise SystemExit("the queue worker did not start")
            time.sleep(0.5)
    return worker


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_role(base, role, token, args, report_dir):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(report_dir, f"{role}.xml"))
    command = [
        os.path.join(os.path.dirname(sys.executable), "st"),
        "run",
        f"{base}/openapi.json",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(args.max_examples),
        "--max-time", str(args.max_time),
        "--exclude-path-regex", EXCLUDED_PATHS,
        *(["--include-path-regex", args.paths] if args.paths else []),
        "--seed", str(args.seed),
        "--workers", "1",
        "--request-timeout", "20",
        "--generation-deterministic",
        "--no-color",
        # The API takes UTF-8 text without NUL (the document's description says so; the server answers 422).
        "--generation-allow-x00", "false",
        "--generation-codec", "utf-8",
        "--report", "junit",
        "--report-junit-path", os.path.join(report_dir, f"{role}.xml"),
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    started = time.monotonic()
    # Run from the report folder: schemathesis keeps its example database (.schemathesis/) in the working directory.
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=report_dir)  # noqa: S603
    print(f"== {role}: exit {result.returncode} in {time.monotonic() - started:.0f}s ==", flush=True)
    if result.returncode != 0:
        print(result.stdout[-args.output_chars:], flush=True)
    return result.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--max-examples", type=int, default=15)
    parser.add_argument("--max-time", type=int, default=30, help="seconds per role")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--paths", default="", help="only paths matching this regex, e.g. '^/api/v1/feedback'")
    parser.add_argument("--output-chars", type=int, default=12000)
    args = parser.parse_args()

    from api.wechat.standin import StandinServer

    report_dir = os.path.join(ROOT, "instance", "contract")
    os.makedirs(report_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deputyhub-contract-") as instance, StandinServer() as wechat:
        app = build_app(instance, wechat.url)
        tokens = tokens_by_role(app)
        worker = start_worker(app)
        server = serve(app)
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            for role in args.roles.split(","):
                run_role(base, role, tokens.get(role), args, report_dir)
        finally:
            server.shutdown()
            worker.terminate()
            worker.wait(60)
            from api.common.redis import stop_embedded_redis

            stop_embedded_redis(os.path.join(instance, "redis"))
    fatal, tolerated = findings(report_dir, args.roles.split(","))
    for role, operation, code, text in tolerated:
        print(f"known ({code}) as {role}: {operation}: {text}")
    for role, operation, code, text in fatal:
        print(f"FAILED ({code}) as {role}: {operation}: {text}")
    if fatal:
        print(f"schemathesis: {len(fatal)} problem(s); reports in {report_dir}")
        return 1
    print("schemathesis: 0 server errors, 0 schema violations, as every role and anonymous")
    return 0


def findings(report_dir, roles):
    """(fatal, tolerated) failures from the JUnit reports: (role, operation, check code, first line).

    ST202 ("schema-valid request rejected") is reported, not fatal: the document cannot say that an id in a
    body must name an existing row, or that an upload must really be a spreadsheet, and the API answers
    those with 422 on purpose. Every other check is fatal.
    """
    import xml.etree.ElementTree as ET  # noqa: S405 - our own report

    fatal, tolerated = [], []
    for role in roles:
        path = os.path.join(report_dir, f"{role}.xml")
        if not os.path.exists(path):
            fatal.append((role, "-", "run", "no report: schemathesis did not run"))
            continue
        for case in ET.parse(path).iter("testcase"):  # noqa: S314
            for problem in [*case.iter("failure"), *case.iter("error")]:
                text = (problem.get("message") or "") + "\n" + (problem.text or "")
                codes = sorted(set(re.findall(r"ST\d{3}", text))) or ["error"]
                first = next((line.strip() for line in text.splitlines() if line.strip()), "")
                entry = (role, case.get("name"), ",".join(codes), first[:160])
                (tolerated if codes == ["ST202"] else fatal).append(entry)
    return fatal, tolerated


if __name__ == "__main__":
    sys.exit(main())
