"""Feedback statistics (意见统计): the figures per station, category or handling unit, the units' ranking by
reply speed, and the same Excel export as the API.

The pages call `api.feedback.stats` with the console principal, so the scope is the service's: the office
sees all, station staff their stations, a unit its own figures (and only its own place in the ranking).
"""
from flask import request, send_file, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.common.permissions import OFFICE, STATION_STAFF
from api.common.spreadsheets import XLSX_TYPE
from api.console.blueprint import page
from api.console.forms import load
from api.console.listing import page_or_results
from api.console.session import requires
from api.feedback import stats
from api.feedback.models import CATEGORIES, today
from api.feedback.schemas import StatsByQuerySchema, StatsQuerySchema
from api.org import services as org

FILTERS = ("from", "to", "station_id", "category")


def defaulted_args():
    """The query string, with this year (Beijing dates, up to today) when no date range was given at all;
    an emptied date field means "no bound"."""
    args = request.args.to_dict()
    if "from" not in args and "to" not in args:
        now = today()
        args.update({"from": now.replace(month=1, day=1).isoformat(), "to": now.isoformat()})
    return args


def stats_args(schema):
    """The filters loaded (and validated: 422) by the API's own query schema."""
    names = FILTERS + (("by",) if isinstance(schema, StatsByQuerySchema) else ())
    given = {key: value.strip() for key, value in defaulted_args().items() if key in names and value.strip()}
    return load(schema, given)


@page("/feedback/stats", "feedback_stats", nav="意见统计", permission="feedback:stats", order=33)
class FeedbackStats(MethodView):
    @requires("feedback:stats")
    def get(self):
        """意见统计：按联络站、类别或承办单位的事项数、答复用时中位数、按期答复率、满意率，及承办单位排名"""
        principal = current_principal()
        args = stats_args(StatsByQuerySchema())
        kept = {key: value for key, value in defaulted_args().items() if key in FILTERS}
        return page_or_results(
            "console/feedback_stats/list.html", "console/feedback_stats/_results.html",
            args=args, kept=kept, summary=stats.summary(principal, args), ranking=stats.ranking(principal, args),
            dimensions=stats.DIMENSIONS, choices=choices(principal), percent=percent, hours=hours,
            by_url=lambda by: url_for("console.feedback_stats", **kept, by=by),
            export_url=url_for("console.feedback_stats_export", **kept),
        )


@page("/feedback/stats/export", "feedback_stats_export")
class FeedbackStatsExport(MethodView):
    @requires("feedback:stats")
    def get(self):
        """导出意见统计（Excel：按联络站、类别、承办单位及排名）"""
        args = stats_args(StatsQuerySchema())
        response = send_file(stats.export(current_principal(), args), mimetype=XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = stats.export_disposition(args)
        return response


def choices(principal):
    stations = []
    if principal.role in OFFICE or principal.role == STATION_STAFF:
        stations = [(s.id, s.name) for s in org.visible_stations(principal, {})]
    return {"stations": stations, "categories": [(c, c) for c in CATEGORIES]}


def percent(rate):
    return "—" if rate is None else f"{rate * 100:.1f}%"


def hours(value):
    return "—" if value is None else f"{value:.1f}"

