"""Constituent feedback: intake and following (mini-program), the station inbox, the unit queue, the word list."""
from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.common.privacy import no_store
from api.common.spreadsheets import XLSX_TYPE
from api.feedback import access, intake, services, stats
from api.feedback.schemas import (
    AnswerSchema,
    CaseCreateSchema,
    CaseDetailSchema,
    CaseHistorySchema,
    CaseListItemSchema,
    CaseQuerySchema,
    CloseSchema,
    CommentCreateSchema,
    CommentSchema,
    ContactSchema,
    CountsSchema,
    ExtensionCreateSchema,
    ExtensionSchema,
    FeedbackStatsSchema,
    ForwardSchema,
    IdempotencyHeaderSchema,
    IntakeInfoSchema,
    MergeSchema,
    MyCaseSchema,
    RankingSchema,
    RatingSchema,
    ReasonSchema,
    ReceiptSchema,
    RefuseSchema,
    SimilarCaseSchema,
    StatsByQuerySchema,
    StatsQuerySchema,
    TrackSchema,
    WordSchema,
)

blp = Blueprint(
    "feedback", __name__, url_prefix="/api/v1/feedback", description="群众意见：提交、查询、受理、转办、答复与评价"
)

PAGINATION_HEADER = {"X-Pagination": "PAGINATION"}


def me():
    return current_principal()


# --- public ---


@blp.route("/intake-info")
class IntakeInfo(MethodView):
    @blp.response(200, IntakeInfoSchema)
    def get(self):
        """提交须知：类别、个人信息告知书（版本）、照片上限（无需登录）"""
        return intake.intake_info()


@blp.route("/track/<code>")
class Track(MethodView):
    @blp.response(200, TrackSchema)
    @blp.errors(404, 429)
    def get(self, code):
        """凭查询码查询办理进度和答复（无需登录；不含反映内容和个人信息）"""
        return services.track(code)


# --- the constituent ---


@blp.route("/cases")
class Cases(MethodView):
    @blp.requires("feedback:read")
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CaseListItemSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """意见列表：联络站工作人员看本站、代表看所在联络站、承办单位看本单位（超期的在前）"""
        return services.list_cases(me(), args)

    @blp.requires("feedback:submit")
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(CaseCreateSchema)
    @blp.response(201, ReceiptSchema)
    @blp.errors(409, 422, 429)
    def post(self, headers, data):
        """群众提交意见（可匿名；带 Idempotency-Key 重试只建一件）"""
        return intake.submit(data, me(), headers.get("idempotency_key"))


@blp.route("/cases/counts")
class CaseCounts(MethodView):
    @blp.requires("feedback:read")
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CountsSchema)
    @blp.errors(422)
    def get(self, args):
        """意见数量：按状态分列及超期数（与列表相同的范围和筛选）"""
        return services.counts(me(), args)


@blp.route("/my-cases")
class MyCases(MethodView):
    @blp.requires("feedback:own")
    @blp.response(200, CaseListItemSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self):
        """我反映的事项（最新在前）"""
        return services.my_cases(me())


@blp.route("/my-cases/<int:case_id>")
class MyCase(MethodView):
    @blp.requires("feedback:own")
    @blp.response(200, MyCaseSchema)
    @blp.errors(404)
    def get(self, case_id):
        """我反映的事项详情：进度、答复、能否评价"""
        return services.my_case(case_id, me())


@blp.route("/my-cases/<int:case_id>/rating")
class Rating(MethodView):
    @blp.requires("feedback:own")
    @blp.arguments(RatingSchema)
    @blp.response(200, MyCaseSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, case_id):
        """评价答复：满意 / 基本满意 / 不满意（不满意可申请重新办理一次）"""
        return services.rate(case_id, me(), data)


@blp.route("/my-cases/<int:case_id>/reopen")
class Reopen(MethodView):
    @blp.requires("feedback:own")
    @blp.arguments(ReasonSchema)
    @blp.response(200, MyCaseSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, case_id):
        """评价不满意后申请重新办理（仅一次）"""
        return services.reopen(case_id, me(), data["reason"])


# --- the inbox ---


@blp.route("/cases/<int:case_id>")
class CaseDetail(MethodView):
    @blp.requires("feedback:read")
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404)
    def get(self, case_id):
        """事项详情（姓名电话打码）与当前可做的操作"""
        return services.case_detail(access.visible_case(case_id, me()), me())


@blp.route("/cases/<int:case_id>/contact")
class Contact(MethodView):
    @blp.requires("feedback:contact")
    @blp.response(200, ContactSchema)
    @blp.errors(403, 404)
    @no_store
    def get(self, case_id):
        """群众联系方式明文（仅本站工作人员和承办单位；每次查看留痕）"""
        return services.contact(access.visible_case(case_id, me()), me())


@blp.route("/cases/<int:case_id>/timeline")
class Timeline(MethodView):
    @blp.requires("feedback:read")
    @blp.response(200, CaseHistorySchema(many=True))
    @blp.errors(404)
    def get(self, case_id):
        """办理记录：谁、何时、从何状态到何状态、原因"""
        return services.timeline(access.visible_case(case_id, me()))


@blp.route("/cases/<int:case_id>/comments")
class Comments(MethodView):
    @blp.requires("feedback:read")
    @blp.response(200, CommentSchema(many=True))
    @blp.errors(404)
    def get(self, case_id):
        """代表和工作人员的意见与建议"""
        return services.comments_of(access.visible_case(case_id, me()))

    @blp.requires("feedback:comment")
    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    @blp.errors(404, 409)
    def post(self, data, case_id):
        """发表意见或建议（代表不直接处理问题）"""
        return services.add_comment(case_id, me(), data["body"], data["kind"])


@blp.route("/cases/<int:case_id>/release")
class Release(MethodView):
    @blp.requires("feedback:handle")
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409)
    def post(self, case_id):
        """人工审核通过（命中敏感词或无法自动检测的事项）"""
        return _detail(services.release(case_id, me()))


@blp.route("/cases/<int:case_id>/accept")
class Accept(MethodView):
    @blp.requires("feedback:handle")
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409)
    def post(self, case_id):
        """受理"""
        return _detail(services.accept(case_id, me()))


@blp.route("/cases/<int:case_id>/reject")
class Reject(MethodView):
    @blp.requires("feedback:handle")
    @blp.arguments(ReasonSchema)
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409)
    def post(self, data, case_id):
        """不予受理（须说明原因，群众可见）"""
        return _detail(services.reject(case_id, me(), data["reason"]))


@blp.route("/cases/<int:case_id>/merge")
class Merge(MethodView):
    @blp.requires("feedback:handle")
    @blp.arguments(MergeSchema)
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, case_id):
        """合并到同一联络站的同类事项（一并答复）"""
        return _detail(services.merge(case_id, me(), data["into_id"]))


@blp.route("/cases/<int:case_id>/forward")
class Forward(MethodView):
    @blp.requires("feedback:handle")
    @blp.arguments(ForwardSchema)
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, case_id):
        """转办承办单位，按工作日计算答复期限"""
        return _detail(services.forward(case_id, me(), data["unit_id"], data.get("days")))


@blp.route("/cases/<int:case_id>/close")
class Close(MethodView):
    @blp.requires("feedback:handle")
    @blp.arguments(CloseSchema)
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, case_id):
        """办结：把答复告知群众"""
        return _detail(services.close(case_id, me(), data.get("reply")))


@blp.route("/cases/<int:case_id>/extensions")
class Extensions(MethodView):
    @blp.requires("feedback:read")
    @blp.response(200, ExtensionSchema(many=True))
    @blp.errors(404)
    def get(self, case_id):
        """延期申请记录"""
        return services.extensions_of(access.visible_case(case_id, me()))

    @blp.requires("feedback:unit")
    @blp.arguments(ExtensionCreateSchema)
    @blp.response(201, ExtensionSchema)
    @blp.errors(404, 409)
    def post(self, data, case_id):
        """承办单位申请延期（由联络站审批）"""
        return services.request_extension(case_id, me(), data["days"], data["reason"])


@blp.route("/extensions/<int:extension_id>/approve")
class ApproveExtension(MethodView):
    @blp.requires("feedback:handle")
    @blp.response(200, ExtensionSchema)
    @blp.errors(404, 409, 422)
    def post(self, extension_id):
        """批准延期：期限按工作日顺延"""
        return services.approve_extension(extension_id, me())


@blp.route("/extensions/<int:extension_id>/refuse")
class RefuseExtension(MethodView):
    @blp.requires("feedback:handle")
    @blp.arguments(RefuseSchema)
    @blp.response(200, ExtensionSchema)
    @blp.errors(404, 409)
    def post(self, data, extension_id):
        """不批准延期（须说明原因）"""
        return services.refuse_extension(extension_id, me(), data["reason"])


# --- the handling unit ---


@blp.route("/unit-queue")
class UnitQueue(MethodView):
    @blp.requires("feedback:unit")
    @blp.response(200, CaseListItemSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self):
        """本单位待答复的事项（期限最近、超期的在前）"""
        return services.unit_queue(me())


@blp.route("/cases/<int:case_id>/answer")
class Answer(MethodView):
    @blp.requires("feedback:unit")
    @blp.arguments(AnswerSchema)
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409)
    def post(self, data, case_id):
        """承办单位答复"""
        return _detail(services.answer(case_id, me(), data["answer"]))


@blp.route("/cases/<int:case_id>/return")
class Return(MethodView):
    @blp.requires("feedback:unit")
    @blp.arguments(ReasonSchema)
    @blp.response(200, CaseDetailSchema)
    @blp.errors(404, 409)
    def post(self, data, case_id):
        """退回：不属本单位职责（须说明原因）"""
        return _detail(services.return_case(case_id, me(), data["reason"]))


# --- the word list ---


@blp.route("/words")
class Words(MethodView):
    @blp.requires("feedback:words")
    @blp.response(200, WordSchema(many=True))
    def get(self):
        """敏感词表（命中的意见转人工审核）"""
        return services.words()

    @blp.requires("feedback:words")
    @blp.arguments(WordSchema)
    @blp.response(201, WordSchema)
    @blp.errors(409)
    def post(self, data):
        """添加敏感词"""
        return services.add_word(data["word"], me())


@blp.route("/words/<int:word_id>")
class Word(MethodView):
    @blp.requires("feedback:words")
    @blp.response(204)
    @blp.errors(404)
    def delete(self, word_id):
        """删除敏感词"""
        services.delete_word(word_id)


def _detail(case):
    """After a move: the case as the caller now sees it (a unit that returned it no longer does)."""
    return services.case_detail(case, me())


@blp.route("/cases/<int:case_id>/similar")
class SimilarCases(MethodView):
    @blp.requires("feedback:handle")
    @blp.response(200, SimilarCaseSchema(many=True))
    @blp.errors(403, 404)
    def get(self, case_id):
        """与本事项相似的本站未办结事项（可合并的重复反映，最像的在前）"""
        return services.similar_to(case_id, me())


# --- statistics (the office all; station staff their stations; a unit its own figures) ---


@blp.route("/stats")
class Stats(MethodView):
    @blp.requires("feedback:stats")
    @blp.arguments(StatsByQuerySchema, location="query")
    @blp.response(200, FeedbackStatsSchema)
    @blp.errors(422)
    def get(self, args):
        """办理统计：按联络站、类别或承办单位分组的事项数、答复用时中位数、按期答复率、满意度"""
        return stats.summary(me(), args)


@blp.route("/stats/ranking")
class StatsRanking(MethodView):
    @blp.requires("feedback:stats")
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, RankingSchema)
    @blp.errors(422)
    def get(self, args):
        """承办单位答复速度排名（样本不足的单位标出、不排名；承办单位只看到本单位所在名次）"""
        return stats.ranking(me(), args)


@blp.route("/stats/export")
class StatsExport(MethodView):
    @blp.requires("feedback:stats")
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, description="统计表 .xlsx：按联络站、类别、承办单位及排名", content_type=XLSX_TYPE)
    @blp.errors(422)
    def get(self, args):
        """导出办理统计（Excel）"""
        response = send_file(stats.export(me(), args), mimetype=XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = stats.export_disposition(args)
        return response
