"""Meetings and briefing papers: staff publish, target, version, revoke and follow up; deputies read view-only
pages carrying their own watermark."""
from flask import Response, send_file
from flask.views import MethodView

from api.briefings import reading, reports, services
from api.briefings.models import Meeting, Paper
from api.briefings.schemas import (
    CancelSchema,
    DownloadSchema,
    MeetingCreateSchema,
    MeetingQuerySchema,
    MeetingSchema,
    MeetingUpdateSchema,
    MyMeetingDetailSchema,
    MyMeetingSchema,
    MyPaperQuerySchema,
    MyPaperSchema,
    OpenedPaperSchema,
    PageLinksSchema,
    PaperCreateSchema,
    PaperQuerySchema,
    PaperRemindResultSchema,
    PaperSchema,
    PaperStatsSchema,
    PaperUpdateSchema,
    PaperVersionSchema,
    ReaderQuerySchema,
    ReaderSchema,
    RevokeSchema,
    VersionCreateSchema,
    ViewQuerySchema,
    ViewSchema,
)
from api.common.access import current_principal
from api.common.blueprint import Blueprint

blp = Blueprint("briefings", __name__, url_prefix="/api/v1/briefings", description="会议与会议资料、参阅资料、情况通报")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANAGE = "briefings:manage"
READ = "briefings:read_own"


# --- meetings (staff) ---


@blp.route("/meetings")
class Meetings(MethodView):
    @blp.requires(MANAGE)
    @blp.arguments(MeetingQuerySchema, location="query")
    @blp.response(200, MeetingSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """会议列表（工作人员）"""
        return services.list_meetings(args)

    @blp.requires(MANAGE)
    @blp.arguments(MeetingCreateSchema)
    @blp.response(201, MeetingSchema)
    @blp.errors(422)
    def post(self, data):
        """新建会议（草稿）"""
        return services.create_meeting(data, current_principal())


@blp.route("/meetings/<int:meeting_id>")
class MeetingDetail(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, MeetingSchema)
    @blp.errors(404)
    def get(self, meeting_id):
        """会议详情（工作人员）"""
        return Meeting.get_by_id(meeting_id)

    @blp.requires(MANAGE)
    @blp.arguments(MeetingUpdateSchema)
    @blp.response(200, MeetingSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, meeting_id):
        """修改会议（已发布的会议修改参会人员时，参会名单与资料受众随之更新）"""
        return services.update_meeting(Meeting.get_by_id(meeting_id), data, current_principal())

    @blp.requires(MANAGE)
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, meeting_id):
        """删除会议草稿"""
        services.delete_meeting(Meeting.get_by_id(meeting_id))


@blp.route("/meetings/<int:meeting_id>/publish")
class MeetingPublish(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, MeetingSchema)
    @blp.errors(404, 409, 422)
    def post(self, meeting_id):
        """发布会议（确定参会人员）"""
        return services.publish_meeting(Meeting.get_by_id(meeting_id), current_principal())


@blp.route("/meetings/<int:meeting_id>/cancel")
class MeetingCancel(MethodView):
    @blp.requires(MANAGE)
    @blp.arguments(CancelSchema)
    @blp.response(200, MeetingSchema)
    @blp.errors(404, 409)
    def post(self, data, meeting_id):
        """取消会议（其已发布资料一并撤销）"""
        return services.cancel_meeting(Meeting.get_by_id(meeting_id), data["reason"], current_principal())


# --- papers (staff) ---


@blp.route("/papers")
class Papers(MethodView):
    @blp.requires(MANAGE)
    @blp.arguments(PaperQuerySchema, location="query")
    @blp.response(200, PaperSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """资料列表（工作人员）"""
        return services.list_papers(args)

    @blp.requires(MANAGE)
    @blp.arguments(PaperCreateSchema)
    @blp.response(201, PaperSchema)
    @blp.errors(409, 422)
    def post(self, data):
        """新建资料（草稿；文件须为 PDF）"""
        return services.create_paper(data, current_principal())


@blp.route("/papers/<int:paper_id>")
class PaperDetail(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, PaperSchema)
    @blp.errors(404)
    def get(self, paper_id):
        """资料详情（工作人员）"""
        return Paper.get_by_id(paper_id)

    @blp.requires(MANAGE)
    @blp.arguments(PaperUpdateSchema)
    @blp.response(200, PaperSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, paper_id):
        """修改资料：标题、摘要、密级、受众、开放与关闭时间"""
        return services.update_paper(Paper.get_by_id(paper_id), data, current_principal())

    @blp.requires(MANAGE)
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, paper_id):
        """删除资料草稿"""
        services.delete_paper(Paper.get_by_id(paper_id))


@blp.route("/papers/<int:paper_id>/versions")
class PaperVersions(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, PaperVersionSchema(many=True))
    @blp.errors(404)
    def get(self, paper_id):
        """历史版本（最新在前）"""
        return services.versions(Paper.get_by_id(paper_id))

    @blp.requires(MANAGE)
    @blp.arguments(VersionCreateSchema)
    @blp.response(201, PaperSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, paper_id):
        """上传新版本（旧的页面链接立即失效，读者看到已更新）"""
        return services.add_version(Paper.get_by_id(paper_id), data, current_principal())


@blp.route("/papers/<int:paper_id>/publish")
class PaperPublish(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, PaperSchema)
    @blp.errors(404, 409, 422)
    def post(self, paper_id):
        """发布资料（确定可阅代表并推送）"""
        return services.publish_paper(Paper.get_by_id(paper_id), current_principal())


@blp.route("/papers/<int:paper_id>/revoke")
class PaperRevoke(MethodView):
    @blp.requires(MANAGE)
    @blp.arguments(RevokeSchema)
    @blp.response(200, PaperSchema)
    @blp.errors(404, 409)
    def post(self, data, paper_id):
        """撤销资料：立即从列表与检索中消失，所有页面链接立即失效"""
        return services.revoke_paper(Paper.get_by_id(paper_id), data["reason"], current_principal())


@blp.route("/papers/<int:paper_id>/pages")
class PaperPreview(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, PageLinksSchema)
    @blp.errors(404)
    def get(self, paper_id):
        """预览页面（带本人水印的短时链接）"""
        return reading.page_links(paper_id, current_principal())


@blp.route("/papers/<int:paper_id>/stats")
class PaperStats(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, PaperStatsSchema)
    @blp.errors(404, 409)
    def get(self, paper_id):
        """阅读统计"""
        return reports.stats(Paper.get_by_id(paper_id))


@blp.route("/papers/<int:paper_id>/readers")
class PaperReaders(MethodView):
    @blp.requires(MANAGE)
    @blp.arguments(ReaderQuerySchema, location="query")
    @blp.response(200, ReaderSchema(many=True))
    @blp.paginate_query()
    @blp.errors(404, 409)
    def get(self, args, paper_id):
        """阅读情况：已阅/未阅代表"""
        return reports.readers(Paper.get_by_id(paper_id), args)


@blp.route("/papers/<int:paper_id>/remind")
class PaperRemind(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, PaperRemindResultSchema)
    @blp.errors(404, 409, 429)
    def post(self, paper_id):
        """提醒未阅代表（每小时最多一次）"""
        return reports.remind_unread(Paper.get_by_id(paper_id))


@blp.route("/papers/<int:paper_id>/export")
class PaperExport(MethodView):
    @blp.requires(MANAGE)
    @blp.response(200, description="xlsx 文件", content_type=XLSX)
    @blp.errors(404, 409)
    def get(self, paper_id):
        """导出阅读情况（Excel）"""
        paper = Paper.get_by_id(paper_id)
        return send_file(reports.export(paper), mimetype=XLSX, as_attachment=True,
                         download_name=f"资料{paper.id}-阅读情况.xlsx")


@blp.route("/papers/<int:paper_id>/views")
class PaperViews(MethodView):
    @blp.requires(MANAGE)
    @blp.arguments(ViewQuerySchema, location="query")
    @blp.response(200, ViewSchema(many=True))
    @blp.paginate_query()
    @blp.errors(404)
    def get(self, args, paper_id):
        """查看记录：谁、何时、看了哪一页"""
        return reports.views(Paper.get_by_id(paper_id), args)


# --- the deputy's side ---


@blp.route("/my/meetings")
class MyMeetings(MethodView):
    @blp.requires(READ)
    @blp.response(200, MyMeetingSchema(many=True))
    @blp.paginate_query()
    def get(self):
        """我的会议"""
        return reading.my_meetings(current_principal())


@blp.route("/my/meetings/<int:meeting_id>")
class MyMeeting(MethodView):
    @blp.requires(READ)
    @blp.response(200, MyMeetingDetailSchema)
    @blp.errors(404)
    def get(self, meeting_id):
        """会议详情与我可阅的资料"""
        return reading.my_meeting(meeting_id, current_principal())


@blp.route("/my/papers")
class MyPapers(MethodView):
    @blp.requires(READ)
    @blp.arguments(MyPaperQuerySchema, location="query")
    @blp.response(200, MyPaperSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """我可阅的资料（最新在前）"""
        return reading.my_papers(current_principal(), args)


@blp.route("/my/papers/<int:paper_id>")
class MyPaper(MethodView):
    @blp.requires(READ)
    @blp.response(200, OpenedPaperSchema)
    @blp.errors(404)
    def get(self, paper_id):
        """打开资料（记为已阅）"""
        return reading.open_paper(paper_id, current_principal())


@blp.route("/my/papers/<int:paper_id>/pages")
class MyPaperPages(MethodView):
    @blp.requires(READ)
    @blp.response(200, PageLinksSchema)
    @blp.errors(404)
    def get(self, paper_id):
        """各页图片的短时链接（带本人水印）"""
        return reading.page_links(paper_id, current_principal())


@blp.route("/my/papers/<int:paper_id>/download")
class MyPaperDownload(MethodView):
    @blp.requires(READ)
    @blp.response(200, DownloadSchema)
    @blp.errors(403, 404)
    def get(self, paper_id):
        """下载链接（仅公开资料；内部与机密资料只能在线查看）"""
        return reading.download(paper_id, current_principal())


@blp.route("/pages/<token>")
class PageImage(MethodView):
    @blp.response(200, description="带水印的页面图片", content_type="image/png")
    @blp.errors(404, 410)
    def get(self, token):
        """凭短时签名链接取页面图片（撤销或过期即失效）"""
        response = Response(reading.page_image(token), mimetype="image/png")
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
