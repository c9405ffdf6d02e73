"""Draft-law consultations: staff import, publish and study drafts; deputies comment article by article."""
from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.consultations import audience, exports, opinions, services, study
from api.consultations.models import Consultation
from api.consultations.schemas import (
    ConsultationCreateSchema,
    ConsultationDetailSchema,
    ConsultationQuerySchema,
    ConsultationSchema,
    ConsultationUpdateSchema,
    DraftAudienceCountSchema,
    DraftAudiencePreviewSchema,
    DraftDiffQuerySchema,
    DraftDiffSchema,
    DraftFeedDetailSchema,
    DraftFeedItemSchema,
    DraftFeedQuerySchema,
    DraftMergeSchema,
    DraftNoFormFieldsSchema,
    DraftOutcomeSchema,
    DraftParsedSchema,
    DraftPublishResultSchema,
    DraftSimilarOpinionSchema,
    DraftStructureSchema,
    DraftUnitCountSchema,
    DraftVersionCreateSchema,
    DraftVersionSchema,
    MyOpinionQuerySchema,
    MyOpinionSchema,
    OpinionCreateSchema,
    OpinionQuerySchema,
    OpinionSchema,
    OpinionUpdateSchema,
    ParseDocxSchema,
    ParseTextSchema,
    stored_audience,
)

blp = Blueprint("consultations", __name__, url_prefix="/api/v1/consultations",
                description="法律法规草案征求代表意见：逐条意见、联名意见、研究结果反馈")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _get(consultation_id):
    return services.get(consultation_id)


# --- staff: drafts ---


@blp.route("")
class Consultations(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(ConsultationQuerySchema, location="query")
    @blp.response(200, ConsultationSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """征求意见列表（工作人员）"""
        return services.list_consultations(args)

    @blp.requires("consultations:manage")
    @blp.arguments(ConsultationCreateSchema)
    @blp.response(201, ConsultationDetailSchema)
    @blp.errors(422)
    def post(self, data):
        """新建征求意见草稿（可附草案全文，按编章节条自动识别）"""
        return services.create(data, current_principal())


@blp.route("/parse")
class ParseText(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(ParseTextSchema)
    @blp.response(200, DraftParsedSchema)
    @blp.errors(422)
    def post(self, data):
        """预览识别结果：纯文本草案的编、章、节、条、款（发布前可修正）"""
        return services.parse(text=data["text"])


@blp.route("/parse-docx")
class ParseDocx(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(DraftNoFormFieldsSchema, location="form")
    @blp.arguments(ParseDocxSchema, location="files")
    @blp.response(200, DraftParsedSchema)
    @blp.errors(413, 422)
    def post(self, _form, data):
        """预览识别结果：Word（.docx）草案"""
        return services.parse(docx=data["file"].read())


@blp.route("/audience-preview")
class AudiencePreview(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(DraftAudiencePreviewSchema)
    @blp.response(200, DraftAudienceCountSchema)
    @blp.errors(422)
    def post(self, data):
        """预览受众人数"""
        return audience.preview(Consultation(id=0, title="", audience=stored_audience(data["audience"])))


@blp.route("/<int:consultation_id>")
class ConsultationDetail(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, ConsultationDetailSchema)
    @blp.errors(404)
    def get(self, consultation_id):
        """征求意见详情（当前版本的条文）"""
        return services.detail(_get(consultation_id))

    @blp.requires("consultations:manage")
    @blp.arguments(ConsultationUpdateSchema)
    @blp.response(200, ConsultationDetailSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, consultation_id):
        """修改（发布后只能改标题、起草说明和截止时间）"""
        return services.update(_get(consultation_id), data, current_principal())

    @blp.requires("consultations:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, consultation_id):
        """删除草稿"""
        services.delete(_get(consultation_id))


@blp.route("/<int:consultation_id>/structure")
class Structure(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(DraftStructureSchema)
    @blp.response(200, ConsultationDetailSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, consultation_id):
        """以核对后的结构替换草案条文（仅草稿）"""
        return services.replace_structure(_get(consultation_id), data, current_principal())


@blp.route("/<int:consultation_id>/publish")
class Publish(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, ConsultationDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, consultation_id):
        """发布征求意见（推送给受众代表）"""
        return services.publish(_get(consultation_id), current_principal())


@blp.route("/<int:consultation_id>/close")
class Close(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, ConsultationDetailSchema)
    @blp.errors(404, 409)
    def post(self, consultation_id):
        """提前截止"""
        return services.close(_get(consultation_id), current_principal())


@blp.route("/<int:consultation_id>/versions")
class Versions(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, DraftVersionSchema(many=True))
    @blp.errors(404)
    def get(self, consultation_id):
        """版本列表（最新在前）"""
        return services.versions(_get(consultation_id))

    @blp.requires("consultations:manage")
    @blp.arguments(DraftVersionCreateSchema)
    @blp.response(201, ConsultationDetailSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, consultation_id):
        """发布新版本草案（逐条对比见 diff）"""
        return services.new_version(_get(consultation_id), data, current_principal())


@blp.route("/<int:consultation_id>/diff")
class Diff(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(DraftDiffQuerySchema, location="query")
    @blp.response(200, DraftDiffSchema)
    @blp.errors(404, 422)
    def get(self, args, consultation_id):
        """两个版本逐条对比：新增、删除、修改（逐词）、条序变动"""
        consultation = _get(consultation_id)
        services.version_of(consultation, args["base"])
        services.version_of(consultation, args["target"])
        return services.compare(consultation, args["base"], args["target"])


# --- staff: studying the opinions ---


@blp.route("/<int:consultation_id>/units")
class Units(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, DraftUnitCountSchema(many=True))
    @blp.errors(404)
    def get(self, consultation_id):
        """逐条意见数（含对草案整体的意见），按状态分列"""
        return study.per_unit(_get(consultation_id))


@blp.route("/<int:consultation_id>/opinions")
class Opinions(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(OpinionQuerySchema, location="query")
    @blp.response(200, OpinionSchema(many=True))
    @blp.paginate()
    @blp.errors(404)
    def get(self, args, consultation_id, pagination_parameters):
        """意见列表（可按条文、状态筛选；含提出人和联名代表）"""
        items, total = study.opinion_page(_get(consultation_id), args, pagination_parameters.page,
                                          pagination_parameters.page_size)
        pagination_parameters.item_count = total
        return items


@blp.route("/opinions/<int:opinion_id>")
class OpinionDetail(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, OpinionSchema)
    @blp.errors(404)
    def get(self, opinion_id):
        """意见详情（工作人员）"""
        return study.get_opinion(opinion_id)


@blp.route("/opinions/<int:opinion_id>/outcome")
class Outcome(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(DraftOutcomeSchema)
    @blp.response(200, OpinionSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, opinion_id):
        """标注研究结果：采纳 / 部分采纳 / 未采纳 / 供参考，并说明理由（截止后）"""
        return study.mark(opinion_id, data["outcome"], data["reason"], current_principal())


@blp.route("/opinions/<int:opinion_id>/merge")
class Merge(MethodView):
    @blp.requires("consultations:manage")
    @blp.arguments(DraftMergeSchema)
    @blp.response(200, OpinionSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, opinion_id):
        """合并相同意见（提出人将看到所并入意见的研究结果）"""
        return study.merge(opinion_id, data["into"], current_principal())


@blp.route("/opinions/<int:opinion_id>/unmerge")
class Unmerge(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, OpinionSchema)
    @blp.errors(404, 409)
    def post(self, opinion_id):
        """取消合并"""
        return study.unmerge(opinion_id, current_principal())


@blp.route("/opinions/<int:opinion_id>/similar")
class Similar(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, DraftSimilarOpinionSchema(many=True))
    @blp.errors(404)
    def get(self, opinion_id):
        """内容相近的意见（供合并）"""
        return study.similar(opinion_id)


@blp.route("/<int:consultation_id>/publish-outcomes")
class PublishOutcomes(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, DraftPublishResultSchema)
    @blp.errors(404, 409)
    def post(self, consultation_id):
        """公布研究结果，并逐一推送告知每位代表其意见的研究结果"""
        return study.publish_outcomes(_get(consultation_id), current_principal())


@blp.route("/<int:consultation_id>/export")
class Export(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, description="xlsx 文件", content_type=XLSX)
    @blp.errors(404)
    def get(self, consultation_id):
        """导出意见汇总（Excel）"""
        consultation = _get(consultation_id)
        return send_file(exports.opinions_xlsx(consultation), mimetype=XLSX, as_attachment=True,
                         download_name=f"征求意见{consultation.id}-意见汇总.xlsx")


@blp.route("/<int:consultation_id>/report")
class Report(MethodView):
    @blp.requires("consultations:manage")
    @blp.response(200, description="docx 文件", content_type=DOCX)
    @blp.errors(404)
    def get(self, consultation_id):
        """导出逐条意见及研究结果报告（Word，供法制工作委员会）"""
        consultation = _get(consultation_id)
        return send_file(exports.report_docx(consultation), mimetype=DOCX, as_attachment=True,
                         download_name=f"征求意见{consultation.id}-逐条意见报告.docx")


# --- deputies ---


@blp.route("/feed")
class Feed(MethodView):
    @blp.requires("consultations:comment")
    @blp.arguments(DraftFeedQuerySchema(), location="query")
    @blp.response(200, DraftFeedItemSchema(many=True))
    def get(self, args):
        """向我征求意见的草案（可提交的在前）"""
        return opinions.feed(current_principal(), args.get("accepting"))


@blp.route("/feed/<int:consultation_id>")
class FeedDetail(MethodView):
    @blp.requires("consultations:comment")
    @blp.response(200, DraftFeedDetailSchema)
    @blp.errors(403, 404)
    def get(self, consultation_id):
        """逐条阅读草案，含起草说明、我的意见和我所在小组的联名意见"""
        return opinions.open_draft(consultation_id, current_principal())


@blp.route("/feed/<int:consultation_id>/opinions")
class FeedOpinions(MethodView):
    @blp.requires("consultations:comment")
    @blp.arguments(OpinionCreateSchema)
    @blp.response(201, MyOpinionSchema)
    @blp.errors(403, 404, 409, 422)
    def post(self, data, consultation_id):
        """提交意见：针对某条、某款或草案整体；可以代表小组名义联名"""
        return opinions.submit(consultation_id, data, current_principal())


@blp.route("/feed/<int:consultation_id>/diff")
class FeedDiff(MethodView):
    @blp.requires("consultations:comment")
    @blp.arguments(DraftDiffQuerySchema, location="query")
    @blp.response(200, DraftDiffSchema)
    @blp.errors(403, 404, 422)
    def get(self, args, consultation_id):
        """版本对比"""
        return opinions.compare_for_me(consultation_id, args["base"], args["target"], current_principal())


@blp.route("/mine")
class Mine(MethodView):
    @blp.requires("consultations:comment")
    @blp.arguments(MyOpinionQuerySchema, location="query")
    @blp.response(200, MyOpinionSchema(many=True))
    def get(self, args):
        """我的意见及研究结果（公布后可见）"""
        return opinions.my_opinions(current_principal(), args.get("consultation_id"))


@blp.route("/mine/<int:opinion_id>")
class MineDetail(MethodView):
    @blp.requires("consultations:comment")
    @blp.arguments(OpinionUpdateSchema)
    @blp.response(200, MyOpinionSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, opinion_id):
        """修改我的意见（截止前）"""
        return opinions.edit(opinion_id, data, current_principal())


@blp.route("/mine/<int:opinion_id>/withdraw")
class Withdraw(MethodView):
    @blp.requires("consultations:comment")
    @blp.response(200, MyOpinionSchema)
    @blp.errors(404, 409)
    def post(self, opinion_id):
        """撤回我的意见（截止前）"""
        return opinions.withdraw(opinion_id, current_principal())


@blp.route("/opinions/<int:opinion_id>/sign")
class Sign(MethodView):
    @blp.requires("consultations:comment")
    @blp.response(200, MyOpinionSchema)
    @blp.errors(404, 409)
    def post(self, opinion_id):
        """加入联名（本代表小组的联名意见，截止前）"""
        return opinions.sign(opinion_id, current_principal())
