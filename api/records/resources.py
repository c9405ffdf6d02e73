"""The performance record (履职档案) and the 述职: the deputy's own views, the staff views, constituents' ratings."""
import io
from urllib.parse import quote

from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.common.privacy import no_store
from api.common.spreadsheets import XLSX_TYPE
from api.records import claims, document, kinds, reportback, services
from api.records.schemas import (
    ClaimCreateSchema,
    ClaimQuerySchema,
    ClaimRefuseSchema,
    ClaimSchema,
    ComparisonQuerySchema,
    ComparisonSchema,
    DocumentUploadSchema,
    FiguresQuerySchema,
    GroupFiguresSchema,
    HeldSchema,
    InactiveDeputySchema,
    InactiveQuerySchema,
    RecordEventSchema,
    RecordKindSchema,
    RecordPageSchema,
    ReportCreateSchema,
    ReportQuerySchema,
    ReportRatingCreateSchema,
    ReportRatingSchema,
    ReportRatingsSchema,
    ReportSchema,
    ScopeQuerySchema,
    StaffReportCreateSchema,
    TimelineQuerySchema,
    YearQuerySchema,
)

blp = Blueprint("records", __name__, url_prefix="/api/v1/records",
                description="履职档案：时间线、年度统计、自报履职、不活跃代表、述职报告与群众评价")

PAGINATION_HEADER = {"X-Pagination": "PAGINATION"}


def me():
    return current_principal()


def docx_response(content, filename):
    response = send_file(io.BytesIO(content), mimetype=document.DOCX_TYPE, max_age=0)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/kinds")
class Kinds(MethodView):
    @blp.response(200, RecordKindSchema(many=True))
    def get(self):
        """履职类别及其名称（无需登录）"""
        return [{"kind": k, "label": v, "section": kinds.section(k), "self_reportable": k in kinds.SELF_REPORTABLE}
                for k, v in kinds.KINDS.items()]


# --- the deputy's own ---


@blp.route("/me")
class MyRecord(MethodView):
    @blp.requires("records:own")
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, RecordPageSchema)
    @blp.errors(403, 422)
    def get(self, args):
        """我的履职档案：当年和近五年各类履职次数、最近的履职记录"""
        return services.record_page(reportback.own_deputy(me()), args.get("year"))


@blp.route("/me/timeline")
class MyTimeline(MethodView):
    @blp.requires("records:own")
    @blp.arguments(TimelineQuerySchema, location="query")
    @blp.response(200, RecordEventSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """我的履职时间线（最新在前，可按年度、类别筛选）"""
        return services.timeline(reportback.own_deputy(me()), args)


@blp.route("/me/claims")
class MyClaims(MethodView):
    @blp.requires("records:own")
    @blp.response(200, ClaimSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self):
        """我自报的履职（含待确认、未确认）"""
        return claims.own_claims(me())

    @blp.requires("records:own")
    @blp.arguments(ClaimCreateSchema)
    @blp.response(201, ClaimSchema)
    @blp.errors(422)
    def post(self, data):
        """自报系统无法知道的履职（经工作人员确认后计入档案）"""
        return claims.submit(me(), data)


@blp.route("/me/claims/<int:claim_id>")
class MyClaim(MethodView):
    @blp.requires("records:own")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, claim_id):
        """撤回待确认的自报履职"""
        claims.withdraw(me(), claim_id)


@blp.route("/me/report-backs")
class MyReports(MethodView):
    @blp.requires("records:own")
    @blp.response(200, ReportSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self):
        """我的述职报告"""
        return reportback.own_reports(me())

    @blp.requires("records:own")
    @blp.arguments(ReportCreateSchema)
    @blp.response(201, ReportSchema)
    @blp.errors(404, 409, 422)
    def post(self, data):
        """按履职档案生成（或重新生成）某年度的述职报告草稿"""
        return reportback.generate(reportback.own_deputy(me()), data["year"])


@blp.route("/me/report-backs/<int:report_id>")
class MyReport(MethodView):
    @blp.requires("records:own")
    @blp.response(200, ReportSchema)
    @blp.errors(404)
    def get(self, report_id):
        """我的述职报告详情"""
        return reportback.own(me(), report_id)


@blp.route("/me/report-backs/<int:report_id>/document")
class MyReportDocument(MethodView):
    @blp.requires("records:own")
    @blp.response(200, description="述职报告（.docx）", content_type=document.DOCX_TYPE)
    @blp.errors(404)
    @no_store
    def get(self, report_id):
        """下载述职报告（有修改稿时为修改稿）"""
        report = reportback.own(me(), report_id, with_content=True)
        return docx_response(reportback.content_of(report), reportback.filename_of(report))

    @blp.requires("records:own")
    @blp.arguments(DocumentUploadSchema, location="files")
    @blp.response(200, ReportSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, report_id):
        """上传修改后的述职报告（.docx，登记述职前可修改）"""
        return reportback.save_edit(reportback.own(me(), report_id), data["file"])


# --- staff ---


@blp.route("/deputies/<int:deputy_id>")
class DeputyRecord(MethodView):
    @blp.requires("records:read")
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, RecordPageSchema)
    @blp.errors(404, 422)
    def get(self, args, deputy_id):
        """某位代表的履职档案"""
        return services.record_page(deputy_id, args.get("year"))


@blp.route("/deputies/<int:deputy_id>/timeline")
class DeputyTimeline(MethodView):
    @blp.requires("records:read")
    @blp.arguments(TimelineQuerySchema, location="query")
    @blp.response(200, RecordEventSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(404, 422)
    def get(self, args, deputy_id):
        """某位代表的履职时间线"""
        services.deputy_brief(deputy_id)
        return services.timeline(deputy_id, args)


@blp.route("/figures")
class Figures(MethodView):
    @blp.requires("records:read")
    @blp.arguments(FiguresQuerySchema, location="query")
    @blp.response(200, GroupFiguresSchema)
    @blp.errors(404, 422)
    def get(self, args):
        """年度履职统计：全体、某代表团或某代表小组的汇总，逐人名单分页"""
        return services.group_figures(args.get("year"), args.get("delegation_id"), args.get("group_id"),
                                      args["page"], args["page_size"])


@blp.route("/comparison")
class Comparison(MethodView):
    @blp.requires("records:read")
    @blp.arguments(ComparisonQuerySchema, location="query")
    @blp.response(200, ComparisonSchema)
    @blp.errors(422)
    def get(self, args):
        """各代表团（或代表小组）年度履职比较：人数、有记录人数、人均、分类"""
        return services.comparison(args.get("year"), args["by"])


@blp.route("/inactive")
class Inactive(MethodView):
    @blp.requires("records:read")
    @blp.arguments(InactiveQuerySchema, location="query")
    @blp.response(200, InactiveDeputySchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(404, 422)
    def get(self, args):
        """一段时间内没有任何履职记录的在任代表"""
        return services.inactive_query(args.get("days"), args.get("delegation_id"), args.get("group_id"))


@blp.route("/export")
class Export(MethodView):
    @blp.requires("records:read")
    @blp.arguments(ScopeQuerySchema, location="query")
    @blp.response(200, description="Excel", content_type=XLSX_TYPE)
    @blp.errors(404, 422)
    def get(self, args):
        """导出年度履职统计（Excel）"""
        content, year = services.export(args.get("year"), args.get("delegation_id"), args.get("group_id"))
        response = send_file(content, mimetype=XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{year}年履职统计.xlsx')}"
        return response


@blp.route("/claims")
class Claims(MethodView):
    @blp.requires("records:confirm")
    @blp.arguments(ClaimQuerySchema, location="query")
    @blp.response(200, ClaimSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """代表自报的履职（可按状态、代表筛选）"""
        return claims.staff_claims(args)


@blp.route("/claims/<int:claim_id>/confirm")
class ConfirmClaim(MethodView):
    @blp.requires("records:confirm")
    @blp.response(200, ClaimSchema)
    @blp.errors(404, 409)
    def post(self, claim_id):
        """确认自报履职（计入履职档案，标注“自报”）"""
        return claims.confirm(me(), claim_id)


@blp.route("/claims/<int:claim_id>/refuse")
class RefuseClaim(MethodView):
    @blp.requires("records:confirm")
    @blp.arguments(ClaimRefuseSchema)
    @blp.response(200, ClaimSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, claim_id):
        """不予确认自报履职（须说明理由）"""
        return claims.refuse(me(), claim_id, data["reason"])


@blp.route("/report-backs")
class Reports(MethodView):
    @blp.requires("records:reportback")
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, ReportSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """述职报告列表"""
        return reportback.staff_reports(args)

    @blp.requires("records:reportback")
    @blp.arguments(StaffReportCreateSchema)
    @blp.response(201, ReportSchema)
    @blp.errors(404, 409, 422)
    def post(self, data):
        """为代表生成（或重新生成）年度述职报告草稿"""
        return reportback.generate(data["deputy_id"], data["year"])


@blp.route("/report-backs/<int:report_id>")
class Report(MethodView):
    @blp.requires("records:reportback")
    @blp.response(200, ReportSchema)
    @blp.errors(404)
    def get(self, report_id):
        """述职报告详情"""
        return reportback.get(report_id)


@blp.route("/report-backs/<int:report_id>/document")
class ReportDocument(MethodView):
    @blp.requires("records:reportback")
    @blp.response(200, description="述职报告（.docx）", content_type=document.DOCX_TYPE)
    @blp.errors(404)
    @no_store
    def get(self, report_id):
        """下载述职报告（有代表修改稿时为修改稿）"""
        report = reportback.get(report_id, with_content=True)
        return docx_response(reportback.content_of(report), reportback.filename_of(report))


@blp.route("/report-backs/<int:report_id>/held")
class ReportHeld(MethodView):
    @blp.requires("records:reportback")
    @blp.arguments(HeldSchema)
    @blp.response(200, ReportSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, report_id):
        """登记述职（联络站、日期）：之后群众可以评价"""
        return reportback.mark_held(me(), reportback.get(report_id), data)


@blp.route("/report-backs/<int:report_id>/ratings")
class ReportRatings(MethodView):
    @blp.requires("records:reportback")
    @blp.response(200, ReportRatingsSchema)
    @blp.errors(404)
    def get(self, report_id):
        """群众对述职的评价：汇总和最近 100 条"""
        return reportback.ratings_of(report_id)

    @blp.requires("records:rate")
    @blp.arguments(ReportRatingCreateSchema)
    @blp.response(200, ReportRatingSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, report_id):
        """群众评价代表述职（每人一次，可修改）"""
        return reportback.rate(me(), report_id, data)


@blp.route("/stations/<int:station_id>/report-backs")
class StationReports(MethodView):
    @blp.requires("records:rate")
    @blp.response(200, ReportSchema(many=True))
    def get(self, station_id):
        """在本联络站已述职的代表（供群众选择评价）"""
        return list(reportback.held_at(station_id))


@blp.route("/template")
class Template(MethodView):
    @blp.requires("records:reportback")
    @blp.response(200, description="述职模板（.docx，docxtpl 格式）", content_type=document.DOCX_TYPE)
    def get(self):
        """下载当前述职模板（可修改后上传替换）"""
        content, filename = reportback.current_template()
        return docx_response(content, filename)

    @blp.requires("records:reportback")
    @blp.arguments(DocumentUploadSchema, location="files")
    @blp.response(204)
    @blp.errors(422)
    def put(self, data):
        """上传新的述职模板（须能用示例数据生成）"""
        reportback.replace_template(me(), data["file"])

    @blp.requires("records:reportback")
    @blp.response(204)
    def delete(self):
        """恢复内置述职模板"""
        reportback.reset_template()
