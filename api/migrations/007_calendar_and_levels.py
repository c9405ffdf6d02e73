"""Peewee migrations -- 007_calendar_and_levels.py.

Written by hand (not auto-diffed: other models change in parallel branches).

- The working-day calendar's staff overrides: calendar_day, calendar_year.
- Deputies of several levels: every congress the deployment serves is a row, one flagged as its own; every
  deputy seat belongs to a congress (existing seats move to the deployment's own congress; the column stays
  nullable, see _seats_to_own_congress); a phone number is unique per congress, not overall (one person, two
  levels); one account may hold several seats (user_seat, filled from user.deputy_id).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class CalendarDay(pw.Model):
        id = pw.AutoField()
        day = pw.DateField(unique=True)
        is_working_day = pw.BooleanField()
        note = pw.CharField(max_length=100, null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "calendar_day"

    @migrator.create_model
    class CalendarYear(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField(unique=True)
        note = pw.CharField(max_length=100, null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "calendar_year"

    migrator.add_fields(
        "congress",
        is_own=pw.BooleanField(default=False),
        region=pw.CharField(max_length=50, null=True),
    )
    migrator.add_index("congress", "name", unique=True)
    migrator.add_index("congress", "level")

    congress = pw.ForeignKeyField(
        column_name="congress_id", field="id", model=migrator.orm["congress"], null=True, on_delete="RESTRICT"
    )
    migrator.add_fields("deputy", congress=congress)
    migrator.run(_seats_to_own_congress, database)
    migrator.drop_index("deputy", "phone_hash")
    migrator.add_index("deputy", "phone_hash")
    migrator.add_index("deputy", "congress", "phone_hash", unique=True)

    @migrator.create_model
    class UserSeat(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["user"], on_delete="CASCADE")
        deputy = pw.ForeignKeyField(
            column_name="deputy_id", field="id", model=migrator.orm["deputy"], on_delete="CASCADE", unique=True
        )

        class Meta:
            table_name = "user_seat"

    migrator.sql("INSERT INTO user_seat (user_id, deputy_id) SELECT id, deputy_id FROM \"user\" WHERE deputy_id IS NOT NULL")


def _seats_to_own_congress(database):
    """The first congress row was the deployment's only one: it becomes its own, and every seat joins it.

    The column stays nullable in the schema. Making it NOT NULL would make SQLite rebuild `deputy`, and
    dropping the old copy inside the migration's transaction (where foreign keys cannot be switched off)
    fires every ON DELETE CASCADE / SET NULL that points at it: links, accounts, recipients, deliveries
    would vanish. The services set the congress on every seat they write (api/deputies/services.py).
    """
    _fill_own_congress(database)


def _fill_own_congress(database):
    row = database.execute_sql("SELECT id FROM congress ORDER BY id LIMIT 1").fetchone()
    has_deputies = database.execute_sql("SELECT 1 FROM deputy LIMIT 1").fetchone() is not None
    if row is None and not has_deputies:
        return
    if row is None:
        # Deputies without a congress on record: give them one staff can rename (PUT /org/congress).
        term = database.execute_sql("SELECT MAX(term) FROM deputy").fetchone()[0]
        marks = ", ".join([database.param] * 4)
        database.execute_sql(
            f"INSERT INTO congress (name, level, current_term, is_own) VALUES ({marks})",
            ("本级人民代表大会", "municipal", term, True),
        )
        row = database.execute_sql("SELECT id FROM congress ORDER BY id LIMIT 1").fetchone()
    database.execute_sql(f"UPDATE congress SET is_own = {_true(database)} WHERE id = {int(row[0])}")
    database.execute_sql(f"UPDATE deputy SET congress_id = {int(row[0])} WHERE congress_id IS NULL")


def _true(database):
    return "TRUE" if isinstance(database, pw.PostgresqlDatabase) else "1"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("user_seat")
    migrator.drop_index("deputy", "congress", "phone_hash")
    migrator.drop_index("deputy", "phone_hash")
    migrator.add_index("deputy", "phone_hash", unique=True)
    migrator.remove_fields("deputy", "congress")
    migrator.drop_index("congress", "level")
    migrator.drop_index("congress", "name")
    migrator.remove_fields("congress", "is_own", "region")
    migrator.remove_model("calendar_year")
    migrator.remove_model("calendar_day")

