"""Suggestions: drafting and the self-check, co-signing, review and assignment, rating, supervision."""
from flask.views import MethodView

from api.suggestions import access, related, resources_units, services  # noqa: F401 - routes; the related selector
from api.suggestions.blueprint import PAGINATION_HEADER, blp, me
from api.suggestions.schemas import (
    AssignSchema,
    CandidateQuerySchema,
    CandidateSchema,
    CosignSchema,
    DraftingInfoSchema,
    DraftSchema,
    DraftUpdateSchema,
    HistorySchema,
    ProgressCreateSchema,
    ProgressSchema,
    SgCheckResultSchema,
    SgCheckSchema,
    SgConsentSchema,
    SgDigestSchema,
    SgMergeSchema,
    SgRatingSchema,
    SgRejectSchema,
    SubmitSchema,
    SuggestionDetailSchema,
    SuggestionItemSchema,
    SuggestionQuerySchema,
    SuperviseSchema,
    UnitSuggestionSchema,
)

__all__ = ["blp"]


def _detail(suggestion):
    return services.detail(suggestion, me())


@blp.route("")
class Suggestions(MethodView):
    @blp.requires("suggestions:read")
    @blp.arguments(SuggestionQuerySchema, location="query")
    @blp.response(200, SuggestionItemSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """建议列表（含两摘两推）：工作人员看全部，代表看本人领衔及被邀附议的，承办单位看交给本单位的"""
        return services.list_suggestions(me(), args)

    @blp.requires("suggestions:draft")
    @blp.arguments(DraftSchema)
    @blp.response(201, SuggestionDetailSchema)
    @blp.errors(422)
    def post(self, data):
        """新建建议草稿（标题、问题/原因/建议、类别、附件、附议代表）"""
        return _detail(services.create_draft(me(), data))


@blp.route("/self-check")
class SelfCheck(MethodView):
    @blp.requires("suggestions:draft")
    @blp.arguments(SgCheckSchema)
    @blp.response(200, SgCheckResultSchema)
    @blp.errors(422)
    def post(self, data):
        """自检自测（不保存）：每条规则是否通过及理由，相近建议及其答复"""
        return services.check_text(me(), data)


@blp.route("/drafting-info")
class DraftingInfo(MethodView):
    @blp.requires("suggestions:draft")
    @blp.response(200, DraftingInfoSchema)
    def get(self):
        """撰写须知：类别、提出时段（大会期间 / 闭会期间）"""
        return services.drafting_info()


@blp.route("/cosigner-candidates")
class CosignerCandidates(MethodView):
    @blp.requires("suggestions:draft")
    @blp.arguments(CandidateQuerySchema, location="query")
    @blp.response(200, CandidateSchema(many=True))
    @blp.errors(422)
    def get(self, args):
        """可邀请附议的代表（本级人大在任代表，按姓名查找，最多 20 位）"""
        return services.cosigner_candidates(me(), args.get("q"))


@blp.route("/<int:suggestion_id>")
class SuggestionDetail(MethodView):
    @blp.requires("suggestions:read")
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404)
    def get(self, suggestion_id):
        """建议详情：内容、附议、交办单位与答复、承诺、当前可做的操作"""
        return _detail(access.visible(suggestion_id, me()))

    @blp.requires("suggestions:draft")
    @blp.arguments(DraftUpdateSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, suggestion_id):
        """修改草稿"""
        return _detail(services.update_draft(suggestion_id, me(), data))

    @blp.requires("suggestions:draft")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, suggestion_id):
        """删除草稿"""
        services.delete_draft(suggestion_id, me())


@blp.route("/<int:suggestion_id>/self-check")
class DraftCheck(MethodView):
    @blp.requires("suggestions:draft")
    @blp.response(200, SgCheckResultSchema)
    @blp.errors(404)
    def get(self, suggestion_id):
        """草稿的自检结果"""
        return services.self_check(suggestion_id, me())


@blp.route("/<int:suggestion_id>/submit")
class Submit(MethodView):
    @blp.requires("suggestions:draft")
    @blp.arguments(SubmitSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, suggestion_id):
        """提交建议（须通过自检；有提示时须确认）"""
        return _detail(services.submit(suggestion_id, me(), data["confirm_warnings"]))


@blp.route("/<int:suggestion_id>/cosign")
class Cosign(MethodView):
    @blp.requires("suggestions:draft")
    @blp.arguments(CosignSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, suggestion_id):
        """被邀请的代表确认附议或谢绝"""
        return _detail(services.cosign(suggestion_id, me(), data["accept"]))


@blp.route("/<int:suggestion_id>/timeline")
class Timeline(MethodView):
    @blp.requires("suggestions:read")
    @blp.response(200, HistorySchema(many=True))
    @blp.errors(404)
    def get(self, suggestion_id):
        """办理进度：每一步的状态、时间和原因"""
        return services.timeline(access.visible(suggestion_id, me()))


@blp.route("/<int:suggestion_id>/accept")
class Accept(MethodView):
    @blp.requires("suggestions:handle")
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409)
    def post(self, suggestion_id):
        """审查：立案"""
        return _detail(services.accept(suggestion_id, me()))


@blp.route("/<int:suggestion_id>/reject")
class Reject(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(SgRejectSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, suggestion_id):
        """审查：不作为建议处理，写明理由和转交何处"""
        return _detail(services.reject(suggestion_id, me(), data["reason"], data["passed_to"]))


@blp.route("/<int:suggestion_id>/merge")
class Merge(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(SgMergeSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, suggestion_id):
        """审查：并案到另一件建议"""
        return _detail(services.merge(suggestion_id, me(), data["into_id"]))


@blp.route("/<int:suggestion_id>/digest")
class Digest(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(SgDigestSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, suggestion_id):
        """修改两摘两推：摘要、要点、推荐主办单位"""
        return _detail(services.update_digest(suggestion_id, me(), data))


@blp.route("/<int:suggestion_id>/unit-suggestions")
class UnitSuggestions(MethodView):
    @blp.requires("suggestions:handle")
    @blp.response(200, UnitSuggestionSchema(many=True))
    @blp.errors(404)
    def get(self, suggestion_id):
        """推荐承办单位及理由（按类别和相近建议的办理单位）"""
        return services.assignment_suggestion(suggestion_id, me())


@blp.route("/<int:suggestion_id>/assign")
class Assign(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(AssignSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, suggestion_id):
        """交办：主办加协办，或分办；答复期限按工作日计算"""
        return _detail(services.assign(suggestion_id, me(), data))


@blp.route("/<int:suggestion_id>/rehandle")
class Rehandle(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(AssignSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, suggestion_id):
        """不满意件重新交办（仅一次，可交原单位或其他单位）"""
        return _detail(services.assign(suggestion_id, me(), data, rehandle=True))


@blp.route("/<int:suggestion_id>/rating")
class Rating(MethodView):
    @blp.requires("suggestions:draft")
    @blp.arguments(SgRatingSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, suggestion_id):
        """领衔代表评价答复：满意 / 基本满意 / 不满意"""
        return _detail(services.rate(suggestion_id, me(), data["rating"], data.get("comment")))


@blp.route("/<int:suggestion_id>/consent")
class Consent(MethodView):
    @blp.requires("suggestions:draft")
    @blp.arguments(SgConsentSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, suggestion_id):
        """领衔代表同意或不同意公开答复（留痕；撤回同意即撤下已公开的答复）"""
        return _detail(services.set_consent(suggestion_id, me(), data["consent"]))


@blp.route("/<int:suggestion_id>/supervision")
class Supervision(MethodView):
    @blp.requires("suggestions:handle")
    @blp.arguments(SuperviseSchema)
    @blp.response(200, SuggestionDetailSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, suggestion_id):
        """列为（或取消）重点督办，指定督办领导"""
        return _detail(services.supervise(suggestion_id, me(), data["key"], data.get("supervisor")))


@blp.route("/<int:suggestion_id>/progress")
class Progress(MethodView):
    @blp.requires("suggestions:read")
    @blp.response(200, ProgressSchema(many=True))
    @blp.errors(404)
    def get(self, suggestion_id):
        """重点督办的进展报告"""
        return services.progress_of(suggestion_id, me())

    @blp.requires("suggestions:progress")
    @blp.arguments(ProgressCreateSchema)
    @blp.response(201, ProgressSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, suggestion_id):
        """填报督办进展（工作人员或承办单位）"""
        return services.add_progress(suggestion_id, me(), data["body"])
