"""Peewee migrations -- 040_consultations.py.

Written by hand (other branches add migrations in parallel; this one depends only on tables of 001-010).
Draft-law consultations: the consultation, its draft versions and their numbered units, deputies'
opinions and the members who signed a joint opinion.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Consultation(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200)
        kind = pw.CharField(max_length=20)
        explanation = pw.TextField()
        audience = pw.TextField()
        opens_at = pw.DateTimeField()
        closes_at = pw.DateTimeField()
        state = pw.CharField(max_length=20)
        version = pw.IntegerField()
        reminder_sent_at = pw.DateTimeField(null=True)
        published_at = pw.DateTimeField(null=True)
        outcomes_published_at = pw.DateTimeField(null=True)
        created_by = pw.ForeignKeyField(
            column_name="created_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "consultation"
            indexes = [(("state", "closes_at"), False)]

    @migrator.create_model
    class DraftVersion(pw.Model):
        id = pw.AutoField()
        consultation = pw.ForeignKeyField(
            column_name="consultation_id", field="id", model=migrator.orm["consultation"], on_delete="CASCADE"
        )
        number = pw.IntegerField()
        note = pw.CharField(max_length=500)
        preamble = pw.TextField()
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "consultation_version"
            indexes = [(("consultation", "number"), True)]

    @migrator.create_model
    class DraftUnit(pw.Model):
        id = pw.AutoField()
        version = pw.ForeignKeyField(
            column_name="version_id", field="id", model=migrator.orm["consultation_version"], on_delete="CASCADE"
        )
        position = pw.IntegerField()
        kind = pw.CharField(max_length=10)
        number = pw.IntegerField()
        label = pw.CharField(max_length=40)
        heading = pw.CharField(max_length=200)
        paragraphs = pw.TextField()
        path = pw.CharField(max_length=300)

        class Meta:
            table_name = "consultation_unit"
            indexes = [(("version", "position"), True)]

    @migrator.create_model
    class Opinion(pw.Model):
        id = pw.AutoField()
        consultation = pw.ForeignKeyField(
            column_name="consultation_id", field="id", model=migrator.orm["consultation"], on_delete="CASCADE"
        )
        unit = pw.ForeignKeyField(
            column_name="unit_id", field="id", model=migrator.orm["consultation_unit"], null=True,
            on_delete="CASCADE",
        )
        paragraph = pw.SmallIntegerField(null=True)
        version = pw.IntegerField()
        deputy = pw.ForeignKeyField(
            column_name="deputy_id", field="id", model=migrator.orm["deputy"], on_delete="CASCADE"
        )
        group = pw.ForeignKeyField(
            column_name="group_id", field="id", model=migrator.orm["deputy_group"], null=True, on_delete="SET NULL"
        )
        content = pw.TextField()
        state = pw.CharField(max_length=20)
        screening = pw.CharField(max_length=10)
        screening_label = pw.CharField(max_length=100, null=True)
        outcome_reason = pw.TextField(null=True)
        outcome_by = pw.ForeignKeyField(
            column_name="outcome_by_id", field="id", model=migrator.orm["user"], null=True, on_delete="SET NULL"
        )
        outcome_at = pw.DateTimeField(null=True)
        merged_into = pw.ForeignKeyField(
            "self", column_name="merged_into_id", field="id", null=True, on_delete="SET NULL"
        )
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "consultation_opinion"
            indexes = [(("consultation", "unit", "state"), False), (("deputy", "consultation"), False)]

    @migrator.create_model
    class OpinionSigner(pw.Model):
        id = pw.AutoField()
        opinion = pw.ForeignKeyField(
            column_name="opinion_id", field="id", model=migrator.orm["consultation_opinion"], on_delete="CASCADE"
        )
        deputy = pw.ForeignKeyField(
            column_name="deputy_id", field="id", model=migrator.orm["deputy"], on_delete="CASCADE"
        )
        signed_at = pw.DateTimeField()

        class Meta:
            table_name = "consultation_signer"
            indexes = [(("opinion", "deputy"), True), (("deputy",), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for name in ("consultation_signer", "consultation_opinion", "consultation_unit", "consultation_version",
                 "consultation"):
        migrator.remove_model(name)
