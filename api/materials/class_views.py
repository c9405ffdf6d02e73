"""Training classes: staff manage and take attendance; deputies reply and check in by QR."""
from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.materials import classes, reports
from api.materials.blueprint import PAGINATION_HEADER, XLSX, blp
from api.materials.schemas import (
    AttendanceSchema,
    AttendanceSheetSchema,
    CheckinCodeSchema,
    CheckinSchema,
    ClassDetailSchema,
    ClassReplySchema,
    ClassSchema,
    ClassUpdateSchema,
    InviteResultSchema,
    InviteSchema,
    MarkSchema,
    MyClassSchema,
    SessionSchema,
)


@blp.route("/classes")
class Classes(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, ClassSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    def get(self):
        """学习班列表"""
        return classes.list_classes()

    @blp.requires("materials:manage")
    @blp.arguments(ClassSchema)
    @blp.response(201, ClassDetailSchema)
    @blp.errors(422)
    def post(self, data):
        """新建专题学习班"""
        return classes.create_class(data, current_principal())


@blp.route("/classes/<int:class_id>")
class ClassDetail(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, ClassDetailSchema)
    @blp.errors(404)
    def get(self, class_id):
        """学习班详情与场次"""
        return classes.detail(classes.get_class(class_id))

    @blp.requires("materials:manage")
    @blp.arguments(ClassUpdateSchema)
    @blp.response(200, ClassDetailSchema)
    @blp.errors(404, 422)
    def patch(self, data, class_id):
        """修改学习班"""
        return classes.update_class(classes.get_class(class_id), data)


@blp.route("/classes/<int:class_id>/sessions")
class Sessions(MethodView):
    @blp.requires("materials:manage")
    @blp.arguments(SessionSchema)
    @blp.response(201, SessionSchema)
    @blp.errors(404, 422)
    def post(self, data, class_id):
        """添加场次（签到时段即场次的起止时间）"""
        return classes.add_session(classes.get_class(class_id), data)


@blp.route("/classes/<int:class_id>/invitations")
class Invitations(MethodView):
    @blp.requires("materials:manage")
    @blp.arguments(InviteSchema)
    @blp.response(200, InviteResultSchema)
    @blp.errors(404, 422)
    def post(self, data, class_id):
        """邀请代表参加（重复邀请无影响）"""
        return classes.invite(classes.get_class(class_id), data["deputy_ids"])


@blp.route("/classes/<int:class_id>/attendance")
class Sheet(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, AttendanceSheetSchema)
    @blp.errors(404)
    def get(self, class_id):
        """签到表：回执与各场次出勤"""
        return reports.attendance_sheet(classes.get_class(class_id))


@blp.route("/classes/<int:class_id>/attendance/export")
class SheetExport(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, description="xlsx 文件", content_type=XLSX)
    @blp.errors(404)
    def get(self, class_id):
        """导出签到表（Excel）"""
        found = classes.get_class(class_id)
        return send_file(reports.attendance_xlsx(found), mimetype=XLSX, as_attachment=True,
                         download_name=f"学习班{found.id}-签到表.xlsx")


@blp.route("/sessions/<int:session_id>/code")
class Code(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, CheckinCodeSchema)
    @blp.errors(404, 409, 410)
    def get(self, session_id):
        """当前签到码（每隔几秒更换，只在场次时段内有效）"""
        return classes.current_code(classes.get_session(session_id))


@blp.route("/sessions/<int:session_id>/attendance")
class Mark(MethodView):
    @blp.requires("materials:manage")
    @blp.arguments(MarkSchema)
    @blp.response(200, AttendanceSchema)
    @blp.errors(404, 422)
    def post(self, data, session_id):
        """工作人员登记出勤"""
        return classes.mark(classes.get_session(session_id), data["deputy_id"], current_principal())


@blp.route("/my/classes")
class MyClasses(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, ClassSchema(many=True), headers=PAGINATION_HEADER)
    @blp.paginate_query()
    def get(self):
        """我受邀的学习班"""
        return classes.my_classes(current_principal())


@blp.route("/my/classes/<int:class_id>")
class MyClass(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, MyClassSchema)
    @blp.errors(404)
    def get(self, class_id):
        """学习班详情、我的回执与出勤"""
        return classes.my_class(current_principal(), class_id)


@blp.route("/my/classes/<int:class_id>/reply")
class Reply(MethodView):
    @blp.requires("materials:learn")
    @blp.arguments(ClassReplySchema)
    @blp.response(200, MyClassSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, class_id):
        """回执：参加，或请假并说明理由"""
        return classes.reply(current_principal(), class_id, data)


@blp.route("/checkin")
class Checkin(MethodView):
    @blp.requires("materials:learn")
    @blp.arguments(CheckinSchema)
    @blp.response(200, AttendanceSchema)
    @blp.errors(404, 409, 410, 422)
    def post(self, data):
        """扫码签到（过期、伪造、重复使用或不属于本场次的签到码被拒绝）"""
        return classes.check_in(current_principal(), data["code"])
