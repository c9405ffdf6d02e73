"""Where the terms live and how a query is matched and ranked: SQLite FTS5 or PostgreSQL full-text search.

Both get the same space-separated terms (api/common/search/text.py did the Chinese segmentation), so
both split on white space only and match the same words:
- SQLite: the FTS5 table `search_fts(title, body)` whose rowid is the document's id (migration 030);
  rank is bm25 with the title weighing ten times the body.
- PostgreSQL: the `tsv` column of `search_document`, title weighted A and body D under the `simple`
  configuration (no stemming, no stop words: the segmenter chose the words), with a GIN index, matches;
  rank is ts_rank over `rank_tsv`, the same for the title and the body's first RANK_TERMS terms. Ranking
  every match on `tsv` itself read each one's large vector out of TOAST: ~150 µs a match, 60 ms for 400
  matches; the small vector stays in the row.
Each returns a subquery (document id, score) that the search query joins, so visibility, filters,
counts and facets are all applied by the database in one statement.
"""
from peewee import SQL, Model, NodeList, TextField
from playhouse.sqlite_ext import RowIDField

from api.common.db import is_postgres
from api.extensions import db

TITLE_WEIGHT = 10.0
RANK_TERMS = 120


class SearchFts(Model):
    """SQLite only: the FTS5 virtual table (created by migration 030)."""

    rowid = RowIDField()
    title = TextField()
    body = TextField()

    class Meta:
        database = db
        table_name = "search_fts"
        primary_key = False


class SqliteBackend:
    def write(self, document_id, title_terms, body_terms):
        db.execute_sql("DELETE FROM search_fts WHERE rowid = ?", (document_id,))
        db.execute_sql(
            "INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", (document_id, title_terms, body_terms)
        )

    def write_many(self, rows):
        """[(document id, title terms, body terms)] of documents new to the index."""
        db.cursor().executemany("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", rows)

    def delete(self, document_ids):
        for document_id in document_ids:
            db.execute_sql("DELETE FROM search_fts WHERE rowid = ?", (document_id,))

    def clear(self):
        db.execute_sql("DELETE FROM search_fts")

    @staticmethod
    def _match(words):
        expression = " ".join('"' + word.replace('"', "") + '"' for word in words)
        return NodeList((SQL("search_fts"), SQL("MATCH"), expression))

    def condition(self, words):
        """A condition on SearchDocument: it holds every word (no ranking: for counts and facets)."""
        from api.common.search.models import SearchDocument

        return SearchDocument.id.in_(SearchFts.select(SearchFts.rowid).where(self._match(words)))

    def ranked(self, filters, words):
        """(document id, score) of the matching documents that pass `filters`; higher score is better."""
        from api.common.search.models import SearchDocument

        score = SQL(f"-bm25(search_fts, {TITLE_WEIGHT}, 1.0)")
        matches = SearchFts.select(SearchFts.rowid.alias("doc_id"), score.alias("score")).where(self._match(words))
        matches = matches.alias("m")
        return (SearchDocument.select(SearchDocument.id, matches.c.score)
                .join(matches, on=(SearchDocument.id == matches.c.doc_id)).where(filters)), matches.c.score


class PostgresBackend:
    def write(self, document_id, title_terms, body_terms):
        head = self._head(body_terms)
        db.execute_sql(
            "UPDATE search_document SET tsv = setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'D'), rank_tsv = setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'D') WHERE id = %s",
            (title_terms, body_terms, title_terms, head, document_id),
        )

    def write_many(self, rows):
        """[(document id, title terms, body terms)]: one UPDATE … FROM (VALUES …) a batch."""
        if not rows:
            return
        # Only placeholders are joined into the statement; every value goes as a parameter.
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        params = [p for i, title, body in rows for p in (i, title, body, self._head(body))]
        statement = (
            "UPDATE search_document AS d SET tsv = setweight(to_tsvector('simple', v.title), 'A') || "  # noqa: S608 - placeholders only
            "setweight(to_tsvector('simple', v.body), 'D'), rank_tsv = setweight(to_tsvector('simple', v.title), "
            "'A') || setweight(to_tsvector('simple', v.head), 'D') "
            "FROM (VALUES " + values + ") AS v(id, title, body, head) WHERE d.id = v.id"
        )
        db.execute_sql(statement, params)

    @staticmethod
    def _head(body_terms):
        return " ".join(body_terms.split()[:RANK_TERMS])

    def delete(self, document_ids):
        """The tsv goes with its row."""

    def clear(self):
        """The tsv goes with its rows."""

    def condition(self, words):
        return NodeList((SQL("tsv"), SQL("@@"), SQL("plainto_tsquery('simple', %s)", [" ".join(words)])))

    def ranked(self, filters, words):
        """Scored in the same scan as the match (a join to a scored subquery made PostgreSQL scan the table)."""
        from api.common.search.models import SearchDocument

        score = SQL("ts_rank(rank_tsv, plainto_tsquery('simple', %s))", [" ".join(words)])
        return SearchDocument.select(SearchDocument.id, score).where(filters & self.condition(words)), score


def backend():
    return PostgresBackend() if is_postgres() else SqliteBackend()
