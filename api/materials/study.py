"""A deputy's own view: a material with their progress, and their courses with what is done."""
from api.common.timezone import local_today
from api.files.services import signed_url
from api.materials import catalogue, progress
from api.materials.models import CourseCompletion, Lesson, Progress


def read_material(principal, material_id):
    material = catalogue.readable_material(principal, material_id)
    state = progress.progress_of(principal, material.id)
    card = catalogue.material_card(material)
    stored = material.file if material.file_id else None
    return {
        **card,
        "body": material.body,
        "url": material.url,
        "file_url": signed_url(stored) if stored else None,
        "file_name": stored.filename if stored else None,
        "progress": state,
    }


def my_courses(principal):
    """Every course the caller can see, required first, with lessons done and completion."""
    cards = catalogue.course_cards(catalogue.reach(principal)["courses"])
    if not cards:
        return []
    ids = [card["id"] for card in cards]
    deputy_id = principal.deputy_id
    done = {
        material_id
        for (material_id,) in Progress.select(Progress.material)
        .where((Progress.deputy == deputy_id) & Progress.completed_at.is_null(False))
        .tuples()
    }
    lessons = {}
    for course_id, material_id in Lesson.select(Lesson.course, Lesson.material).where(Lesson.course.in_(ids)).tuples():
        lessons.setdefault(course_id, []).append(material_id)
    completions = dict(
        CourseCompletion.select(CourseCompletion.course, CourseCompletion.completed_at)
        .where((CourseCompletion.deputy == deputy_id) & CourseCompletion.course.in_(ids))
        .tuples()
    )
    today = local_today().isoformat()
    for card in cards:
        finished = [m for m in lessons.get(card["id"], []) if m in done]
        card["lessons_done"] = len(finished)
        card["completed_material_ids"] = finished
        card["completed_at"] = completions.get(card["id"])
        card["overdue"] = bool(card["required"] and card["due_date"] and card["due_date"] < today
                               and card["id"] not in completions)
    return cards
