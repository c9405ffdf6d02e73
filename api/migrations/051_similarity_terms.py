"""Peewee migrations -- 051_similarity_terms.py (the suggestions helper's block, 050-059).

The shared similarity index (api/common/similarity, migration 011) keeps each term's document frequency:
`similarity_term(term, documents)`, one row per term hash (kind and term, as in `similarity_posting`),
changed in the writer's transaction by the code that writes the postings. A lookup read these counts by
counting postings, up to 2,000 per term and per lookup: at 100,000 suggestions, about 80,000 index
entries, half of each lookup's time on PostgreSQL. Now it is one primary-key read per term.

Backfilled from the postings already there (one grouped scan; a few seconds at 100,000 documents).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SimilarityTerm(pw.Model):
        term = pw.BigIntegerField(primary_key=True)
        documents = pw.IntegerField()

        class Meta:
            table_name = "similarity_term"

    migrator.sql("INSERT INTO similarity_term (term, documents) "
                 "SELECT term, COUNT(*) FROM similarity_posting GROUP BY term")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("similarity_term")
