"""A live deputyhub for the browser tests, in its own process: the real app on a fresh instance.

    .venv/bin/python -m tests.e2e.live_server <instance folder> [--no-worker]

The app is built by `create_app` (testing configuration) on a new SQLite file and the embedded Redis in
the instance folder, migrated and loaded with the demo data, with the staff console's test accounts
added (passwords in ACCOUNTS). The WeChat stand-in runs in this process and is the app's
WECHAT_API_BASE; a queue worker runs beside it so that push deliveries have outcomes. When everything
listens, `<instance>/live.json` names the addresses and accounts; SIGTERM stops it all.

Its own process, not a thread of the test run: create_app binds process-wide singletons (the database,
Redis, the queue), which the other tests of a pytest worker rebind for each test.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time

from werkzeug.serving import make_server

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

# role → (username, display name, password); the console's sign-in page takes these.
ACCOUNTS = {
    "admin": ("e2e-admin", "端到端管理员", "E2e-admin-pass-2026"),
    "staff": ("e2e-staff", "端到端工作人员", "E2e-staff-pass-2026"),
}
DEMO_SEED = 7


def build_app(instance, wechat_base):
    from api import create_app

    return create_app(
        "testing",
        instance_path=instance,
        DATABASE_URL=f"sqlite:///{os.path.join(instance, 'e2e.db')}",
        REDIS_URL="",  # the embedded Redis under <instance>/redis
        WECHAT_API_BASE=wechat_base,
        LOG_LEVEL="WARNING",
        # The worker writes to the same SQLite file: wait out its locks instead of answering 503.
        DATABASE_BUSY_TIMEOUT_MS=60000,
        # Learning journeys study for seconds, not minutes: a one-minute lesson completes after ~2 s of heartbeats.
        LEARNING_HEARTBEAT_MIN_SECONDS=1,
        LEARNING_COMPLETION_SHARE=0.03,
    )


def prepare(app):
    """Migrate, load the demo data and add the console's accounts; returns them for live.json."""
    from api.auth.services import create_password_user
    from api.common.migrate import upgrade
    from api.demo import seed_demo_data
    from api.extensions import db

    with app.app_context():
        db.connect(reuse_if_open=True)
        upgrade()
        seed_demo_data(seed=DEMO_SEED)
        for role, (username, name, password) in ACCOUNTS.items():
            create_password_user(username, name, role, password)
        db.close()
    return {role: {"username": u, "password": p, "display_name": n} for role, (u, n, p) in ACCOUNTS.items()}


def start_worker(app):
    environment = {
        **os.environ,
        "DEPUTYHUB_ENV": "testing",
        "DEPUTYHUB_INSTANCE": app.instance_path,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "REDIS_URL": app.extensions["redis"].url,
        "WECHAT_API_BASE": app.config["WECHAT_API_BASE"],
        "DATABASE_BUSY_TIMEOUT_MS": str(app.config["DATABASE_BUSY_TIMEOUT_MS"]),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "api.cli", "worker", "--workers", "1"], env=environment, cwd=ROOT
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("instance")
    parser.add_argument("--no-worker", action="store_true")
    args = parser.parse_args()
    instance = os.path.abspath(args.instance)

    from api.common.redis import stop_embedded_redis
    from api.wechat.standin import StandinServer

    started = time.monotonic()
    standin = StandinServer()
    app = build_app(instance, standin.url)
    accounts = prepare(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    worker = None if args.no_worker else start_worker(app)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    live = {
        "url": f"http://127.0.0.1:{server.server_port}",
        "standin": standin.url,
        "accounts": accounts,
        "seconds_to_start": round(time.monotonic() - started, 1),
    }
    # Written whole, then renamed: the test run never reads half a file.
    with open(os.path.join(instance, "live.json.tmp"), "w") as out:
        json.dump(live, out, ensure_ascii=False)
    os.replace(os.path.join(instance, "live.json.tmp"), os.path.join(instance, "live.json"))
    try:
        while not stop.wait(0.5):
            if worker is not None and worker.poll() is not None:
                print(f"the queue worker exited with {worker.returncode}", file=sys.stderr)
                worker = None
    finally:
        server.shutdown()
        server.server_close()
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        standin.shutdown()
        stop_embedded_redis(os.path.join(instance, "redis"))


if __name__ == "__main__":
    main()
