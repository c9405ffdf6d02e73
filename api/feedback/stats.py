"""Feedback statistics: per station, category and handling unit, the units' ranking, and its Excel export.

Every figure is an SQL aggregate over the caller's scope (`access.stats_condition`): one grouped query
for the counts (and on PostgreSQL the median, `percentile_cont`), and on SQLite one more for the median,
the middle row(s) of each group found with `ROW_NUMBER()`/`COUNT()` windows. No case row reaches Python;
only one row per group does.

What the figures mean (the same for every dimension):
- cases: submitted (`created_at`) within the Shanghai dates `from`..`to`, both included;
- reply time: **calendar** hours from the forwarding to a unit until that unit's first answer (what a
  unit controls; evenings and holidays count, so units are compared on the clock the constituent sees);
  the median is over the answered cases;
- on time: the first answer came on or before the due date then in force (a Shanghai date). The share is
  over the cases whose outcome is known: answered, or still unanswered past the due date;
- satisfaction: the constituent's rating (the latest, after a reopen); the rate is
  (满意 + 基本满意) / rated.
A case counts for the unit that answered it first, or, unanswered, for the unit that holds it.
"""
import datetime as dt
import itertools
from urllib.parse import quote

from flask import current_app
from peewee import SQL, Case, NodeList, Select, fn

from api.common import spreadsheets
from api.common.cache import cached_json
from api.common.db import is_postgres
from api.common.permissions import UNIT_USER
from api.common.timezone import local_day_start
from api.extensions import db
from api.feedback import access
from api.feedback.models import FORWARDED, RATINGS, FeedbackCase, today
from api.org.models import HandlingUnit, Station

STATION, CATEGORY, UNIT = "station", "category", "unit"
DIMENSIONS = {STATION: "联络站", CATEGORY: "类别", UNIT: "承办单位"}
SATISFIED, BASICALLY, UNSATISFIED = RATINGS
UTC_TO_SHANGHAI_HOURS = 8  # China keeps no daylight saving time


def _key(by):
    return {STATION: FeedbackCase.station, CATEGORY: FeedbackCase.category, UNIT: access.responsible_unit()}[by]


def _hours_between(start, end):
    if is_postgres():
        return fn.date_part(SQL("'epoch'"), end - start) / 3600.0
    return (fn.julianday(end) - fn.julianday(start)) * 24.0


def _shanghai_date(moment):
    if is_postgres():
        return NodeList((SQL("CAST(("), moment, SQL(f"+ INTERVAL '{UTC_TO_SHANGHAI_HOURS} hours') AS DATE)")))
    return fn.date(moment, f"+{UTC_TO_SHANGHAI_HOURS} hours")


def _flag(condition):
    return Case(None, [(condition, 1)], 0)


def _cases(scope, args, by):
    """One row per case in scope and range: its group key and what each figure needs, as 0/1 flags."""
    answered = FeedbackCase.first_answer_at.is_null(False)
    in_time = _shanghai_date(FeedbackCase.first_answer_at) <= FeedbackCase.first_due_date
    late_open = ((FeedbackCase.state == FORWARDED) & (FeedbackCase.due_date < today())
                 & FeedbackCase.first_answer_at.is_null())
    key = _key(by) if by else SQL("0")
    query = FeedbackCase.select(
        key.alias("k"),
        _hours_between(FeedbackCase.first_forwarded_at, FeedbackCase.first_answer_at).alias("h"),
        _flag(answered).alias("answered"),
        _flag(answered & in_time).alias("on_time"),
        _flag((answered & FeedbackCase.first_due_date.is_null(False)) | late_open).alias("due"),
        _flag(FeedbackCase.rating == SATISFIED).alias("satisfied"),
        _flag(FeedbackCase.rating == BASICALLY).alias("basically_satisfied"),
        _flag(FeedbackCase.rating == UNSATISFIED).alias("unsatisfied"),
    ).where(scope)
    if by == UNIT:
        query = query.where(access.responsible_unit().is_null(False))
    if args.get("date_from"):
        query = query.where(FeedbackCase.created_at >= local_day_start(args["date_from"]))
    if args.get("date_to"):
        query = query.where(FeedbackCase.created_at < local_day_start(args["date_to"] + dt.timedelta(days=1)))
    if args.get("station_id"):
        query = query.where(FeedbackCase.station == args["station_id"])
    if args.get("category"):
        query = query.where(FeedbackCase.category == args["category"])
    return query.alias("c")



COUNTED = ("answered", "on_time", "due", "satisfied", "basically_satisfied", "unsatisfied")


def _aggregate(scope, args, by, with_median=True):
    """{group key: figures}: the grouped counts, and (unless not wanted: it sorts every reply time) the
    median reply time, of the cases under `scope`."""
    c = _cases(scope, args, by)
    columns = [c.c.k, fn.COUNT(SQL("*")).alias("cases")]
    columns += [fn.COALESCE(fn.SUM(getattr(c.c, name)), 0).alias(name) for name in COUNTED]
    if with_median and is_postgres():
        median = NodeList((fn.percentile_cont(SQL("0.5")), SQL("WITHIN GROUP"),
                           NodeList((SQL("ORDER BY"), c.c.h), parens=True)))
        columns.append(median.alias("median"))
    rows = {row["k"]: row for row in Select([c], columns).group_by(c.c.k).bind(db).dicts()}
    if with_median and not is_postgres():
        for key, median in _sqlite_medians(scope, args, by):
            rows[key]["median"] = median
    return rows


def _sqlite_medians(scope, args, by):
    """The median reply time per group, set-based: the middle row, or the mean of the middle two."""
    c = _cases(scope, args, by)
    ranked = Select([c], [
        c.c.k, c.c.h,
        fn.ROW_NUMBER().over(partition_by=[c.c.k], order_by=[c.c.h]).alias("n"),
        fn.COUNT(SQL("*")).over(partition_by=[c.c.k]).alias("total"),
    ]).where(c.c.h.is_null(False)).alias("r")
    middle = (ranked.c.n == (ranked.c.total + 1) / 2) | (ranked.c.n == (ranked.c.total + 2) / 2)
    return Select([ranked], [ranked.c.k, fn.AVG(ranked.c.h)]).where(middle).group_by(ranked.c.k).bind(db).tuples()


def _figures(row):
    answered_or_late = int(row["due"])
    rated = int(row["satisfied"]) + int(row["basically_satisfied"]) + int(row["unsatisfied"])
    median = row.get("median")
    return {
        "cases": int(row["cases"]),
        "answered": int(row["answered"]),
        "median_reply_hours": None if median is None else round(float(median), 1),
        "on_time": int(row["on_time"]),
        "due": answered_or_late,
        "on_time_rate": _rate(int(row["on_time"]), answered_or_late),
        "satisfied": int(row["satisfied"]),
        "basically_satisfied": int(row["basically_satisfied"]),
        "unsatisfied": int(row["unsatisfied"]),
        "rated": rated,
        "satisfaction_rate": _rate(int(row["satisfied"]) + int(row["basically_satisfied"]), rated),
    }


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


EMPTY = {"cases": 0, "due": 0, "median": None, **{name: 0 for name in COUNTED}}


def summary(principal, args):
    """The figures per group of `args["by"]`, the most cases first, and the total over the same cases."""
    by, scope = args["by"], access.stats_condition(principal)
    rows = _aggregate(scope, args, by)
    names = _names(by, list(rows))
    groups = [{"id": None if by == CATEGORY else key, "name": names.get(key, str(key)), **_figures(row)}
              for key, row in rows.items()]
    groups.sort(key=lambda g: (-g["cases"], g["name"]))
    total = next(iter(_aggregate(scope, args, None).values()), EMPTY)
    return {"by": by, "date_from": args.get("date_from"), "date_to": args.get("date_to"),
            "groups": groups, "total": _figures(total)}


def _names(by, keys):
    if by == STATION:
        return dict(Station.select(Station.id, Station.name).where(Station.id.in_(keys)).tuples()) if keys else {}
    if by == UNIT:
        query = HandlingUnit.select(HandlingUnit.id, HandlingUnit.name).where(HandlingUnit.id.in_(keys))
        return dict(query.tuples()) if keys else {}
    return {key: key for key in keys}


def ranking(principal, args):
    """Handling units by responsiveness: the shortest median reply time first; ties broken by the on-time
    share, then by more answered cases (more evidence), then by name. Units with fewer answered cases than
    FEEDBACK_RANKING_MIN_ANSWERED are listed after the ranked ones, unranked and flagged.

    A unit sees its own row only, ranked among all units (where it stands, not the others' figures)."""
    minimum = current_app.config["FEEDBACK_RANKING_MIN_ANSWERED"]
    own_unit = (principal.unit_id or 0) if principal.role == UNIT_USER else None
    scope = FeedbackCase.id > 0 if own_unit is not None else access.stats_condition(principal)
    rows = _aggregate(scope, args, UNIT)
    names = _names(UNIT, list(rows))
    units = [{"unit": {"id": key, "name": names.get(key, str(key))}, **_figures(row)} for key, row in rows.items()]
    for unit in units:
        unit["few_cases"] = unit["answered"] < minimum

    def order(unit):
        return (unit["few_cases"], unit["median_reply_hours"] is None, unit["median_reply_hours"] or 0,
                -(unit["on_time_rate"] or 0), -unit["answered"], unit["unit"]["name"], unit["unit"]["id"])

    units.sort(key=order)
    previous, rank = None, 0
    for position, unit in enumerate(units, 1):
        if unit["few_cases"] or unit["median_reply_hours"] is None:
            unit["rank"] = None
            continue
        tie = (unit["median_reply_hours"], unit["on_time_rate"], unit["answered"])
        rank = rank if tie == previous else position
        unit["rank"], previous = rank, tie
    if own_unit is not None:
        units = [u for u in units if u["unit"]["id"] == own_unit]
    return {"date_from": args.get("date_from"), "date_to": args.get("date_to"), "min_answered": minimum,
            "units": units}


def unit_stars(date_from=None, date_to=None, max_age_seconds=60):
    """{unit id: ★ 1-5}: how each handling unit answers constituents, for rankings that show it beside their own
    (the suggestions' unit ranking). The mean of the on-time share and the satisfaction rate, whichever are
    known, out of 5, over every station's cases submitted in these Shanghai dates (None: no bound). A unit
    with fewer answered cases than FEEDBACK_RANKING_MIN_ANSWERED gets none, as it gets no rank here."""
    minimum = current_app.config["FEEDBACK_RANKING_MIN_ANSWERED"]

    def produce():
        stars = []
        dates = {"date_from": date_from, "date_to": date_to}
        for key, row in _aggregate(FeedbackCase.id > 0, dates, UNIT, with_median=False).items():
            figures = _figures(row)
            known = [rate for rate in (figures["on_time_rate"], figures["satisfaction_rate"]) if rate is not None]
            if figures["answered"] >= minimum and known:
                stars.append([key, max(1, min(5, round(5 * sum(known) / len(known))))])
        return stars

    key = f"feedback:stats:stars:{date_from or ''}:{date_to or ''}:{minimum}"
    return {unit: stars for unit, stars in cached_json(key, max_age_seconds, produce)}


# --- export ---

FIGURE_COLUMNS = (
    ("事项数", "cases"), ("已答复", "answered"), ("答复用时中位数（小时）", "median_reply_hours"),
    ("按期答复", "on_time"), ("应答复", "due"), ("按期答复率", "on_time_rate"), ("满意", "satisfied"),
    ("基本满意", "basically_satisfied"), ("不满意", "unsatisfied"), ("已评价", "rated"),
    ("满意率", "satisfaction_rate"),
)


def export(principal, args):
    """An .xlsx: one sheet per dimension (with the total), and the ranking."""
    sheets = []
    for by, label in DIMENSIONS.items():
        figures = summary(principal, {**args, "by": by})
        header = [[label, *(title for title, _ in FIGURE_COLUMNS)]]
        rows = ([group["name"], *(group[key] for _, key in FIGURE_COLUMNS)] for group in figures["groups"])
        total = [["合计", *(figures["total"][key] for _, key in FIGURE_COLUMNS)]]
        sheets.append((f"按{label}", itertools.chain(header, rows, total)))
    ranked = ranking(principal, args)
    header = [["名次", "承办单位", *(title for title, _ in FIGURE_COLUMNS), "样本不足"]]
    rows = ([unit["rank"], unit["unit"]["name"], *(unit[key] for _, key in FIGURE_COLUMNS),
             "是" if unit["few_cases"] else ""] for unit in ranked["units"])
    sheets.append(("承办单位排名", itertools.chain(header, rows)))
    return spreadsheets.write_xlsx(sheets)


def export_disposition(args):
    span = f"{args.get('date_from') or ''}_{args.get('date_to') or ''}".strip("_") or f"{today():%Y%m%d}"
    return (f"attachment; filename=\"feedback-stats-{span}.xlsx\"; "
            f"filename*=UTF-8''{quote(f'群众意见统计-{span}.xlsx')}")
