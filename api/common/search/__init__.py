"""One permission-aware full-text search over every kind of published content.

Domains feed it and tell it who may see what; it knows no domain:

    from api.common import search

    # once, at import time of the domain's search module:
    search.register_kind("paper", "会议资料", visible=visible_papers, rebuild=reindex_papers)

    # in the transaction that publishes or edits the thing (rolled back with it):
    search.index_document("paper", paper.id, title=paper.title, body=text, summary=paper.description,
                          parent=f"meeting:{paper.meeting_id}", confidentiality="confidential",
                          opens_at=paper.opens_at, closes_at=paper.closes_at, published_at=paper.published_at)
    # withdrawn, revoked, deleted:
    search.remove_document("paper", paper.id)

    # the one search (GET /api/v1/search):
    search.search(principal, "代表建议 办理", kinds=["paper"], parent="meeting:5", page=1, page_size=20)

**Visibility is enforced in SQL.** `visible(principal)` of each kind answers what the principal may see
*now*: `None` (nothing of this kind), `search.ALL` (every document, whatever its window: the office),
`search.CURRENT` (every document inside its window), or a peewee query selecting the keys they may read
(e.g. the notices addressed to their seats), which applies inside the window too. Every kind's answer
becomes one condition of every statement that matches, counts or ranks, so a document nobody entitled
the asker to never reaches a title, a snippet, a count or a facet. The query of keys must be a plain
selection of one column (no LIMIT or GROUP BY): on SQLite it becomes a correlated EXISTS. The window
(`opens_at` ≤ now < `closes_at`) is compared at query time: a paper whose window closes drops out of
every search at that instant, with no job and no nightly rebuild.

**Confidentiality.** A confidential document is indexed by its title and `summary` only: its `body`
is neither stored nor matched, so its text never leaves its watermarked page images, not even as a
snippet.

**Language.** jieba with the project's congress dictionary (api/common/similarity/dictionary.txt, the
same segmenter as the similarity index): documents in search mode, queries in precise mode; every
query word must occur. Order: the documents whose title holds every query word first, then the
others; within each, by relevance (bm25 / ts_rank, the title ten times the body), newest first among
equals. Results come with `<em>`-highlighted title and snippet (escaped HTML with no other markup).

**Storage.** `search_document` (migration 030) holds what a result shows and filters on; the terms
are in SQLite FTS5 (`search_fts`) or in PostgreSQL's `tsv` column with a GIN index, ranked there on
`rank_tsv` (api/common/search/backends.py). What a search reads of each match (visibility, filters,
order) is kept apart from the text (migration 032). One search is: the per-kind counts (exact, counted
by the database, nothing scored), the page's title hits scored and ordered by the database, the
other matches scored only when the title hits do not fill the page, and the page's rows.
`deputyhub reindex-search [--kind K]` rebuilds from the domains' own `rebuild` functions, for recovery
after a restore; nothing else needs it. `index_many` indexes a batch set-based (a rebuild, an import).
"""
import functools
import operator
from dataclasses import dataclass

from api.common.db import batches, utcnow
from api.common.search.backends import backend
from api.common.search.models import CONFIDENTIAL, CONFIDENTIALITY, INTERNAL, OPEN, SearchDocument
from api.common.search.text import document_terms, highlight, query_words, snippet
from api.extensions import db

__all__ = [
    "ALL", "CURRENT", "CONFIDENTIALITY", "OPEN", "INTERNAL", "CONFIDENTIAL", "SearchDocument",
    "register_kind", "kind_labels", "index_document", "index_many", "remove_document", "search", "rebuild",
    "query_words",
]

ALL = "all"
CURRENT = "current"
MAX_BODY = 20000  # characters of body kept and indexed: a paper's subject is in its first pages
INSERT_BATCH = 200  # rows a multi-row insert: 15 parameters a row, well inside either database's limit


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    visible: object  # (principal) -> None | ALL | CURRENT | query of keys
    rebuild: object  # () -> number of documents indexed, by calling index_document for each


_kinds = {}


def register_kind(kind, label, visible, rebuild):
    """Declare a kind of document: its Chinese label, who sees what, and how to index all of it again."""
    _kinds[kind] = Kind(kind, label, visible, rebuild)


def kind_labels():
    return dict((name, kind.label) for name, kind in _kinds.items())


def _fields(kind, title, body="", summary="", parent=None, confidentiality=OPEN, opens_at=None, closes_at=None,
            published_at=None):
    if kind not in _kinds:
        raise ValueError(f"search kind {kind!r} is not registered")
    if confidentiality not in CONFIDENTIALITY:
        raise ValueError(f"unknown confidentiality {confidentiality!r}")
    body = "" if confidentiality == CONFIDENTIAL else (body or "")[:MAX_BODY]
    shown = "\n".join(part for part in (summary or "", body) if part)
    return {
        "title": title[:300], "body": shown, "parent": parent, "confidentiality": confidentiality,
        "opens_at": opens_at, "closes_at": closes_at, "published_at": published_at, "indexed_at": utcnow(),
    }


def index_document(kind, key, *, title, body="", summary="", parent=None, confidentiality=OPEN,
                   opens_at=None, closes_at=None, published_at=None):
    """Add or replace the document (kind, key). Call it inside the transaction that saves the content."""
    fields = _fields(kind, title, body, summary, parent, confidentiality, opens_at, closes_at, published_at)
    shown = fields["body"]
    terms = (document_terms(title), document_terms(shown))
    engine = backend()
    with db.atomic():
        updated = SearchDocument.update(**fields).where(
            (SearchDocument.kind == kind) & (SearchDocument.key == key)
        ).execute()
        # A new document is written once, with its terms; an edited one (or one inserted meanwhile by
        # another transaction) gets its terms written after.
        if updated or not engine.insert_many([{"kind": kind, "key": key, **fields}], [terms]):
            document_id = SearchDocument.get((SearchDocument.kind == kind) & (SearchDocument.key == key)).id
            engine.write(document_id, *terms)


def index_many(kind, documents):
    """index_document for many at once (a rebuild, an import): `documents` are dicts of its keyword
    arguments plus `key`. Set-based: the old rows of those keys go, the new ones are inserted in batches."""
    rows, terms = [], []
    for document in documents:
        document = dict(document)
        key = document.pop("key")
        fields = _fields(kind, **document)
        rows.append({"kind": kind, "key": key, **fields})
        terms.append((document_terms(fields["title"]), document_terms(fields["body"])))
    engine = backend()
    with db.atomic():
        for chunk in batches([row["key"] for row in rows]):
            old = [i for (i,) in SearchDocument.select(SearchDocument.id).where(
                (SearchDocument.kind == kind) & SearchDocument.key.in_(chunk)).tuples()]
            if old:
                engine.delete(old)
                SearchDocument.delete().where(SearchDocument.id.in_(old)).execute()
        for start in range(0, len(rows), INSERT_BATCH):
            engine.insert_many(rows[start : start + INSERT_BATCH], terms[start : start + INSERT_BATCH])
    return len(rows)


def remove_document(kind, key):
    """Take (kind, key) out of every search at once. Removing what is not there is harmless."""
    with db.atomic():
        ids = [i for (i,) in SearchDocument.select(SearchDocument.id).where(
            (SearchDocument.kind == kind) & (SearchDocument.key == key)).tuples()]
        if ids:
            backend().delete(ids)
            SearchDocument.delete().where(SearchDocument.id.in_(ids)).execute()


def _remove_kind(kind):
    ids = [i for (i,) in SearchDocument.select(SearchDocument.id).where(SearchDocument.kind == kind).tuples()]
    backend().delete(ids)
    SearchDocument.delete().where(SearchDocument.kind == kind).execute()


def rebuild(kind=None):
    """Index every kind (or one) again from its domain: {kind: documents indexed}. For recovery only."""
    names = [kind] if kind else list(_kinds)
    counts = {}
    for name in names:
        with db.atomic():
            _remove_kind(name)
            counts[name] = _kinds[name].rebuild()
    return counts


def _in_window(now):
    return (SearchDocument.opens_at.is_null() | (SearchDocument.opens_at <= now)) & (
        SearchDocument.closes_at.is_null() | (SearchDocument.closes_at > now)
    )


def visibility(principal, now=None, few=False):
    """The SQL condition on SearchDocument of what `principal` may find now (None: nothing at all).
    `few`: for a statement that visits few documents (see the backends' `readable`)."""
    return _visible(_scopes(principal), now or utcnow(), few)


def _scopes(principal):
    """(kind, what `principal` may see of it) for every registered kind: asked once a search."""
    return [(kind.name, kind.visible(principal)) for kind in _kinds.values()]


def _visible(scopes, now, few):
    engine = backend()
    conditions = []
    for name, scope in scopes:
        if scope is None:
            continue
        condition = SearchDocument.kind == name
        if scope != ALL:
            condition &= _in_window(now)
            if scope != CURRENT:
                condition &= engine.readable(scope, SearchDocument.key, few)
        conditions.append(condition)
    return functools.reduce(operator.or_, conditions) if conditions else None


def _page_order(engine, filters, few_filters, words, end):
    """The first `end` visible matches (of the kinds asked for, in `filters`), best first: their ids.

    Order: the matches whose title holds every query word, then the others; within each, best score
    (bm25 / ts_rank), then the newest (undated last), then the highest id. Scoring is the costly part
    of a search (a few µs a match, and a subject searched for can match most documents): the title
    hits are found and scored from an index of titles alone, and when they fill the page (a subject
    is in its documents' titles) no other match is scored. Otherwise every match is ranked, and the
    title hits, all of them in hand, go first. `few_filters`: the same conditions, for the title hits.
    """
    title_hits = engine.ranked(few_filters, words, title_only=True, limit=end)
    if len(title_hits) == end:
        return [m[0] for m in title_hits]
    # The best `end` of all matches hold the best `end - len(title_hits)` of the others, in order.
    first = [m[0] for m in title_hits]
    seen = set(first)
    rest = [m[0] for m in engine.ranked(filters, words, title_only=False, limit=end) if m[0] not in seen]
    return (first + rest)[:end]


def search(principal, text, *, kinds=None, parent=None, date_from=None, date_to=None, page=1, page_size=20,
           now=None):
    """Ranked, highlighted results that `principal` may see now, with the total and per-kind counts.

    date_from/date_to: aware datetimes bounding published_at. `facets` count every kind the other
    filters leave (so a client can offer them), `total` counts the kinds asked for.
    """
    words = query_words(text)
    empty = {"total": 0, "facets": [], "items": [], "words": words}
    if not words:
        return empty
    now = now or utcnow()
    scopes = _scopes(principal)
    visible = _visible(scopes, now, few=False)
    if visible is None:
        return empty
    engine = backend()
    others = []  # the filters besides visibility
    if parent:
        others.append(SearchDocument.parent == parent)
    if date_from:
        others.append(SearchDocument.published_at >= date_from)
    if date_to:
        others.append(SearchDocument.published_at < date_to)
    filters = functools.reduce(operator.and_, others, visible)
    # Counts and facets: the matches per kind, counted by the database (nothing else read back).
    counts = engine.counts(filters, words)
    labels = kind_labels()
    facets = [{"kind": k, "label": labels.get(k, k), "count": counts[k]} for k in labels if counts.get(k)]
    wanted = {k for k in kinds if k in counts} if kinds else set(counts)
    total = sum(counts[k] for k in wanted)
    if not total:
        return dict(empty, facets=facets)
    if kinds:
        others.append(SearchDocument.kind.in_(sorted(wanted)))
    filters = functools.reduce(operator.and_, others, visible)
    few_filters = functools.reduce(operator.and_, others, _visible(scopes, now, few=True))
    page_ids = _page_order(engine, filters, few_filters, words, page * page_size)[(page - 1) * page_size :]
    # Only the page's rows are read whole: their text is what the snippets are cut from.
    found = {row.id: row for row in SearchDocument.select().where(SearchDocument.id.in_(page_ids))} if page_ids else {}
    rows = [found[i] for i in page_ids if i in found]
    items = [
        {
            "kind": row.kind,
            "kind_label": labels.get(row.kind, row.kind),
            "key": row.key,
            "title": row.title,
            "title_html": highlight(row.title, words),
            "snippet_html": snippet(row.body, words),
            "parent": row.parent,
            "confidentiality": row.confidentiality,
            "published_at": row.published_at,
            "closes_at": row.closes_at,
        }
        for row in rows
    ]
    return {"total": total, "facets": facets, "items": items, "words": words}
