"""A deputy's study: opening a material, heartbeats that credit time, resuming, completing.

Credit rules (api/materials/heartbeats.py: one Lua script in Redis, so they hold across processes and
devices):
- Opening something starts a study session. One per deputy: opening on a second device or another
  material replaces it, and heartbeats of the replaced session earn nothing (no credit for parallel
  sessions).
- A heartbeat for a session or material that is not the open one is refused (409): content that is
  not open earns nothing; one for a material unpublished meanwhile is refused (410).
- A heartbeat earns the time since the last credited one, at most LEARNING_HEARTBEAT_MAX_CREDIT
  seconds (a phone that slept does not earn the night); one that comes sooner than
  LEARNING_HEARTBEAT_MIN_SECONDS after the last credited one earns nothing (an impossible rate) and
  does not move the clock, so a client beating too fast earns exactly what an honest one does.
- Every accepted heartbeat is counted in the progress row, credited or not (the bench counts them).

Completion needs credited time of at least LEARNING_COMPLETION_SHARE of the material's estimate.
"""
import secrets

from flask import current_app
from peewee import fn

from api.common.db import utcnow
from api.common.errors import Conflict, Invalid
from api.common.events import record_event
from api.extensions import db
from api.materials import catalogue, heartbeats
from api.materials.models import PUBLISHED, Course, CourseCompletion, Lesson, Progress

COMPLETE_EVENT = "learning.complete"


def settings():
    config = current_app.config
    return (
        int(config["LEARNING_HEARTBEAT_SECONDS"]),
        int(config["LEARNING_HEARTBEAT_MIN_SECONDS"]),
        int(config["LEARNING_HEARTBEAT_MAX_CREDIT"]),
        float(config["LEARNING_COMPLETION_SHARE"]),
    )


def required_seconds(material):
    return int(material.estimated_minutes * 60 * settings()[3])


def _progress_row(deputy_id, material_id):
    Progress.insert(deputy=deputy_id, material=material_id).on_conflict_ignore().execute()
    return Progress.get((Progress.deputy == deputy_id) & (Progress.material == material_id))


def _state(progress, material, session=None):
    return {
        "session": session,
        "position": progress.position,
        "percent": progress.percent,
        "credited_seconds": progress.credited_seconds,
        "required_seconds": required_seconds(material),
        "heartbeat_seconds": settings()[0],
        "completed_at": progress.completed_at,
    }


def open_material(principal, material_id):
    """Start (or take over) the caller's study session on a material; answers where they stopped."""
    material = catalogue.readable_material(principal, material_id)
    heartbeats.flush_one(principal.deputy_id, material.id)
    progress = _progress_row(principal.deputy_id, material.id)
    session = secrets.token_urlsafe(16)
    heartbeats.start(principal.deputy_id, material.id, session)
    return _state(progress, material, session)


def progress_of(principal, material_id):
    material = catalogue.readable_material(principal, material_id)
    heartbeats.flush_one(principal.deputy_id, material.id)
    progress = Progress.get_or_none((Progress.deputy == principal.deputy_id) & (Progress.material == material.id))
    return _state(progress or Progress(), material)


def heartbeat(principal, data):
    """Credit the time since the last beat (bounded), remember the position; 409 if not the open session."""
    if principal.deputy_id is None:
        raise Conflict(heartbeats.NOT_OPEN)
    return {"credited": heartbeats.beat(principal.deputy_id, data)}


def complete(principal, material_id):
    """Complete a material once enough time is credited; completes every course it finishes too."""
    material = catalogue.readable_material(principal, material_id)
    deputy_id = principal.deputy_id
    heartbeats.flush_one(deputy_id, material.id)
    progress = _progress_row(deputy_id, material.id)
    needed = required_seconds(material)
    credited = progress.credited_seconds
    if credited < needed:
        raise Invalid(
            f"有效学习时长不足：已学 {credited // 60} 分钟，需 {(needed + 59) // 60} 分钟。",
            errors={"credited_seconds": [credited], "required_seconds": [needed]},
        )
    now = utcnow()
    courses_done = []
    with db.atomic():
        first = (
            Progress.update(completed_at=now, percent=100)
            .where((Progress.id == progress.id) & Progress.completed_at.is_null())
            .execute()
        )
        if first:
            record_event(deputy_id, COMPLETE_EVENT, "material", material.id, {"title": material.title[:100]})
        courses_done = _complete_courses(deputy_id, material.id, now)
    return {"material_id": material.id, "completed_at": progress.completed_at or now, "courses_completed": courses_done}


def _complete_courses(deputy_id, material_id, now):
    """Courses (published) containing this material whose every lesson the deputy has now completed."""
    containing = Lesson.select(Lesson.course).where(Lesson.material == material_id)
    done = Progress.select(Progress.material).where(
        (Progress.deputy == deputy_id) & Progress.completed_at.is_null(False)
    )
    candidates = (
        Course.select(Course.id, Course.title)
        .where(Course.id.in_(containing) & (Course.state == PUBLISHED))
        .where(
            ~fn.EXISTS(
                Lesson.select(Lesson.id).where((Lesson.course == Course.id) & Lesson.material.not_in(done))
            )
        )
    )
    already = CourseCompletion.select(CourseCompletion.course).where(CourseCompletion.deputy == deputy_id)
    completed = []
    # Two racing completions may both get here: the row and the event are each one per deputy and course.
    for course_id, title in candidates.where(Course.id.not_in(already)).tuples():
        CourseCompletion.insert(deputy=deputy_id, course=course_id, completed_at=now).on_conflict_ignore().execute()
        record_event(deputy_id, COMPLETE_EVENT, "course", course_id, {"title": title[:100]})
        completed.append(course_id)
    return completed
