"""Publishing of materials and courses, declared once: draft → published ⇄ unpublished.

What a deputy may see is decided by the state and the audience together, and the audience is fixed
while published ("retarget" is not allowed there): to change who sees something, staff unpublish it
first. That is what lets a reader's every request check only the state (see catalogue.py).
"""
from api.common.errors import Invalid
from api.common.workflow import Move, Workflow
from api.deputies import audience as audiences
from api.materials.models import DRAFT, PUBLISHED, STATE_LABELS, UNPUBLISHED, Lesson, Material

MANAGE = "materials:manage"


def reaches_someone(entity):
    audiences.check_references(entity.audience)
    if not audiences.deputy_ids_query(entity.audience).exists():
        raise Invalid("受众中没有在任代表，无法发布。", errors={"audience": ["没有符合条件的在任代表。"]})


def lessons_published(course):
    lessons = list(
        Lesson.select(Lesson.position, Material.state).join(Material).where(Lesson.course == course.id).tuples()
    )
    if not lessons:
        raise Invalid("课程还没有课时，无法发布。", errors={"lessons": ["请先添加课时。"]})
    drafts = [position for position, state in lessons if state != PUBLISHED]
    if drafts:
        message = f"第 {', '.join(map(str, drafts))} 课的资料未发布。"
        raise Invalid("课程中有未发布的学习资料。", errors={"lessons": [message]})


CAPABILITIES = {"edit": "修改", "retarget": "修改受众", "delete": "删除", "read": "学习", "remind": "提醒"}
ALLOWS = {
    DRAFT: {"edit", "retarget", "delete"},
    PUBLISHED: {"edit", "read", "remind"},
    UNPUBLISHED: {"edit", "retarget"},
}

MATERIAL_FLOW = Workflow(
    "material",
    "学习资料",
    states=STATE_LABELS,
    moves=[
        Move(DRAFT, PUBLISHED, "发布", MANAGE, guards=(reaches_someone,)),
        Move(UNPUBLISHED, PUBLISHED, "重新发布", MANAGE, guards=(reaches_someone,)),
        Move(PUBLISHED, UNPUBLISHED, "下架", MANAGE),
    ],
    capabilities=CAPABILITIES,
    allows=ALLOWS,
)

COURSE_FLOW = Workflow(
    "course",
    "课程",
    states=STATE_LABELS,
    moves=[
        Move(DRAFT, PUBLISHED, "发布", MANAGE, guards=(reaches_someone, lessons_published)),
        Move(UNPUBLISHED, PUBLISHED, "重新发布", MANAGE, guards=(reaches_someone, lessons_published)),
        Move(PUBLISHED, UNPUBLISHED, "下架", MANAGE),
    ],
    capabilities=CAPABILITIES,
    allows=ALLOWS,
)
