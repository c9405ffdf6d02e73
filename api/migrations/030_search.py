"""Peewee migrations -- 030_search.py.

The shared search index (api/common/search): one row per searchable document, and its terms in the
database's own full-text engine. Depends on nothing: it references no other table.

- SQLite: an FTS5 table `search_fts(title, body)` whose rowid is search_document.id; the terms are
  already segmented (jieba) and space-separated, so unicode61 only splits on the spaces.
- PostgreSQL: a `tsv` tsvector column with a GIN index, for matching; `simple` configuration for the same
  reason. And `rank_tsv`, the title and the opening of the body only: ranking reads a small vector kept in
  the row, where `tsv` (up to 20,000 characters of text) would be fetched from TOAST for every match.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SearchDocument(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=40)
        key = pw.BigIntegerField()
        title = pw.CharField(max_length=300)
        body = pw.TextField(default="")
        parent = pw.CharField(max_length=60, null=True)
        confidentiality = pw.CharField(max_length=20, default="open")
        opens_at = pw.DateTimeField(null=True)
        closes_at = pw.DateTimeField(null=True)
        published_at = pw.DateTimeField(null=True)
        indexed_at = pw.DateTimeField()

        class Meta:
            table_name = "search_document"
            indexes = [(("kind", "key"), True), (("parent",), False)]

    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("ALTER TABLE search_document ADD COLUMN tsv tsvector, ADD COLUMN rank_tsv tsvector")
        migrator.sql("CREATE INDEX search_document_tsv ON search_document USING GIN (tsv)")
    else:
        migrator.sql(
            "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')"
        )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("DROP TABLE search_fts")
    migrator.remove_model("search_document")
