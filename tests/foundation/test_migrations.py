"""Migrations are the only way the schema changes: a fresh and an upgraded database must match the models."""
import pytest
from peewee_migrate import Router

from api.common.db import make_database
from api.common.migrate import MIGRATIONS_DIR, all_models
from api.extensions import db


def schema_of(database):
    """Tables → columns (name, nullability), indexes (columns, uniqueness) and foreign keys."""
    shape = {}
    # search_fts*: the search index's FTS5 table and its shadow tables (SQLite only, migration 030) have no model.
    tables = (t for t in database.get_tables() if t != "migratehistory" and not t.startswith("search_fts"))
    for table in sorted(tables):
        columns = sorted((c.name, c.null) for c in database.get_columns(table))
        indexes = sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table))
        fks = sorted((f.column, f.dest_table, f.dest_column) for f in database.get_foreign_keys(table))
        shape[table] = {"columns": columns, "indexes": indexes, "foreign_keys": fks}
    return shape


@pytest.fixture
def scratch(tmp_path, app):
    """A database of our own for the test, swapped in behind the proxy and swapped back after."""
    original = db.obj
    db.close()

    def use(name):
        database = make_database(f"sqlite:///{tmp_path / name}")
        db.initialize(database)
        db.connect()
        return database

    yield use
    if not db.is_closed():
        db.close()
    db.initialize(original)
    db.connect(reuse_if_open=True)


def migration_names():
    return list(Router(db.obj, migrate_dir=MIGRATIONS_DIR).todo)


def test_migrated_schema_equals_the_models(scratch):
    migrated = scratch("migrated.db")
    Router(migrated, migrate_dir=MIGRATIONS_DIR).run()
    from_migrations = schema_of(migrated)
    db.close()

    modelled = scratch("modelled.db")
    modelled.create_tables(all_models())
    assert from_migrations == schema_of(modelled), "a model changed without a migration: run `deputyhub makemigration`"


def test_upgrading_step_by_step_keeps_data_and_ends_identical(scratch):
    names = migration_names()
    stepwise = scratch("stepwise.db")
    router = Router(stepwise, migrate_dir=MIGRATIONS_DIR)
    router.run(names[0])
    stepwise.execute_sql(
        "INSERT INTO delegation (name, kind, created_at) VALUES ('鼓楼区代表团', '代表团', '2026-01-01')"
    )
    router.run()
    assert stepwise.execute_sql("SELECT name FROM delegation").fetchall() == [("鼓楼区代表团",)]
    upgraded = schema_of(stepwise)
    db.close()

    fresh = scratch("fresh.db")
    Router(fresh, migrate_dir=MIGRATIONS_DIR).run()
    assert upgraded == schema_of(fresh)


def test_init_creates_then_is_idempotent(scratch):
    from click.testing import CliRunner

    from api.cli import init

    scratch("empty.db")
    runner = CliRunner()
    first = runner.invoke(init, catch_exceptions=False)
    second = runner.invoke(init, catch_exceptions=False)
    assert f"applied {len(migration_names())} migration(s)" in first.output
    assert "applied 0 migration(s)" in second.output
