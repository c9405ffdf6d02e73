"""Peewee migrations -- 008_audit_actor_plain_id.py.

The audit trail moved to `api.common.audit`, shared by every domain, which knows no domain's tables:
its actor becomes a plain account id (like `performance_event.deputy_id`), no longer a foreign key
to `user`. The column keeps its name and its values; only the constraint goes (and with it ON DELETE
SET NULL: an entry keeps the id of an account deleted since, and the query shows no name for it).

SQLite can neither drop a constraint nor a column a constraint names, so the table is rebuilt: its
rows go to a copy, it is created anew with the new definition, and the rows come back (nothing
references `audit_entry`). Renaming the copy instead would leave its index names behind.
"""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = "id, at, actor_id, actor_role, action, target_type, target_id, remote_addr, request_id, detail"


def _create(migrator, class_name, table_name, actor_field):
    """audit_entry as it was, with this definition of its actor column (`actor_id` either way)."""
    fields = {
        'id': pw.AutoField(),
        'at': pw.DateTimeField(index=True),
        'actor_role': pw.CharField(max_length=20, null=True),
        'action': pw.CharField(index=True, max_length=50),
        'target_type': pw.CharField(max_length=30, null=True),
        'target_id': pw.CharField(max_length=64, null=True),
        'remote_addr': pw.CharField(max_length=64, null=True),
        'request_id': pw.CharField(max_length=128, null=True),
        'detail': pw.TextField(null=True),
        **actor_field,
    }
    meta = type('Meta', (), {'table_name': table_name, 'indexes': [(('target_type', 'target_id'), False)]})
    migrator.create_model(type(class_name, (pw.Model,), {**fields, 'Meta': meta}))


def _rebuild(migrator, database, actor_field):
    _create(migrator, 'AuditEntryCopy', 'audit_entry_copy', {'actor_id': pw.IntegerField(null=True)})
    migrator.sql(f"INSERT INTO audit_entry_copy ({COLUMNS}) SELECT {COLUMNS} FROM audit_entry")
    migrator.remove_model('audit_entry')
    _create(migrator, 'AuditEntry', 'audit_entry', actor_field)
    migrator.sql(f"INSERT INTO audit_entry ({COLUMNS}) SELECT {COLUMNS} FROM audit_entry_copy")
    migrator.remove_model('audit_entry_copy')
    if isinstance(database, pw.PostgresqlDatabase):
        # Ids were copied as they were: the new table's sequence continues after the last one.
        migrator.sql(
            "SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), COALESCE(MAX(id), 0) + 1, false) "
            "FROM audit_entry"
        )


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    _rebuild(migrator, database, {'actor_id': pw.IntegerField(null=True, index=True)})


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    actor = pw.ForeignKeyField(
        column_name='actor_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL',
    )
    _rebuild(migrator, database, {'actor': actor})
