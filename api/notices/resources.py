"""Notices to deputies: staff write, target, publish and follow up; deputies read and reply."""
from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.deputies import audience
from api.notices import feed, letters, services
from api.notices.models import Notice
from api.notices.schemas import (
    AudienceCountSchema,
    AudiencePreviewSchema,
    FeedDetailSchema,
    FeedItemSchema,
    FeedQuerySchema,
    LetterPreviewQuerySchema,
    LetterPreviewSchema,
    MergeDataSchema,
    MergeSummarySchema,
    MyReplySchema,
    NoticeCreateSchema,
    NoticeListItemSchema,
    NoticeQuerySchema,
    NoticeSchema,
    NoticeUpdateSchema,
    RecipientQuerySchema,
    RecipientSchema,
    RemindResultSchema,
    ReplySchema,
    ScheduleSchema,
    StatsSchema,
    TimelineEntrySchema,
    UnreadCountSchema,
    VersionSchema,
    WithdrawSchema,
    stored_audience,
)

blp = Blueprint("notices", __name__, url_prefix="/api/v1/notices", description="通知公告、回执与一人一函")

# The header component every paginated list documents (registered by flask-smorest).
PAGINATION_HEADER = {"X-Pagination": "PAGINATION"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- staff ---


@blp.route("")
class Notices(MethodView):
    @blp.requires("notices:manage")
    @blp.arguments(NoticeQuerySchema, location="query")
    @blp.response(200, NoticeListItemSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """通知列表（工作人员）"""
        return services.list_notices(args)

    @blp.requires("notices:manage")
    @blp.arguments(NoticeCreateSchema)
    @blp.response(201, NoticeSchema)
    def post(self, data):
        """新建通知草稿"""
        return services.create_notice(data, current_principal())


@blp.route("/audience-preview")
class AudiencePreview(MethodView):
    @blp.requires("notices:manage")
    @blp.arguments(AudiencePreviewSchema)
    @blp.response(200, AudienceCountSchema)
    def post(self, data):
        """预览受众：将送达的在任代表人数和前 20 位"""
        return audience.preview(stored_audience(data["audience"]))


@blp.route("/<int:notice_id>")
class NoticeDetail(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, NoticeSchema)
    @blp.errors(404)
    def get(self, notice_id):
        """通知详情（工作人员）"""
        return Notice.get_by_id(notice_id)

    @blp.requires("notices:manage")
    @blp.arguments(NoticeUpdateSchema)
    @blp.response(200, NoticeSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, notice_id):
        """修改通知（已发布的保留历史版本）"""
        return services.update_notice(Notice.get_by_id(notice_id), data, current_principal())

    @blp.requires("notices:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, notice_id):
        """删除草稿"""
        services.delete_notice(Notice.get_by_id(notice_id))


@blp.route("/<int:notice_id>/publish")
class Publish(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, NoticeSchema)
    @blp.errors(404, 409, 422)
    def post(self, notice_id):
        """立即发布（已发布再次调用返回 409，不会重复发送）"""
        return services.publish(Notice.get_by_id(notice_id), current_principal())


@blp.route("/<int:notice_id>/schedule")
class Schedule(MethodView):
    @blp.requires("notices:manage")
    @blp.arguments(ScheduleSchema)
    @blp.response(200, NoticeSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, notice_id):
        """定时发布"""
        return services.schedule(Notice.get_by_id(notice_id), data["publish_at"], current_principal())


@blp.route("/<int:notice_id>/unschedule")
class Unschedule(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, NoticeSchema)
    @blp.errors(404, 409)
    def post(self, notice_id):
        """取消定时，退回草稿"""
        return services.unschedule(Notice.get_by_id(notice_id), current_principal())


@blp.route("/<int:notice_id>/withdraw")
class Withdraw(MethodView):
    @blp.requires("notices:manage")
    @blp.arguments(WithdrawSchema)
    @blp.response(200, NoticeSchema)
    @blp.errors(404, 409)
    def post(self, data, notice_id):
        """撤回已发布的通知（须填原因；未发出的推送取消）"""
        return services.withdraw(Notice.get_by_id(notice_id), data["reason"], current_principal())


@blp.route("/<int:notice_id>/remind")
class Remind(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, RemindResultSchema)
    @blp.errors(404, 409, 429)
    def post(self, notice_id):
        """提醒未读代表（只推送给未读者，每小时最多一次；回答说明实际能收到的人数）"""
        return services.remind_unread(Notice.get_by_id(notice_id))


@blp.route("/<int:notice_id>/timeline")
class Timeline(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, TimelineEntrySchema(many=True))
    @blp.errors(404)
    def get(self, notice_id):
        """状态变更记录（谁、何时、从何状态到何状态、原因），按时间先后"""
        return services.timeline(Notice.get_by_id(notice_id))


@blp.route("/<int:notice_id>/versions")
class Versions(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, VersionSchema(many=True))
    @blp.errors(404)
    def get(self, notice_id):
        """历史版本（当前版本在前）"""
        return services.versions(Notice.get_by_id(notice_id))


@blp.route("/<int:notice_id>/stats")
class Stats(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, StatsSchema)
    @blp.errors(404)
    def get(self, notice_id):
        """阅读与回执统计"""
        return services.stats(Notice.get_by_id(notice_id))


@blp.route("/<int:notice_id>/recipients")
class Recipients(MethodView):
    @blp.requires("notices:manage")
    @blp.arguments(RecipientQuerySchema, location="query")
    @blp.response(200, RecipientSchema(many=True))
    @blp.paginate_query()
    @blp.errors(404)
    def get(self, args, notice_id):
        """收件代表名单：已读/未读/已回执/未回执"""
        return services.recipients(Notice.get_by_id(notice_id), args)


@blp.route("/<int:notice_id>/export")
class Export(MethodView):
    @blp.requires("notices:manage")
    @blp.response(200, description="xlsx 文件", content_type=XLSX)
    @blp.errors(404)
    def get(self, notice_id):
        """导出阅读与回执情况（Excel）"""
        notice = Notice.get_by_id(notice_id)
        return send_file(
            services.export(notice), mimetype=XLSX, as_attachment=True, download_name=f"通知{notice.id}-阅读回执.xlsx"
        )


@blp.route("/<int:notice_id>/merge-data")
class MergeData(MethodView):
    @blp.requires("notices:manage")
    @blp.arguments(MergeDataSchema)
    @blp.response(200, MergeSummarySchema)
    @blp.errors(404, 409, 422)
    def put(self, data, notice_id):
        """上传一人一函合并数据（按代表编号，替换原有数据）"""
        return services.replace_merge_data(Notice.get_by_id(notice_id), data)


@blp.route("/<int:notice_id>/letter-preview")
class LetterPreview(MethodView):
    @blp.requires("notices:manage")
    @blp.arguments(LetterPreviewQuerySchema, location="query")
    @blp.response(200, LetterPreviewSchema)
    @blp.errors(404)
    def get(self, args, notice_id):
        """预览某位代表收到的函件"""
        return letters.preview(Notice.get_by_id(notice_id), args["deputy_id"])


# --- deputy ---


@blp.route("/feed")
class Feed(MethodView):
    @blp.requires("notices:read_own")
    @blp.arguments(FeedQuerySchema(), location="query")  # an instance: webargs would build one per request
    @blp.response(200, FeedItemSchema(many=True), headers=PAGINATION_HEADER)
    @blp.errors(422)
    def get(self, args):
        """我的通知（置顶在前，最新在前；可按类别筛选）"""
        return feed.feed_page(args["page"], args["page_size"], args.get("kind"))


@blp.route("/feed/unread-count")
class UnreadCount(MethodView):
    @blp.requires("notices:read_own")
    @blp.response(200, UnreadCountSchema)
    def get(self):
        """我的未读数"""
        return feed.unread_count()


@blp.route("/feed/<int:notice_id>")
class FeedDetail(MethodView):
    @blp.requires("notices:read_own")
    @blp.response(200, FeedDetailSchema)
    @blp.errors(404, 410)
    def get(self, notice_id):
        """通知详情（打开即已读）"""
        return feed.open_notice(notice_id)


@blp.route("/feed/<int:notice_id>/reply")
class Reply(MethodView):
    @blp.requires("notices:read_own")
    @blp.arguments(ReplySchema)
    @blp.response(200, MyReplySchema)
    @blp.errors(403, 404, 409, 410, 422)
    def put(self, data, notice_id):
        """提交或修改回执（截止前可改）"""
        return feed.reply(notice_id, data)
