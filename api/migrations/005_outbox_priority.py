"""Peewee migrations -- 005_outbox_priority.py.

The outbox relays user-visible work first (`priority`) and keeps one waiting cache-upkeep job per
key (`dedupe_key`, unique among rows not yet enqueued).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Priority and a collapse key on the outbox."""

    migrator.add_fields(
        'outbox_job',
        priority=pw.SmallIntegerField(default=0),
        dedupe_key=pw.CharField(max_length=64, null=True),
    )
    migrator.sql(
        'CREATE UNIQUE INDEX "outbox_job_dedupe_key" ON "outbox_job" ("dedupe_key") WHERE "enqueued_at" IS NULL'
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Drop them again."""

    migrator.sql('DROP INDEX "outbox_job_dedupe_key"')
    migrator.remove_fields('outbox_job', 'priority', 'dedupe_key')
