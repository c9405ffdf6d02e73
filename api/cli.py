"""The `deputyhub` command (also `flask --app wsgi ...`).

Each command imports what it runs when it runs, so `deputyhub --help` stays quick; none of those imports
hides a cycle (nothing under api/ imports this module; wsgi.py and the tests do).
"""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import make_server

from api import create_app
from api.common.redis import stop_embedded_redis


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True, load_dotenv=False)
def main():
    """代表履职通 deputyhub 管理命令"""


def register(app):
    """The commands on `app.cli` too, for `flask --app wsgi …` (wsgi.py registers them)."""
    for command in COMMANDS:
        app.cli.add_command(command)


@click.command()
@with_appcontext
def init():
    """Create the database or bring it up to the latest migration."""
    from api.common.migrate import upgrade

    applied = upgrade()
    click.echo(f"database ready; applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))


@click.command()
@click.argument("name")
@with_appcontext
def makemigration(name):
    """Write a migration for the model changes since the last one."""
    from api.common.migrate import make_migration

    click.echo(f"written: {make_migration(name)}")


@click.command("seed-demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed; same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing when deputies already exist.")
@with_appcontext
def seed_demo(seed, if_empty):
    """Load a realistic municipal congress: ~500 deputies, 20 stations, 30 handling units, staff."""
    from api.demo import seed_demo_data

    summary = seed_demo_data(seed=seed, if_empty=if_empty)
    for line in summary:
        click.echo(line)


@click.command()
@click.option("--host", default=None, help="Address to listen on (default SERVE_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default SERVE_PORT, 5000).")
@click.option("--no-worker", is_flag=True, help="Do not start a queue worker beside the server.")
@with_appcontext
def serve(host, port, no_worker):
    """Development server on the embedded defaults, with a queue worker and the WeChat stand-in.

    Stops the embedded Redis (if the app uses it) when it exits.
    """
    app = current_app._get_current_object()
    host = host or app.config["SERVE_HOST"]
    port = port or app.config["SERVE_PORT"]
    standin_port = _local_standin_port(app.config["WECHAT_API_BASE"])
    if standin_port and not _port_free("127.0.0.1", standin_port):
        raise click.ClickException(
            f"微信接口模拟服务的端口 {standin_port} 已被占用（可能是上次未退出的 deputyhub serve），无法启动。"
            f"请关闭占用它的程序，或设置 WECHAT_API_BASE=http://127.0.0.1:<其他端口>。"
            f" / The WeChat stand-in's port {standin_port} is already in use."
        )
    if not _port_free(host, port):
        raise click.ClickException(
            f"端口 {host}:{port} 已被占用或不可用，无法启动。请关闭占用它的程序，或用 --port 换一个端口。"
            f" / Port {port} is already in use."
        )
    # Bound now, before the worker and the stand-in start; the banner comes once everything listens.
    server = make_server(host, port, app, threaded=True)
    children = []
    env = dict(os.environ, DEPUTYHUB_INSTANCE=app.instance_path)
    # SIGTERM (e.g. from a process manager) ends serve through the same clean-up as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if not no_worker:
            children.append(subprocess.Popen([sys.executable, "-m", "api.cli", "worker"], env=env))
        if standin_port:
            standin = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "wechat-standin", "--port", str(standin_port)], env=env
            )
            children.append(standin)
            _wait_listening(standin, standin_port)
        click.echo(f"API: http://{host}:{server.server_port}/docs  ·  /readyz  ·  /openapi.json")
        click.echo(f"工作台 (console): http://{host}:{server.server_port}/console/")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait(timeout=10)
        if not app.config["REDIS_URL"]:
            # Every process of this instance has stopped: the embedded Redis would otherwise keep running.
            stop_embedded_redis(os.path.join(app.instance_path, "redis"))
            click.echo("embedded Redis stopped")


def _port_free(host, port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_listening(process, port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException(f"微信接口模拟服务未能启动（退出码 {process.returncode}）。")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise click.ClickException(f"微信接口模拟服务 {timeout} 秒内未在端口 {port} 上监听。")


def _local_standin_port(base):
    prefix = "http://127.0.0.1:"
    return int(base[len(prefix):].rstrip("/")) if base.startswith(prefix) else None


@click.command()
@click.option("--workers", type=int, default=None, help="Worker threads (default QUEUE_WORKERS).")
@click.option("--no-periodic", is_flag=True, help="Leave periodic jobs to another worker.")
@with_appcontext
def worker(workers, no_periodic):
    """Run a queue consumer (Huey): executes jobs, retries, and periodic jobs.

    SIGTERM (what systemd, Docker and Kubernetes send) stops it gracefully: no new job is
    taken, running jobs finish for up to QUEUE_SHUTDOWN_TIMEOUT_SECONDS, then the process exits.
    SIGINT stops it at once (huey's "interrupt").
    """
    from api.common.queue import configure_worker_logging, requeue_interrupted_jobs
    from api.extensions import huey, redis_store

    app = current_app._get_current_object()
    # The consumer blocks on Redis for up to a second per read: it needs longer timeouts than requests.
    huey.init_app(app, redis_store.worker_pool(app.config["REDIS_WORKER_SOCKET_TIMEOUT"]), blocking=True)
    requeue_interrupted_jobs(huey)
    configure_worker_logging()
    consumer = huey.create_consumer(
        workers=workers or app.config["QUEUE_WORKERS"],
        worker_type="thread",
        periodic=not no_periodic,
        check_worker_health=True,
        graceful_signal="TERM",
        shutdown_timeout=app.config["QUEUE_SHUTDOWN_TIMEOUT_SECONDS"],
    )
    consumer.run()


@click.command("run-jobs")
@with_appcontext
def run_jobs():
    """Execute every queued job in this process and exit (maintenance and debugging)."""
    from api.common.queue import run_pending
    from api.extensions import huey

    click.echo(f"ran {run_pending(huey)} job(s)")


@click.command("create-staff")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice(["admin", "staff"]), default="staff", show_default=True)
@click.password_option()
@with_appcontext
def create_staff(username, display_name, role, password):
    """Create a staff or admin account with a password."""
    from api.auth.services import create_password_user

    user = create_password_user(username=username, display_name=display_name, role=role, password=password)
    click.echo(f"created {role} account {user.username} (id {user.id})")


@click.command("wechat-standin")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@with_appcontext
def wechat_standin(host, port):
    """Serve the local WeChat API stand-in (development and tests; no internet needed)."""
    from api.wechat.standin import serve_standin

    serve_standin(host, port)


@click.command("reindex-feedback")
@with_appcontext
def reindex_feedback():
    """Rebuild the similar-case index from the open feedback cases (after an upgrade or a restore)."""
    from api.feedback.similar import reindex_open_cases

    click.echo(f"indexed {reindex_open_cases()} open case(s)")


@click.command("reindex-search")
@click.option("--kind", default=None, help="Only this kind (notice, paper, …); default every kind.")
@with_appcontext
def reindex_search(kind):
    """Rebuild the search index from the published content (recovery only: it stays in step by itself)."""
    from api.common import search

    if kind and kind not in search.kind_labels():
        raise click.BadParameter(f"unknown kind; one of {', '.join(search.kind_labels())}", param_hint="--kind")
    for name, count in search.rebuild(kind).items():
        click.echo(f"{name}: indexed {count} document(s)")


COMMANDS = (
    init, makemigration, seed_demo, serve, worker, run_jobs, create_staff, wechat_standin, reindex_feedback,
    reindex_search,
)
for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":
    main()
