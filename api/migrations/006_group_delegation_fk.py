"""Peewee migrations -- 006_group_delegation_fk.py.

A deputy group's delegation was a free-text name (kept in step by hand when a delegation was renamed);
it becomes a foreign key to `delegation`. The old column is renamed, a nullable `delegation_id`
(ON DELETE RESTRICT) is added and filled by matching names, and the old column is dropped. Adding a
column keeps the table (and the foreign keys of `deputy_group_member` pointing at it) in place, which
SQLite could not do with a column type change. A name that matched no delegation becomes NULL.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.rename_field('deputy_group', 'delegation', 'delegation_name')
    migrator.add_fields(
        'deputy_group',
        delegation=pw.ForeignKeyField(
            column_name='delegation_id', field='id', model=migrator.orm['delegation'], null=True,
            on_delete='RESTRICT',
        ),
    )
    migrator.sql(
        "UPDATE deputy_group SET delegation_id = "
        "(SELECT delegation.id FROM delegation WHERE delegation.name = deputy_group.delegation_name)"
    )
    migrator.remove_fields('deputy_group', 'delegation_name')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields('deputy_group', delegation_name=pw.CharField(max_length=100, null=True))
    migrator.sql(
        "UPDATE deputy_group SET delegation_name = "
        "(SELECT delegation.name FROM delegation WHERE delegation.id = deputy_group.delegation_id)"
    )
    migrator.remove_fields('deputy_group', 'delegation')
    migrator.rename_field('deputy_group', 'delegation_name', 'delegation')
