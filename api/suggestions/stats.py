"""Suggestion statistics: per unit, per delegation and per deputy, a ranking of units, and the Excel export.

SQL aggregates only: one grouped query per table and dimension; only one row per group reaches Python.
- per unit (lead and 分办 assignments, withdrawn ones left out; co-units give opinions, not answers):
  assigned, answered, answered on time (by the due date then in force), A/B/C, rated and satisfied
  (满意 + 基本满意, the suggestion's latest rating), and the commitments: made, verified, met on time;
- per delegation and per deputy (the lead deputy): suggestions submitted, accepted, answered, rated,
  satisfied.
`year` narrows to suggestions submitted (units: assigned) in that year, Shanghai time.
The figures over every unit, delegation or deputy are cached for SUGGESTION_STATS_CACHE_SECONDS (Redis,
read-through); a unit's own figures are always fresh.
"""
import datetime as dt
import itertools

from flask import current_app
from peewee import Case, fn

from api.common import spreadsheets
from api.common.cache import cached_json
from api.common.permissions import UNIT_USER
from api.common.timezone import local_day_start
from api.deputies.models import Deputy
from api.feedback import stats as feedback_stats
from api.org.models import Delegation, HandlingUnit
from api.suggestions.models import (
    A_WITHDRAWN,
    ACCEPTED,
    ANSWERED,
    ANSWERING_ROLES,
    ASSIGNED,
    C_VERIFIED,
    DRAFT,
    RATED,
    SATISFIED,
    Assignment,
    Commitment,
    Suggestion,
)

STARS = 5


def _flag(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def _year_bounds(column, year):
    if not year:
        return column.is_null(False) | column.is_null(True)
    return (column >= local_day_start(dt.date(year, 1, 1))) & (column < local_day_start(dt.date(year + 1, 1, 1)))


def _cached(name, args, produce):
    """The figures over every suggestion, computed at most once a SUGGESTION_STATS_CACHE_SECONDS per year:
    they move by one answer at a time, and a ranking a minute old is as good as a fresh one."""
    key = f"suggestions:stats:{name}:{args.get('year') or 'all'}"
    pairs = cached_json(key, current_app.config["SUGGESTION_STATS_CACHE_SECONDS"],
                        lambda: [[k, v] for k, v in produce().items()])
    return {k: v for k, v in pairs}


def unit_figures(args, unit_id=None):
    """{unit id: figures} for every unit with assignments (cached), or for just `unit_id` (fresh)."""
    if unit_id is None:
        return _cached("units", args, lambda: _unit_figures(args, None))
    return _unit_figures(args, unit_id)


def _unit_figures(args, unit_id):
    year = args.get("year")
    where = [Assignment.role.in_(ANSWERING_ROLES), Assignment.state != A_WITHDRAWN,
             _year_bounds(Assignment.assigned_at, year)]
    if unit_id is not None:
        where.append(Assignment.unit == unit_id)
    rows = (Assignment.select(
        Assignment.unit, fn.COUNT(Assignment.id), _flag(Assignment.answered_at.is_null(False)),
        _flag(Assignment.on_time == True),  # noqa: E712
        _flag(Assignment.answer_category == "A"), _flag(Assignment.answer_category == "B"),
        _flag(Assignment.answer_category == "C"), _flag(Suggestion.rating.is_null(False)),
        _flag(Suggestion.rating.in_(SATISFIED)))
        .join(Suggestion, on=(Assignment.suggestion == Suggestion.id))
        .where(*where).group_by(Assignment.unit).tuples())
    figures = {}
    for unit, assigned, answered, on_time, a, b, c, rated, satisfied in rows:
        figures[unit] = {"assigned": assigned, "answered": answered or 0, "on_time": on_time or 0,
                         "a": a or 0, "b": b or 0, "c": c or 0, "rated": rated or 0, "satisfied": satisfied or 0,
                         "commitments": 0, "commitments_verified": 0, "commitments_on_time": 0}
    promised = [_year_bounds(Commitment.created_at, year)]
    if unit_id is not None:
        promised.append(Commitment.unit == unit_id)
    for unit, made, verified, on_time in (Commitment.select(
            Commitment.unit, fn.COUNT(Commitment.id), _flag(Commitment.state == C_VERIFIED),
            _flag((Commitment.state == C_VERIFIED) & (Commitment.on_time == True)))  # noqa: E712
            .where(*promised).group_by(Commitment.unit).tuples()):
        row = figures.setdefault(unit, {"assigned": 0, "answered": 0, "on_time": 0, "a": 0, "b": 0, "c": 0,
                                        "rated": 0, "satisfied": 0})
        row.update(commitments=made, commitments_verified=verified or 0, commitments_on_time=on_time or 0)
    for row in figures.values():
        row["on_time_rate"] = _rate(row["on_time"], row["answered"])
        row["satisfaction_rate"] = _rate(row["satisfied"], row["rated"])
        row["commitments_on_time_rate"] = _rate(row["commitments_on_time"], row["commitments"])
        for key in ("a", "b", "c"):
            row[f"{key}_share"] = _rate(row[key], row["answered"])
    return figures


def _names(model, ids):
    return dict(model.select(model.id, model.name).where(model.id.in_(ids)).tuples()) if ids else {}


def by_unit(principal, args):
    own = (principal.unit_id or 0) if principal.role == UNIT_USER else None
    figures = unit_figures(args, own)
    names = _names(HandlingUnit, list(figures))
    rows = [{"id": key, "name": names.get(key, str(key)), **row} for key, row in figures.items()]
    return sorted(rows, key=lambda r: (-r["assigned"], r["name"]))


def _suggestion_figures(key, args):
    on_record = Suggestion.state != DRAFT
    query = (Suggestion.select(
        key, fn.COUNT(Suggestion.id), _flag(Suggestion.state.in_((ACCEPTED, ASSIGNED, ANSWERED, RATED))),
        _flag(Suggestion.state.in_((ANSWERED, RATED))), _flag(Suggestion.rating.is_null(False)),
        _flag(Suggestion.rating.in_(SATISFIED)))
        .join(Deputy, on=(Suggestion.deputy == Deputy.id))
        .where(on_record, _year_bounds(Suggestion.submitted_at, args.get("year")))
        .group_by(key).tuples())
    result = {}
    for group, submitted, accepted, answered, rated, satisfied in query:
        result[group] = {"submitted": submitted, "accepted": accepted or 0, "answered": answered or 0,
                         "rated": rated or 0, "satisfied": satisfied or 0,
                         "satisfaction_rate": _rate(satisfied or 0, rated or 0)}
    return result


def by_delegation(principal, args):
    figures = _cached("delegations", args, lambda: _suggestion_figures(Deputy.delegation, args))
    names = _names(Delegation, list(figures))
    return sorted(({"id": k, "name": names.get(k, str(k)), **v} for k, v in figures.items()),
                  key=lambda r: (-r["submitted"], r["name"]))


def by_deputy(principal, args):
    figures = _cached("deputies", args, lambda: _suggestion_figures(Suggestion.deputy, args))
    names = _names(Deputy, list(figures))
    return sorted(({"id": k, "name": names.get(k, str(k)), **v} for k, v in figures.items()),
                  key=lambda r: (-r["submitted"], r["name"]))


def score(row):
    """0..1: answered on time 40 %, satisfaction 40 %, commitments met on time 20 % (missing parts count
    as neither good nor bad: the weights of what is known are renormalised)."""
    parts = [(0.4, row["on_time_rate"]), (0.4, row["satisfaction_rate"]), (0.2, row["commitments_on_time_rate"])]
    known = [(w, v) for w, v in parts if v is not None]
    if not known:
        return None
    return round(sum(w * v for w, v in known) / sum(w for w, _ in known), 4)


def stars(value):
    return None if value is None else max(1, min(STARS, round(value * STARS)))


def ranking(principal, args):
    """Units by score, best first, with ★ (1-5); units with fewer than SUGGESTION_RANKING_MIN_ASSIGNED
    assignments are listed after, unranked. Beside each, the unit's ★ for constituents' feedback in the same
    year. A unit sees its own row only, ranked among all."""
    minimum = current_app.config["SUGGESTION_RANKING_MIN_ASSIGNED"]
    figures = unit_figures(args)
    year = args.get("year")
    feedback_ranking = feedback_stats.unit_stars(
        *((dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else (None, None)),
        max_age_seconds=current_app.config["SUGGESTION_STATS_CACHE_SECONDS"])
    names = _names(HandlingUnit, list(figures))
    units = []
    for key, row in figures.items():
        value = score(row)
        units.append({"unit": {"id": key, "name": names.get(key, str(key))}, "score": value, "stars": stars(value),
                      "few": row["assigned"] < minimum, "feedback_stars": feedback_ranking.get(key),
                      **row})
    units.sort(key=lambda u: (u["few"] or u["score"] is None, -(u["score"] or 0), u["unit"]["name"]))
    previous, rank = None, 0
    for position, unit in enumerate(units, 1):
        if unit["few"] or unit["score"] is None:
            unit["rank"] = None
            continue
        rank = rank if unit["score"] == previous else position
        unit["rank"], previous = rank, unit["score"]
    if principal.role == UNIT_USER:
        units = [u for u in units if u["unit"]["id"] == (principal.unit_id or 0)]
    return {"min_assigned": minimum, "units": units}


UNIT_COLUMNS = (("交办件", "assigned"), ("已答复", "answered"), ("按期答复", "on_time"), ("按期答复率", "on_time_rate"),
                ("A类", "a"), ("B类", "b"), ("C类", "c"), ("已评价", "rated"), ("满意及基本满意", "satisfied"),
                ("满意率", "satisfaction_rate"), ("承诺事项", "commitments"), ("已核实", "commitments_verified"),
                ("按期落实", "commitments_on_time"))
GROUP_COLUMNS = (("提出建议", "submitted"), ("已立案", "accepted"), ("已答复", "answered"), ("已评价", "rated"),
                 ("满意及基本满意", "satisfied"), ("满意率", "satisfaction_rate"))


def export(principal, args):
    def sheet(title, label, rows, columns):
        header = [[label, *(name for name, _ in columns)]]
        return title, itertools.chain(header, ([r["name"], *(r[k] for _, k in columns)] for r in rows))

    ranked = ranking(principal, args)
    ranking_rows = itertools.chain(
        [["名次", "承办单位", "得分", "星级", "样本不足", "群众意见办理星级"]],
        ([u["rank"], u["unit"]["name"], u["score"], "★" * (u["stars"] or 0), "是" if u["few"] else "",
          "★" * (u["feedback_stars"] or 0)] for u in ranked["units"]))
    return spreadsheets.write_xlsx([
        sheet("按承办单位", "承办单位", by_unit(principal, args), UNIT_COLUMNS),
        sheet("按代表团", "代表团", by_delegation(principal, args), GROUP_COLUMNS),
        sheet("按代表", "代表", by_deputy(principal, args), GROUP_COLUMNS),
        ("承办单位排名", ranking_rows),
    ])

