"""The meeting and paper workflows, declared once: states, moves with their permission, what each state allows."""
from api.briefings.models import CANCELLED, DRAFT, MEETING_STATES, PAPER_STATES, PUBLISHED, REVOKED
from api.common.workflow import Move, Workflow

MANAGE = "briefings:manage"

MEETING_FLOW = Workflow(
    "meeting",
    "会议",
    states=MEETING_STATES,
    moves=[
        Move(DRAFT, PUBLISHED, "发布", MANAGE),
        Move(PUBLISHED, CANCELLED, "取消", MANAGE),
    ],
    capabilities={"edit": "修改", "delete": "删除", "attend": "参会", "add_papers": "添加资料"},
    allows={
        DRAFT: {"edit", "delete", "add_papers"},
        # Published: details and the audience may still change (a deputy invited late); attendees follow.
        PUBLISHED: {"edit", "attend", "add_papers"},
        CANCELLED: set(),
    },
)

PAPER_FLOW = Workflow(
    "paper",
    "资料",
    states=PAPER_STATES,
    moves=[
        Move(DRAFT, PUBLISHED, "发布", MANAGE),
        # Revocation bumps the link epoch in the same update: every page link dies at once.
        Move(PUBLISHED, REVOKED, "撤销", MANAGE),
    ],
    capabilities={
        "edit": "修改",
        "delete": "删除",
        "new_version": "上传新版本",
        "read": "阅读",
        "remind": "提醒",
        "report": "查看阅读情况",
    },
    allows={
        DRAFT: {"edit", "delete", "new_version"},
        PUBLISHED: {"edit", "new_version", "read", "remind", "report"},
        REVOKED: {"report"},
    },
)
