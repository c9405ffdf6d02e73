"""学习资料 and 课程: the library and courses edited, published and unpublished; completion reports, reminders."""
from flask import render_template, request, send_file, url_for
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from api.common.access import current_principal
from api.common.errors import Conflict, Invalid, NotFound, status_of
from api.console.blueprint import page
from api.console.forms import checkbox, done, ids, load, submit, text, words
from api.console.listing import paged
from api.console.session import requires
from api.deputies import audience as audiences
from api.files import services as files
from api.materials import reports, services
from api.materials.blueprint import XLSX
from api.materials.models import CATEGORIES, KIND_LABELS, STATE_LABELS, Material
from api.materials.schemas import CourseSchema, CourseUpdateSchema, MaterialSchema, MaterialUpdateSchema

MANAGE = "materials:manage"


def audience_form(form):
    if checkbox(form, "audience_all"):
        return {"all": True}
    return {"delegation_ids": ids(form, "delegation_ids")}


def material_data(form):
    data = {
        "title": text(form, "title"), "kind": text(form, "kind"), "category": text(form, "category"),
        "tags": words(form, "tags"), "summary": text(form, "summary"), "body": text(form, "body"),
        "url": text(form, "url").strip() or None, "pinned": checkbox(form, "pinned"),
        "audience": audience_form(form),
    }
    minutes = text(form, "estimated_minutes").strip()
    data["estimated_minutes"] = int(minutes) if minutes.isdigit() else minutes or 10
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        try:
            data["file_id"] = files.save_upload(upload, current_principal()).id
        except HTTPException as exc:  # the file service's refusal (size, type) with its Chinese message
            raise Invalid((getattr(exc, "data", None) or {}).get("message", exc.description),
                          errors={"file": ["文件未能上传。"]}) from exc
    return data


def lesson_lines(form):
    """课时: one line each, "资料编号" or "资料编号|课时标题"; the title defaults to the material's."""
    lessons = []
    for line in text(form, "lessons").splitlines():
        number, _, title = line.partition("|")
        if not number.strip():
            continue
        if not number.strip().isdigit():
            raise Invalid("课时格式有误。", errors={"lessons": [f"“{line.strip()}”：请填写资料编号。"]})
        material = Material.get_or_none(Material.id == int(number))
        lessons.append({"material_id": int(number),
                        "title": title.strip() or (material.title if material else f"资料 {number.strip()}")})
    return lessons


def course_data(form):
    return {
        "title": text(form, "title"), "category": text(form, "category"), "summary": text(form, "summary"),
        "syllabus": text(form, "syllabus"), "required": checkbox(form, "required"),
        "due_date": text(form, "due_date").strip() or None, "pinned": checkbox(form, "pinned"),
        "audience": audience_form(form), "lessons": lesson_lines(form),
    }


def _choices():
    return {"kinds": list(KIND_LABELS.items()), "categories": [(c, c) for c in CATEGORIES],
            "delegations": [(d["id"], d["name"]) for d in audiences.choices()["delegations"]],
            "states": STATE_LABELS}


@page("/learning", "learning", nav="学习资料与课程", permission=MANAGE, order=45)
class Library(MethodView):
    @requires(MANAGE)
    def get(self):
        """学习资料与课程列表"""
        return render_template(
            "console/learning/list.html", materials=paged(services.list_materials({}), size=50),
            courses=services.list_courses({}), labels=STATE_LABELS, kinds=KIND_LABELS,
        )


@page("/learning/materials/new", "learning_material_new", methods=["GET", "POST"])
class NewMaterial(MethodView):
    @requires(MANAGE)
    def get(self):
        """新建学习资料"""
        return _material_form(None, {"kind": "article", "category": CATEGORIES[0], "estimated_minutes": 10,
                                     "audience_all": True}, {})

    @requires(MANAGE)
    def post(self):
        """保存新学习资料"""
        def create():
            material = services.create_material(load(MaterialSchema(), material_data(request.form)),
                                                current_principal())
            return done(url_for("console.learning_material", material_id=material.id))

        return submit(create, lambda errors, message, status: _material_form(
            None, _form_values(request.form), errors, message, status))


@page("/learning/materials/<int:material_id>", "learning_material", methods=["GET", "POST"])
class MaterialPage(MethodView):
    @requires(MANAGE)
    def get(self, material_id):
        """学习资料详情与编辑"""
        material = services.get_material(material_id)
        return _material_form(material, _material_values(material), {})

    @requires(MANAGE)
    def post(self, material_id):
        """保存学习资料"""
        material = services.get_material(material_id)

        def update():
            services.update_material(material, load(MaterialUpdateSchema(), material_data(request.form)),
                                     current_principal())
            return done(url_for("console.learning_material", material_id=material.id))

        return submit(update, lambda errors, message, status: _material_form(
            material, _form_values(request.form), errors, message, status))


def _material_values(material):
    return {
        "title": material.title, "kind": material.kind, "category": material.category,
        "tags": "、".join(material.tags or []), "summary": material.summary, "body": material.body,
        "url": material.url or "", "estimated_minutes": material.estimated_minutes, "pinned": material.pinned,
        "audience_all": bool(material.audience.get("all")),
        "delegation_ids": material.audience.get("delegation_ids") or [],
    }


def _moved(move, entity, url, render):
    """Publish or unpublish; a refusal (nobody serving in the audience, lessons unpublished, the state changed
    meanwhile) is said on the entity's page instead of an error page."""
    try:
        move(entity, current_principal())
    except (Invalid, Conflict) as exc:
        return render(exc.message or "无法完成该操作。", status_of(exc))
    return done(url)


def _form_values(form):
    values = form.to_dict()
    values["audience_all"] = checkbox(form, "audience_all")
    values["pinned"] = checkbox(form, "pinned")
    values["required"] = checkbox(form, "required")
    values["delegation_ids"] = ids(form, "delegation_ids")
    return values


def _material_form(material, values, errors, message=None, status=200):
    return render_template("console/learning/material.html", material=material, values=values, errors=errors,
                           message=message, **_choices()), status


@page("/learning/materials/<int:material_id>/<action>", "learning_material_state",
      methods=["POST"])
class MaterialState(MethodView):
    @requires(MANAGE)
    def post(self, material_id, action):
        """发布或下架学习资料"""
        material = services.get_material(material_id)
        move = {"publish": services.publish_material, "unpublish": services.unpublish_material}.get(action)
        if move is None:
            raise NotFound()
        return _moved(move, material, url_for("console.learning_material", material_id=material.id),
                      lambda message, status: _material_form(material, _material_values(material), {}, message,
                                                             status))


# --- courses ---


def _course_values(course):
    return {
        "title": course.title, "category": course.category, "summary": course.summary, "syllabus": course.syllabus,
        "required": course.required, "due_date": course.due_date.isoformat() if course.due_date else "",
        "pinned": course.pinned, "audience_all": bool(course.audience.get("all")),
        "delegation_ids": course.audience.get("delegation_ids") or [],
        "lessons": "\n".join(f"{row.material_id}|{row.title}" for row in services.lessons_of(course.id)),
    }


def _course_form(course, values, errors, message=None, status=200):
    context = {"course": course, "values": values, "errors": errors, "message": message, **_choices()}
    if course is not None:
        context["lessons"] = services.lessons_of(course.id)
        context["summary"] = reports.completion_summary(course)
        context["pending"] = list(reports.completion_rows(course, {"status": "pending"}).limit(200))
    return render_template("console/learning/course.html", **context), status


@page("/learning/courses/new", "learning_course_new", methods=["GET", "POST"])
class NewCourse(MethodView):
    @requires(MANAGE)
    def get(self):
        """新建课程"""
        return _course_form(None, {"category": CATEGORIES[0], "audience_all": True}, {})

    @requires(MANAGE)
    def post(self):
        """保存新课程"""
        def create():
            course = services.create_course(load(CourseSchema(), course_data(request.form)), current_principal())
            return done(url_for("console.learning_course", course_id=course.id))

        return submit(create, lambda errors, message, status: _course_form(
            None, _form_values(request.form), errors, message, status))


@page("/learning/courses/<int:course_id>", "learning_course", methods=["GET", "POST"])
class CoursePage(MethodView):
    @requires(MANAGE)
    def get(self, course_id):
        """课程详情、编辑与完成情况"""
        course = services.get_course(course_id)
        return _course_form(course, _course_values(course), {})

    @requires(MANAGE)
    def post(self, course_id):
        """保存课程"""
        course = services.get_course(course_id)

        def update():
            data = course_data(request.form)
            if [(lesson["material_id"], lesson["title"]) for lesson in data["lessons"]] == [
                (row.material_id, row.title) for row in services.lessons_of(course.id)
            ]:
                data.pop("lessons")  # unchanged: a published course may keep its syllabus while other fields change
            services.update_course(course, load(CourseUpdateSchema(), data), current_principal())
            return done(url_for("console.learning_course", course_id=course.id))

        return submit(update, lambda errors, message, status: _course_form(
            course, _form_values(request.form), errors, message, status))


@page("/learning/courses/<int:course_id>/<action>", "learning_course_state",
      methods=["POST"])
class CourseState(MethodView):
    @requires(MANAGE)
    def post(self, course_id, action):
        """发布或下架课程"""
        course = services.get_course(course_id)
        move = {"publish": services.publish_course, "unpublish": services.unpublish_course}.get(action)
        if move is None:
            raise NotFound()
        return _moved(move, course, url_for("console.learning_course", course_id=course.id),
                      lambda message, status: _course_form(course, _course_values(course), {}, message, status))


@page("/learning/courses/<int:course_id>/remind", "learning_course_remind", methods=["POST"])
class Remind(MethodView):
    @requires(MANAGE)
    def post(self, course_id):
        """提醒未完成必修课程的代表"""
        result = reports.remind_pending(services.get_course(course_id))
        return render_template("console/learning/_reminded.html", result=result)


@page("/learning/courses/<int:course_id>/export", "learning_course_export")
class Export(MethodView):
    @requires(MANAGE)
    def get(self, course_id):
        """导出课程完成情况"""
        course = services.get_course(course_id)
        return send_file(reports.completion_xlsx(course), mimetype=XLSX, as_attachment=True,
                         download_name=f"课程{course.id}-完成情况.xlsx")
