"""The roster (代表名册): search, a deputy's record, the audited phone read, import with its report, export."""
from flask import render_template, request, send_file, url_for
from flask.views import MethodView

from api.common import spreadsheets
from api.common.access import current_principal
from api.common.db import utcnow
from api.common.errors import Invalid, status_of
from api.console.blueprint import page
from api.console.forms import checkbox, done, ids, load, optional_int, page_or_fragment, submit, text, words
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires
from api.deputies import roster, services
from api.deputies.models import GENDERS, STATUSES, Deputy
from api.deputies.schemas import (
    DeputyQuerySchema,
    DeputyUpdateSchema,
    DeputyWriteSchema,
    ExportQuerySchema,
    ImportQuerySchema,
)
from api.org import services as org
from api.org.models import Delegation, DeputyGroup


@page("/roster", "roster", nav="代表名册", permission="deputies:read", order=10)
class Roster(MethodView):
    @requires("deputies:read")
    def get(self):
        """代表名册：筛选、分页"""
        args = filters(DeputyQuerySchema())
        principal = current_principal()
        deputies = paged(services.LinkedQuery(services.search(args, principal)))
        return page_or_results(
            "console/roster/list.html", "console/roster/_results.html",
            page=deputies, args=args, choices=choices(principal),
            export_url=url_for("console.roster_export", **{k: v for k, v in request.args.items() if k != "page" and v}),
        )


@page("/roster/new", "roster_new", methods=["GET", "POST"])
class NewDeputy(MethodView):
    @requires("deputies:manage")
    def get(self):
        """新增代表表单"""
        return _form(None, {"status": STATUSES[0], "gender": GENDERS[0]})

    @requires("deputies:manage")
    def post(self):
        """新增代表"""
        def create():
            deputy = services.create(load(DeputyWriteSchema(), deputy_data(request.form, new=True)))
            return done(url_for("console.roster_detail", deputy_id=deputy.id))

        return submit(create, lambda errors, message, status: _form(None, request.form, errors, message, status))


@page("/roster/<int:deputy_id>", "roster_detail", methods=["GET", "POST"])
class DeputyDetail(MethodView):
    @requires("deputies:read")
    def get(self, deputy_id):
        """代表详情（可编辑时为表单）"""
        return _form(services.get_visible(deputy_id, current_principal()))

    @requires("deputies:manage")
    def post(self, deputy_id):
        """修改代表信息"""
        deputy = services.get_visible(deputy_id, current_principal())

        def update():
            services.update(Deputy.get_by_id(deputy.id), load(DeputyUpdateSchema(), deputy_data(request.form)))
            return done(url_for("console.roster_detail", deputy_id=deputy.id, saved=1))

        return submit(update, lambda errors, message, status: _form(deputy, request.form, errors, message, status))


@page("/roster/<int:deputy_id>/delete", "roster_delete", methods=["POST"])
class DeleteDeputy(MethodView):
    @requires("deputies:manage")
    def post(self, deputy_id):
        """删除代表（已关联账号的不可删除）"""
        services.delete(Deputy.get_by_id(deputy_id))
        return done(url_for("console.roster"))


@page("/roster/<int:deputy_id>/contact", "roster_contact", methods=["POST"])
class DeputyContact(MethodView):
    @requires("deputies:contact")
    def post(self, deputy_id):
        """显示手机号明文（记入审计）"""
        deputy = services.read_contact(services.get_visible(deputy_id, current_principal()).id)
        return render_template("console/roster/_phone.html", deputy=deputy)


@page("/roster/import", "roster_import", methods=["GET", "POST"])
class RosterImport(MethodView):
    @requires("deputies:import")
    def get(self):
        """导入代表名册"""
        return render_template("console/roster/import.html", choices=choices(current_principal()))

    @requires("deputies:import")
    def post(self):
        """校验或导入名册（全部成功或全部不导入）"""
        context = {"choices": choices(current_principal()), "form": request.form}
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return _report(context, 422, error="请选择要导入的名册文件（.xlsx 或 .csv）。")
        options = load(ImportQuerySchema(), {
            "dry_run": "false" if request.form.get("mode") == "apply" else "true",
            "create_missing": "true" if checkbox(request.form, "create_missing") else "false",
            **({"congress_id": request.form["congress_id"]} if request.form.get("congress_id") else {}),
        })
        try:
            result = services.import_roster(upload.read(), upload.filename, **options)
        except (roster.RosterFileError, spreadsheets.SheetError) as exc:
            return _report(context, exc.status, error=exc.message)
        except Invalid as exc:
            rows = (exc.errors or {}).get("rows", [])
            return _report(context, status_of(exc), error=exc.message, rows=rows, errors=exc.errors)
        return _report(context, 200, result=result)


@page("/roster/export", "roster_export")
class RosterExport(MethodView):
    @requires("deputies:export")
    def get(self):
        """导出代表名册 .xlsx（手机号默认脱敏；明文导出记入审计）"""
        buffer, _ = services.export_roster(filters(ExportQuerySchema()), current_principal())
        response = send_file(buffer, mimetype=roster.XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = roster.export_disposition(f"{utcnow():%Y%m%d}")
        return response


def choices(principal):
    """The options of the roster's selects: congresses, delegations, groups, and the stations this user sees."""
    return {
        "congresses": [(c.id, c.name) for c in org.congresses({})],
        "delegations": [(d.id, d.name) for d in org.search(Delegation, {})],
        "groups": [(g.id, g.name) for g in org.search(DeputyGroup, {})],
        "stations": [(s.id, s.name) for s in org.visible_stations(principal, {})],
        "genders": [(g, g) for g in GENDERS],
        "statuses": [(s, s) for s in STATUSES],
    }


def deputy_data(form, new=False):
    """The form as the API's JSON body: typed values; blank optional numbers left out; a blank phone kept."""
    data = {
        "code": text(form, "code"), "name": text(form, "name"), "gender": text(form, "gender"),
        "delegation_id": optional_int(form, "delegation_id"), "status": text(form, "status"),
        "sector": text(form, "sector"), "grassroots": checkbox(form, "grassroots"),
        "employer": text(form, "employer"), "title": text(form, "title"),
        "group_ids": ids(form, "group_ids"), "station_ids": ids(form, "station_ids"), "fields": words(form, "fields"),
    }
    for key in ("congress_id", "term"):
        if form.get(key, "").strip():
            data[key] = optional_int(form, key) if form[key].strip().isdigit() else form[key].strip()
    if form.get("phone", "").strip() or checkbox(form, "clear_phone"):
        data["phone"] = None if checkbox(form, "clear_phone") else form["phone"]
    return data


def _form(deputy, values=None, errors=None, message=None, status=200):
    if values is None:  # the record as the form shows it
        values = {
            "code": deputy.code, "name": deputy.name, "gender": deputy.gender, "delegation_id": deputy.delegation_id,
            "congress_id": deputy.congress_id, "term": deputy.term, "status": deputy.status, "sector": deputy.sector,
            "grassroots": deputy.grassroots, "employer": deputy.employer, "title": deputy.title,
            "fields": "、".join(deputy.linked_fields),
        }
        selected = {"group_ids": [g["id"] for g in deputy.linked_groups],
                    "station_ids": [s["id"] for s in deputy.linked_stations]}
    else:
        selected = {key: ids(values, key) if hasattr(values, "getlist") else [] for key in ("group_ids", "station_ids")}
    return page_or_fragment(
        "console/roster/detail.html", "console/roster/_form.html", status,
        deputy=deputy, values=values, selected=selected, errors=errors or {}, message=message,
        choices=choices(current_principal()), saved=request.args.get("saved"),
    )


def _report(context, status, **report):
    return page_or_fragment("console/roster/import.html", "console/roster/_import_report.html", status,
                            report=report, **context)
