"""Where the terms live and how a query is matched and ranked: SQLite FTS5 or PostgreSQL full-text search.

Both get the same space-separated terms (api/common/search/text.py did the Chinese segmentation), so
both split on white space only and match the same words:
- SQLite: the FTS5 table `search_fts(title, body)` whose rowid is the document's id (migration 030);
  rank is bm25 with the title weighing ten times the body. A title hit is an FTS5 column filter.
- PostgreSQL: the `tsv` column of `search_document`, title weighted A and body D under the `simple`
  configuration (no stemming, no stop words: the segmenter chose the words), with a GIN index, matches;
  rank is ts_rank over `rank_tsv`, the same for the title and the body's first RANK_TERMS terms (ranking
  on `tsv` itself read each match's large vector out of TOAST). `title_tsv`, the title's terms alone, is
  the small vector kept in the row that says whether the title holds every word (migration 032).
Each backend answers two questions, visibility and filters applied by the database in the same
statement as the match: `counts` (matches per kind, nothing read back but the numbers) and `ranked`
(id, kind, published_at, score of the matches whose title holds every word, or of all of them).
"""
from peewee import SQL, Model, NodeList, TextField, fn
from playhouse.sqlite_ext import RowIDField

from api.common.db import is_postgres
from api.common.search.models import VISIBLE_INDEX, SearchDocument
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

    def insert_many(self, rows, terms):
        """New documents: `rows` of search_document's fields, `terms` their (title terms, body terms).
        The number inserted (a (kind, key) already there is left as it is)."""

        query = SearchDocument.insert_many(rows).on_conflict_ignore().returning(
            SearchDocument.id, SearchDocument.kind, SearchDocument.key)
        new = {(kind, key): i for i, kind, key in query.tuples()}
        fts = [(new[(row["kind"], row["key"])], *pair) for row, pair in zip(rows, terms, strict=True)
               if (row["kind"], row["key"]) in new]
        # A rowid may be a deleted document's whose terms were left behind (its row deleted by hand, say,
        # before a rebuild): as in write(), the stale terms go first.
        db.cursor().executemany("DELETE FROM search_fts WHERE rowid = ?", [(row[0],) for row in fts])
        db.cursor().executemany("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", fts)
        return len(new)

    def delete(self, document_ids):
        for document_id in document_ids:
            db.execute_sql("DELETE FROM search_fts WHERE rowid = ?", (document_id,))

    def clear(self):
        db.execute_sql("DELETE FROM search_fts")

    @staticmethod
    def _expression(words, column=None):
        expression = " ".join('"' + word.replace('"', "") + '"' for word in words)
        if column:  # FTS5 column filter: every word among that column's terms
            expression = f"{{{column}}} : ({expression})"
        return expression

    def _match(self, words):
        return NodeList((SQL("search_fts"), SQL("MATCH"), self._expression(words)))

    @staticmethod
    def readable(scope, key, few=False):
        """`key` is among the keys that `scope` (a query of one column) selects, as a correlated EXISTS:
        SQLite probes the scope's index once for each match. `key IN (scope)` made it first read every
        key the asker may see (tens of thousands, for a deputy with years of notices) into a temporary
        list, once for each kind in each statement: most of a search's time."""
        return fn.EXISTS(scope.where(scope.selected_columns[0] == key))

    def _select(self, columns, filters, match):
        """FTS5 yields the matches; each one's visibility and filters are read from the narrow index on
        search_document, never from the row with its text."""

        # INDEXED BY: without statistics (no ANALYZE has run on a young database) SQLite prefers the
        # rowid lookup into the table, which reads a ~2 KB row per match; the index holds every column
        # these statements read of search_document.
        documents = NodeList((SearchDocument, SQL(f'INDEXED BY "{VISIBLE_INDEX}"')))
        return (SearchDocument.select(*columns).from_(SearchFts, documents)
                .where((SearchDocument.id == SearchFts.rowid) & match & filters))

    def counts(self, filters, words):
        query = self._select([SearchDocument.kind, fn.COUNT(SearchDocument.id)], filters, self._match(words))
        return dict(db.execute(query.group_by(SearchDocument.kind)).fetchall())

    def ranked(self, filters, words, title_only, limit):
        """bm25 is in the select list, so SQLite computes it only for the matches that pass the WHERE.
        The title hits: `{title} : (words) AND (words)`, the same documents as the column filter alone,
        scored by bm25 over both (the body's occurrences count, as they do for every other match); FTS5
        finds them from its index, without visiting the other matches."""
        score = SQL(f"-bm25(search_fts, {TITLE_WEIGHT}, 1.0)")
        expression = self._expression(words)
        if title_only:
            expression = f"{self._expression(words, 'title')} AND ({expression})"
        match = NodeList((SQL("search_fts"), SQL("MATCH"), expression))
        return _first(lambda columns: self._select(columns, filters, match), score, limit)


class PostgresBackend:
    def write(self, document_id, title_terms, body_terms):
        head = self._head(body_terms)
        db.execute_sql(
            "UPDATE search_document SET tsv = setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'D'), rank_tsv = setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'D'), title_tsv = to_tsvector('simple', %s) WHERE id = %s",
            (title_terms, body_terms, title_terms, head, title_terms, document_id),
        )

    def insert_many(self, rows, terms):
        """New documents: `rows` of search_document's fields, `terms` their (title terms, body terms),
        inserted with their vectors in one statement. Inserting the row and then setting its vectors
        left a dead version of every document behind (as wide as its text when that was under the
        toasting threshold): a rebuild of 50,000 left rows of 14 MB spread over 85 MB, which every
        count then read. The number inserted (a (kind, key) already there is left as it is)."""

        if not rows:
            return 0
        names = list(rows[0])
        fields = [getattr(SearchDocument, name) for name in names]
        vectors = (
            "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'D'), "
            "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'D'), "
            "to_tsvector('simple', %s)"
        )
        one = "(" + ", ".join(["%s"] * len(names)) + ", " + vectors + ")"
        params = []
        for row, (title, body) in zip(rows, terms, strict=True):
            params += [field.db_value(row[name]) for name, field in zip(names, fields, strict=True)]
            params += [title, body, title, self._head(body), title]
        # Only column names of the model and placeholders are joined into the statement.
        columns = ", ".join(f'"{field.column_name}"' for field in fields)
        statement = (
            f"INSERT INTO search_document ({columns}, tsv, rank_tsv, title_tsv) VALUES "  # noqa: S608 - names and placeholders only
            + ", ".join([one] * len(rows)) + " ON CONFLICT (kind, key) DO NOTHING RETURNING id"
        )
        return len(db.execute_sql(statement, params).fetchall())

    @staticmethod
    def _head(body_terms):
        return " ".join(body_terms.split()[:RANK_TERMS])

    def delete(self, document_ids):
        """The tsv goes with its row."""

    def clear(self):
        """The tsv goes with its rows."""

    @staticmethod
    def readable(scope, key, few=False):
        """`key IN (scope)` where a statement visits many matches: PostgreSQL hashes the scope once (a
        correlated EXISTS inside the OR of the kinds made its estimate large enough to JIT-compile the
        statement, ~20 ms). `few` (the title hits, a few hundred): a correlated EXISTS, an index probe
        for each, where hashing every key the asker may see (tens of thousands) cost more than the rest."""
        if few:
            return fn.EXISTS(scope.where(scope.selected_columns[0] == key))
        return key.in_(scope)

    @staticmethod
    def _query(words):
        return SQL("plainto_tsquery('simple', %s)", [" ".join(words)])

    def counts(self, filters, words):
        query = (SearchDocument.select(SearchDocument.kind, fn.COUNT(SearchDocument.id))
                 .where(NodeList((SQL("tsv @@"), self._query(words))) & filters).group_by(SearchDocument.kind))
        return dict(db.execute(query).fetchall())

    def ranked(self, filters, words, title_only, limit):
        """Scored in the same scan as the match (a join to a scored subquery made PostgreSQL scan the
        table). The title hits are found by `title_tsv`'s own GIN index, without visiting the other
        matches (a title holding every word implies the match)."""

        query = self._query(words)
        score = NodeList((SQL("ts_rank(rank_tsv,"), query, SQL(")")), glue="")
        match = NodeList((SQL("title_tsv @@" if title_only else "tsv @@"), query))
        return _first(lambda columns: SearchDocument.select(*columns).where(match & filters), score, limit)


def _first(select, score, limit):
    """The first `limit` of a backend's matches, best score first, then the newest (undated last), then
    the highest id (a total order, so pages never overlap): [(id, kind, published_at, score)]. The
    database keeps only `limit` rows while it sorts; nothing else is read back."""

    columns = [SearchDocument.id, SearchDocument.kind, SearchDocument.published_at, score]
    order = [score.desc(), SearchDocument.published_at.desc(nulls="LAST"), SearchDocument.id.desc()]
    return db.execute(select(columns).order_by(*order).limit(limit)).fetchall()


def backend():
    return PostgresBackend() if is_postgres() else SqliteBackend()
