"""述职 (report-back): the yearly draft assembled from the record, the deputy's edits, and constituents' ratings.

    draft (generated again on request, edited by the deputy) → held (at a station, on a day; rateable)

Constituents who attended rate it once each in the mini-program; staff see the ratings and their tally.
"""
from peewee import JOIN, fn

from api.common.db import utcnow
from api.common.errors import Conflict, Forbidden, Invalid, NotFound
from api.common.events import PerformanceEvent, year_bounds
from api.common.timezone import local, local_today
from api.common.workflow import Move, Workflow
from api.deputies.models import Deputy
from api.extensions import db
from api.org.models import Delegation, Station
from api.records import document, kinds, services
from api.records.models import DRAFT, HELD, RATINGS, REPORT_LABELS, ReportBack, ReportBackRating, ReportTemplate

REPORTBACK = "records:reportback"
HIGHLIGHT_KINDS = ("activity.attend", "activity.report", "meeting.attend", "training.attend", "station.reception",
                   "consultation.opinion", "record.other")
MAX_HIGHLIGHTS = 30
MAX_SUGGESTIONS = 50

REPORT_FLOW = Workflow(
    "report_back",
    "述职",
    states=REPORT_LABELS,
    moves=[Move(DRAFT, HELD, "登记述职", REPORTBACK)],
    capabilities={"edit": "修改", "regenerate": "重新生成", "rate": "评价"},
    allows={DRAFT: {"edit", "regenerate"}, HELD: {"rate"}},
)


# --- the template ---


def current_template():
    row = ReportTemplate.select().order_by(ReportTemplate.id.desc()).first()
    return (row.content, row.filename) if row else (document.builtin_template(), "述职模板.docx")


def replace_template(principal, upload):
    data = document.check_template(upload.read(document.MAX_BYTES + 1))
    return ReportTemplate.create(filename=(upload.filename or "述职模板.docx")[:255], content=data,
                                 uploaded_by=principal.user_id)


def reset_template():
    ReportTemplate.delete().execute()


# --- the draft ---


def context_for(deputy_id, year):
    """Everything the template gets, read from the record only (event payloads carry titles and outcomes)."""
    brief = services.deputy_brief(deputy_id)
    figures = services.figures_view(services.yearly_figures(deputy_id, year, years=1)[year])
    start, end = year_bounds(year)
    in_year = (
        PerformanceEvent.select()
        .where(PerformanceEvent.deputy_id == deputy_id, PerformanceEvent.occurred_at >= start,
               PerformanceEvent.occurred_at < end, services.on_record())
        .order_by(PerformanceEvent.occurred_at)
    )
    highlights = [
        {"date": local(e.occurred_at).date().isoformat(), "label": kinds.label(e.kind),
         "title": (e.payload or {}).get("title") or kinds.label(e.kind)}
        for e in in_year.where(PerformanceEvent.kind.in_(HIGHLIGHT_KINDS)).limit(MAX_HIGHLIGHTS)
    ]
    suggestions = [
        {"title": (e.payload or {}).get("title") or "建议",
         "answer": (e.payload or {}).get("answer") or (e.payload or {}).get("answer_summary"),
         "rating": (e.payload or {}).get("rating")}
        for e in in_year.where(PerformanceEvent.kind == "suggestion.submit").limit(MAX_SUGGESTIONS)
    ]
    return {
        "deputy_name": brief["name"], "deputy_code": brief["code"], "delegation": brief["delegation"], "year": year,
        "total": figures["total"],
        "figures": [{"label": r["label"], "count": r["count"]} for r in figures["kinds"]],
        "sections": figures["sections"], "highlights": highlights, "suggestions": suggestions,
        "generated_on": local_today().isoformat(),
    }


def generate(deputy_id, year):
    """Create or regenerate a deputy's draft for a year (a held report is kept as it was)."""
    year = services.check_year(year)
    services.deputy_brief(deputy_id)
    context = context_for(deputy_id, year)
    template, _ = current_template()
    content = document.render(template, context)
    figures = {"total": context["total"], "kinds": context["figures"]}
    with db.atomic():
        report = ReportBack.get_or_none(ReportBack.deputy == deputy_id, ReportBack.year == year)
        if report is None:
            report = ReportBack.create(deputy=deputy_id, year=year, draft=content, figures=figures)
            REPORT_FLOW.start(report)
        else:
            REPORT_FLOW.require(report, "regenerate")
            changed = (
                ReportBack.update(draft=content, figures=figures, generated_at=utcnow(), updated_at=utcnow())
                .where(ReportBack.id == report.id, ReportBack.state == DRAFT)
                .execute()
            )
            if not changed:
                raise Conflict("述职已登记，不能重新生成。")
    return get(report.id)


def save_edit(report, upload):
    REPORT_FLOW.require(report, "edit")
    data = document.check_docx(upload.read(document.MAX_BYTES + 1))
    ReportBack.update(edited=data, edited_at=utcnow(), updated_at=utcnow()).where(ReportBack.id == report.id).execute()
    return get(report.id)


def content_of(report):
    """The version in use: the deputy's edit if any, else the generated draft."""
    return bytes(report.edited if report.edited is not None else report.draft)


def filename_of(report):
    return f"{report.deputy_name}{report.year}年度述职报告.docx"


def mark_held(principal, report, data):
    if not Station.select().where(Station.id == data["station_id"]).exists():
        raise Invalid(errors={"station_id": ["联络站不存在。"]})
    if data["held_on"] > local_today():
        raise Invalid(errors={"held_on": ["述职日期不能晚于今天。"]})
    REPORT_FLOW.move(report, HELD, principal, station=data["station_id"], held_on=data["held_on"])
    return get(report.id)


# --- reading ---


def reports_query():
    return (
        ReportBack.select(
            ReportBack.id, ReportBack.deputy, ReportBack.year, ReportBack.state, ReportBack.figures,
            ReportBack.station, ReportBack.held_on, ReportBack.generated_at, ReportBack.edited_at,
            (ReportBack.edited.is_null(False)).alias("is_edited"),
            Deputy.name.alias("deputy_name"), Deputy.code.alias("deputy_code"),
            Delegation.name.alias("delegation"), Station.name.alias("station_name"),
        )
        .join(Deputy).join(Delegation)
        .switch(ReportBack).join(Station, on=(ReportBack.station == Station.id), join_type=JOIN.LEFT_OUTER)
        .objects()
        .order_by(ReportBack.year.desc(), ReportBack.id.desc())
    )


def get(report_id, with_content=False):
    query = reports_query()
    if with_content:
        query = query.select_extend(ReportBack.draft, ReportBack.edited)
    report = query.where(ReportBack.id == report_id).first()
    if report is None:
        raise NotFound("述职不存在。")
    return report


def own(principal, report_id, with_content=False):
    report = get(report_id, with_content)
    if report.deputy_id not in _seats(principal):
        raise NotFound("述职不存在。")
    return report


def own_reports(principal):
    return reports_query().where(ReportBack.deputy.in_(_seats(principal) or [0]))


def staff_reports(args):
    query = reports_query()
    if args.get("year"):
        query = query.where(ReportBack.year == args["year"])
    if args.get("deputy_id"):
        query = query.where(ReportBack.deputy == args["deputy_id"])
    if args.get("state"):
        query = query.where(ReportBack.state == args["state"])
    return query


def held_at(station_id):
    """Report-backs held at a station in the last year, for constituents to pick the one they attended."""
    return reports_query().where(ReportBack.station == station_id, ReportBack.state == HELD).limit(50)


def own_deputy(principal):
    if principal.deputy_id is None:
        raise Forbidden("当前账号未关联代表。")
    return principal.deputy_id


def _seats(principal):
    return list(dict.fromkeys(([principal.deputy_id] if principal.deputy_id else []) + list(principal.deputy_ids)))


# --- ratings ---


def rate(principal, report_id, data):
    report = get(report_id)
    REPORT_FLOW.require(report, "rate")
    if data["rating"] not in RATINGS:
        raise Invalid(errors={"rating": [f"取值须为：{'、'.join(RATINGS)}。"]})
    (
        ReportBackRating.insert(report=report.id, user=principal.user_id, rating=data["rating"],
                                comment=data.get("comment"), created_at=utcnow())
        .on_conflict(conflict_target=[ReportBackRating.report, ReportBackRating.user],
                     update={ReportBackRating.rating: data["rating"], ReportBackRating.comment: data.get("comment")})
        .execute()
    )
    return ReportBackRating.get(ReportBackRating.report == report.id, ReportBackRating.user == principal.user_id)


def ratings_of(report_id):
    report = get(report_id)
    tally = dict(
        ReportBackRating.select(ReportBackRating.rating, fn.COUNT(ReportBackRating.id))
        .where(ReportBackRating.report == report.id)
        .group_by(ReportBackRating.rating)
        .tuples()
    )
    recent = (
        ReportBackRating.select()
        .where(ReportBackRating.report == report.id)
        .order_by(ReportBackRating.id.desc())
        .limit(100)
    )
    return {
        "report_id": report.id,
        "count": sum(tally.values()),
        "tally": [{"rating": r, "count": tally.get(r, 0)} for r in RATINGS],
        "ratings": [{"rating": r.rating, "comment": r.comment, "created_at": r.created_at} for r in recent],
    }
