"""Suggestions, the units' side: the queue, handling an assignment, requests, the ledger, published answers,
and the statistics."""
from flask import send_file
from flask.views import MethodView

from api.common.spreadsheets import XLSX_TYPE
from api.suggestions import access, handling, ledger, stats
from api.suggestions.blueprint import PAGINATION_HEADER, blp, me
from api.suggestions.schemas import (
    AssignmentDetailSchema,
    AssignmentSchema,
    CommitmentSchema,
    ContactCreateSchema,
    DecisionSchema,
    LedgerItemSchema,
    LedgerQuerySchema,
    PublicAnswerSchema,
    PublicQuerySchema,
    QueueCountsSchema,
    QueueItemSchema,
    QueueQuerySchema,
    RequestCreateSchema,
    RequestSchema,
    SgAnswerSchema,
    SgContactSchema,
    SgGroupFiguresSchema,
    SgOpinionSchema,
    SgRankingSchema,
    SgReasonSchema,
    SgReportSchema,
    StatsQuerySchema,
    UnitFiguresSchema,
)


@blp.route("/assignments")
class Queue(MethodView):
    @blp.requires("suggestions:queue")
    @blp.arguments(QueueQuerySchema, location="query")
    @blp.response(200, QueueItemSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """承办单位待办：本单位的交办件，期限最近（超期）的在前；工作人员看全部"""
        return handling.queue(me(), args)


@blp.route("/assignments/counts")
class QueueCounts(MethodView):
    @blp.requires("suggestions:queue")
    @blp.response(200, QueueCountsSchema)
    def get(self):
        """待办数与超期数"""
        return handling.queue_counts(me())


@blp.route("/assignments/<int:assignment_id>")
class AssignmentDetail(MethodView):
    @blp.requires("suggestions:read")
    @blp.response(200, AssignmentDetailSchema)
    @blp.errors(404)
    def get(self, assignment_id):
        """交办件详情：建议、协办意见（主办单位可见）、沟通记录、申请、承诺"""
        return handling.assignment_detail(access.visible_assignment(assignment_id, me()), me())


@blp.route("/assignments/<int:assignment_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.requires("suggestions:unit")
    @blp.response(200, AssignmentSchema)
    @blp.errors(404, 409)
    def post(self, assignment_id):
        """签收交办件"""
        return handling.acknowledge(assignment_id, me())


@blp.route("/assignments/<int:assignment_id>/contacts")
class Contacts(MethodView):
    @blp.requires("suggestions:read")
    @blp.response(200, SgContactSchema(many=True))
    @blp.errors(404)
    def get(self, assignment_id):
        """与代表的沟通记录（办前、办中、办后）"""
        return handling.contacts_of(assignment_id, me())

    @blp.requires("suggestions:unit")
    @blp.arguments(ContactCreateSchema)
    @blp.response(201, SgContactSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, assignment_id):
        """记录与代表的沟通：阶段、时间、沟通人、方式、内容"""
        return handling.add_contact(assignment_id, me(), data)


@blp.route("/assignments/<int:assignment_id>/opinion")
class Opinion(MethodView):
    @blp.requires("suggestions:unit")
    @blp.arguments(SgOpinionSchema)
    @blp.response(200, AssignmentSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, assignment_id):
        """协办单位向主办单位提出协办意见"""
        return handling.give_opinion(assignment_id, me(), data["text"])


@blp.route("/assignments/<int:assignment_id>/answer")
class Answer(MethodView):
    @blp.requires("suggestions:unit")
    @blp.arguments(SgAnswerSchema)
    @blp.response(200, AssignmentSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, assignment_id):
        """答复：A / B / C 类及答复内容；B 类列明承诺事项（做什么、何时完成、谁负责）"""
        return handling.answer(assignment_id, me(), data)


@blp.route("/assignments/<int:assignment_id>/requests")
class Requests(MethodView):
    @blp.requires("suggestions:unit")
    @blp.arguments(RequestCreateSchema)
    @blp.response(201, RequestSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, assignment_id):
        """申请延期或调整承办单位"""
        return handling.request(assignment_id, me(), data)


@blp.route("/assignments/<int:assignment_id>/publish")
class Publish(MethodView):
    @blp.requires("suggestions:unit")
    @blp.response(200, AssignmentSchema)
    @blp.errors(404, 409)
    def post(self, assignment_id):
        """公开答复（须领衔代表同意）"""
        return handling.publish(assignment_id, me())


@blp.route("/requests")
class PendingRequests(MethodView):
    @blp.requires("suggestions:handle")
    @blp.response(200, RequestSchema(many=True))
    def get(self):
        """待审批的延期和调整申请"""
        return handling.pending_requests(me())


@blp.route("/requests/<int:request_id>/decision")
class Decision(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(DecisionSchema)
    @blp.response(200, RequestSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, request_id):
        """审批申请：批准延期（顺延工作日）或调整承办单位（须指定新单位），或不批准"""
        return handling.decide(request_id, me(), data)


@blp.route("/commitments")
class Ledger(MethodView):
    @blp.requires("suggestions:read")
    @blp.arguments(LedgerQuerySchema, location="query")
    @blp.response(200, LedgerItemSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """答复承诺台账：工作人员看全部，承办单位看本单位，代表看本人领衔建议的"""
        return ledger.ledger(me(), args)


@blp.route("/commitments/<int:commitment_id>/report")
class Report(MethodView):
    @blp.requires("suggestions:unit")
    @blp.arguments(SgReportSchema)
    @blp.response(200, CommitmentSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, commitment_id):
        """承办单位报告承诺已落实，附佐证"""
        return ledger.report(commitment_id, me(), data["evidence"], data.get("file_id"))


@blp.route("/commitments/<int:commitment_id>/verify")
class Verify(MethodView):
    @blp.requires("suggestions:handle")
    @blp.response(200, CommitmentSchema)
    @blp.errors(404, 409)
    def post(self, commitment_id):
        """工作人员核实承诺已落实（销号）"""
        return ledger.verify(commitment_id, me())


@blp.route("/commitments/<int:commitment_id>/send-back")
class SendBack(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(SgReasonSchema)
    @blp.response(200, CommitmentSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, commitment_id):
        """核实未通过，退回承办单位继续落实"""
        return ledger.send_back(commitment_id, me(), data["reason"])


@blp.route("/public")
class PublicAnswers(MethodView):
    @blp.requires("suggestions:public")
    @blp.arguments(PublicQuerySchema, location="query")
    @blp.response(200, PublicAnswerSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """已公开的答复（代表同意公开的），可按关键词搜索"""
        return handling.public_answers(args)


@blp.route("/stats/units")
class UnitStats(MethodView):
    @blp.requires("suggestions:stats")
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, UnitFiguresSchema(many=True))
    @blp.errors(422)
    def get(self, args):
        """按承办单位统计：交办、按期答复、A/B/C 占比、满意率、承诺按期落实（承办单位只看本单位）"""
        return stats.by_unit(me(), args)


@blp.route("/stats/ranking")
class Ranking(MethodView):
    @blp.requires("suggestions:stats")
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, SgRankingSchema)
    @blp.errors(422)
    def get(self, args):
        """承办单位排名（★）；承办单位只看本单位的名次"""
        return stats.ranking(me(), args)


@blp.route("/stats/delegations")
class DelegationStats(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, SgGroupFiguresSchema(many=True))
    @blp.errors(422)
    def get(self, args):
        """按代表团统计"""
        return stats.by_delegation(me(), args)


@blp.route("/stats/deputies")
class DeputyStats(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, SgGroupFiguresSchema(many=True))
    @blp.errors(422)
    def get(self, args):
        """按代表统计"""
        return stats.by_deputy(me(), args)


@blp.route("/stats/export")
class StatsExport(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(StatsQuerySchema, location="query")
    @blp.response(200, description="统计表 .xlsx：按承办单位、代表团、代表及排名", content_type=XLSX_TYPE)
    @blp.errors(422)
    def get(self, args):
        """导出建议办理统计（Excel）"""
        response = send_file(stats.export(me(), args), mimetype=XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = "attachment; filename=\"suggestion-stats.xlsx\""
        return response
