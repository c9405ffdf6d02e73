"""An unreachable or hung database answers 503 quickly; probes and cached reads never wait on it
(issue 8 items 4, 5 and 10's "database is locked")."""
import logging
import os
import sqlite3
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from api import create_app
from tests import factories
from tests.conftest import IN_CI
from tests.resilience.tcp_proxy import TcpProxy
from tests.support import ApiClient, assert_error_shape, make_user, truncate_all

LOCAL_POSTGRES = os.environ.get("DEPUTYHUB_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def with_host(url, host, port, database=None):
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}:{port}" if userinfo else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{database}" if database else parts.path))


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory, redis_url, database_template):
    """The suite's PostgreSQL database (this test process's), or (on a SQLite run) a scratch one on the local server."""
    if database_template.startswith("postgres"):
        yield database_template
        return
    import psycopg

    try:
        admin = psycopg.connect(LOCAL_POSTGRES, connect_timeout=2, autocommit=True)
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    name = f"dh_fault_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = with_host(LOCAL_POSTGRES, urlsplit(LOCAL_POSTGRES).hostname, urlsplit(LOCAL_POSTGRES).port or 5432, name)
    migrating = create_app("testing", instance_path=str(tmp_path_factory.mktemp("pgfault")), DATABASE_URL=url,
                           REDIS_URL=redis_url, DATABASE_POOL_SIZE=0)
    with migrating.app_context():
        from api.common.migrate import upgrade
        from api.extensions import db

        upgrade()
        db.close()
    yield url
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def proxied(make_app, postgres_url):
    """(app, proxy): an app whose PostgreSQL sits behind a proxy the test controls."""
    parts = urlsplit(postgres_url)
    proxy = TcpProxy(parts.hostname, parts.port or 5432)
    app = make_app(DATABASE_URL=with_host(postgres_url, "127.0.0.1", proxy.port), DATABASE_CONNECT_TIMEOUT_SECONDS=2)
    from api.extensions import db

    with db.connection_context():
        truncate_all(db)
    yield app, proxy
    proxy.close()


def signed_in(app, role):
    from api.auth.services import start_session

    return ApiClient(app.test_client(), token=start_session(make_user(role), method="test")["access_token"])


def test_unreachable_database_answers_503_with_retry_after_and_one_warning(proxied, caplog):
    app, proxy = proxied
    staff = signed_in(app, "staff")
    assert staff.get("/api/v1/org/delegations").status_code == 200  # a pooled connection now exists
    proxy.down()
    for _ in range(2):  # the pooled connection that was cut, then a refused new one
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            started = time.perf_counter()
            response = staff.get("/api/v1/org/delegations")
            took = time.perf_counter() - started
        body = assert_error_shape(response, 503)
        assert response.headers["Retry-After"] == str(app.config["DATABASE_RETRY_AFTER_SECONDS"])
        assert body["request_id"] and took < 3
        warnings = [r for r in caplog.records if r.name == "deputyhub.db"]
        assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING and not warnings[0].exc_info
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    proxy.up()
    assert staff.get("/api/v1/org/delegations").status_code == 200


def test_readiness_reports_an_unreachable_database(proxied):
    app, proxy = proxied
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    proxy.down()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False
    assert client.get("/healthz").status_code == 200


def test_hung_database_leaves_liveness_and_cached_reads_alone(proxied):
    app, proxy = proxied
    factories.congress()
    deputy = signed_in(app, "deputy")
    assert deputy.get("/api/v1/org/congress").status_code == 200  # now cached in Redis
    client = app.test_client()
    proxy.hang()
    for call, status, bound in (
        (lambda: client.get("/healthz"), 200, 0.5),
        (lambda: deputy.get("/api/v1/org/congress"), 200, 0.5),
        # A fresh connection per probe, bounded by DATABASE_CONNECT_TIMEOUT_SECONDS (2 s).
        (lambda: client.get("/readyz"), 503, 4.5),
    ):
        started = time.perf_counter()
        response = call()
        took = time.perf_counter() - started
        assert response.status_code == status, response.get_data(as_text=True)
        assert took < bound, took


def test_statement_timeout_is_set_on_every_connection(proxied):
    app, _ = proxied
    from api.extensions import db

    with db.connection_context():
        (value,) = db.execute_sql("SHOW statement_timeout").fetchone()
    assert value == f"{app.config['DATABASE_STATEMENT_TIMEOUT_MS'] // 1000}s"


@pytest.fixture
def sqlite_app(app, make_app):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite's lock only")
    return make_app(DATABASE_BUSY_TIMEOUT_MS=100)


def test_sqlite_lock_held_too_long_answers_503_with_retry_after(sqlite_app):
    staff = signed_in(sqlite_app, "staff")
    body = {"name": "福州市人民代表大会常务委员会", "level": "municipal", "current_term": 17}
    holder = sqlite3.connect(sqlite_app.config["DATABASE_URL"][len("sqlite:///"):], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.perf_counter()
        response = staff.put("/api/v1/org/congress", json=body)
        took = time.perf_counter() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_error_shape(response, 503)
    assert response.headers["Retry-After"] == "1"
    assert took < 2
    assert staff.put("/api/v1/org/congress", json=body).status_code == 200
