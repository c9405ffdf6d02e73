"""peewee wiring: the deferred database, a connection per request, UTC timestamps."""
import datetime as dt
import os

from peewee import DateTimeField, Model
from playhouse.db_url import connect

from api.extensions import db

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -16000,
}


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


def where_equal(query, filters, columns):
    """Narrow `query` by each filter present in `filters`: {filter name: column it must equal}."""
    for name, column in columns.items():
        if name in filters:
            query = query.where(column == filters[name])
    return query


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def database_url(app):
    return app.config["DATABASE_URL"] or f"sqlite:///{os.path.join(app.instance_path, 'deputyhub.db')}"


def make_database(url, pool_size=20):
    if url.startswith("sqlite"):
        return connect(url, pragmas=SQLITE_PRAGMAS)
    if url.startswith(("postgres://", "postgresql://")) and pool_size > 0:
        # Pooled: a gunicorn worker reuses its connection instead of paying a TCP+auth handshake per request.
        scheme, rest = url.split("://", 1)
        return connect(f"{scheme}+pool://{rest}", max_connections=pool_size, stale_timeout=300)
    return connect(url)


def init_app(app):
    # peewee connects on a request's first query, so requests served from Redis alone never touch the database.
    db.initialize(make_database(database_url(app), app.config["DATABASE_POOL_SIZE"]))

    @app.teardown_request
    def _close_connection(exc):
        if not db.is_closed():
            db.close()


def is_postgres():
    return db.obj is not None and db.obj.__class__.__name__.endswith("PostgresqlDatabase")
