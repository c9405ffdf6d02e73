"""The search index's document table (migration 030); the terms themselves are in the backend's storage."""
from peewee import BigIntegerField, CharField, TextField

from api.common.db import BaseModel, UTCDateTimeField, utcnow

OPEN, INTERNAL, CONFIDENTIAL = "open", "internal", "confidential"
CONFIDENTIALITY = (OPEN, INTERNAL, CONFIDENTIAL)


class SearchDocument(BaseModel):
    kind = CharField(max_length=40)
    key = BigIntegerField()
    title = CharField(max_length=300)
    # Plain text for snippets; empty for confidential documents, whose text stays in their page images.
    body = TextField(default="")
    parent = CharField(max_length=60, null=True)  # e.g. "meeting:5": what a result can be filtered by
    confidentiality = CharField(max_length=20, default=OPEN)
    opens_at = UTCDateTimeField(null=True)
    closes_at = UTCDateTimeField(null=True)
    published_at = UTCDateTimeField(null=True)
    indexed_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "search_document"
        indexes = ((("kind", "key"), True), (("parent",), False))


# What a search reads of each match (migration 032): visibility, filters, order and the title (results
# whose title holds every query word come first), without the text.
# Named, because the SQLite backend asks for it by name (INDEXED BY).
VISIBLE_INDEX = "search_document_visible"
SearchDocument.add_index(SearchDocument.index(
    SearchDocument.id, SearchDocument.kind, SearchDocument.key, SearchDocument.opens_at, SearchDocument.closes_at,
    SearchDocument.published_at, SearchDocument.parent, SearchDocument.title, name=VISIBLE_INDEX,
))
