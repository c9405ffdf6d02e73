"""The kinds of performance events the record knows, with their Chinese labels and the section they count in.

The names are the cross-module agreement (see README, "履职档案"). A kind recorded by a module this
table does not know yet is still shown and counted, under its raw name and the section 其他: the record
never needs a change when a module starts recording something new.
"""

KINDS = {
    "notice.reply": "回复通知",
    "learning.complete": "完成学习",
    "training.attend": "参加培训",
    "consultation.opinion": "提出法规草案意见",
    "suggestion.submit": "提出建议",
    "suggestion.cosign": "附议建议",
    "suggestion.rate": "评价建议办理",
    "feedback.comment": "群众意见发表看法",
    "feedback.forward": "转交群众意见",
    "station.reception": "联络站接待群众",
    "activity.attend": "参加代表活动",
    "activity.report": "提交活动报告",
    "meeting.attend": "出席会议",
    "record.other": "其他履职",
}

# Sections of the figures, in the order the record and the 述职 show them.
SECTIONS = {
    "会议": ("meeting.attend",),
    "闭会期间活动": ("activity.attend", "activity.report", "record.other"),
    "学习培训": ("learning.complete", "training.attend"),
    "建议": ("suggestion.submit", "suggestion.cosign", "suggestion.rate"),
    "立法意见": ("consultation.opinion",),
    "联系群众": ("station.reception", "feedback.comment", "feedback.forward"),
    "通知回复": ("notice.reply",),
}
OTHER_SECTION = "其他"

# What a deputy may report themselves (staff confirm): what happens outside the system too.
SELF_REPORTABLE = ("activity.attend", "meeting.attend", "training.attend", "station.reception", "record.other")


def label(kind):
    return KINDS.get(kind, kind)


def section(kind):
    for name, kinds in SECTIONS.items():
        if kind in kinds:
            return name
    return OTHER_SECTION


def ordered(kinds):
    """Known kinds in the table's order, then unknown ones alphabetically."""
    known = [k for k in KINDS if k in kinds]
    return known + sorted(k for k in kinds if k not in KINDS)
