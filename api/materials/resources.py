"""Staff side of learning: the library, courses and their completion reports."""
from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.materials import class_views, reports, services, study_views  # noqa: F401 - their views join the blueprint
from api.materials.blueprint import PAGINATION_HEADER, XLSX, blp
from api.materials.schemas import (
    CompletionQuerySchema,
    CompletionRowSchema,
    CompletionSummarySchema,
    CourseOutSchema,
    CourseRemindSchema,
    CourseSchema,
    CourseUpdateSchema,
    MaterialSchema,
    MaterialUpdateSchema,
    StateQuerySchema,
)

__all__ = ["blp"]


@blp.route("/items")
class Materials(MethodView):
    @blp.requires("materials:manage")
    @blp.arguments(StateQuerySchema, location="query")
    @blp.response(200, MaterialSchema(many=True), headers=PAGINATION_HEADER)
    @blp.errors(422)
    @blp.paginate_query()
    def get(self, args):
        """学习资料列表（工作人员）"""
        return services.list_materials(args)

    @blp.requires("materials:manage")
    @blp.arguments(MaterialSchema)
    @blp.response(201, MaterialSchema)
    @blp.errors(422)
    def post(self, data):
        """新建学习资料（草稿）"""
        return services.create_material(data, current_principal())


@blp.route("/items/<int:material_id>")
class MaterialDetail(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, MaterialSchema)
    @blp.errors(404)
    def get(self, material_id):
        """学习资料详情（工作人员）"""
        return services.get_material(material_id)

    @blp.requires("materials:manage")
    @blp.arguments(MaterialUpdateSchema)
    @blp.response(200, MaterialSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, material_id):
        """修改学习资料（已发布的不能改受众）"""
        return services.update_material(services.get_material(material_id), data, current_principal())

    @blp.requires("materials:manage")
    @blp.response(204)
    @blp.errors(404, 409, 422)
    def delete(self, material_id):
        """删除草稿"""
        services.delete_material(services.get_material(material_id))


@blp.route("/items/<int:material_id>/publish")
class PublishMaterial(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, MaterialSchema)
    @blp.errors(404, 409, 422)
    def post(self, material_id):
        """发布（或重新发布）学习资料"""
        return services.publish_material(services.get_material(material_id), current_principal())


@blp.route("/items/<int:material_id>/unpublish")
class UnpublishMaterial(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, MaterialSchema)
    @blp.errors(404, 409)
    def post(self, material_id):
        """下架学习资料（正在学习的代表随即无法继续）"""
        return services.unpublish_material(services.get_material(material_id), current_principal())


@blp.route("/courses")
class Courses(MethodView):
    @blp.requires("materials:manage")
    @blp.arguments(StateQuerySchema, location="query")
    @blp.response(200, CourseOutSchema(many=True), headers=PAGINATION_HEADER)
    @blp.errors(422)
    @blp.paginate_query()
    def get(self, args):
        """课程列表（工作人员）"""
        return services.list_courses(args)

    @blp.requires("materials:manage")
    @blp.arguments(CourseSchema)
    @blp.response(201, CourseOutSchema)
    @blp.errors(422)
    def post(self, data):
        """新建课程（课时按大纲顺序）"""
        return services.course_out(services.create_course(data, current_principal()))


@blp.route("/courses/<int:course_id>")
class CourseDetail(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, CourseOutSchema)
    @blp.errors(404)
    def get(self, course_id):
        """课程详情（工作人员）"""
        return services.course_out(services.get_course(course_id))

    @blp.requires("materials:manage")
    @blp.arguments(CourseUpdateSchema)
    @blp.response(200, CourseOutSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, course_id):
        """修改课程（已发布的不能改受众和课时）"""
        return services.course_out(services.update_course(services.get_course(course_id), data, current_principal()))


@blp.route("/courses/<int:course_id>/publish")
class PublishCourse(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, CourseOutSchema)
    @blp.errors(404, 409, 422)
    def post(self, course_id):
        """发布课程（课时资料须已发布）"""
        return services.course_out(services.publish_course(services.get_course(course_id), current_principal()))


@blp.route("/courses/<int:course_id>/unpublish")
class UnpublishCourse(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, CourseOutSchema)
    @blp.errors(404, 409)
    def post(self, course_id):
        """下架课程"""
        return services.course_out(services.unpublish_course(services.get_course(course_id), current_principal()))


@blp.route("/courses/<int:course_id>/completion")
class Completion(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, CompletionSummarySchema)
    @blp.errors(404)
    def get(self, course_id):
        """课程完成情况：合计与各代表团"""
        return reports.completion_summary(services.get_course(course_id))


@blp.route("/courses/<int:course_id>/completion/deputies")
class CompletionDeputies(MethodView):
    @blp.requires("materials:manage")
    @blp.arguments(CompletionQuerySchema, location="query")
    @blp.response(200, CompletionRowSchema(many=True), headers=PAGINATION_HEADER)
    @blp.errors(404, 422)
    @blp.paginate_query()
    def get(self, args, course_id):
        """课程完成情况：逐位代表（可按代表团、是否完成筛选）"""
        return reports.completion_rows(services.get_course(course_id), args)


@blp.route("/courses/<int:course_id>/completion/export")
class CompletionExport(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, description="xlsx 文件", content_type=XLSX)
    @blp.errors(404)
    def get(self, course_id):
        """导出课程完成情况（Excel）"""
        course = services.get_course(course_id)
        return send_file(reports.completion_xlsx(course), mimetype=XLSX, as_attachment=True,
                         download_name=f"课程{course.id}-完成情况.xlsx")


@blp.route("/courses/<int:course_id>/remind")
class Remind(MethodView):
    @blp.requires("materials:manage")
    @blp.response(200, CourseRemindSchema)
    @blp.errors(404, 409, 429)
    def post(self, course_id):
        """提醒未完成必修课程的代表（推送，每小时最多一次）"""
        return reports.remind_pending(services.get_course(course_id))
