"""The working-day calendar (工作日历): a year's overrides (调休, local holidays), added and edited, and whether
the year is maintained. The built-in State Council schedule applies wherever no override says otherwise."""
from flask import render_template, request, url_for
from flask.views import MethodView

from api.calendar import services
from api.calendar.schemas import CalendarDaySchema, CalendarDayUpdateSchema, DayQuerySchema, YearMaintainSchema
from api.common.db import utcnow
from api.common.timezone import local
from api.console.blueprint import page
from api.console.forms import done, load, page_or_fragment, submit, text
from api.console.listing import filters, paged
from api.console.session import requires


@page("/calendar", "calendar", nav="工作日历", permission="calendar:manage", order=60)
class Calendar(MethodView):
    @requires("calendar:manage")
    def get(self):
        """某年的日历调整与各年份状态"""
        args = filters(DayQuerySchema())
        args.setdefault("year", local(utcnow()).year)
        return _page(args)


@page("/calendar/days", "calendar_new", methods=["POST"])
class NewDay(MethodView):
    @requires("calendar:manage")
    def post(self):
        """新增日历调整"""
        def create():
            row = services.create(load(CalendarDaySchema(), day_data(request.form)))
            return done(url_for("console.calendar", year=row.day.year))

        return submit(create, lambda errors, message, status: _form(None, errors, message, status))


@page("/calendar/days/<int:day_id>", "calendar_day", methods=["GET", "POST"])
class DayDetail(MethodView):
    @requires("calendar:manage")
    def get(self, day_id):
        """修改日历调整"""
        row = services.get_day(day_id)
        values = {"day": row.day.isoformat(), "is_working_day": "1" if row.is_working_day else "0", "note": row.note}
        return render_template("console/calendar/day.html", row=row, values=values, errors={})

    @requires("calendar:manage")
    def post(self, day_id):
        """保存日历调整"""
        row = services.get_day(day_id)

        def update():
            services.update(row, load(CalendarDayUpdateSchema(), day_data(request.form)))
            return done(url_for("console.calendar", year=row.day.year))

        return submit(update, lambda errors, message, status: _form(row, errors, message, status))


@page("/calendar/days/<int:day_id>/delete", "calendar_delete", methods=["POST"])
class DeleteDay(MethodView):
    @requires("calendar:manage")
    def post(self, day_id):
        """删除日历调整（恢复内置安排）"""
        row = services.get_day(day_id)
        services.delete(row)
        return done(url_for("console.calendar", year=row.day.year))


@page("/calendar/years/<int:year>", "calendar_year", methods=["POST"])
class Year(MethodView):
    @requires("calendar:manage")
    def post(self, year):
        """标记或取消标记该年日历已完整维护"""
        if request.form.get("maintained") == "true":
            note = load(YearMaintainSchema(), {"note": text(request.form, "note").strip() or None})["note"]
            services.maintain_year(services.checked_year(year), note)
        else:
            services.unmaintain_year(year)
        return done(url_for("console.calendar", year=year))


def day_data(form):
    """The form as the API's JSON body: the working-day choice as a boolean (left out when none was made)."""
    data = {"day": text(form, "day").strip(), "note": text(form, "note").strip() or None}
    if form.get("is_working_day") in ("1", "0"):
        data["is_working_day"] = form["is_working_day"] == "1"
    return data


def _page(args):
    years = services.years()
    return render_template(
        "console/calendar/list.html", year=args["year"], args=args, years=years,
        status=next((row for row in years if row["year"] == args["year"]), None),
        page=paged(services.search(args), size=50), values={}, errors={},
    )


def _form(row, errors, message, status):
    return page_or_fragment(
        "console/calendar/day.html", "console/calendar/_day_form.html", status,
        row=row, values=request.form, errors=errors, message=message,
    )
