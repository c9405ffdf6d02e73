"""What a deputy may see of the library, and the Redis cache that serves it.

Audience safety: nothing is cached under a global key. Each deputy's *reach* (the published materials
and courses whose audience includes one of their seats) is computed from the database and cached per
deputy; a catalogue page is cached under a digest of that reach, so two deputies share a page only
when they can see exactly the same things. Every key carries the generation `learn:gen`, which every
publish, unpublish and edit of published content bumps after its commit: a reader that computed with
the old data can only have stored it under a generation no one asks for again. The audience of
published content is fixed (workflow.py), so a stale reach can only come from a deputy's own
membership changing (moved delegation): CACHE_SECONDS bounds that; a deputy who leaves office loses
their session at once (auth).

A warm read is one Redis round trip (a Lua script reads the generation, the reach and the page).
"""
import hashlib
import json
import logging

from flask import current_app
from peewee import Case, fn

from api.common.errors import Forbidden, Gone, NotFound
from api.common.redis import REDIS_ERRORS
from api.deputies import audience as audiences
from api.deputies.models import Deputy
from api.extensions import redis_store
from api.materials.models import KIND_LABELS, PUBLISHED, STATE_LABELS, Course, Lesson, Material

log = logging.getLogger("deputyhub.materials")

GEN_KEY = "learn:gen"
NO_DEPUTY = "当前账号未关联代表信息，请联系工作人员。"
# KEYS: gen, reach prefix, page prefix. ARGV: deputy key, page name. Returns {gen, reach or false, page or false}.
_READ = """
local gen = redis.call('GET', KEYS[1]) or '0'
local reach = redis.call('GET', KEYS[2] .. gen .. ':' .. ARGV[1])
if not reach then return {gen, false, false} end
if ARGV[2] == '' then return {gen, reach, false} end
local page = redis.call('GET', KEYS[3] .. gen .. ':' .. redis.sha1hex(reach) .. ':' .. ARGV[2])
return {gen, reach, page or false}
"""
_script = None


def cache_seconds():
    return int(current_app.config["LEARNING_CACHE_SECONDS"])


def bump():
    """Call after the commit of any change a deputy could see."""
    try:
        redis_store.incr(GEN_KEY)
    except REDIS_ERRORS as exc:
        log.warning("catalogue generation not bumped; cached pages live out their TTL", extra={"error": str(exc)})


def deputy_key(principal):
    if principal.deputy_id is None:
        raise Forbidden(NO_DEPUTY)
    return ",".join(map(str, sorted(principal.deputy_ids or (principal.deputy_id,))))


def compute_reach(deputy_ids):
    """{materials: listed ids, readable: ids, courses: ids} for these seats, from the database.

    Two queries for the published things and one for the verdicts on every distinct audience among them.
    """
    published = [
        ("m", row_id, audience)
        for row_id, audience in Material.select(Material.id, Material.audience)
        .where(Material.state == PUBLISHED)
        .tuples()
    ] + [
        ("c", row_id, audience)
        for row_id, audience in Course.select(Course.id, Course.audience).where(Course.state == PUBLISHED).tuples()
    ]
    distinct = {}
    for _, _, audience in published:
        stored = json.loads(audience) if isinstance(audience, str) else audience
        distinct.setdefault(json.dumps(stored, sort_keys=True), stored)
    verdicts = {}
    if distinct:
        # One row over the caller's seats: for each distinct audience, whether any seat is in it.
        keys = list(distinct)
        columns = [fn.MAX(Case(None, [(audiences.condition(distinct[key]), 1)], 0)) for key in keys]
        row = Deputy.select(*columns).where(Deputy.id.in_(list(deputy_ids))).tuples().first() or ()
        verdicts = {key: bool(value) for key, value in zip(keys, row, strict=False)}
    listed, courses = [], []
    for kind, row_id, audience in published:
        stored = json.loads(audience) if isinstance(audience, str) else audience
        if verdicts.get(json.dumps(stored, sort_keys=True)):
            (listed if kind == "m" else courses).append(row_id)
    readable = set(listed)
    if courses:
        # A course's lessons are readable by its audience even if the material alone is aimed elsewhere.
        readable.update(
            material_id
            for (material_id,) in Lesson.select(Lesson.material)
            .join(Material)
            .where(Lesson.course.in_(courses) & (Material.state == PUBLISHED))
            .tuples()
        )
    return {"materials": sorted(listed), "readable": sorted(readable), "courses": sorted(courses)}


def _read(deputy, page_name=""):
    global _script
    try:
        if _script is None:
            _script = redis_store.register_script(_READ)
        gen, reach, page = _script(keys=[GEN_KEY, "learn:reach:", "learn:page:"], args=[deputy, page_name])
        return gen.decode(), reach, page
    except REDIS_ERRORS as exc:
        log.warning("catalogue cache unavailable; reading the database", extra={"error": str(exc)})
        return None, None, None


def _store(key, value):
    try:
        redis_store.set(key, value, ex=cache_seconds())
    except REDIS_ERRORS as exc:
        log.warning("catalogue cache write failed", extra={"error": str(exc)})


def reach_of(principal, page_name=""):
    """(generation, reach JSON bytes, cached page bytes or None) for the caller."""
    deputy = deputy_key(principal)
    gen, reach, page = _read(deputy, page_name)
    if reach is None:
        ids = [int(i) for i in deputy.split(",")]
        reach = json.dumps(compute_reach(ids)).encode()
        if gen is not None:
            _store(f"learn:reach:{gen}:{deputy}", reach)
    return gen, reach, page


def cached_page(principal, page_name, build):
    """The bytes of a page for the caller: from Redis under (generation, reach digest), or built."""
    gen, reach, page = reach_of(principal, page_name)
    if page is not None:
        return page
    body = json.dumps(build(json.loads(reach)), ensure_ascii=False, separators=(",", ":")).encode()
    if gen is not None:
        _store(f"learn:page:{gen}:{hashlib.sha1(reach).hexdigest()}:{page_name}", body)  # noqa: S324 - a cache key
    return body


def reach(principal):
    return json.loads(reach_of(principal)[1])


def material_card(row):
    return {
        "id": row.id, "title": row.title, "kind": row.kind, "kind_label": KIND_LABELS[row.kind],
        "category": row.category, "tags": row.tags or [], "summary": row.summary,
        "estimated_minutes": row.estimated_minutes, "pinned": row.pinned,
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }


def build_library(reach_data, args):
    query = Material.select().where(Material.id.in_(reach_data["materials"]) & (Material.state == PUBLISHED))
    if args.get("category"):
        query = query.where(Material.category == args["category"])
    if args.get("tag"):
        # Tags are a JSON list in a text column: match the quoted tag in its text (a cast, so that the
        # pattern is not itself JSON-encoded as a value of the column).
        query = query.where(Material.tags.cast("text").contains(json.dumps(args["tag"], ensure_ascii=False)))
    total = query.count()
    rows = query.order_by(Material.pinned.desc(), Material.published_at.desc(), Material.id.desc()).paginate(
        args["page"], args["page_size"]
    )
    categories = dict(
        Material.select(Material.category, fn.COUNT(Material.id))
        .where(Material.id.in_(reach_data["materials"]) & (Material.state == PUBLISHED))
        .group_by(Material.category)
        .tuples()
    )
    return {"items": [material_card(row) for row in rows], "total": total, "page": args["page"],
            "page_size": args["page_size"], "categories": categories}


def library_page(principal, args):
    name = f"lib:{args.get('category') or ''}:{args.get('tag') or ''}:{args['page']}:{args['page_size']}"
    return cached_page(principal, name, lambda data: build_library(data, args))


def readable_material(principal, material_id):
    """The material if the caller may read it now: 410 once unpublished, 404 if never theirs."""
    if material_id in reach(principal)["readable"]:
        material = Material.get_or_none(Material.id == material_id)
        if material is not None and material.state == PUBLISHED:
            return material
    material = Material.get_or_none(Material.id == material_id)
    if material is not None and material.state != PUBLISHED and material.published_at is not None:
        # Only someone it once reached learns that it was withdrawn; to anyone else it does not exist.
        ids = [int(i) for i in deputy_key(principal).split(",")]
        if Deputy.select().where(audiences.condition(material.audience) & Deputy.id.in_(ids)).exists():
            raise Gone(f"该资料已{STATE_LABELS[material.state]}。")
    raise NotFound("学习资料不存在。")


def visible_course(principal, course_id):
    if course_id not in reach(principal)["courses"]:
        raise NotFound("课程不存在。")
    course = Course.get_or_none(Course.id == course_id)
    if course is None or course.state != PUBLISHED:
        raise NotFound("课程不存在。")
    return course


def course_cards(course_ids):
    if not course_ids:
        return []
    totals = {
        course_id: (count, minutes or 0)
        for course_id, count, minutes in Lesson.select(
            Lesson.course, fn.COUNT(Lesson.id), fn.SUM(Lesson.estimated_minutes)
        )
        .where(Lesson.course.in_(course_ids))
        .group_by(Lesson.course)
        .tuples()
    }
    rows = (
        Course.select()
        .where(Course.id.in_(course_ids) & (Course.state == PUBLISHED))
        .order_by(Course.required.desc(), Course.pinned.desc(), Course.due_date, Course.id.desc())
    )
    return [
        {
            "id": row.id, "title": row.title, "category": row.category, "summary": row.summary,
            "required": row.required, "due_date": row.due_date.isoformat() if row.due_date else None,
            "pinned": row.pinned, "lesson_count": totals.get(row.id, (0, 0))[0],
            "estimated_minutes": totals.get(row.id, (0, 0))[1],
        }
        for row in rows
    ]


def courses_page(principal):
    return cached_page(principal, "courses", lambda data: {"items": course_cards(data["courses"])})


def course_page(principal, course_id):
    def build(data):
        if course_id not in data["courses"]:
            raise NotFound("课程不存在。")
        cards = course_cards([course_id])
        if not cards:
            raise NotFound("课程不存在。")
        course = Course.get_by_id(course_id)
        lessons = [
            {"position": p, "title": t, "material_id": m, "estimated_minutes": e}
            for p, t, m, e in Lesson.select(Lesson.position, Lesson.title, Lesson.material, Lesson.estimated_minutes)
            .where(Lesson.course == course_id)
            .order_by(Lesson.position)
            .tuples()
        ]
        return {**cards[0], "syllabus": course.syllabus, "lessons": lessons}

    return cached_page(principal, f"course:{course_id}", build)
