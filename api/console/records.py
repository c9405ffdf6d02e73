"""履职档案 in the console: yearly figures per delegation or group with comparisons, one deputy's record, the
inactive-deputy list, self-reported entries to confirm, and the 述职 (generation, documents, ratings)."""
import io
from urllib.parse import quote

from flask import render_template, request, send_file, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.common.errors import Invalid
from api.common.spreadsheets import XLSX_TYPE
from api.console.blueprint import page
from api.console.forms import done, load, optional_int, text
from api.console.listing import Page, filters, page_number, paged
from api.console.session import requires
from api.deputies import audience as audiences
from api.records import claims, document, reportback, services
from api.records.schemas import (
    ComparisonQuerySchema,
    HeldSchema,
    InactiveQuerySchema,
    ScopeQuerySchema,
    YearQuerySchema,
)

READ = "records:read"
MEMBERS_PER_PAGE = 100


def scope_choices():
    choices = audiences.choices()
    return {"delegations": [(d["id"], d["name"]) for d in choices["delegations"]],
            "groups": [(g["id"], g["name"]) for g in choices["groups"]]}


@page("/records", "records", nav="履职档案", permission=READ, order=38)
class Records(MethodView):
    @requires(READ)
    def get(self):
        """年度履职统计（全体、代表团或代表小组）与各代表团比较"""
        args = filters(ScopeQuerySchema())
        figures = services.group_figures(args.get("year"), args.get("delegation_id"), args.get("group_id"),
                                         page_number(), MEMBERS_PER_PAGE)
        members = Page(figures["members"], figures["page"], MEMBERS_PER_PAGE, figures["deputies"])
        if request.headers.get("HX-Request"):  # another page of members: no comparison to compute for it
            return render_template("console/records/_members.html", figures=figures, members=members)
        compare = filters(ComparisonQuerySchema()) if "by" in request.args else {"year": args.get("year"),
                                                                                 "by": "delegation"}
        kept = {k: v for k, v in request.args.items() if k in ("year", "delegation_id", "group_id") and v}
        return render_template(
            "console/records/overview.html", args=args, figures=figures, members=members,
            comparison=services.comparison(compare.get("year") or args.get("year"), compare["by"]),
            choices=scope_choices(), export_url=url_for("console.records_export", **kept),
        )


@page("/records/export", "records_export")
class Export(MethodView):
    @requires(READ)
    def get(self):
        """导出年度履职统计（Excel）"""
        args = filters(ScopeQuerySchema())
        content, year = services.export(args.get("year"), args.get("delegation_id"), args.get("group_id"))
        response = send_file(content, mimetype=XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年履职统计.xlsx')}"
        return response


@page("/records/deputies/<int:deputy_id>", "record_deputy")
class DeputyRecord(MethodView):
    @requires(READ)
    def get(self, deputy_id):
        """某位代表的履职档案：近五年统计与时间线"""
        args = filters(YearQuerySchema())
        record = services.record_page(deputy_id, args.get("year"))
        timeline = paged(services.timeline(deputy_id, {}), size=30)
        return render_template("console/records/deputy.html", record=record, timeline=timeline)


@page("/records/inactive", "records_inactive", nav="不活跃代表", permission=READ, order=39)
class Inactive(MethodView):
    @requires(READ)
    def get(self):
        """一段时间内没有履职记录的在任代表"""
        args = filters(InactiveQuerySchema())
        rows = paged(services.inactive_query(args.get("days"), args.get("delegation_id"), args.get("group_id")))
        return render_template("console/records/inactive.html", page=rows, args=args, choices=scope_choices(),
                               default_days=services.DEFAULT_INACTIVE_DAYS)


@page("/records/claims", "records_claims", nav="自报履职确认", permission="records:confirm", order=40)
class Claims(MethodView):
    @requires("records:confirm")
    def get(self):
        """待确认的自报履职"""
        state = request.args.get("state") or "pending"
        rows = paged(claims.staff_claims({"state": state if state != "all" else None}))
        return render_template("console/records/claims.html", page=rows, state=state)


@page("/records/claims/<int:claim_id>/decide", "records_claim_decide", methods=["POST"])
class Decide(MethodView):
    @requires("records:confirm")
    def post(self, claim_id):
        """确认或不予确认自报履职"""
        if request.form.get("confirm") == "1":
            claims.confirm(current_principal(), claim_id)
        else:
            reason = text(request.form, "reason").strip()
            if not reason:
                raise Invalid("请填写不予确认的理由。", errors={"reason": ["请填写不予确认的理由。"]})
            claims.refuse(current_principal(), claim_id, reason[:500])
        return done(url_for("console.records_claims"))


@page("/records/report-backs", "report_backs", nav="述职报告", permission="records:reportback", order=41,
      methods=["GET", "POST"])
class ReportBacks(MethodView):
    @requires("records:reportback")
    def get(self):
        """述职报告：生成、下载、登记述职、查看群众评价"""
        rows = paged(reportback.staff_reports({}))
        ratings = {r.id: reportback.ratings_of(r.id) for r in rows.items if r.state == "held"}
        stations = [(s["id"], s["name"]) for s in audiences.choices()["stations"]]
        return render_template("console/records/report_backs.html", page=rows, ratings=ratings,
                               year=services.this_year() - 1, stations=stations)

    @requires("records:reportback")
    def post(self):
        """为代表生成述职报告草稿（代表编号 + 年度）"""
        found, missing = audiences.deputy_ids_for_codes([text(request.form, "deputy_code").strip()])
        if not found:
            raise Invalid("代表编号不存在。", errors={"deputy_code": ["代表编号不存在。"]})
        data = load(YearQuerySchema(), {"year": optional_int(request.form, "year")})
        reportback.generate(found[0], data.get("year") or services.this_year() - 1)
        return done(url_for("console.report_backs"))


@page("/records/report-backs/<int:report_id>/document", "report_back_document")
class ReportDocument(MethodView):
    @requires("records:reportback")
    def get(self, report_id):
        """下载述职报告（.docx）"""
        report = reportback.get(report_id, with_content=True)
        response = send_file(io.BytesIO(reportback.content_of(report)), mimetype=document.DOCX_TYPE, max_age=0)
        name = quote(reportback.filename_of(report))
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response


@page("/records/report-backs/<int:report_id>/held", "report_back_held", methods=["POST"])
class Held(MethodView):
    @requires("records:reportback")
    def post(self, report_id):
        """登记述职（联络站、日期）"""
        data = load(HeldSchema(), {"station_id": optional_int(request.form, "station_id"),
                                   "held_on": text(request.form, "held_on")})
        reportback.mark_held(current_principal(), reportback.get(report_id), data)
        return done(url_for("console.report_backs"))
