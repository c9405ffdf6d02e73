"""Peewee migrations -- 070_worker_binding_codes.py.

Written by hand. A binding code may bind a worker account (staff, station staff, unit user, admin) to
WeChat, so that user-addressed push reaches it: `binding_code.deputy_id` becomes nullable and
`binding_code.account_id` (a foreign key to `user`, ON DELETE CASCADE) is added. Exactly one of the two is
set; PostgreSQL enforces it with a CHECK constraint (SQLite cannot add one to an existing table, and
api/auth/wechat.py and api/auth/worker_binding.py always set exactly one).
"""

import peewee as pw
from peewee_migrate import Migrator

CHECK = "binding_code_one_target"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_not_null("binding_code", "deputy")
    migrator.add_fields(
        "binding_code",
        account=pw.ForeignKeyField(
            column_name="account_id", field="id", model=migrator.orm["user"], null=True, on_delete="CASCADE",
        ),
    )
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql(
            f"ALTER TABLE binding_code ADD CONSTRAINT {CHECK} CHECK ((deputy_id IS NULL) <> (account_id IS NULL))"
        )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql(f"ALTER TABLE binding_code DROP CONSTRAINT {CHECK}")
    # Codes for accounts have no place in the old shape.
    migrator.sql("DELETE FROM binding_code WHERE deputy_id IS NULL")
    migrator.remove_fields("binding_code", "account")
    migrator.add_not_null("binding_code", "deputy")
