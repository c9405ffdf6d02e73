"""The shared event table behind a deputy's performance record (履职档案).

Every module that sees a deputy do something worth recording (reply to a notice, attend a
meeting, take part in a consultation, ...) writes one row here through `record_event`, in its own
transaction. The record is read per deputy (`events_of`) and counted per year (`yearly_counts`).

One event per (deputy, kind, object): recording it again updates that row (its time and payload)
instead of adding another, so a deputy who changes a reply still has one reply on record, and a
retried request counts once. A kind that can happen more than once for the same thing names the
occurrence as its object (the meeting session, the visit), never the parent.

`occurred_at` is the time of the latest recording; yearly counts use Asia/Shanghai years, the
years deputies and staff count in.
"""
import datetime as dt

from peewee import CharField, IntegerField, fn

from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.common.timezone import LOCAL_TZ

PAYLOAD_MAX_CHARS = 2000


class PerformanceEvent(BaseModel):
    # Plain ids, not foreign keys: common knows no domain tables.
    deputy_id = IntegerField()
    kind = CharField(max_length=40)  # "notice.reply", later "meeting.attend", "suggestion.submit", ...
    object_type = CharField(max_length=40)
    object_id = IntegerField()
    occurred_at = UTCDateTimeField(default=utcnow)
    payload = JSONTextField(null=True)

    class Meta:
        table_name = "performance_event"
        indexes = (
            (("deputy_id", "kind", "object_type", "object_id"), True),  # one per deputy, kind and object
            # A deputy's timeline (newest first) and their counts by kind over a period, both read from the
            # deputy's slice of this one index: the counts index-only, touching only the period's entries
            # (kind last, so a year's range is one contiguous stretch whatever the kinds; migration 062).
            (("deputy_id", "occurred_at", "kind"), False),
        )


def record_event(deputy_id, kind, object_type, object_id, payload=None, occurred_at=None):
    """Record (or update) that a deputy did `kind` to an object; call inside the writer's transaction."""
    if payload is not None and len(JSONTextField().db_value(payload)) > PAYLOAD_MAX_CHARS:
        raise ValueError("event payloads are small summaries; link the object instead of copying it")
    when = occurred_at or utcnow()
    (
        PerformanceEvent.insert(
            deputy_id=deputy_id,
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            occurred_at=when,
            payload=payload,
        )
        .on_conflict(
            conflict_target=[
                PerformanceEvent.deputy_id,
                PerformanceEvent.kind,
                PerformanceEvent.object_type,
                PerformanceEvent.object_id,
            ],
            update={PerformanceEvent.occurred_at: when, PerformanceEvent.payload: payload},
        )
        .execute()
    )


def forget_event(deputy_id, kind, object_type, object_id):
    """Remove an event whose cause was undone; returns whether there was one."""
    return bool(
        PerformanceEvent.delete()
        .where(
            PerformanceEvent.deputy_id == deputy_id,
            PerformanceEvent.kind == kind,
            PerformanceEvent.object_type == object_type,
            PerformanceEvent.object_id == object_id,
        )
        .execute()
    )


def events_of(deputy_id, kinds=None, since=None, until=None):
    """A deputy's events, newest first, as a query (paginate it in SQL)."""
    query = PerformanceEvent.select().where(PerformanceEvent.deputy_id == deputy_id)
    if kinds:
        query = query.where(PerformanceEvent.kind.in_(list(kinds)))
    if since is not None:
        query = query.where(PerformanceEvent.occurred_at >= since)
    if until is not None:
        query = query.where(PerformanceEvent.occurred_at < until)
    return query.order_by(PerformanceEvent.occurred_at.desc(), PerformanceEvent.id.desc())


def year_bounds(year):
    """[start, end) of a year in China time, as UTC instants."""
    start = dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc)
    end = dt.datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc)
    return start, end


def yearly_counts(deputy_id, year=None):
    """{kind: count} for one year (China time; default this year), one grouped query on the index."""
    start, end = year_bounds(year or utcnow().astimezone(LOCAL_TZ).year)
    return dict(
        PerformanceEvent.select(PerformanceEvent.kind, fn.COUNT(PerformanceEvent.id))
        .where(
            PerformanceEvent.deputy_id == deputy_id,
            PerformanceEvent.occurred_at >= start,
            PerformanceEvent.occurred_at < end,
        )
        .group_by(PerformanceEvent.kind)
        .tuples()
    )
