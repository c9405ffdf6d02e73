"""The three workflows of a suggestion, declared once: the suggestion, each unit's assignment, each commitment.

Suggestion:
    draft → submitted (the deputy, after the self-check)
    submitted → accepted | rejected (not a suggestion, passed on elsewhere) | merged (the office)
    accepted → merged; accepted → assigned (lead + co-units, or 分办)
    assigned → answered (the system, when the last answering unit answers)
    answered → rated (the lead deputy); rated → assigned (不满意: re-handled once, by the office)

Assignment (one unit, one round):
    pending → handling (签收) → answered (lead or 分办 unit) | opinion (co-unit)
    pending | handling → withdrawn (the office approved a reassignment, or the round was replaced)

Commitment: open → reported (the unit, with evidence) → verified (the office); reported → open (sent back).

Requests (extension, reassignment) have a small flow of their own: pending → approved | refused.
"""
from api.common.workflow import Move, Workflow
from api.suggestions.models import (
    A_ANSWERED,
    A_HANDLING,
    A_OPINION,
    A_PENDING,
    A_WITHDRAWN,
    ACCEPTED,
    ANSWERED,
    ASSIGNED,
    ASSIGNMENT_LABELS,
    C_OPEN,
    C_REPORTED,
    C_VERIFIED,
    COMMITMENT_LABELS,
    DRAFT,
    MERGED,
    R_APPROVED,
    R_PENDING,
    R_REFUSED,
    RATED,
    REJECTED,
    REQUEST_LABELS,
    STATE_LABELS,
    SUBMITTED,
    UNSATISFIED,
)

DRAFTING = "suggestions:draft"
HANDLE = "suggestions:handle"
UNIT = "suggestions:unit"
MAX_ROUNDS = 2  # the first handling and one re-handling after 不满意


def unsatisfied_once(suggestion):
    if suggestion.rating != UNSATISFIED:
        return "只有评价为「不满意」的建议可以重新办理。"
    if suggestion.rounds >= MAX_ROUNDS:
        return "该建议已重新办理过一次，不能再次重新办理。"
    return None


SUGGESTION_FLOW = Workflow(
    "suggestion",
    "建议",
    states=STATE_LABELS,
    moves=[
        Move(DRAFT, SUBMITTED, "提交", DRAFTING),
        Move(SUBMITTED, ACCEPTED, "立案", HANDLE),
        Move(SUBMITTED, REJECTED, "不作为建议处理", HANDLE),
        Move(SUBMITTED, MERGED, "并案", HANDLE),
        Move(ACCEPTED, MERGED, "并案", HANDLE),
        Move(ACCEPTED, ASSIGNED, "交办", HANDLE),
        # Moved by the answer of the last answering unit: the unit's permission, in the same transaction.
        Move(ASSIGNED, ANSWERED, "答复", UNIT, by_system=True),
        Move(ANSWERED, RATED, "评价", DRAFTING),
        Move(RATED, ASSIGNED, "重新交办", HANDLE, guards=(unsatisfied_once,)),
    ],
    capabilities={
        "edit": "修改",
        "delete": "删除",
        "invite": "邀请附议",
        "cosign": "附议",
        "digest": "修改两摘两推",
        "supervise": "重点督办",
        "consent": "同意公开",
        "merge_target": "作为并案目标",
    },
    allows={
        DRAFT: {"edit", "delete", "invite", "cosign"},
        SUBMITTED: {"cosign", "digest", "merge_target", "consent"},
        ACCEPTED: {"digest", "supervise", "merge_target", "consent"},
        ASSIGNED: {"digest", "supervise", "merge_target", "consent"},
        ANSWERED: {"digest", "supervise", "merge_target", "consent"},
        RATED: {"digest", "supervise", "merge_target", "consent"},
    },
)


def is_answering(assignment):
    return None if assignment.role != "co" else "协办单位向主办单位提出意见，不直接答复。"


def is_co_unit(assignment):
    return None if assignment.role == "co" else "只有协办单位提出协办意见。"


ASSIGNMENT_FLOW = Workflow(
    "suggestion_assignment",
    "交办件",
    states=ASSIGNMENT_LABELS,
    moves=[
        Move(A_PENDING, A_HANDLING, "签收", UNIT),
        Move(A_HANDLING, A_ANSWERED, "答复", UNIT, guards=(is_answering,)),
        Move(A_HANDLING, A_OPINION, "提出协办意见", UNIT, guards=(is_co_unit,)),
        Move(A_PENDING, A_WITHDRAWN, "收回", HANDLE),
        Move(A_HANDLING, A_WITHDRAWN, "收回", HANDLE),
    ],
    capabilities={"contact": "记录沟通", "request": "申请延期或调整", "extend": "延期", "publish": "公开答复"},
    allows={
        A_PENDING: {"contact", "request", "extend"},
        A_HANDLING: {"contact", "request", "extend"},
        A_OPINION: {"contact"},
        A_ANSWERED: {"contact", "publish"},
    },
)

COMMITMENT_FLOW = Workflow(
    "suggestion_commitment",
    "答复承诺",
    states=COMMITMENT_LABELS,
    moves=[
        Move(C_OPEN, C_REPORTED, "报告落实", UNIT),
        Move(C_REPORTED, C_VERIFIED, "核实办结", HANDLE),
        Move(C_REPORTED, C_OPEN, "退回", HANDLE),
    ],
)

REQUEST_FLOW = Workflow(
    "suggestion_request",
    "申请",
    states=REQUEST_LABELS,
    moves=[
        Move(R_PENDING, R_APPROVED, "批准", HANDLE),
        Move(R_PENDING, R_REFUSED, "不批准", HANDLE),
    ],
)
