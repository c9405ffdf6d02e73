"""Peewee migrations -- 062_record_indexes.py (the activities helper's block, 060-069).

The performance record reads a deputy's events by time: the timeline newest first, and counts by kind
over a year or five. One index (deputy_id, occurred_at, kind) serves both, the counts as index-only scans
of exactly the period's entries; it replaces (deputy_id, occurred_at) and (deputy_id, kind, occurred_at),
whose kind-first order made a year's count walk every entry of the deputy (bench/records.py, EXPLAIN).
"""

import peewee as pw
from peewee_migrate import Migrator


# Named as the model's create_table names them (003 made them that way), on SQLite and PostgreSQL alike.
OLD = (("performanceevent_deputy_id_occurred_at", "deputy_id, occurred_at"),
       ("performanceevent_deputy_id_kind_occurred_at", "deputy_id, kind, occurred_at"))
NEW = ("performanceevent_deputy_id_occurred_at_kind", "deputy_id, occurred_at, kind")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for name, _ in OLD:
        migrator.sql(f'DROP INDEX IF EXISTS "{name}"')
    migrator.sql(f'CREATE INDEX IF NOT EXISTS "{NEW[0]}" ON "performance_event" ({NEW[1]})')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f'DROP INDEX IF EXISTS "{NEW[0]}"')
    for name, columns in OLD:
        migrator.sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "performance_event" ({columns})')
