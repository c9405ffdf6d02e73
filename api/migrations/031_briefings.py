"""Peewee migrations -- 031_briefings.py.

Written by hand (other branches add migrations in parallel; this one depends only on tables up to 010).

- meeting, meeting_attendee: meetings and the deputies their audience reaches.
- paper, paper_version, paper_recipient, paper_view: papers, their files, read tracking, the view log.
- stored_file.view_only: a file that may be looked at but never downloaded (confidential papers).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("stored_file", view_only=pw.BooleanField(default=False))

    @migrator.create_model
    class Meeting(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=30)
        title = pw.CharField(max_length=200)
        place = pw.CharField(max_length=200, default="")
        starts_at = pw.DateTimeField()
        ends_at = pw.DateTimeField()
        agenda = pw.TextField(default="")
        audience = pw.TextField()
        state = pw.CharField(max_length=10, default="draft", index=True)
        attendee_count = pw.IntegerField(default=0)
        published_at = pw.DateTimeField(null=True)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "meeting"

    @migrator.create_model
    class MeetingAttendee(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name="meeting_id", field="id", model=Meeting, on_delete="CASCADE")
        deputy = pw.ForeignKeyField(
            column_name="deputy_id", field="id", model=migrator.orm["deputy"], on_delete="CASCADE"
        )

        class Meta:
            table_name = "meeting_attendee"
            indexes = [(("meeting", "deputy"), True), (("deputy",), False)]

    @migrator.create_model
    class Paper(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(
            column_name="meeting_id", field="id", model=Meeting, null=True, on_delete="CASCADE"
        )
        title = pw.CharField(max_length=200)
        description = pw.CharField(max_length=500, default="")
        category = pw.CharField(max_length=10)
        confidentiality = pw.CharField(max_length=20, default="internal")
        audience = pw.TextField()
        opens_at = pw.DateTimeField(null=True)
        closes_at = pw.DateTimeField(null=True)
        state = pw.CharField(max_length=10, default="draft", index=True)
        version = pw.IntegerField(default=1)
        file = pw.ForeignKeyField(
            column_name="file_id", field="id", model=migrator.orm["stored_file"], on_delete="RESTRICT"
        )
        page_count = pw.IntegerField(default=0)
        text = pw.TextField(default="")
        link_epoch = pw.IntegerField(default=1)
        recipient_count = pw.IntegerField(default=0)
        reminder_count = pw.IntegerField(default=0)
        last_reminded_at = pw.DateTimeField(null=True)
        published_at = pw.DateTimeField(null=True)
        revoked_at = pw.DateTimeField(null=True)
        revoke_reason = pw.CharField(max_length=500, null=True)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "paper"

    @migrator.create_model
    class PaperVersion(pw.Model):
        id = pw.AutoField()
        paper = pw.ForeignKeyField(column_name="paper_id", field="id", model=Paper, on_delete="CASCADE")
        version = pw.IntegerField()
        file = pw.ForeignKeyField(
            column_name="file_id", field="id", model=migrator.orm["stored_file"], on_delete="RESTRICT"
        )
        page_count = pw.IntegerField()
        note = pw.CharField(max_length=500, default="")
        created_by = pw.ForeignKeyField(
            column_name="created_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "paper_version"
            indexes = [(("paper", "version"), True)]

    @migrator.create_model
    class PaperRecipient(pw.Model):
        id = pw.AutoField()
        paper = pw.ForeignKeyField(column_name="paper_id", field="id", model=Paper, on_delete="CASCADE")
        deputy = pw.ForeignKeyField(
            column_name="deputy_id", field="id", model=migrator.orm["deputy"], on_delete="CASCADE"
        )
        opened_at = pw.DateTimeField(null=True)
        read_version = pw.IntegerField(null=True)

        class Meta:
            table_name = "paper_recipient"
            indexes = [(("paper", "deputy"), True), (("deputy",), False)]

    @migrator.create_model
    class PaperView(pw.Model):
        id = pw.AutoField()
        paper = pw.ForeignKeyField(column_name="paper_id", field="id", model=Paper, on_delete="CASCADE")
        version = pw.IntegerField()
        page = pw.IntegerField()
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        deputy = pw.ForeignKeyField(
            column_name="deputy_id", field="id", model=migrator.orm["deputy"], null=True, on_delete="SET NULL"
        )
        viewer_name = pw.CharField(max_length=50)
        viewed_at = pw.DateTimeField()
        cached = pw.BooleanField(default=False)

        class Meta:
            table_name = "paper_view"
            indexes = [(("paper", "viewed_at"), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for name in ("paper_view", "paper_recipient", "paper_version", "paper", "meeting_attendee", "meeting"):
        migrator.remove_model(name)
    migrator.remove_fields("stored_file", "view_only")
