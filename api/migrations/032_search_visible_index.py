"""Peewee migrations -- 032_search_visible_index.py (the search block, 030-039).

A search reads, of every document matching its words, only what decides whether the asker may see it
(kind, key, window), what it is filtered and ordered by (parent, published_at, whether the title holds
every word) and, on PostgreSQL, the ranking vector. Both databases kept each document's whole text in
the same row, so those few columns of 10,000 matches cost 10,000 reads of ~2-3 KB rows that the cache
did not hold (bench/search.py, EXPLAIN QUERY PLAN / EXPLAIN (ANALYZE, BUFFERS)).

- SQLite: an index (id first, so a match's rowid finds its entry) holding exactly those columns,
  ~150 bytes an entry; the search reads it instead of the table (SqliteBackend names it in INDEXED BY).
  PostgreSQL gets the same index, for one schema on both databases.
- PostgreSQL: a row is toasted down to 128 bytes, so it keeps the small columns a count reads and the
  title, while the text (`body`, read only for the page's snippets, stored out of line uncompressed)
  and both vectors go to TOAST: 50,000 documents' rows are ~14 MB instead of ~140 MB. `rank_tsv` is
  read from there only for the documents a search scores (keeping it in the row made every count
  read ~85 MB: p95 125 ms against 71). `title_tsv`, the title's terms alone (the A-weighted lexemes of
  `tsv`, with no segmenting again), with its own GIN index, finds the matches whose title holds every
  word; it stays in the row. Filling it rewrites every row once, into the new layout.
"""

import peewee as pw
from peewee_migrate import Migrator

NAME = "search_document_visible"
COLUMNS = "id, kind, key, opens_at, closes_at, published_at, parent, title"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "search_document" ({COLUMNS})')
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("ALTER TABLE search_document ADD COLUMN title_tsv tsvector")
        migrator.sql("ALTER TABLE search_document SET (toast_tuple_target = 128)")
        migrator.sql("ALTER TABLE search_document ALTER COLUMN body SET STORAGE EXTERNAL, "
                     "ALTER COLUMN title SET STORAGE MAIN, ALTER COLUMN title_tsv SET STORAGE MAIN")
        migrator.sql("UPDATE search_document SET title_tsv = ts_filter(tsv, '{a}') WHERE tsv IS NOT NULL")
        migrator.sql("CREATE INDEX search_document_title_tsv ON search_document USING GIN (title_tsv)")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("ALTER TABLE search_document RESET (toast_tuple_target)")
        migrator.sql("ALTER TABLE search_document ALTER COLUMN body SET STORAGE EXTENDED, "
                     "ALTER COLUMN title SET STORAGE EXTENDED")
        migrator.sql("DROP INDEX IF EXISTS search_document_title_tsv")
        migrator.sql("ALTER TABLE search_document DROP COLUMN title_tsv")
    migrator.sql(f'DROP INDEX IF EXISTS "{NAME}"')
