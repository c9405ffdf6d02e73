"""Peewee migrations -- 050_suggestions.py.

Written by hand; depends only on the tables of 001-009 (deputy, user, handling_unit, stored_file).

- Deputy suggestions (代表建议): the suggestion with its 两摘两推 fields, co-signers, attachments, the
  units it is assigned to (one row per unit and round), their contact log, the commitments of B answers,
  the units' extension and reassignment requests, and progress reports on key suggestions.
"""

import peewee as pw
from peewee_migrate import Migrator


def _fk(migrator, table, column, null=False, on_delete="CASCADE"):
    return pw.ForeignKeyField(column_name=column, field="id", model=migrator.orm[table], null=null,
                              on_delete=on_delete)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Suggestion(pw.Model):
        id = pw.AutoField()
        deputy = _fk(migrator, "deputy", "deputy_id", on_delete="RESTRICT")
        author = _fk(migrator, "user", "author_id", null=True, on_delete="SET NULL")
        term = pw.IntegerField()
        period = pw.CharField(default="recess", max_length=10)
        title = pw.CharField(max_length=100)
        problem = pw.TextField(default="")
        cause = pw.TextField(default="")
        proposal = pw.TextField(default="")
        category = pw.CharField(max_length=20)
        state = pw.CharField(default="draft", max_length=20)
        submitted_at = pw.DateTimeField(null=True)
        rejection_reason = pw.CharField(max_length=500, null=True)
        passed_to = pw.CharField(max_length=100, null=True)
        merged_into = pw.ForeignKeyField("self", column_name="merged_into_id", field="id", null=True,
                                         on_delete="SET NULL")
        abstract = pw.TextField(null=True)
        key_points = pw.TextField(null=True)
        recommended_unit = _fk(migrator, "handling_unit", "recommended_unit_id", null=True, on_delete="SET NULL")
        assigned_at = pw.DateTimeField(null=True)
        due_date = pw.DateField(null=True)
        rounds = pw.SmallIntegerField(default=0)
        rating = pw.CharField(max_length=10, null=True)
        rating_comment = pw.CharField(max_length=500, null=True)
        rated_at = pw.DateTimeField(null=True)
        first_rating = pw.CharField(max_length=10, null=True)
        key = pw.BooleanField(default=False)
        supervisor = pw.CharField(max_length=50, null=True)
        publish_consent = pw.BooleanField(null=True)
        consent_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "suggestion"
            indexes = [
                (("deputy", "id"), False),
                (("state", "id"), False),
                (("term", "state"), False),
                (("created_at",), False),
            ]

    @migrator.create_model
    class Cosigner(pw.Model):
        id = pw.AutoField()
        suggestion = _fk(migrator, "suggestion", "suggestion_id")
        deputy = _fk(migrator, "deputy", "deputy_id")
        state = pw.CharField(default="invited", max_length=10)
        answered_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "suggestion_cosigner"
            indexes = [(("suggestion", "deputy"), True), (("deputy", "state"), False)]

    @migrator.create_model
    class Attachment(pw.Model):
        id = pw.AutoField()
        suggestion = _fk(migrator, "suggestion", "suggestion_id")
        file = _fk(migrator, "stored_file", "file_id")
        position = pw.SmallIntegerField(default=0)

        class Meta:
            table_name = "suggestion_attachment"
            indexes = [(("suggestion", "file"), True)]

    @migrator.create_model
    class Assignment(pw.Model):
        id = pw.AutoField()
        suggestion = _fk(migrator, "suggestion", "suggestion_id")
        unit = _fk(migrator, "handling_unit", "unit_id", on_delete="RESTRICT")
        role = pw.CharField(max_length=10)
        round = pw.SmallIntegerField(default=1)
        state = pw.CharField(default="pending", max_length=12)
        assigned_at = pw.DateTimeField()
        due_date = pw.DateField()
        due_mark = pw.CharField(max_length=10, null=True)
        acknowledged_at = pw.DateTimeField(null=True)
        opinion = pw.TextField(null=True)
        answer_category = pw.CharField(max_length=1, null=True)
        answer = pw.TextField(null=True)
        answered_at = pw.DateTimeField(null=True)
        on_time = pw.BooleanField(null=True)
        published = pw.BooleanField(default=False)
        published_at = pw.DateTimeField(null=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "suggestion_assignment"
            indexes = [
                (("unit", "state", "due_date"), False),
                (("suggestion", "round"), False),
                (("state", "due_date"), False),
            ]

    @migrator.create_model
    class Contact(pw.Model):
        id = pw.AutoField()
        assignment = _fk(migrator, "suggestion_assignment", "assignment_id")
        stage = pw.CharField(max_length=10)
        contacted_at = pw.DateTimeField()
        contact_person = pw.CharField(max_length=50)
        method = pw.CharField(max_length=20)
        note = pw.TextField()
        recorded_by = _fk(migrator, "user", "recorded_by_id", null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "suggestion_contact"
            indexes = [(("assignment", "id"), False)]

    @migrator.create_model
    class Commitment(pw.Model):
        id = pw.AutoField()
        assignment = _fk(migrator, "suggestion_assignment", "assignment_id")
        suggestion = _fk(migrator, "suggestion", "suggestion_id")
        unit = _fk(migrator, "handling_unit", "unit_id", on_delete="RESTRICT")
        what = pw.CharField(max_length=500)
        due_date = pw.DateField()
        owner = pw.CharField(max_length=50)
        state = pw.CharField(default="open", max_length=10)
        due_mark = pw.CharField(max_length=10, null=True)
        evidence = pw.TextField(null=True)
        evidence_file = _fk(migrator, "stored_file", "evidence_file_id", null=True, on_delete="SET NULL")
        reported_at = pw.DateTimeField(null=True)
        on_time = pw.BooleanField(null=True)
        verified_at = pw.DateTimeField(null=True)
        verified_by = _fk(migrator, "user", "verified_by_id", null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "suggestion_commitment"
            indexes = [(("unit", "state", "due_date"), False), (("suggestion",), False),
                       (("state", "due_date"), False)]

    @migrator.create_model
    class HandlingRequest(pw.Model):
        id = pw.AutoField()
        assignment = _fk(migrator, "suggestion_assignment", "assignment_id")
        kind = pw.CharField(max_length=10)
        days = pw.SmallIntegerField(null=True)
        reason = pw.CharField(max_length=500)
        state = pw.CharField(default="pending", max_length=10)
        requested_by = _fk(migrator, "user", "requested_by_id", null=True, on_delete="SET NULL")
        decided_by = _fk(migrator, "user", "decided_by_id", null=True, on_delete="SET NULL")
        decision = pw.CharField(max_length=500, null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "suggestion_request"
            indexes = [(("state", "id"), False), (("assignment",), False)]

    @migrator.create_model
    class ProgressReport(pw.Model):
        id = pw.AutoField()
        suggestion = _fk(migrator, "suggestion", "suggestion_id")
        author = _fk(migrator, "user", "author_id", null=True, on_delete="SET NULL")
        body = pw.TextField()
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "suggestion_progress"
            indexes = [(("suggestion", "id"), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("suggestion_progress", "suggestion_request", "suggestion_commitment", "suggestion_contact",
                  "suggestion_assignment", "suggestion_attachment", "suggestion_cosigner", "suggestion"):
        migrator.remove_model(table)
