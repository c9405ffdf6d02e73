"""The performance record (履职档案): a deputy's timeline and yearly figures, and the staff views over many deputies.

Everything is read from the shared event table (api/common/events.py) and the counts the database keeps
beside it, never from the modules' own tables: each event carries its object's title in its payload.
Events dated in the future (a reception day announced ahead) are not on the record until their time comes.
"""
import datetime as dt

from peewee import fn

from api.common import events, spreadsheets
from api.common.db import UTCDateTimeField, utcnow
from api.common.errors import Invalid, NotFound
from api.common.events import PerformanceEvent, year_bounds
from api.common.timezone import LOCAL_TZ
from api.deputies.models import STATUS_SERVING, Deputy, DeputyGroupMember
from api.org.models import Delegation, DeputyGroup
from api.records import kinds

YEARS_SHOWN = 5
RECENT = 20
DEFAULT_INACTIVE_DAYS = 180


def this_year():
    return utcnow().astimezone(LOCAL_TZ).year


def check_year(year):
    if year is not None and not 2000 <= year <= this_year() + 1:
        raise Invalid(errors={"year": [f"年份须在 2000 至 {this_year() + 1} 之间。"]})
    return year or this_year()


def on_record():
    """Only what has happened: the condition every read of the record carries."""
    return PerformanceEvent.occurred_at <= utcnow()


def deputy_brief(deputy_id):
    row = (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Deputy.status, Delegation.name.alias("delegation"))
        .join(Delegation)
        .where(Deputy.id == deputy_id)
        .dicts()
        .first()
    )
    if row is None:
        raise NotFound("代表不存在。")
    return row


def event_view(event):
    payload = event.payload or {}
    return {
        "id": event.id,
        "kind": event.kind,
        "label": kinds.label(event.kind),
        "section": kinds.section(event.kind),
        "title": payload.get("title") or kinds.label(event.kind),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "occurred_at": event.occurred_at,
        "self_reported": bool(payload.get("self_reported")),
        "details": {k: v for k, v in payload.items() if k not in ("title", "self_reported")},
    }


class Mapped:
    """A query paginated in SQL (LIMIT/OFFSET plus one COUNT) whose rows are turned into views."""

    def __init__(self, query, view):
        self.query, self.view = query, view

    def paginate(self, page, page_size):
        return [self.view(row) for row in self.query.paginate(page, page_size)]

    def order_by(self, *columns):
        return self.query.order_by(*columns)

    def __iter__(self):
        return (self.view(row) for row in self.query)


def timeline(deputy_id, args):
    query = PerformanceEvent.select().where(PerformanceEvent.deputy_id == deputy_id, on_record())
    if args.get("kinds"):
        query = query.where(PerformanceEvent.kind.in_(args["kinds"]))
    if args.get("year"):
        start, end = year_bounds(check_year(args["year"]))
        query = query.where(PerformanceEvent.occurred_at >= start, PerformanceEvent.occurred_at < end)
    return Mapped(query.order_by(PerformanceEvent.occurred_at.desc(), PerformanceEvent.id.desc()), event_view)


def figures_view(counts):
    """{kind: n} → rows by kind (labelled, in the table's order) and per section, with the total."""
    by_kind = [
        {"kind": k, "label": kinds.label(k), "section": kinds.section(k), "count": counts[k]}
        for k in kinds.ordered(counts)
    ]
    sections = {}
    for row in by_kind:
        sections[row["section"]] = sections.get(row["section"], 0) + row["count"]
    order = [*kinds.SECTIONS, kinds.OTHER_SECTION]
    return {
        "total": sum(counts.values()),
        "kinds": by_kind,
        "sections": [{"section": s, "count": sections[s]} for s in order if s in sections],
    }


def yearly_figures(deputy_id, last_year, years=YEARS_SHOWN):
    """{year: {kind: n}} for `years` years up to `last_year`, from the kept counts."""
    first_year = last_year - years + 1
    counted = events.counts_by_deputy([deputy_id], first_year, last_year, utcnow()).get(deputy_id, {})
    return {y: counted.get(y, {}) for y in range(first_year, last_year + 1)}


def record_page(deputy_id, year=None):
    """What a deputy's record page shows in one read: who, five years of figures by kind, the latest events."""
    year = check_year(year)
    per_year = yearly_figures(deputy_id, year)
    recent = (
        PerformanceEvent.select()
        .where(PerformanceEvent.deputy_id == deputy_id, on_record())
        .order_by(PerformanceEvent.occurred_at.desc(), PerformanceEvent.id.desc())
        .limit(RECENT)
    )
    return {
        "deputy": deputy_brief(deputy_id),
        "year": year,
        "figures": figures_view(per_year[year]),
        "years": [{"year": y, **figures_view(per_year[y])} for y in sorted(per_year, reverse=True)],
        "recent": [event_view(e) for e in recent],
    }


# --- many deputies: a group, a delegation, comparisons ---


def members_query(delegation_id=None, group_id=None):
    """Ids of the deputies a staff view covers (serving or not: a past year's record is still theirs)."""
    query = Deputy.select(Deputy.id)
    if delegation_id is not None:
        if not Delegation.select().where(Delegation.id == delegation_id).exists():
            raise NotFound("代表团不存在。")
        query = query.where(Deputy.delegation == delegation_id)
    if group_id is not None:
        if not DeputyGroup.select().where(DeputyGroup.id == group_id).exists():
            raise NotFound("代表小组不存在。")
        query = query.where(Deputy.id.in_(DeputyGroupMember.select(DeputyGroupMember.deputy).where(
            DeputyGroupMember.group == group_id)))
    return query


def group_figures(year, delegation_id=None, group_id=None, page=None, page_size=None):
    """Yearly totals by kind and the average per deputy, with the members' own figures (zeros included):
    one page of them (by code), or all of them when no page is asked for (the Excel export)."""
    year = check_year(year)
    now = utcnow()
    members = members_query(delegation_id, group_id)
    totals, active = events.totals(members, year, now)
    people = (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Deputy.status, Delegation.name.alias("delegation"))
        .join(Delegation)
        .where(Deputy.id.in_(members))
        .order_by(Deputy.code)
    )
    if page is not None:
        people = people.paginate(page, page_size)
    people = list(people.dicts())
    # A page's members by their ids; everyone (the export) by the scope's own subquery, whatever its size.
    counted = events.counts_by_deputy([p["id"] for p in people] if page is not None else members, year, year, now)
    rows = []
    for person in people:
        counts = counted.get(person["id"], {}).get(year, {})
        rows.append({**person, "total": sum(counts.values()), "counts": counts})
    figures = figures_view(totals)
    size = members.count() if page is not None else len(rows)
    return {
        "year": year,
        "deputies": size,
        "active": active,
        "average": round(figures["total"] / size, 2) if size else 0,
        **figures,
        "page": page or 1,
        "page_size": page_size or size,
        "members": rows,
    }


def comparison(year, by="delegation"):
    """Delegations (or groups) side by side for one year: deputies, events, the average per deputy, by kind."""
    year = check_year(year)
    now = utcnow()
    Count = events.PerformanceCount
    if by == "group":
        unit, deputy, names = DeputyGroupMember.group, DeputyGroupMember.deputy, DeputyGroup
        sizes = dict(DeputyGroupMember.select(DeputyGroupMember.group, fn.COUNT(DeputyGroupMember.id))
                     .group_by(DeputyGroupMember.group).tuples())
    else:
        unit, deputy, names = Deputy.delegation, Deputy.id, Delegation
        sizes = dict(Deputy.select(Deputy.delegation, fn.COUNT(Deputy.id)).group_by(Deputy.delegation).tuples())

    def counted(*columns):
        return (unit.model.select(unit, *columns).join(Count, on=Count.deputy_id == deputy)
                .where(Count.year == year, Count.n > 0))

    counts = {}
    for unit_id, kind, n in counted(Count.kind, fn.SUM(Count.n)).group_by(unit, Count.kind).tuples():
        counts.setdefault(unit_id, {})[kind] = n
    active = dict(counted(fn.COUNT(Count.deputy_id.distinct())).group_by(unit).tuples())
    _leave_out_ahead(year, now, unit, deputy, counts, active)
    result = []
    for unit_id, name in names.select(names.id, names.name).order_by(names.name).tuples():
        size = sizes.get(unit_id, 0)
        if not size:
            continue
        figures = figures_view({k: n for k, n in counts.get(unit_id, {}).items() if n > 0})
        result.append({
            "id": unit_id, "name": name, "deputies": size, "active": active.get(unit_id, 0),
            "average": round(figures["total"] / size, 2), **figures,
        })
    return {"year": year, "by": by, "rows": sorted(result, key=lambda r: -r["average"])}


def _leave_out_ahead(year, now, unit, deputy, counts, active):
    """Take out of each unit's counts the events still ahead (few: reception days announced in advance)."""
    pending, idle = events.ahead_in_year(None, year, now)
    if not pending:
        return
    units_of = {}
    waiting = {deputy_id for deputy_id, _ in pending}
    for unit_id, deputy_id in unit.model.select(unit, deputy).where(deputy.in_(waiting)).tuples():
        units_of.setdefault(deputy_id, []).append(unit_id)
    for deputy_id, kind in pending:
        for unit_id in units_of.get(deputy_id, []):
            counts[unit_id][kind] -= 1
    for deputy_id in idle:
        for unit_id in units_of.get(deputy_id, []):
            active[unit_id] -= 1


# --- attention to inactive deputies (001 §26) ---


def inactive_query(days=None, delegation_id=None, group_id=None):
    """Serving deputies with no recorded duty in the last `days` days (by code), with their last one if any."""
    days = days or DEFAULT_INACTIVE_DAYS
    now = utcnow()
    since = now - dt.timedelta(days=days)
    recent = PerformanceEvent.select(PerformanceEvent.id).where(
        PerformanceEvent.deputy_id == Deputy.id,
        PerformanceEvent.occurred_at >= since,
        PerformanceEvent.occurred_at <= now,
    )
    last = (
        PerformanceEvent.select(fn.MAX(PerformanceEvent.occurred_at))
        .where(PerformanceEvent.deputy_id == Deputy.id, PerformanceEvent.occurred_at <= now)
    )
    members = members_query(delegation_id, group_id)
    query = (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Delegation.name.alias("delegation"),
                      last.alias("last_event_at"))
        .join(Delegation)
        .where(Deputy.status == STATUS_SERVING, Deputy.id.in_(members), ~fn.EXISTS(recent))
        .order_by(Deputy.code)
        .dicts()
    )
    return Mapped(query, _with_last_time)


def _with_last_time(row):
    # A subquery's value comes back raw (text on SQLite): read it as the column it is.
    return {**row, "last_event_at": _TIME.python_value(row["last_event_at"])}


_TIME = UTCDateTimeField()


# --- Excel ---


def export(year=None, delegation_id=None, group_id=None):
    """One row per deputy in scope: the year's count of every kind, and the total (write_xlsx neutralises text)."""
    report = group_figures(year, delegation_id, group_id)
    present = kinds.ordered({k for m in report["members"] for k in m["counts"]})
    header = ["代表编号", "姓名", "代表团", "状态", *[kinds.label(k) for k in present], "合计"]
    rows = [header] + [
        [m["code"], m["name"], m["delegation"], m["status"], *[m["counts"].get(k, 0) for k in present], m["total"]]
        for m in report["members"]
    ]
    summary = [["年度", report["year"]], ["代表人数", report["deputies"]], ["有履职记录人数", report["active"]],
               ["履职记录合计", report["total"]], ["人均", report["average"]]]
    return spreadsheets.write_xlsx([(f"{report['year']}年履职统计", rows), ("汇总", summary)]), report["year"]
