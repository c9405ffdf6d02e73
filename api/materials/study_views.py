"""Deputies study: the library and courses they may see, progress by heartbeats, completion."""
from flask import Response
from flask.views import MethodView

from api.common.access import current_principal
from api.materials import catalogue, progress, study
from api.materials.blueprint import blp
from api.materials.schemas import (
    CompletionResultSchema,
    CourseListSchema,
    CoursePageSchema,
    HeartbeatResultSchema,
    HeartbeatSchema,
    LibraryPageSchema,
    LibraryQuerySchema,
    MaterialReadSchema,
    MyCourseSchema,
    OpenSchema,
)

JSON = "application/json"


@blp.route("/library")
class Library(MethodView):
    @blp.requires("materials:learn")
    @blp.arguments(LibraryQuerySchema(), location="query")
    @blp.response(200, LibraryPageSchema)
    @blp.errors(422)
    def get(self, args):
        """学习资料库（按类别、标签；置顶在前）"""
        return Response(catalogue.library_page(current_principal(), args), mimetype=JSON)


@blp.route("/library/<int:material_id>")
class Reading(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, MaterialReadSchema)
    @blp.errors(404, 410)
    def get(self, material_id):
        """阅读学习资料（含我的进度）"""
        return study.read_material(current_principal(), material_id)


@blp.route("/library/<int:material_id>/open")
class Open(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, OpenSchema)
    @blp.errors(404, 410)
    def post(self, material_id):
        """开始学习：返回本次会话与上次停下的位置（其他设备上的会话随即停止计时）"""
        return progress.open_material(current_principal(), material_id)


@blp.route("/library/<int:material_id>/complete")
class Complete(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, CompletionResultSchema)
    @blp.errors(404, 410, 422)
    def post(self, material_id):
        """完成学习（有效学习时长须达到预计时长的规定比例）"""
        return progress.complete(current_principal(), material_id)


@blp.route("/heartbeats")
class Heartbeats(MethodView):
    @blp.requires("materials:learn")
    @blp.arguments(HeartbeatSchema)
    @blp.response(200, HeartbeatResultSchema)
    @blp.errors(409, 410, 422)
    def post(self, data):
        """学习心跳：记录位置并计入学习时长（未打开、多处同时学习不计）"""
        return progress.heartbeat(current_principal(), data)


@blp.route("/library/courses")
class CourseCatalogue(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, CourseListSchema)
    def get(self):
        """我可学的课程（必修在前）"""
        return Response(catalogue.courses_page(current_principal()), mimetype=JSON)


@blp.route("/library/courses/<int:course_id>")
class CoursePage(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, CoursePageSchema)
    @blp.errors(404)
    def get(self, course_id):
        """课程页：大纲与课时"""
        return Response(catalogue.course_page(current_principal(), course_id), mimetype=JSON)


@blp.route("/my/courses")
class MyCourses(MethodView):
    @blp.requires("materials:learn")
    @blp.response(200, MyCourseSchema(many=True))
    def get(self):
        """我的课程与进度"""
        return study.my_courses(current_principal())
