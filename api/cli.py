"""The `deputyhub` command (also `flask --app wsgi ...`)."""
import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple


def _create_app():
    from api import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, load_dotenv=False)
def main():
    """代表履职通 deputyhub 管理命令"""


def register(app):
    for command in (init, makemigration, seed_demo, serve, worker, run_jobs, create_staff, wechat_standin):
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
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not start a queue worker beside the server.")
@with_appcontext
def serve(host, port, no_worker):
    """Development server on the embedded defaults, with a queue worker and the WeChat stand-in."""
    children = []
    env = dict(os.environ, DEPUTYHUB_INSTANCE=current_app.instance_path)
    if not no_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "api.cli", "worker"], env=env))
    standin_port = _local_standin_port(current_app.config["WECHAT_API_BASE"])
    if standin_port:
        children.append(
            subprocess.Popen([sys.executable, "-m", "api.cli", "wechat-standin", "--port", str(standin_port)], env=env)
        )
    click.echo(f"API: http://{host}:{port}/docs  ·  /readyz  ·  /openapi.json")
    try:
        # run_simple, not app.run: Flask refuses app.run inside its own CLI.
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait(timeout=10)


def _local_standin_port(base):
    prefix = "http://127.0.0.1:"
    return int(base[len(prefix):].rstrip("/")) if base.startswith(prefix) else None


@click.command()
@click.option("--workers", type=int, default=None, help="Worker threads (default QUEUE_WORKERS).")
@click.option("--no-periodic", is_flag=True, help="Leave periodic jobs to another worker.")
@with_appcontext
def worker(workers, no_periodic):
    """Run a queue consumer (Huey): executes jobs, retries, and periodic jobs."""
    from api.common.queue import set_worker_app
    from api.extensions import huey

    set_worker_app(current_app._get_current_object())
    consumer = huey.create_consumer(
        workers=workers or current_app.config["QUEUE_WORKERS"],
        worker_type="thread",
        periodic=not no_periodic,
        check_worker_health=True,
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


if __name__ == "__main__":
    main()
