"""The notice workflow, declared once: states, moves with their permission and preconditions, and
what each state allows. Every notice rule about states is asked of `NOTICE_FLOW`; none is written
as an `if state == ...` elsewhere."""
from api.common.errors import Conflict, Invalid
from api.common.workflow import Move, Workflow
from api.deputies import audience as audiences
from api.notices import letters
from api.notices.models import DRAFT, PUBLISHED, SCHEDULED, STATE_LABELS, WITHDRAWN

MANAGE = "notices:manage"


def reaches_someone(notice):
    """422 unless the audience names only existing things and reaches at least one serving deputy."""
    audiences.check_references(notice.audience)
    if not audiences.deputy_ids_query(notice.audience).exists():
        raise Invalid("受众中没有在任代表，无法发布。", errors={"audience": ["没有符合条件的在任代表。"]})


def letters_complete(notice):
    """422 listing what each deputy lacks, for a letter whose merge data is incomplete."""
    if notice.is_letter:
        letters.render_all(notice, audiences.deputy_ids_query(notice.audience))


def asks_for_reply(notice):
    if not notice.reply_required:
        raise Conflict("此通知无需回执。")


def reply_still_open(notice):
    if not notice.reply_open():
        deadline = notice.reply_deadline.isoformat() if notice.reply_deadline else None
        raise Conflict("回执已截止，不能再提交或修改。", errors={"reply_deadline": [deadline]})


NOTICE_FLOW = Workflow(
    "notice",
    "通知",
    states=STATE_LABELS,
    moves=[
        # Publishing renders every letter after the move, in the same transaction (see services.publish),
        # so the letters are rendered once; scheduling checks them now, so a schedule is not a surprise later.
        Move(DRAFT, PUBLISHED, "发布", MANAGE, guards=(reaches_someone,)),
        Move(DRAFT, SCHEDULED, "定时发布", MANAGE, guards=(reaches_someone, letters_complete)),
        # The scheduled-publish job publishes as the system, and sends a notice it cannot publish back
        # to draft with the reason on record.
        Move(SCHEDULED, PUBLISHED, "发布", MANAGE, guards=(reaches_someone,), by_system=True),
        Move(SCHEDULED, DRAFT, "取消定时", MANAGE, by_system=True),
        Move(PUBLISHED, WITHDRAWN, "撤回", MANAGE),
    ],
    capabilities={
        "edit": "修改",
        "retarget": "修改受众、类别、回执选项或函件模板",
        "delete": "删除",
        "merge_data": "更换合并数据",
        "versioned": "保留历史版本",
        "notify_update": "推送更正",
        "remind": "提醒",
        "read": "阅读",
        "reply": "提交或修改回执",
        "shown_withdrawn": "向收件代表说明已撤回",
    },
    allows={
        DRAFT: {"edit", "retarget", "delete", "merge_data"},
        SCHEDULED: {"edit", "retarget", "merge_data"},
        # Published: content edits keep the earlier text as a version; who gets it is fixed.
        PUBLISHED: {"edit", "versioned", "notify_update", "remind", "read", "reply"},
        WITHDRAWN: {"shown_withdrawn"},
    },
    conditions={"reply": (asks_for_reply, reply_still_open)},
)
