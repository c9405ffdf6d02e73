"""The consultation and opinion workflows, declared once: states, moves with their permission and
preconditions, and what each state allows. No rule about states is written as `if state == ...` elsewhere."""
from api.common.db import utcnow
from api.common.errors import Invalid
from api.common.workflow import Move, Workflow
from api.consultations import audience
from api.consultations.models import (
    CLOSED,
    CONCLUDED,
    DRAFT,
    MERGED,
    OPINION_LABELS,
    OUTCOMES,
    PUBLISHED,
    STATE_LABELS,
    SUBMITTED,
    WITHDRAWN,
    Consultation,
    DraftUnit,
    DraftVersion,
    Opinion,
)

MANAGE = "consultations:manage"
COMMENT = "consultations:comment"


def has_articles(consultation):
    articles = (
        DraftUnit.select()
        .join(DraftVersion)
        .where(DraftVersion.consultation == consultation.id, DraftUnit.kind == "article")
    )
    if not articles.exists():
        raise Invalid("草案中没有条文，不能发布。", errors={"units": ["请先导入草案文本。"]})


def closes_in_future(consultation):
    if consultation.closes_at <= utcnow():
        raise Invalid("截止时间已过，请修改后再发布。", errors={"closes_at": ["截止时间须晚于当前时间。"]})


def reaches_someone(consultation):
    audience.check(consultation.audience)
    if not audience.deputy_ids_query(consultation).exists():
        raise Invalid("受众中没有在任代表，无法发布。", errors={"audience": ["没有符合条件的在任代表。"]})


def all_opinions_studied(consultation):
    waiting = Opinion.select().where(Opinion.consultation == consultation.id, Opinion.state == SUBMITTED).count()
    if waiting:
        return f"尚有 {waiting} 条意见未标注研究结果。"
    return None


def still_accepting(consultation):
    if not consultation.accepting():
        return "不在征求意见时间内（已截止或尚未开始），不能提交或修改意见。"
    return None


CONSULTATION_FLOW = Workflow(
    "consultation",
    "征求意见",
    states=STATE_LABELS,
    moves=[
        Move(DRAFT, PUBLISHED, "发布", MANAGE, guards=(has_articles, closes_in_future, reaches_someone)),
        # The deadline job closes it as the system; staff may close it early.
        Move(PUBLISHED, CLOSED, "截止", MANAGE, by_system=True),
        Move(CLOSED, CONCLUDED, "公布研究结果", MANAGE, guards=(all_opinions_studied,)),
    ],
    capabilities={
        "edit": "修改",
        "structure": "修改条文结构",
        "delete": "删除",
        "new_version": "发布新版本",
        "comment": "提交或修改意见",
        "remind": "提醒",
        "study": "标注研究结果或合并意见",
        "read": "阅读",
        "outcomes": "查看研究结果",
    },
    allows={
        DRAFT: {"edit", "structure", "delete"},
        PUBLISHED: {"edit", "new_version", "comment", "remind", "read"},
        CLOSED: {"study", "read"},
        CONCLUDED: {"read", "outcomes"},
    },
    conditions={"comment": (still_accepting,)},
)


def consultation_of(opinion):
    return Consultation.get_by_id(opinion.consultation_id)


def open_for_comment(opinion):
    return still_accepting(consultation_of(opinion))


def being_studied(opinion):
    consultation = consultation_of(opinion)
    if not CONSULTATION_FLOW.allows(consultation.state, "study"):
        return f"征求意见当前为「{CONSULTATION_FLOW.label(consultation.state)}」，截止后才能标注研究结果。"
    return None


_marking = [
    Move(source, target, f"标注为「{OPINION_LABELS[target]}」", MANAGE, guards=(being_studied,))
    for source in (SUBMITTED, *OUTCOMES)
    for target in OUTCOMES
    if source != target
]

OPINION_FLOW = Workflow(
    "consultation_opinion",
    "意见",
    states=OPINION_LABELS,
    moves=[
        Move(SUBMITTED, WITHDRAWN, "撤回", COMMENT, guards=(open_for_comment,)),
        Move(SUBMITTED, MERGED, "合并", MANAGE, guards=(being_studied,)),
        # Unmerging: a merge by mistake is undone before the outcomes are published.
        Move(MERGED, SUBMITTED, "取消合并", MANAGE, guards=(being_studied,)),
        *_marking,
    ],
    capabilities={"edit": "修改", "sign": "联名", "merge_target": "作为合并目标"},
    allows={SUBMITTED: {"edit", "sign", "merge_target"}, **{state: {"merge_target"} for state in OUTCOMES}},
    conditions={"edit": (open_for_comment,), "sign": (open_for_comment,)},
)
