"""The activity and invitation workflows, declared once.

Activity: draft → published → cancelled (draft → cancelled too). Invitation (the reply slip):

    invited → attending | on_leave (kinds without approval) | leave_pending (kinds needing approval)
    leave_pending → on_leave (approved) | leave_refused (refused: expected to attend)
    any answer may change while the activity has not started (attending ↔ leave ...)

Check-in is not a state: a deputy who asked for leave and came anyway is checked in all the same.
"""
from api.activities.models import (
    ACTIVITY_LABELS,
    ATTENDING,
    CANCELLED,
    DRAFT,
    INVITATION_LABELS,
    INVITED,
    LEAVE_PENDING,
    LEAVE_REFUSED,
    ON_LEAVE,
    PUBLISHED,
)
from api.common.workflow import Move, Workflow

MANAGE = "activities:manage"
OWN = "activities:own"

ACTIVITY_FLOW = Workflow(
    "activity",
    "活动",
    states=ACTIVITY_LABELS,
    moves=[
        Move(DRAFT, PUBLISHED, "发布", MANAGE),
        Move(DRAFT, CANCELLED, "取消", MANAGE),
        Move(PUBLISHED, CANCELLED, "取消", MANAGE),
    ],
    capabilities={"edit": "修改", "delete": "删除", "reply": "回复", "checkin": "签到", "report": "提交报告"},
    allows={DRAFT: {"edit", "delete"}, PUBLISHED: {"edit", "reply", "checkin", "report"}},
)

_ANSWERS = (ATTENDING, ON_LEAVE, LEAVE_PENDING)
INVITATION_FLOW = Workflow(
    "activity_invitation",
    "活动邀请",
    states=INVITATION_LABELS,
    moves=[
        # The deputy's answer, changed freely before the start; the services pick leave_pending or on_leave
        # by the activity's kind, and only staff move a pending request on to on_leave.
        *[Move(source, target, "回复", OWN)
          for source in (INVITED, *_ANSWERS, LEAVE_REFUSED) for target in _ANSWERS
          if source != target and (source, target) != (LEAVE_PENDING, ON_LEAVE)],
        Move(LEAVE_PENDING, ON_LEAVE, "批准请假", MANAGE),
        Move(LEAVE_PENDING, LEAVE_REFUSED, "不批准请假", MANAGE),
    ],
    capabilities={"decide": "审批请假"},
    allows={LEAVE_PENDING: {"decide"}},
    touch_field="updated_at",
)
