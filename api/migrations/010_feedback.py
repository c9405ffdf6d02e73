"""Peewee migrations -- 010_feedback.py.

Written by hand (other branches add migrations in parallel; this one depends only on 008's tables).

- Constituent feedback: feedback_case (personal fields hold ciphertext), its photos, comments,
  extension requests, and the staff's word list.
- idempotency_record: the shared store behind `Idempotency-Key` (api/common/idempotency.py).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class IdempotencyRecord(pw.Model):
        id = pw.AutoField()
        scope = pw.CharField(max_length=60)
        key = pw.CharField(max_length=64)
        fingerprint = pw.CharField(max_length=64)
        answer = pw.TextField()
        entity_id = pw.IntegerField(null=True)
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "idempotency_record"
            indexes = [(("scope", "key"), True)]

    @migrator.create_model
    class FeedbackCase(pw.Model):
        id = pw.AutoField()
        tracking_code = pw.CharField(max_length=16, unique=True)
        station = pw.ForeignKeyField(
            column_name="station_id", field="id", model=migrator.orm["station"], on_delete="RESTRICT"
        )
        category = pw.CharField(max_length=20)
        content = pw.TextField()
        name = pw.TextField(null=True)
        phone = pw.TextField(null=True)
        consent_version = pw.CharField(max_length=20, null=True)
        consent_text = pw.TextField(null=True)
        submitter = pw.ForeignKeyField(
            column_name="submitter_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        state = pw.CharField(default="submitted", max_length=20)
        screening = pw.CharField(default="pass", max_length=10)
        screening_label = pw.CharField(max_length=60, null=True)
        merged_into = pw.ForeignKeyField(
            "self", column_name="merged_into_id", field="id", null=True, on_delete="SET NULL"
        )
        rejection_reason = pw.CharField(max_length=500, null=True)
        unit = pw.ForeignKeyField(
            column_name="unit_id", field="id", model=migrator.orm["handling_unit"], null=True, on_delete="RESTRICT"
        )
        forwarded_at = pw.DateTimeField(null=True)
        due_date = pw.DateField(null=True)
        due_mark = pw.CharField(max_length=10, null=True)
        answer = pw.TextField(null=True)
        answered_at = pw.DateTimeField(null=True)
        first_answer_at = pw.DateTimeField(null=True)
        reply = pw.TextField(null=True)
        closed_at = pw.DateTimeField(null=True)
        rating = pw.CharField(max_length=10, null=True)
        rating_comment = pw.CharField(max_length=500, null=True)
        rated_at = pw.DateTimeField(null=True)
        reopen_count = pw.SmallIntegerField(default=0)
        personal_erased_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "feedback_case"
            indexes = [
                (("station", "state", "id"), False),
                (("unit", "state", "due_date"), False),
                (("submitter", "id"), False),
                (("state", "due_date"), False),
                (("created_at",), False),
            ]

    @migrator.create_model
    class CasePhoto(pw.Model):
        id = pw.AutoField()
        case = pw.ForeignKeyField(
            column_name="case_id", field="id", model=migrator.orm["feedback_case"], on_delete="CASCADE"
        )
        file = pw.ForeignKeyField(
            column_name="file_id", field="id", model=migrator.orm["stored_file"], on_delete="CASCADE"
        )
        position = pw.SmallIntegerField(default=0)

        class Meta:
            table_name = "feedback_photo"
            indexes = [(("case", "file"), True)]

    @migrator.create_model
    class CaseComment(pw.Model):
        id = pw.AutoField()
        case = pw.ForeignKeyField(
            column_name="case_id", field="id", model=migrator.orm["feedback_case"], on_delete="CASCADE"
        )
        author = pw.ForeignKeyField(
            column_name="author_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        author_role = pw.CharField(max_length=20)
        kind = pw.CharField(default="comment", max_length=10)
        body = pw.TextField()
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "feedback_comment"
            indexes = [(("case", "id"), False)]

    @migrator.create_model
    class ExtensionRequest(pw.Model):
        id = pw.AutoField()
        case = pw.ForeignKeyField(
            column_name="case_id", field="id", model=migrator.orm["feedback_case"], on_delete="CASCADE"
        )
        unit = pw.ForeignKeyField(
            column_name="unit_id", field="id", model=migrator.orm["handling_unit"], on_delete="CASCADE"
        )
        requested_by = pw.ForeignKeyField(
            column_name="requested_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        days = pw.SmallIntegerField()
        reason = pw.CharField(max_length=500)
        state = pw.CharField(default="pending", max_length=10)
        due_before = pw.DateField()
        due_after = pw.DateField(null=True)
        decided_by = pw.ForeignKeyField(
            column_name="decided_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        decision_reason = pw.CharField(max_length=500, null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "feedback_extension"
            indexes = [(("case", "id"), False)]

    @migrator.create_model
    class BlockedWord(pw.Model):
        id = pw.AutoField()
        word = pw.CharField(max_length=50, unique=True)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "feedback_word"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("feedback_word")
    migrator.remove_model("feedback_extension")
    migrator.remove_model("feedback_comment")
    migrator.remove_model("feedback_photo")
    migrator.remove_model("feedback_case")
    migrator.remove_model("idempotency_record")
