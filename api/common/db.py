"""peewee wiring: the deferred database, a connection per request, UTC timestamps, bounded waits."""
import datetime as dt
import json
import logging
import os

import peewee
from peewee import DateTimeField, Model, TextField
from playhouse.db_url import connect

from api.common.errors import Unavailable, handle_domain_error, handle_unexpected
from api.extensions import db

log = logging.getLogger("deputyhub.db")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -16000,
}
DATABASE_UNAVAILABLE = "数据库暂时不可用，请稍后再试。"
DATABASE_BUSY = "系统繁忙，请稍后再试。"
# SQLite's own words for failures that pass: a lock held too long, a file briefly unreachable.
SQLITE_TRANSIENT = ("database is locked", "database table is locked", "unable to open database file", "disk i/o error")


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTimeField(DateTimeField):
    """Stores naive UTC, hands out aware UTC, so no local time ever reaches the database."""

    def db_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


class JSONTextField(TextField):
    """JSON kept as text, so SQLite and PostgreSQL store it the same way."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


BATCH = 500  # rows per multi-row statement: well inside SQLite's and PostgreSQL's parameter limits


def batches(items, size=BATCH):
    """`items` as consecutive lists of at most `size`: the one way a long IN (...) or insert is split."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def filter_by(query, filters, equal=None, contains=None):
    """Narrow `query` by the filters given (absent or None: not filtering).

    equal: {filter name: column it must equal}; contains: {filter name: column it must contain (substring)}.
    """
    for name, column in (equal or {}).items():
        if filters.get(name) is not None:
            query = query.where(column == filters[name])
    for name, column in (contains or {}).items():
        if filters.get(name):
            query = query.where(column.contains(filters[name]))
    return query


def write_transaction():
    """A transaction that reads, then writes.

    SQLite (WAL) cannot upgrade a read transaction to a write one once another connection has
    committed: it fails at once with "database is locked", whatever the busy timeout. Taking the
    write lock first (BEGIN IMMEDIATE) makes such a transaction wait its turn instead.
    """
    return db.atomic() if is_postgres() else db.atomic("IMMEDIATE")


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def database_url(app):
    return app.config["DATABASE_URL"] or f"sqlite:///{os.path.join(app.instance_path, 'deputyhub.db')}"


def make_database(url, pool_size=20, connect_timeout=3, statement_timeout_ms=30000, busy_timeout_ms=5000):
    if url.startswith("sqlite"):
        # A writer waits this long for another's lock, then the request answers 503 (see register_errors).
        pragmas = {**SQLITE_PRAGMAS, "busy_timeout": busy_timeout_ms}
        if pool_size > 0 and url.startswith("sqlite:///"):
            # Pooled too: a new SQLite connection parses the whole schema on its first statement, and the
            # last one to close checkpoints the WAL; per request that was half of a cached page image's time.
            # A connection serves one thread at a time, but not always the thread that opened it.
            return connect("sqlite+pool" + url[len("sqlite"):], max_connections=pool_size, stale_timeout=300,
                           pragmas=pragmas, check_same_thread=False)
        return connect(url, pragmas=pragmas)
    options = {}
    if url.startswith(("postgres://", "postgresql://")):
        # Bounded waits: an unreachable server fails the connect in seconds, a runaway query is
        # cancelled by the server. (A server that hangs mid-query is not bounded by either; /healthz
        # and cached reads never touch the database, and /readyz probes with a fresh connection.)
        options["connect_timeout"] = connect_timeout
        if statement_timeout_ms:
            options["options"] = f"-c statement_timeout={int(statement_timeout_ms)}"
        if pool_size > 0:
            # Pooled: a gunicorn worker reuses its connection instead of paying a TCP+auth handshake per request.
            scheme, rest = url.split("://", 1)
            return connect(f"{scheme}+pool://{rest}", max_connections=pool_size, stale_timeout=300, **options)
    return connect(url, **options)


def database_settings(app):
    config = app.config
    return {
        "connect_timeout": config["DATABASE_CONNECT_TIMEOUT_SECONDS"],
        "statement_timeout_ms": config["DATABASE_STATEMENT_TIMEOUT_MS"],
        "busy_timeout_ms": config["DATABASE_BUSY_TIMEOUT_MS"],
    }


def init_app(app):
    # peewee connects on a request's first query, so requests served from Redis alone never touch the database.
    db.initialize(make_database(database_url(app), app.config["DATABASE_POOL_SIZE"], **database_settings(app)))

    @app.teardown_request
    def _close_connection(exc):
        if not db.is_closed():
            db.close()


def probe(app):
    """Ask the database `SELECT 1` over a connection of its own, bounded by the connect timeout.

    Not through the pool: a pooled connection to a server that has hung would wait forever, and a
    readiness probe must answer.
    """
    probe_db = make_database(database_url(app), 0, **database_settings(app))
    try:
        probe_db.connect()
        probe_db.execute_sql("SELECT 1").fetchone()
    finally:
        probe_db.close()


def is_unavailable(error):
    """Whether a database error means "not now" (503) rather than a defect (500)."""
    if isinstance(error, peewee.InterfaceError):
        return True  # the connection is gone
    if not isinstance(error, peewee.OperationalError):
        return False
    if is_postgres():
        # psycopg2 raises OperationalError for a refused or lost connection and for a cancelled
        # (statement_timeout) query; SQL mistakes are ProgrammingError.
        return True
    return str(error).lower().startswith(SQLITE_TRANSIENT)


def register_errors(app):
    """Map an unavailable database to 503 with Retry-After and one warning line (no traceback)."""
    retry_after = app.config["DATABASE_RETRY_AFTER_SECONDS"]

    def handle_database_error(error):
        if not is_unavailable(error):
            return handle_unexpected(error)
        log.warning("database unavailable", extra={"error": f"{type(error).__name__}: {str(error).strip()}"})
        busy = "locked" in str(error).lower()
        message = DATABASE_BUSY if busy else DATABASE_UNAVAILABLE
        return handle_domain_error(Unavailable(message, retry_after=1 if busy else retry_after))

    app.register_error_handler(peewee.OperationalError, handle_database_error)
    app.register_error_handler(peewee.InterfaceError, handle_database_error)


def is_postgres():
    return db.obj is not None and db.obj.__class__.__name__.endswith("PostgresqlDatabase")


class DeferredRows:
    """A list ordered on a narrow query (the ids) before its wide rows are read.

    Sorting a station's thousands of whole rows to keep one page costs more than sorting their ids (an
    index-only scan when an index holds the filtered and ordered columns) and reading the page's rows by
    primary key. `narrow` selects the primary key, filtered and ordered; `wide(ids)` is the query of the
    full rows whose key is in `ids` (a subquery), in the same order. Pages like a peewee query
    (`paginate`, `order_by().count()`, as api.common.blueprint.PeeweePage asks), iterates as all rows.
    """

    def __init__(self, narrow, wide):
        self.narrow, self.wide = narrow, wide

    def paginate(self, page, page_size):
        return self.wide(self.narrow.paginate(page, page_size))

    def order_by(self, *ordering):
        if ordering:
            raise TypeError("DeferredRows keeps the order of its narrow query")
        return _Counting(self.narrow)

    def count(self):
        return self.narrow.order_by().count()

    def __iter__(self):
        return iter(self.wide(self.narrow))


class _Counting:
    def __init__(self, narrow):
        self.narrow = narrow

    def count(self):
        return self.narrow.order_by().count()
