"""Peewee migrations -- 041_consultation_explanation_file.py.

Written by hand; depends on 040 only. A consultation's 起草说明 may come as a file (Word or PDF) besides
its text: a stored file, kept when the file row goes (the text stays).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "consultation",
        explanation_file=pw.ForeignKeyField(
            column_name="explanation_file_id", field="id", model=migrator.orm["stored_file"], null=True,
            on_delete="SET NULL",
        ),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("consultation", "explanation_file")
