"""Peewee migrations -- 012_feedback_indexes.py.

Written by hand; depends on 010_feedback only.

- Statistics: what a case's first answer replied to (the unit, when it was forwarded to it, its due date
  then), kept apart from `unit`, `forwarded_at` and `due_date`, which a return or a reopen changes.
  Cases answered before this migration take their current values.
- The inbox at a million cases: (station_id, id, state, due_date) lets a station's page be chosen by an
  index-only scan (its order is overdue first, then the newest: state and due_date decide "overdue").
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "feedback_case",
        first_unit=pw.ForeignKeyField(
            column_name="first_unit_id", field="id", model=migrator.orm["handling_unit"], null=True,
            on_delete="RESTRICT",
        ),
        first_forwarded_at=pw.DateTimeField(null=True),
        first_due_date=pw.DateField(null=True),
    )
    migrator.sql(
        "UPDATE feedback_case SET first_unit_id = unit_id, first_forwarded_at = forwarded_at, "
        "first_due_date = due_date WHERE first_answer_at IS NOT NULL"
    )
    migrator.add_index("feedback_case", "station", "id", "state", "due_date")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_index("feedback_case", "station", "id", "state", "due_date")
    migrator.remove_fields("feedback_case", "first_unit", "first_forwarded_at", "first_due_date")
