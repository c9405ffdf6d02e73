"""Peewee migrations -- 060_records.py (the activities helper's block, 060-069).

The performance record's own tables: self-reported duties awaiting confirmation (record_claim), the
yearly 述职 with its generated and edited .docx (report_back), constituents' ratings of a held 述职
(report_back_rating) and the 述职 templates staff upload (report_template). The events themselves are
the shared performance_event table (003).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class RecordClaim(pw.Model):
        id = pw.AutoField()
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        kind = pw.CharField(max_length=40)
        title = pw.CharField(max_length=100)
        occurred_on = pw.DateField()
        place = pw.CharField(max_length=100, null=True)
        description = pw.TextField(null=True)
        state = pw.CharField(default='pending', max_length=20)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        decided_by = pw.ForeignKeyField(column_name='decided_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        decided_at = pw.DateTimeField(null=True)
        refusal_reason = pw.CharField(max_length=500, null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "record_claim"
            indexes = [(('state', 'id'), False)]

    @migrator.create_model
    class ReportBack(pw.Model):
        id = pw.AutoField()
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        year = pw.IntegerField()
        state = pw.CharField(default='draft', max_length=20)
        draft = pw.BlobField()
        edited = pw.BlobField(null=True)
        figures = pw.TextField(null=True)
        station = pw.ForeignKeyField(column_name='station_id', field='id', model=migrator.orm['station'], null=True, on_delete='SET NULL')
        held_on = pw.DateField(null=True)
        generated_at = pw.DateTimeField()
        edited_at = pw.DateTimeField(null=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "report_back"
            indexes = [(('deputy', 'year'), True), (('station', 'held_on'), False)]

    @migrator.create_model
    class ReportBackRating(pw.Model):
        id = pw.AutoField()
        report = pw.ForeignKeyField(column_name='report_id', field='id', model=migrator.orm['report_back'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        rating = pw.CharField(max_length=10)
        comment = pw.CharField(max_length=500, null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "report_back_rating"
            indexes = [(('report', 'user'), True)]

    @migrator.create_model
    class ReportTemplate(pw.Model):
        id = pw.AutoField()
        filename = pw.CharField(max_length=255)
        content = pw.BlobField()
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        uploaded_at = pw.DateTimeField()

        class Meta:
            table_name = "report_template"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('report_template')

    migrator.remove_model('report_back_rating')

    migrator.remove_model('report_back')

    migrator.remove_model('record_claim')
