"""Deputy activities: management and attendance (office), invitations, check-in and reports (deputies)."""
from flask.views import MethodView

from api.activities import participation, services
from api.activities.schemas import (
    ActivityAttendanceSchema,
    ActivityCancelSchema,
    ActivityCheckinCodeSchema,
    ActivityCreateSchema,
    ActivityQuerySchema,
    ActivityReplySchema,
    ActivityReportCreateSchema,
    ActivityReportSchema,
    ActivityUpdateSchema,
    CheckinScanSchema,
    InvitationQuerySchema,
    InvitationSchema,
    LeaveDecisionSchema,
    MyActivityQuerySchema,
    MyActivitySchema,
    StaffActivitySchema,
    SuggestionLinkCreateSchema,
    SuggestionLinkSchema,
)
from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.common.privacy import no_store

blp = Blueprint("activities", __name__, url_prefix="/api/v1/activities",
                description="代表活动：视察、调研、小组活动、列席；邀请与请假、扫码签到、活动报告")

PAGINATION_HEADER = {"X-Pagination": "PAGINATION"}


def me():
    return current_principal()


# --- the deputy ---


@blp.route("/mine")
class MyActivities(MethodView):
    @blp.requires("activities:own")
    @blp.arguments(MyActivityQuerySchema, location="query")
    @blp.response(200, MyActivitySchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """我的活动和邀请（最新在前）"""
        return participation.my_invitations(me(), args)


@blp.route("/mine/<int:activity_id>")
class MyActivity(MethodView):
    @blp.requires("activities:own")
    @blp.response(200, MyActivitySchema)
    @blp.errors(404)
    def get(self, activity_id):
        """我的某项活动：邀请、回复、签到、我的报告"""
        return participation.my_invitation(me(), activity_id)


@blp.route("/mine/<int:activity_id>/reply")
class MyReply(MethodView):
    @blp.requires("activities:own")
    @blp.arguments(ActivityReplySchema)
    @blp.response(200, MyActivitySchema)
    @blp.errors(404, 409, 422)
    def put(self, data, activity_id):
        """回执：参加，或请假并说明理由（部分活动请假须批准）；活动开始前可修改"""
        return participation.reply(me(), activity_id, data)


@blp.route("/mine/<int:activity_id>/report")
class MyReport(MethodView):
    @blp.requires("activities:own")
    @blp.arguments(ActivityReportCreateSchema)
    @blp.response(200, ActivityReportSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, activity_id):
        """提交或修改我的活动报告（调研报告、视察意见，可附照片）"""
        return participation.save_report(me(), activity_id, data)


@blp.route("/checkin")
class Scan(MethodView):
    @blp.requires("activities:own")
    @blp.arguments(CheckinScanSchema)
    @blp.response(200, InvitationSchema)
    @blp.errors(403, 404, 409, 410, 422)
    def post(self, data):
        """扫码签到（现场屏幕上的动态二维码；过期、伪造、重复使用的码无效）"""
        return participation.scan(me(), data["code"])


# --- the office ---


@blp.route("")
class Activities(MethodView):
    @blp.requires("activities:manage")
    @blp.arguments(ActivityQuerySchema, location="query")
    @blp.response(200, StaffActivitySchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(422)
    def get(self, args):
        """活动列表（可按类别、状态、标题筛选）"""
        return services.activities_query(args)

    @blp.requires("activities:manage")
    @blp.arguments(ActivityCreateSchema)
    @blp.response(201, StaffActivitySchema)
    @blp.errors(422)
    def post(self, data):
        """新建活动（草稿）"""
        return services.create(me(), data)


@blp.route("/<int:activity_id>")
class ActivityDetail(MethodView):
    @blp.requires("activities:manage")
    @blp.response(200, StaffActivitySchema)
    @blp.errors(404)
    def get(self, activity_id):
        """活动详情"""
        return services.get(activity_id)

    @blp.requires("activities:manage")
    @blp.arguments(ActivityUpdateSchema)
    @blp.response(200, StaffActivitySchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, activity_id):
        """修改活动（发布后不能改邀请范围）"""
        return services.update(me(), activity_id, data)

    @blp.requires("activities:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, activity_id):
        """删除草稿"""
        services.delete(activity_id)


@blp.route("/<int:activity_id>/publish")
class Publish(MethodView):
    @blp.requires("activities:manage")
    @blp.response(200, StaffActivitySchema)
    @blp.errors(404, 409, 422)
    def post(self, activity_id):
        """发布活动：向邀请范围内的在任代表发出邀请"""
        return services.publish(me(), activity_id)


@blp.route("/<int:activity_id>/cancel")
class Cancel(MethodView):
    @blp.requires("activities:manage")
    @blp.arguments(ActivityCancelSchema)
    @blp.response(200, StaffActivitySchema)
    @blp.errors(404, 409, 422)
    def post(self, data, activity_id):
        """取消活动（须说明原因）"""
        return services.cancel(me(), activity_id, data["reason"])


@blp.route("/<int:activity_id>/invitations")
class Invitations(MethodView):
    @blp.requires("activities:manage")
    @blp.arguments(InvitationQuerySchema, location="query")
    @blp.response(200, InvitationSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    @blp.errors(404, 422)
    def get(self, args, activity_id):
        """受邀代表：回复、请假、签到情况"""
        services.get(activity_id)
        return services.invitations_query(activity_id, args)


@blp.route("/<int:activity_id>/attendance")
class Attendance(MethodView):
    @blp.requires("activities:manage")
    @blp.response(200, ActivityAttendanceSchema)
    @blp.errors(404)
    def get(self, activity_id):
        """出勤汇总：各回复人数、签到人数"""
        return services.attendance(activity_id)


@blp.route("/<int:activity_id>/invitations/<int:deputy_id>/leave")
class LeaveDecision(MethodView):
    @blp.requires("activities:manage")
    @blp.arguments(LeaveDecisionSchema)
    @blp.response(200, InvitationSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, activity_id, deputy_id):
        """审批请假（批准或不批准）"""
        return services.decide_leave(me(), activity_id, deputy_id, data["approve"], data.get("note"))


@blp.route("/<int:activity_id>/invitations/<int:deputy_id>/checkin")
class StaffCheckin(MethodView):
    @blp.requires("activities:manage")
    @blp.response(200, InvitationSchema)
    @blp.errors(404, 409)
    def post(self, activity_id, deputy_id):
        """工作人员代为签到"""
        return services.staff_check_in(me(), activity_id, deputy_id)


@blp.route("/<int:activity_id>/checkin-code")
class CheckinCode(MethodView):
    @blp.requires("activities:manage")
    @blp.response(200, ActivityCheckinCodeSchema)
    @blp.errors(404, 409, 410)
    @no_store
    def get(self, activity_id):
        """当前签到码（签到屏幕每隔几秒刷新）"""
        return services.current_code(activity_id)


@blp.route("/<int:activity_id>/reports")
class Reports(MethodView):
    @blp.requires("activities:manage")
    @blp.response(200, ActivityReportSchema(many=True))
    @blp.errors(404)
    def get(self, activity_id):
        """代表提交的活动报告"""
        services.get(activity_id)
        return list(services.reports_query(activity_id))


@blp.route("/<int:activity_id>/suggestions")
class Suggestions(MethodView):
    @blp.requires("activities:manage")
    @blp.response(200, SuggestionLinkSchema(many=True))
    @blp.errors(404)
    def get(self, activity_id):
        """由本活动形成的建议（建议 id）"""
        return list(services.suggestions_of(activity_id))

    @blp.requires("activities:manage")
    @blp.arguments(SuggestionLinkCreateSchema)
    @blp.response(200, SuggestionLinkSchema)
    @blp.errors(404, 422)
    def post(self, data, activity_id):
        """关联一条由本活动形成的建议"""
        return services.link_suggestion(me(), activity_id, data["suggestion_id"])


@blp.route("/<int:activity_id>/suggestions/<int:suggestion_id>")
class SuggestionLink(MethodView):
    @blp.requires("activities:manage")
    @blp.response(204)
    @blp.errors(404)
    def delete(self, activity_id, suggestion_id):
        """取消关联"""
        services.unlink_suggestion(activity_id, suggestion_id)
