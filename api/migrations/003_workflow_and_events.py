"""Peewee migrations -- 003_workflow_and_events.py.

The workflow kernel's history, the shared performance-event table, and the notice columns the
kernel's rules need: which version a deputy last read (for "updated" in the feed).
Push deliveries gain the status `attempting` (fits the existing column; no schema change).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class WorkflowHistory(pw.Model):
        id = pw.AutoField()
        entity_type = pw.CharField(max_length=40)
        entity_id = pw.IntegerField()
        from_state = pw.CharField(max_length=20, null=True)
        to_state = pw.CharField(max_length=20)
        actor_id = pw.IntegerField(null=True)
        at = pw.DateTimeField()
        reason = pw.CharField(max_length=500, null=True)
        payload = pw.TextField(null=True)

        class Meta:
            table_name = "workflow_history"
            indexes = [(("entity_type", "entity_id", "id"), False)]

    @migrator.create_model
    class PerformanceEvent(pw.Model):
        id = pw.AutoField()
        deputy_id = pw.IntegerField()
        kind = pw.CharField(max_length=40)
        object_type = pw.CharField(max_length=40)
        object_id = pw.IntegerField()
        occurred_at = pw.DateTimeField()
        payload = pw.TextField(null=True)

        class Meta:
            table_name = "performance_event"
            indexes = [
                (("deputy_id", "kind", "object_type", "object_id"), True),
                (("deputy_id", "occurred_at"), False),
                (("deputy_id", "kind", "occurred_at"), False),
            ]

    migrator.add_fields("notice_recipient", read_version=pw.IntegerField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("notice_recipient", "read_version")
    migrator.remove_model("performance_event")
    migrator.remove_model("workflow_history")
