"""Staff reports: course completion (per deputy, per delegation), reminders, attendance sheets, Excel."""
import datetime as dt

from flask import current_app
from peewee import JOIN, fn

from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Conflict, TooSoon
from api.common.spreadsheets import write_xlsx
from api.common.timezone import local
from api.deputies import audience as audiences
from api.deputies.models import Deputy
from api.extensions import db
from api.materials.models import (
    METHOD_LABELS,
    REPLY_LABELS,
    Attendance,
    ClassSession,
    CourseCompletion,
    Invitation,
)
from api.materials.workflow import COURSE_FLOW
from api.org.models import Delegation
from api.push import services as push

SOURCE_TYPE = "course"


def _when(value):
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def completion_rows(course, filters=None):
    """One row per deputy of the course's audience: done or not, when."""
    filters = filters or {}
    query = (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Delegation.id.alias("delegation_id"),
                      Delegation.name.alias("delegation"), CourseCompletion.completed_at)
        .join(Delegation)
        .switch(Deputy)
        .join(CourseCompletion, JOIN.LEFT_OUTER,
              on=(CourseCompletion.deputy == Deputy.id) & (CourseCompletion.course == course.id))
        .where(audiences.condition(course.audience))
    )
    if filters.get("delegation_id"):
        query = query.where(Deputy.delegation == filters["delegation_id"])
    if filters.get("status") == "done":
        query = query.where(CourseCompletion.id.is_null(False))
    elif filters.get("status") == "pending":
        query = query.where(CourseCompletion.id.is_null())
    return query.order_by(Delegation.name, Deputy.code).dicts()


def completion_summary(course):
    """Per delegation: audience size and how many completed, one grouped query."""
    done = fn.COUNT(CourseCompletion.id)
    rows = (
        Deputy.select(Delegation.id, Delegation.name, fn.COUNT(Deputy.id).alias("total"), done.alias("done"))
        .join(Delegation)
        .switch(Deputy)
        .join(CourseCompletion, JOIN.LEFT_OUTER,
              on=(CourseCompletion.deputy == Deputy.id) & (CourseCompletion.course == course.id))
        .where(audiences.condition(course.audience))
        .group_by(Delegation.id, Delegation.name)
        .order_by(Delegation.name)
        .dicts()
    )
    delegations = [
        {"delegation_id": r["id"], "delegation": r["name"], "total": r["total"], "done": r["done"]} for r in rows
    ]
    total = sum(r["total"] for r in delegations)
    done_all = sum(r["done"] for r in delegations)
    return {"course_id": course.id, "title": course.title, "total": total, "done": done_all,
            "due_date": course.due_date, "delegations": delegations}


def completion_xlsx(course):
    rows = (
        [r["code"], r["name"], r["delegation"], "已完成" if r["completed_at"] else "未完成", _when(r["completed_at"])]
        for r in completion_rows(course)
    )
    header = [["代表编号", "姓名", "代表团", "状态", "完成时间"]]
    summary = [["代表团", "应学人数", "已完成"]] + [
        [d["delegation"], d["total"], d["done"]] for d in completion_summary(course)["delegations"]
    ]
    return write_xlsx([("完成情况", _chain(header, rows)), ("按代表团", summary)])


def _chain(first, rest):
    yield from first
    yield from rest


def remind_pending(course):
    """Push to the deputies of a required course who have not completed it; at most once an interval."""
    COURSE_FLOW.require(course, "remind")
    if not course.required:
        raise Conflict("只有必修课程可以提醒。")
    now = utcnow()
    interval = dt.timedelta(seconds=current_app.config["LEARNING_REMIND_INTERVAL_SECONDS"])
    if course.last_reminded_at and course.last_reminded_at > now - interval:
        wait = max(1, int((course.last_reminded_at + interval - now).total_seconds()))
        raise TooSoon(f"提醒过于频繁，请 {(wait + 59) // 60} 分钟后再试。", retry_after=wait)
    completed = CourseCompletion.select(CourseCompletion.deputy).where(CourseCompletion.course == course.id)
    pending = Deputy.select(Deputy.id).where(audiences.condition(course.audience) & Deputy.id.not_in(completed))
    recipients = pending.count()
    if not recipients:
        raise Conflict("受众均已完成该课程，无需提醒。")
    number = course.reminder_count + 1
    message = {
        "template": "reminder",
        "page": f"pages/learning/course?id={course.id}",
        "data": {
            "thing1": course.title[:20],
            "thing2": "必修课程",
            "time3": course.due_date.strftime("%Y-%m-%d") if course.due_date else "",
        },
    }
    with db.atomic():
        claimed = (
            type(course).update(reminder_count=number, last_reminded_at=now)
            .where((type(course).id == course.id) & (type(course).reminder_count == course.reminder_count))
            .execute()
        )
        if not claimed:
            raise TooSoon("刚刚已有人发送提醒。", retry_after=60)
        queued = push.queue_deliveries(SOURCE_TYPE, course.id, pending, message, dedupe_scope=f"remind-{number}")
        record("course.remind", "course", course.id, detail={"reminder": number, "queued": queued["queued"]})
    push.dispatch_recorded(queued["jobs"])
    return {"queued": queued["queued"], "recipients": recipients,
            "message": f"已向 {recipients} 位未完成的代表发出提醒（{queued['queued']} 条待发送）。"}


# --- classes ---


def attendance_sheet(training_class):
    """Invited deputies × sessions: reply, and for each session how they were marked present."""
    sessions = list(
        ClassSession.select().where(ClassSession.training_class == training_class.id).order_by(ClassSession.starts_at)
    )
    invitations = list(
        Invitation.select(Invitation, Deputy.code, Deputy.name, Delegation.name.alias("delegation"))
        .join(Deputy)
        .join(Delegation)
        .where(Invitation.training_class == training_class.id)
        .order_by(Delegation.name, Deputy.code)
        .dicts()
    )
    marks = {}
    if sessions:
        for row in Attendance.select().where(Attendance.session.in_([s.id for s in sessions])).dicts():
            marks[(row["deputy"], row["session"])] = row
    rows = []
    for inv in invitations:
        rows.append({
            "deputy_id": inv["deputy"], "code": inv["code"], "name": inv["name"], "delegation": inv["delegation"],
            "reply": inv["reply"], "reply_label": REPLY_LABELS[inv["reply"]], "reason": inv["reason"],
            "sessions": [
                {"session_id": s.id, "method": marks[(inv["deputy"], s.id)]["method"],
                 "at": marks[(inv["deputy"], s.id)]["at"]} if (inv["deputy"], s.id) in marks
                else {"session_id": s.id, "method": None, "at": None}
                for s in sessions
            ],
        })
    return {"sessions": sessions, "rows": rows}


def attendance_xlsx(training_class):
    sheet = attendance_sheet(training_class)
    header = ["代表编号", "姓名", "代表团", "回执", "请假理由"] + [
        f"{s.title}（{_when(s.starts_at)}）" for s in sheet["sessions"]
    ]
    rows = [header] + [
        [r["code"], r["name"], r["delegation"], r["reply_label"], r["reason"] or ""]
        + [METHOD_LABELS[c["method"]] if c["method"] else "缺席" for c in r["sessions"]]
        for r in sheet["rows"]
    ]
    return write_xlsx([("签到表", rows)])
