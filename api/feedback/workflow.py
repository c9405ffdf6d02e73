"""The constituent-feedback workflow, declared once: states, moves with their permission and guards.

    (screening →) submitted → accepted | rejected | merged
    (review → submitted | rejected)
    accepted → forwarded (unit, due date) → answered → closed → rated
    accepted → closed (the station answers itself), accepted → rejected | merged
    forwarded → accepted (the unit returns it: not theirs, with a reason)
    rated → accepted (不满意: reopened once, with a reason)

Station staff decide; units answer, return and ask for more time; the constituent rates; deputies only
comment (they hold no move). Extension requests have a small workflow of their own.
"""
from api.common.workflow import Move, Workflow
from api.feedback.models import (
    ACCEPTED,
    ANSWERED,
    APPROVED,
    CLOSED,
    EXTENSION_LABELS,
    FORWARDED,
    MERGED,
    PENDING,
    RATED,
    REFUSED,
    REJECTED,
    REVIEW,
    SCREENING,
    STATE_LABELS,
    SUBMITTED,
    UNSATISFIED,
)

HANDLE = "feedback:handle"
UNIT = "feedback:unit"
OWN = "feedback:own"
MAX_REOPENS = 1


def unsatisfied_once(case):
    if case.rating != UNSATISFIED:
        return "只有评价为「不满意」的事项可以申请重新办理。"
    if case.reopen_count >= MAX_REOPENS:
        return "该事项已重新办理过一次，不能再次申请。"
    return None


def has_unit(case):
    return None if case.unit_id else "该事项没有承办单位。"


CASE_FLOW = Workflow(
    "feedback_case",
    "群众意见",
    states=STATE_LABELS,
    moves=[
        # Screening by the system (the queued check) or, for flagged cases, by a person. People reach
        # review → submitted only through the "release" capability (services.release): the system moves
        # out of `screening` have no permission, which the kernel would let anyone make.
        Move(SCREENING, SUBMITTED, "通过检测"),
        Move(SCREENING, REVIEW, "转人工审核"),
        Move(REVIEW, SUBMITTED, "审核通过", HANDLE),
        Move(REVIEW, REJECTED, "不予受理", HANDLE),
        Move(SUBMITTED, ACCEPTED, "受理", HANDLE),
        Move(SUBMITTED, REJECTED, "不予受理", HANDLE),
        Move(SUBMITTED, MERGED, "合并", HANDLE),
        Move(ACCEPTED, REJECTED, "不予受理", HANDLE),
        Move(ACCEPTED, MERGED, "合并", HANDLE),
        Move(ACCEPTED, FORWARDED, "转办", HANDLE),
        Move(ACCEPTED, CLOSED, "办结", HANDLE),
        # An approved extension: same state, a later due date, and a history row saying so.
        Move(FORWARDED, FORWARDED, "延长期限", HANDLE),
        Move(FORWARDED, ANSWERED, "答复", UNIT, guards=(has_unit,)),
        Move(FORWARDED, ACCEPTED, "退回", UNIT),
        Move(ANSWERED, CLOSED, "办结", HANDLE),
        Move(CLOSED, RATED, "评价", OWN),
        Move(RATED, ACCEPTED, "重新办理", OWN, guards=(unsatisfied_once,)),
    ],
    capabilities={
        "comment": "发表意见",
        "forward": "转办",
        "release": "审核通过",
        # Three moves lead to `accepted` (accept, a unit's return, a reopen); each action asks for its own.
        "accept": "受理",
        "return": "退回",
        "reopen": "重新办理",
        "extend": "申请延期",
        "decide_extension": "审批延期",
        "rate": "评价",
        "merge_target": "作为合并目标",
    },
    allows={
        SCREENING: {"comment"},
        REVIEW: {"comment", "release"},
        SUBMITTED: {"comment", "merge_target", "accept"},
        ACCEPTED: {"comment", "merge_target", "forward"},
        FORWARDED: {"comment", "extend", "decide_extension", "merge_target", "return"},
        ANSWERED: {"comment", "merge_target"},
        CLOSED: {"comment", "rate"},
        RATED: {"comment", "reopen"},
    },
)

EXTENSION_FLOW = Workflow(
    "feedback_extension",
    "延期申请",
    states=EXTENSION_LABELS,
    moves=[
        Move(PENDING, APPROVED, "批准", HANDLE),
        Move(PENDING, REFUSED, "不批准", HANDLE),
    ],
)
