"""A liaison station's reception calendar (接待日) and monthly themes (月度主题), kept by its staff and the office.

The stations services decide everything: who may maintain which station (station staff only their own,
403 otherwise), the slot rules (within the next year, deputies serving there and free) and which months
may get a theme. The console only turns forms into the API's bodies and shows the answers.
"""
import re

from flask import render_template, request, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.common.errors import Invalid
from api.common.timezone import local_today
from api.console.blueprint import page
from api.console.forms import done, ids, load, page_or_fragment, submit, text
from api.console.listing import paged
from api.console.session import requires
from api.org import services as org
from api.stations import services
from api.stations.schemas import CalendarQuerySchema, ReceptionSchema, ReceptionUpdateSchema, ThemeSchema

MONTH = re.compile(r"^\d{4}-\d{2}$")


@page("/stations", "stations", nav="接待日", permission="stations:schedule", order=35)
class Stations(MethodView):
    @requires("stations:schedule")
    def get(self):
        """可维护接待日和月度主题的联络站"""
        stations = paged(org.visible_stations(current_principal(), {}), size=50)
        return render_template("console/stations/list.html", page=stations)


@page("/stations/<int:station_id>", "station_schedule")
class Schedule(MethodView):
    @requires("stations:schedule")
    def get(self, station_id):
        """联络站的接待日历与月度主题"""
        station = services.station_for_staff(current_principal(), station_id)
        return _schedule(station)


@page("/stations/<int:station_id>/receptions", "station_reception_new", methods=["POST"])
class NewReception(MethodView):
    @requires("stations:schedule")
    def post(self, station_id):
        """新增接待安排"""
        principal = current_principal()
        station = services.station_for_staff(principal, station_id)

        def create():
            reception = services.create_reception(principal, station.id, load(ReceptionSchema(), reception_data()))
            return done(url_for("console.station_schedule", station_id=station.id, saved=reception.day.isoformat()))

        return submit(create, lambda errors, message, status: _reception_form(station, None, errors, message, status))


@page("/stations/<int:station_id>/receptions/<int:reception_id>", "station_reception", methods=["GET", "POST"])
class Reception(MethodView):
    @requires("stations:schedule")
    def get(self, station_id, reception_id):
        """修改接待安排"""
        station = services.station_for_staff(current_principal(), station_id)
        reception = services.with_deputies([services.get_reception(station.id, reception_id)])[0]
        values = {"day": reception.day.isoformat(), "starts_at": reception.starts_at.strftime("%H:%M"),
                  "ends_at": reception.ends_at.strftime("%H:%M"), "topic": reception.topic or ""}
        return _reception_form(station, reception, {}, None, 200, values,
                               selected=[deputy["id"] for deputy in reception.deputies])

    @requires("stations:schedule")
    def post(self, station_id, reception_id):
        """保存接待安排（已过去的不能修改）"""
        principal = current_principal()
        station = services.station_for_staff(principal, station_id)
        reception = services.get_reception(station.id, reception_id)

        def update():
            data = load(ReceptionUpdateSchema(), reception_data())
            services.update_reception(principal, station.id, reception.id, data)
            saved = data.get("day", reception.day).isoformat()
            return done(url_for("console.station_schedule", station_id=station.id, saved=saved))

        return submit(update, lambda errors, message, status: _reception_form(
            station, reception, errors, message, status))


@page("/stations/<int:station_id>/receptions/<int:reception_id>/cancel", "station_reception_cancel", methods=["POST"])
class CancelReception(MethodView):
    @requires("stations:schedule")
    def post(self, station_id, reception_id):
        """取消接待安排（已过去的不能取消）"""
        services.delete_reception(current_principal(), station_id, reception_id)
        return done(url_for("console.station_schedule", station_id=station_id, cancelled=1))


@page("/stations/<int:station_id>/themes", "station_theme", methods=["POST"])
class Theme(MethodView):
    @requires("stations:schedule")
    def post(self, station_id):
        """设置某月主题（本月至 12 个月后）"""
        principal = current_principal()
        station = services.station_for_staff(principal, station_id)

        def save():
            month = text(request.form, "month").strip()
            if not MONTH.match(month):
                raise Invalid("提交的数据有误。", errors={"month": ["请选择月份。"]})
            data = load(ThemeSchema(), {"title": text(request.form, "title"),
                                        "description": text(request.form, "description").strip() or None})
            services.set_theme(principal, station.id, month, data)
            return done(url_for("console.station_schedule", station_id=station.id, theme=month))

        return submit(save, lambda errors, message, status: _theme_form(station, errors, message, status))


@page("/stations/<int:station_id>/themes/<month>/delete", "station_theme_delete", methods=["POST"])
class DeleteTheme(MethodView):
    @requires("stations:schedule")
    def post(self, station_id, month):
        """删除某月主题（已过去月份的不能删除）"""
        services.delete_theme(current_principal(), station_id, month)
        return done(url_for("console.station_schedule", station_id=station_id))


def reception_data():
    """The form as the API's JSON body: times as HH:MM text, the ticked deputies as ids, a blank topic as none."""
    form = request.form
    return {
        "day": text(form, "day").strip(), "starts_at": text(form, "starts_at").strip(),
        "ends_at": text(form, "ends_at").strip(), "topic": text(form, "topic").strip() or None,
        "deputy_ids": ids(form, "deputy_ids"),
    }


def deputy_choices(station):
    return [(d.id, f"{d.name}（{d.congress.name}）" if d.congress.id else d.name)
            for d in services.serving_deputies(station.id)]


def _schedule(station):
    # Only the range is the calendar's query; `saved` and friends are this page's own notes.
    given = {key: request.args[key].strip() for key in ("from", "to") if request.args.get(key, "").strip()}
    args = load(CalendarQuerySchema(), given)
    year = local_today().year
    themes = list(services.themes(station.id, {"year": year})) + list(services.themes(station.id, {"year": year + 1}))
    return render_template(
        "console/stations/detail.html", station=station, args=args,
        receptions=services.calendar(station.id, args), themes=themes, this_month=services.month_of(local_today()),
        deputies=deputy_choices(station), saved=request.args.get("saved"), theme_saved=request.args.get("theme"),
        cancelled=request.args.get("cancelled"), reception=None,
        values={}, selected=[], errors={}, message=None,
        theme_values={}, theme_errors={}, theme_message=None,
    )


def _reception_form(station, reception, errors, message, status, values=None, selected=None):
    return page_or_fragment(
        "console/stations/reception.html", "console/stations/_reception_form.html", status,
        station=station, reception=reception, deputies=deputy_choices(station),
        values=values if values is not None else request.form,
        selected=selected if selected is not None else ids(request.form, "deputy_ids"),
        errors=errors, message=message,
    )


def _theme_form(station, errors, message, status):
    return page_or_fragment(
        "console/stations/theme.html", "console/stations/_theme_form.html", status,
        station=station, theme_values=request.form, theme_errors=errors, theme_message=message,
        this_month=services.month_of(local_today()),
    )

