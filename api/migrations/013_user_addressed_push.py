"""Peewee migrations -- 013_user_addressed_push.py.

Written by hand. Push deliveries may be addressed to an account (staff, unit users, station staff) as
well as to a deputy: `delivery.deputy_id` becomes nullable and `delivery.addressee_id` (a foreign key
to `user`, ON DELETE CASCADE) is added with its own dedupe key (source, addressee, scope). Exactly one
of the two is set; PostgreSQL enforces it with a CHECK constraint (SQLite cannot add one to an
existing table, and the queueing functions always set exactly one).
"""

import peewee as pw
from peewee_migrate import Migrator

CHECK = "delivery_one_recipient"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_not_null("delivery", "deputy")
    migrator.add_fields(
        "delivery",
        addressee=pw.ForeignKeyField(
            column_name="addressee_id", field="id", model=migrator.orm["user"], null=True, on_delete="CASCADE",
        ),
    )
    migrator.add_index("delivery", "source_type", "source_id", "addressee", "scope", unique=True)
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql(
            f"ALTER TABLE delivery ADD CONSTRAINT {CHECK} CHECK ((deputy_id IS NULL) <> (addressee_id IS NULL))"
        )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql(f"ALTER TABLE delivery DROP CONSTRAINT {CHECK}")
    # Deliveries to accounts have no place in the old shape.
    migrator.sql("DELETE FROM delivery WHERE deputy_id IS NULL")
    migrator.drop_index("delivery", "source_type", "source_id", "addressee", "scope")
    migrator.remove_fields("delivery", "addressee")
    migrator.add_not_null("delivery", "deputy")
