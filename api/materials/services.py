"""Staff side of the library: materials and courses, their lessons, publishing and unpublishing.

Every change a deputy could see bumps the catalogue generation after the commit (catalogue.bump).
"""
from api.common.audit import record
from api.common.db import filter_by, utcnow
from api.common.errors import Invalid, NotFound
from api.deputies import audience as audiences
from api.deputies.audience_schemas import stored_audience
from api.extensions import db
from api.files.models import StoredFile
from api.materials import catalogue, heartbeats
from api.materials import search_index as searchable
from api.materials.models import ARTICLE, FILE_KINDS, LINK, PUBLISHED, UNPUBLISHED, Course, Lesson, Material
from api.materials.workflow import COURSE_FLOW, MATERIAL_FLOW

DOCUMENT_TYPES = ("application/pdf", "application/msword", "application/vnd.ms-excel", "application/vnd.openxml")


def get_material(material_id):
    material = Material.get_or_none(Material.id == material_id)
    if material is None:
        raise NotFound("学习资料不存在。")
    return material


def get_course(course_id):
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        raise NotFound("课程不存在。")
    return course


def list_materials(args):
    equal = {"state": Material.state, "category": Material.category}
    query = filter_by(Material.select(), args, equal=equal, contains={"q": Material.title})
    return query.order_by(Material.pinned.desc(), Material.id.desc())


def list_courses(args):
    equal = {"state": Course.state, "category": Course.category}
    query = filter_by(Course.select(), args, equal=equal, contains={"q": Course.title})
    return query.order_by(Course.pinned.desc(), Course.id.desc())


def _check_content(values):
    """The content a kind needs: an article its text, a document a document file, a link its address."""
    kind = values["kind"]
    if kind != ARTICLE:
        values["body"] = ""
    if kind == ARTICLE and not values.get("body"):
        raise Invalid("图文资料须填写正文。", errors={"body": ["请填写正文。"]})
    if kind == LINK:
        values["file_id"] = None
    if kind in FILE_KINDS and values.get("file_id"):
        stored = StoredFile.get_or_none(StoredFile.id == values["file_id"])
        if stored is None:
            raise Invalid("文件不存在。", errors={"file_id": ["文件不存在，请重新上传。"]})
        if kind == "document" and not stored.content_type.startswith(DOCUMENT_TYPES):
            raise Invalid("文档须为 PDF 或 Office 文件。", errors={"file_id": [f"不支持的类型：{stored.content_type}"]})
    if kind in FILE_KINDS and not (values.get("file_id") or values.get("url")):
        raise Invalid("请上传文件或填写地址。", errors={"file_id": ["请上传文件或填写地址。"]})
    if kind == LINK and not values.get("url"):
        raise Invalid("链接须填写地址。", errors={"url": ["请填写地址。"]})


def create_material(data, principal):
    values = dict(data, audience=stored_audience(data["audience"]))
    audiences.check_references(values["audience"])
    _check_content(values)
    with db.atomic():
        material = Material.create(**values, created_by=principal.user_id)
        MATERIAL_FLOW.start(material, principal)
        record("material.create", "material", material.id)
    return material


def update_material(material, data, principal):
    MATERIAL_FLOW.require(material, "edit")
    changes = dict(data)
    if "audience" in changes:
        changes["audience"] = stored_audience(changes["audience"])
        if changes["audience"] != material.audience:
            MATERIAL_FLOW.require(material, "retarget")
            audiences.check_references(changes["audience"])
    merged = {key: getattr(material, key) for key in ("kind", "body", "url", "file_id")}
    merged.update({key: changes[key] for key in merged if key in changes})
    _check_content(merged)
    changes.update(merged)
    changes["updated_at"] = utcnow()
    with db.atomic():
        Material.update(**changes).where(Material.id == material.id).execute()
        record("material.update", "material", material.id, detail={"fields": sorted(data)})
        searchable.index(Material.get_by_id(material.id))
    if material.state == PUBLISHED:
        catalogue.bump()
    return get_material(material.id)


def delete_material(material):
    MATERIAL_FLOW.require(material, "delete")
    if Lesson.select().where(Lesson.material == material.id).exists():
        raise Invalid("该资料是课程的课时，不能删除。")
    material.delete_instance()


def publish_material(material, principal):
    # Heartbeats learn the state from Redis: if Redis refuses, the move is rolled back with it.
    with db.atomic():
        MATERIAL_FLOW.move(material, PUBLISHED, principal, published_at=material.published_at or utcnow())
        heartbeats.mark_published(material.id)
        searchable.index(Material.get_by_id(material.id))
    catalogue.bump()
    return material


def unpublish_material(material, principal):
    with db.atomic():
        MATERIAL_FLOW.move(material, UNPUBLISHED, principal)
        heartbeats.mark_unpublished(material.id)
        searchable.remove(material.id)
    catalogue.bump()
    return material


# --- courses ---


def _lesson_rows(course_id, lessons):
    ids = [lesson["material_id"] for lesson in lessons]
    minutes = dict(Material.select(Material.id, Material.estimated_minutes).where(Material.id.in_(ids)).tuples())
    missing = [i for i in ids if i not in minutes]
    if missing:
        raise Invalid("课时引用的资料不存在。", errors={"lessons": [f"资料不存在：{missing}"]})
    return [
        {
            "course": course_id,
            "position": position,
            "title": lesson["title"],
            "material": lesson["material_id"],
            "estimated_minutes": lesson.get("estimated_minutes") or minutes[lesson["material_id"]],
        }
        for position, lesson in enumerate(lessons, start=1)
    ]


def lessons_of(course_id):
    return list(Lesson.select().where(Lesson.course == course_id).order_by(Lesson.position))


def course_out(course):
    course.lessons_out = [
        {"position": row.position, "title": row.title, "material_id": row.material_id,
         "estimated_minutes": row.estimated_minutes}
        for row in lessons_of(course.id)
    ]
    return course


def create_course(data, principal):
    values = dict(data, audience=stored_audience(data["audience"]))
    lessons = values.pop("lessons")
    audiences.check_references(values["audience"])
    with db.atomic():
        course = Course.create(**values, created_by=principal.user_id)
        if lessons:
            Lesson.insert_many(_lesson_rows(course.id, lessons)).execute()
        COURSE_FLOW.start(course, principal)
        record("course.create", "course", course.id)
    return course


def update_course(course, data, principal):
    COURSE_FLOW.require(course, "edit")
    changes = dict(data)
    lessons = changes.pop("lessons", None)
    if "audience" in changes:
        changes["audience"] = stored_audience(changes["audience"])
        if changes["audience"] != course.audience:
            COURSE_FLOW.require(course, "retarget")
            audiences.check_references(changes["audience"])
    if lessons is not None and course.state == PUBLISHED:
        COURSE_FLOW.require(course, "retarget")  # the syllabus of a running course is fixed while published
    required = changes.get("required", course.required)
    if required and not changes.get("due_date", course.due_date):
        raise Invalid("必修课程须填写截止日期。", errors={"due_date": ["请填写截止日期。"]})
    changes["updated_at"] = utcnow()
    with db.atomic():
        Course.update(**changes).where(Course.id == course.id).execute()
        if lessons is not None:
            Lesson.delete().where(Lesson.course == course.id).execute()
            if lessons:
                Lesson.insert_many(_lesson_rows(course.id, lessons)).execute()
        record("course.update", "course", course.id, detail={"fields": sorted(data)})
    if course.state == PUBLISHED:
        catalogue.bump()
    return get_course(course.id)


def publish_course(course, principal):
    COURSE_FLOW.move(course, PUBLISHED, principal, published_at=course.published_at or utcnow())
    catalogue.bump()
    return course


def unpublish_course(course, principal):
    COURSE_FLOW.move(course, UNPUBLISHED, principal)
    catalogue.bump()
    return course
