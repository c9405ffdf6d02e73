"""The shared event table behind a deputy's performance record (履职档案).

Every module that sees a deputy do something worth recording (reply to a notice, attend a
meeting, take part in a consultation, ...) writes one row here through `record_event`, in its own
transaction. The record is read per deputy (`events_of`) and counted per year (`counts_by_deputy`,
`totals`).

Counts are kept, not computed: the database itself (triggers, migration 063) keeps `performance_count`,
one row per (deputy, China-time year, kind), in step with every insert, update and delete of an event, in
the writer's transaction and whatever the writer. A delegation's year then reads ~20 counted rows per
deputy instead of every event (bench/records.py). Events dated ahead (a reception day announced weeks
before) are counted too, and also listed in `performance_ahead`, which the reads subtract while their time
has not come: the record shows only what has happened.

One event per (deputy, kind, object): recording it again updates that row (its time and payload)
instead of adding another, so a deputy who changes a reply still has one reply on record, and a
retried request counts once. A kind that can happen more than once for the same thing names the
occurrence as its object (the meeting session, the visit), never the parent.

`occurred_at` is the time of the latest recording; yearly counts use Asia/Shanghai years, the
years deputies and staff count in.
"""
import datetime as dt

from peewee import CharField, CompositeKey, IntegerField, fn

from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, is_postgres, utcnow
from api.common.timezone import LOCAL_TZ, local
from api.extensions import db

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


class PerformanceCount(BaseModel):
    """How many events of a kind a deputy has in a year (China time), kept by triggers (migration 063)."""

    deputy_id = IntegerField()
    year = IntegerField()
    kind = CharField(max_length=40)
    n = IntegerField(default=0)

    class Meta:
        table_name = "performance_count"
        primary_key = CompositeKey("deputy_id", "year", "kind")


class PerformanceAhead(BaseModel):
    """An event that was dated in the future when recorded (kept by triggers); matured rows are ignored."""

    event_id = IntegerField(primary_key=True)
    deputy_id = IntegerField()
    kind = CharField(max_length=40)
    occurred_at = UTCDateTimeField()

    class Meta:
        table_name = "performance_ahead"
        indexes = ((("occurred_at",), False),)


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


def ahead(deputies, first_year, last_year, now):
    """(deputy_id, year, kind) of each event counted in those years whose time has not come at `now`, for
    some deputies (ids or a subquery) or, with None, everyone."""
    start, _ = year_bounds(first_year)
    _, end = year_bounds(last_year)
    rows = (
        PerformanceAhead.select(PerformanceAhead.deputy_id, PerformanceAhead.occurred_at, PerformanceAhead.kind)
        .where(PerformanceAhead.occurred_at > max(now, start), PerformanceAhead.occurred_at < end)
        .tuples()
    )
    if deputies is not None:
        rows = rows.where(PerformanceAhead.deputy_id.in_(deputies))
    return [(deputy_id, local(when).year, kind) for deputy_id, when, kind in rows]


def forget_arrived(now):
    """Drop the events ahead whose time has come by `now` (the reads already ignore them); how many."""
    return PerformanceAhead.delete().where(PerformanceAhead.occurred_at <= now).execute()


def counts_by_deputy(deputies, first_year, last_year, now):
    """{deputy_id: {year: {kind: n}}} of what has happened by `now`, for some deputies (ids or a subquery)."""
    rows = (
        PerformanceCount.select(PerformanceCount.deputy_id, PerformanceCount.year, PerformanceCount.kind,
                                PerformanceCount.n)
        .where(PerformanceCount.deputy_id.in_(deputies), PerformanceCount.year.between(first_year, last_year),
               PerformanceCount.n > 0)
        .tuples()
    )
    result = {}
    for deputy_id, year, kind, n in rows:
        result.setdefault(deputy_id, {}).setdefault(year, {})[kind] = n
    for deputy_id, year, kind in ahead(deputies, first_year, last_year, now):
        kinds = result.get(deputy_id, {}).get(year, {})
        if kinds.get(kind, 0) > 1:
            kinds[kind] -= 1
        else:
            kinds.pop(kind, None)
    return result


def yearly_counts(deputy_id, year=None):
    """{kind: n} of one deputy's year (China time; default this year) by now."""
    now = utcnow()
    year = year or local(now).year
    return counts_by_deputy([deputy_id], year, year, now).get(deputy_id, {}).get(year, {})


def ahead_in_year(deputies, year, now):
    """What the kept counts of `year` hold that has not happened by `now`: the events still ahead, as
    (deputy_id, kind), and those of their deputies with nothing else that year (no duty on record yet).
    For the aggregates over many deputies, which subtract them; `deputies` as for `ahead`."""
    pending = [(deputy_id, kind) for deputy_id, _, kind in ahead(deputies, year, year, now)]
    waiting = {deputy_id for deputy_id, _ in pending}
    counted = counts_by_deputy(list(waiting), year, year, now) if waiting else {}
    return pending, {deputy_id for deputy_id in waiting if not counted.get(deputy_id, {}).get(year)}


def totals(deputies, year, now):
    """({kind: n}, how many of the deputies have anything) in a year, by `now`: two aggregate queries."""
    counted = (PerformanceCount.deputy_id.in_(deputies), PerformanceCount.year == year, PerformanceCount.n > 0)
    by_kind = dict(
        PerformanceCount.select(PerformanceCount.kind, fn.SUM(PerformanceCount.n))
        .where(*counted).group_by(PerformanceCount.kind).tuples()
    )
    active = PerformanceCount.select(fn.COUNT(PerformanceCount.deputy_id.distinct())).where(*counted).scalar()
    pending, idle = ahead_in_year(deputies, year, now)
    for _, kind in pending:
        by_kind[kind] = by_kind.get(kind, 0) - 1
    return {kind: n for kind, n in by_kind.items() if n > 0}, active - len(idle)


def recount():
    """Rebuild the counts from the events, set-based: after a bulk load that bypassed the triggers."""
    with db.atomic():
        PerformanceCount.delete().execute()
        PerformanceAhead.delete().execute()
        dialect = "postgres" if is_postgres() else "sqlite"
        db.execute_sql(RECOUNT_SQL[dialect])
        db.execute_sql(AHEAD_SQL[dialect])


# The year of a stored (naive UTC) time in China is that time plus eight hours (UTC+8 all year, no daylight
# saving since 1991): the same rule as the triggers of migration 063.
RECOUNT_SQL = {
    "postgres": "INSERT INTO performance_count (deputy_id, year, kind, n) SELECT deputy_id, "
                "EXTRACT(YEAR FROM occurred_at + INTERVAL '8 hours')::int, kind, COUNT(*) FROM performance_event "
                "GROUP BY 1, 2, 3",
    "sqlite": "INSERT INTO performance_count (deputy_id, year, kind, n) SELECT deputy_id, "
              "CAST(strftime('%Y', occurred_at, '+8 hours') AS INTEGER), kind, COUNT(*) FROM performance_event "
              "GROUP BY 1, 2, 3",
}
AHEAD_SQL = {
    "postgres": "INSERT INTO performance_ahead (event_id, deputy_id, kind, occurred_at) SELECT id, deputy_id, kind, "
                "occurred_at FROM performance_event WHERE occurred_at > (now() AT TIME ZONE 'UTC')",
    "sqlite": "INSERT INTO performance_ahead (event_id, deputy_id, kind, occurred_at) SELECT id, deputy_id, kind, "
              "occurred_at FROM performance_event WHERE occurred_at > strftime('%Y-%m-%d %H:%M:%f', 'now')",
}
