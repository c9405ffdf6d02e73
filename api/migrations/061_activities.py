"""Peewee migrations -- 061_activities.py (the activities helper's block, 060-069).

Deputy activities: the activity with its audience (as for notices), one invitation per invited deputy
(reply slip, leave and its decision, check-in), the reports deputies write afterwards, and the ids of
suggestions that came out of an activity (no foreign key: the suggestions module owns suggestions).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Activity(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(index=True, max_length=20)
        title = pw.CharField(max_length=100)
        description = pw.TextField(default='')
        place = pw.CharField(max_length=200)
        organisers = pw.CharField(max_length=200)
        starts_at = pw.DateTimeField(index=True)
        ends_at = pw.DateTimeField()
        capacity = pw.IntegerField(null=True)
        audience = pw.TextField()
        state = pw.CharField(default='draft', index=True, max_length=20)
        invited_count = pw.IntegerField(default=0)
        cancel_reason = pw.CharField(max_length=500, null=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        published_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "activity"

    @migrator.create_model
    class ActivityReport(pw.Model):
        id = pw.AutoField()
        activity = pw.ForeignKeyField(column_name='activity_id', field='id', model=migrator.orm['activity'], on_delete='CASCADE')
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        kind = pw.CharField(max_length=10)
        title = pw.CharField(max_length=100)
        body = pw.TextField()
        photo_ids = pw.TextField()
        submitted_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "activity_report"
            indexes = [(('activity', 'deputy'), True)]

    @migrator.create_model
    class ActivitySuggestion(pw.Model):
        id = pw.AutoField()
        activity = pw.ForeignKeyField(column_name='activity_id', field='id', model=migrator.orm['activity'], on_delete='CASCADE')
        suggestion_id = pw.IntegerField()
        linked_by = pw.ForeignKeyField(column_name='linked_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "activity_suggestion"
            indexes = [(('activity', 'suggestion_id'), True), (('suggestion_id',), False)]

    @migrator.create_model
    class Invitation(pw.Model):
        id = pw.AutoField()
        activity = pw.ForeignKeyField(column_name='activity_id', field='id', model=migrator.orm['activity'], on_delete='CASCADE')
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        state = pw.CharField(default='invited', max_length=20)
        leave_reason = pw.CharField(max_length=500, null=True)
        replied_at = pw.DateTimeField(null=True)
        decided_by = pw.ForeignKeyField(column_name='decided_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        decision_note = pw.CharField(max_length=500, null=True)
        checked_in_at = pw.DateTimeField(null=True)
        checkin_method = pw.CharField(max_length=10, null=True)
        checked_in_by = pw.ForeignKeyField(column_name='checked_in_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "activity_invitation"
            indexes = [(('activity', 'deputy'), True), (('deputy', 'activity'), False), (('activity', 'state'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('activity_invitation')

    migrator.remove_model('activity_suggestion')

    migrator.remove_model('activity_report')

    migrator.remove_model('activity')
