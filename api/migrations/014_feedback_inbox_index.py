"""Peewee migrations -- 014_feedback_inbox_index.py.

Written by hand. The inbox's index (station_id, id, state, due_date) of migration 012 also covers the
category and the submission time, so that a station's filtered page, its total and its counts are
index-only scans whatever the filter (only the text search still reads the rows): a station's cases
are spread over as many heap pages as it has cases, since cases arrive from every station at once.
"""

import peewee as pw
from peewee_migrate import Migrator

OLD = ("station", "id", "state", "due_date")
NEW = ("station", "id", "state", "due_date", "category", "created_at")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_index("feedback_case", *NEW)
    migrator.drop_index("feedback_case", *OLD)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_index("feedback_case", *OLD)
    migrator.drop_index("feedback_case", *NEW)
