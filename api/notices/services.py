"""Staff side of notices: drafts, audience, publishing (now or scheduled), edits, withdrawal, reports."""
import datetime as dt
import io
import logging

from peewee import JOIN, Value, fn
from werkzeug.exceptions import HTTPException

from api.audit.services import record
from api.auth.models import User
from api.common.db import utcnow
from api.common.errors import abort
from api.deputies.models import Deputy
from api.extensions import db
from api.files.models import StoredFile
from api.files.services import signed_url
from api.notices import audience as audiences
from api.notices import feed, letters
from api.notices.models import (
    DRAFT,
    PUBLISHED,
    SCHEDULED,
    STATE_LABELS,
    WITHDRAWN,
    Notice,
    NoticeAttachment,
    NoticeRecipient,
    NoticeVersion,
)
from api.notices.schemas import stored_audience
from api.org.models import Delegation
from api.push import services as push

log = logging.getLogger("deputyhub.notices")

SOURCE_TYPE = "notice"
REMIND_INTERVAL = dt.timedelta(hours=1)
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
INSERT_BATCH = 500


# --- reading ---


def list_notices(args):
    query = Notice.select().order_by(Notice.id.desc())
    if args.get("state"):
        query = query.where(Notice.state == args["state"])
    if args.get("kind"):
        query = query.where(Notice.kind == args["kind"])
    if args.get("q"):
        query = query.where(Notice.title.contains(args["q"]))
    return query


def attachments_of(notice):
    files = (
        StoredFile.select()
        .join(NoticeAttachment, on=(NoticeAttachment.file == StoredFile.id))
        .where(NoticeAttachment.notice == notice.id)
        .order_by(NoticeAttachment.position)
    )
    return [
        {"id": f.id, "filename": f.filename, "content_type": f.content_type, "size": f.size, "url": signed_url(f)}
        for f in files
    ]


def versions(notice):
    current = {
        "version": notice.version,
        "title": notice.title,
        "body": notice.body,
        "attachments": _attachment_summary(notice),
        "edited_by_id": None,
        "edited_at": None,
        "current": True,
    }
    earlier = NoticeVersion.select().where(NoticeVersion.notice == notice.id).order_by(NoticeVersion.version.desc())
    return [current] + [
        {
            "version": v.version,
            "title": v.title,
            "body": v.body,
            "attachments": v.attachments,
            "edited_by_id": v.edited_by_id,
            "edited_at": v.edited_at,
            "current": False,
        }
        for v in earlier
    ]


def _attachment_summary(notice):
    return [{"id": a["id"], "filename": a["filename"]} for a in attachments_of(notice)]


# --- drafts ---


def _check_files(file_ids):
    file_ids = list(dict.fromkeys(file_ids))
    found = {f.id for f in StoredFile.select(StoredFile.id).where(StoredFile.id.in_(file_ids))} if file_ids else set()
    missing = [i for i in file_ids if i not in found]
    if missing:
        abort(422, errors={"attachment_ids": [f"文件不存在：{', '.join(map(str, missing))}"]})
    return file_ids


def _set_attachments(notice, file_ids):
    NoticeAttachment.delete().where(NoticeAttachment.notice == notice.id).execute()
    if file_ids:
        NoticeAttachment.insert_many(
            [{"notice": notice.id, "file": file_id, "position": i} for i, file_id in enumerate(file_ids)]
        ).execute()


def _reply_columns(reply_slip):
    if reply_slip is None:
        return {"reply_options": None, "reply_deadline": None}
    return {"reply_options": reply_slip["options"], "reply_deadline": reply_slip["deadline"]}


def create_notice(data, principal):
    audience = stored_audience(data["audience"])
    audiences.check_references(audience)
    file_ids = _check_files(data["attachment_ids"])
    with db.atomic():
        notice = Notice.create(
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            pinned=data["pinned"],
            audience=audience,
            created_by=principal.user_id,
            updated_by=principal.user_id,
            **_reply_columns(data["reply_slip"]),
        )
        _set_attachments(notice, file_ids)
        record("notice.create", "notice", notice.id, detail={"title": notice.title, "kind": notice.kind})
    return notice


def update_notice(notice, data, principal):
    """Drafts change freely; a published notice keeps every earlier text as a version."""
    if notice.state == WITHDRAWN:
        abort(409, message="已撤回的通知不能修改。")
    published = notice.state == PUBLISHED
    if published:
        _refuse_locked_changes(notice, data)
    changes = {key: data[key] for key in ("title", "body", "kind", "pinned") if key in data}
    if "audience" in data:
        changes["audience"] = stored_audience(data["audience"])
        audiences.check_references(changes["audience"])
    if "reply_slip" in data:
        if data["reply_slip"] is not None and "deadline" not in data["reply_slip"]:
            abort(422, errors={"reply_slip": {"deadline": ["此项为必填项。"]}})
        changes.update(_reply_columns(data["reply_slip"]))
    file_ids = _check_files(data["attachment_ids"]) if "attachment_ids" in data else None
    old_file_ids = [a.file_id for a in notice.attachment_links.order_by(NoticeAttachment.position)]
    content_changed = (
        changes.get("title", notice.title) != notice.title
        or changes.get("body", notice.body) != notice.body
        or (file_ids is not None and file_ids != old_file_ids)
    )
    with db.atomic():
        if published and content_changed:
            NoticeVersion.create(
                notice=notice.id,
                version=notice.version,
                title=notice.title,
                body=notice.body,
                attachments=_attachment_summary(notice),
                edited_by=principal.user_id,
            )
            changes["version"] = notice.version + 1
        changes.update(updated_by=principal.user_id, updated_at=utcnow())
        # Conditional on the version read: of two racing edits the second gets a 409, not a lost update.
        updated = (
            Notice.update(**changes)
            .where((Notice.id == notice.id) & (Notice.version == notice.version) & (Notice.state == notice.state))
            .execute()
        )
        if not updated:
            abort(409, message="通知已被他人修改，请刷新后重试。")
        if file_ids is not None:
            _set_attachments(notice, file_ids)
        record("notice.update", "notice", notice.id, detail={"fields": sorted(data), "version": changes.get("version")})
    if published:
        feed.bump_recipients_of(notice.id, notice.recipient_count)
    return Notice.get_by_id(notice.id)


def _refuse_locked_changes(notice, data):
    locked = [key for key in ("audience", "kind") if key in data and data[key] != getattr(notice, key, None)]
    if "audience" in locked and stored_audience(data["audience"]) == notice.audience:
        locked.remove("audience")
    if "reply_slip" in data:
        slip = data["reply_slip"]
        if (slip is None) != (notice.reply_options is None) or (slip and slip.get("options") != notice.reply_options):
            locked.append("reply_slip")
    if notice.is_letter and "body" in data and data["body"] != notice.body:
        locked.append("body")
    if locked:
        abort(
            409,
            message="已发布的通知只能修改标题、正文、附件、置顶和回执截止时间；其他修改请撤回后重新发布。",
            errors={key: ["发布后不能修改。"] for key in locked},
        )


def delete_notice(notice):
    if notice.state != DRAFT:
        abort(409, message=f"只有草稿可以删除，此通知当前为「{STATE_LABELS[notice.state]}」。")
    with db.atomic():
        record("notice.delete", "notice", notice.id, detail={"title": notice.title})
        notice.delete_instance()


# --- workflow ---


def _ready_to_send(notice):
    """422 unless publishing would reach someone, with every letter complete."""
    audiences.check_references(notice.audience)
    recipients = audiences.deputy_ids_query(notice.audience)
    if not recipients.exists():
        abort(422, message="受众中没有在任代表，无法发布。", errors={"audience": ["没有符合条件的在任代表。"]})
    return letters.render_all(notice, recipients) if notice.is_letter else None


def schedule(notice, publish_at):
    _ready_to_send(notice)
    with db.atomic():
        notice.move_to(SCHEDULED, scheduled_at=publish_at, publish_error=None)
        record("notice.schedule", "notice", notice.id, detail={"publish_at": publish_at.isoformat()})
    return notice


def unschedule(notice):
    with db.atomic():
        notice.move_to(DRAFT, scheduled_at=None)
        record("notice.unschedule", "notice", notice.id)
    return notice


def publish(notice, actor=None):
    """State move, recipients, deliveries and send jobs in one transaction; the sends start after the commit.

    A second publish finds the notice no longer movable and gets 409: nothing is sent twice.
    """
    with db.atomic():
        notice.move_to(PUBLISHED, published_at=utcnow(), publish_error=None)
        rendered = _ready_to_send(notice)
        count = _materialise(notice, rendered)
        Notice.update(recipient_count=count).where(Notice.id == notice.id).execute()
        notice.recipient_count = count
        queued = push.queue_deliveries(
            source_type=SOURCE_TYPE,
            source_id=notice.id,
            recipients_query=_recipient_ids(notice),
            message=push_message(notice),
            dedupe_scope="publish",
        )
        record("notice.publish", "notice", notice.id, actor=actor, detail={"recipients": count})
    push.dispatch_recorded(queued["jobs"])
    feed.bump_recipients_of(notice.id, count)
    return notice


def _recipient_ids(notice):
    return NoticeRecipient.select(NoticeRecipient.deputy).where(NoticeRecipient.notice == notice.id)


def _materialise(notice, rendered=None):
    """Fix the recipient list: set-based for notices; letters carry each deputy's own text."""
    if rendered is None:
        rows = (
            Deputy.select(Value(notice.id), Deputy.id, User.id)
            .join(User, JOIN.LEFT_OUTER, on=(User.deputy == Deputy.id))
            .where(audiences.condition(notice.audience))
        )
        columns = [NoticeRecipient.notice, NoticeRecipient.deputy, NoticeRecipient.user]
        NoticeRecipient.insert_from(rows, columns).execute()
    else:
        deputy_ids = [deputy_id for deputy_id, _ in rendered]
        users = {}
        for start in range(0, len(deputy_ids), INSERT_BATCH):
            chunk = deputy_ids[start : start + INSERT_BATCH]
            users.update(User.select(User.deputy, User.id).where(User.deputy.in_(chunk)).tuples())
        for start in range(0, len(rendered), INSERT_BATCH):
            NoticeRecipient.insert_many(
                [
                    {"notice": notice.id, "deputy": deputy_id, "user": users.get(deputy_id), "letter_body": body}
                    for deputy_id, body in rendered[start : start + INSERT_BATCH]
                ]
            ).execute()
    return NoticeRecipient.select().where(NoticeRecipient.notice == notice.id).count()


def push_message(notice, reminder=False):
    """Subscribe-message content: thing1 title, thing2 kind, time3 publish time (China time)."""
    when = (notice.published_at or utcnow()).astimezone(CHINA_TIME)
    template = "reminder" if reminder else ("letter" if notice.is_letter else "notice")
    return {
        "template": template,
        "page": f"pages/notice/detail?id={notice.id}",
        "data": {
            "thing1": notice.title,
            "thing2": notice.kind,
            "time3": when.strftime("%Y-%m-%d %H:%M"),
        },
    }


def publish_due(now=None):
    """Publish every scheduled notice whose time has come; safe to run any number of times at once."""
    now = now or utcnow()
    due = [
        notice_id
        for (notice_id,) in Notice.select(Notice.id)
        .where((Notice.state == SCHEDULED) & (Notice.scheduled_at <= now))
        .order_by(Notice.scheduled_at, Notice.id)
        .tuples()
    ]
    published = 0
    for notice_id in due:
        notice = Notice.get_or_none(Notice.id == notice_id)
        if notice is None or notice.state != SCHEDULED:
            continue
        author = User.get_or_none(User.id == notice.created_by_id) if notice.created_by_id else None
        try:
            publish(notice, actor=author)
            published += 1
        except HTTPException as exc:
            if exc.code == 409:  # another worker published it first
                continue
            _return_to_draft(notice, exc, author)
    return published


def _return_to_draft(notice, exc, author):
    data = getattr(exc, "data", None) or {}
    reason = data.get("message") or exc.description or "发布失败"
    errors = data.get("errors") or {}
    lines = [line for value in errors.values() for line in (value if isinstance(value, list) else [value])]
    detail = "；".join(str(line) for line in lines)
    message = f"定时发布失败：{reason}" + (f"（{detail}）" if detail else "")
    with db.atomic():
        moved = (
            Notice.update(state=DRAFT, publish_error=message[:500], updated_at=utcnow())
            .where((Notice.id == notice.id) & (Notice.state == SCHEDULED))
            .execute()
        )
        if moved:
            record("notice.schedule_failed", "notice", notice.id, actor=author, detail={"reason": message[:500]})
    log.warning("scheduled notice could not be published", extra={"notice_id": notice.id, "reason": reason})


def withdraw(notice, reason):
    with db.atomic():
        notice.move_to(WITHDRAWN, withdrawn_at=utcnow(), withdraw_reason=reason)
        cancelled = push.cancel_pending(SOURCE_TYPE, notice.id)
        record("notice.withdraw", "notice", notice.id, detail={"reason": reason, "cancelled_deliveries": cancelled})
    feed.bump_recipients_of(notice.id, notice.recipient_count)
    return notice


def remind_unread(notice):
    """Push again to the deputies who have not opened it; at most once an hour."""
    if notice.state != PUBLISHED:
        abort(409, message="只有已发布的通知可以提醒。")
    now = utcnow()
    if notice.last_reminded_at and notice.last_reminded_at > now - REMIND_INTERVAL:
        _too_soon(notice.last_reminded_at, now)
    unread = _recipient_ids(notice).where(NoticeRecipient.read_at.is_null())
    if not unread.exists():
        abort(409, message="所有代表均已阅读，无需提醒。")
    number = notice.reminder_count + 1
    with db.atomic():
        claimed = (
            Notice.update(reminder_count=number, last_reminded_at=now)
            .where((Notice.id == notice.id) & (Notice.reminder_count == notice.reminder_count))
            .execute()
        )
        if not claimed:  # a concurrent request sent this reminder
            _too_soon(now, now)
        queued = push.queue_deliveries(
            source_type=SOURCE_TYPE,
            source_id=notice.id,
            recipients_query=unread,
            message=push_message(notice, reminder=True),
            dedupe_scope=f"remind-{number}",
        )
        record("notice.remind", "notice", notice.id, detail={"reminder": number, "queued": queued["queued"]})
    push.dispatch_recorded(queued["jobs"])
    return {"reminder": number, "queued": queued["queued"]}


def _too_soon(last, now):
    wait = max(1, int((last + REMIND_INTERVAL - now).total_seconds()))
    abort(429, message=f"每小时最多提醒一次，请 {(wait + 59) // 60} 分钟后再试。", headers={"Retry-After": str(wait)})


# --- reports ---


def stats(notice):
    total, read, replied = (
        NoticeRecipient.select(
            fn.COUNT(NoticeRecipient.id), fn.COUNT(NoticeRecipient.read_at), fn.COUNT(NoticeRecipient.replied_at)
        )
        .where(NoticeRecipient.notice == notice.id)
        .tuples()
        .get()
    )
    counts = dict(
        NoticeRecipient.select(NoticeRecipient.reply_option, fn.COUNT(NoticeRecipient.id))
        .where((NoticeRecipient.notice == notice.id) & NoticeRecipient.replied_at.is_null(False))
        .group_by(NoticeRecipient.reply_option)
        .tuples()
    )
    options = [o["label"] for o in notice.reply_options or ()]
    options += sorted(set(counts) - set(options))  # answers to options since renamed stay visible
    return {
        "recipients": total,
        "read": read,
        "unread": total - read,
        "replied": replied,
        "not_replied": total - replied if notice.reply_required else 0,
        "reply_tallies": [{"option": o, "count": counts.get(o, 0)} for o in options],
        "reminder_count": notice.reminder_count,
        "last_reminded_at": notice.last_reminded_at,
    }


def recipients(notice, args):
    query = (
        NoticeRecipient.select(
            Deputy.id.alias("deputy_id"),
            Deputy.code,
            Deputy.name,
            Delegation.name.alias("delegation"),
            NoticeRecipient.read_at,
            NoticeRecipient.reply_option,
            NoticeRecipient.reply_reason,
            NoticeRecipient.replied_at,
        )
        .join(Deputy, on=(Deputy.id == NoticeRecipient.deputy))
        .join(Delegation, on=(Delegation.id == Deputy.delegation))
        .where(NoticeRecipient.notice == notice.id)
        .order_by(Deputy.delegation, Deputy.code)
    )
    status = args.get("status")
    if status == "read":
        query = query.where(NoticeRecipient.read_at.is_null(False))
    elif status == "unread":
        query = query.where(NoticeRecipient.read_at.is_null())
    elif status == "replied":
        query = query.where(NoticeRecipient.replied_at.is_null(False))
    elif status == "not_replied":
        query = query.where(NoticeRecipient.replied_at.is_null())
    if args.get("option"):
        query = query.where(NoticeRecipient.reply_option == args["option"])
    if args.get("q"):
        query = query.where(Deputy.name.contains(args["q"]) | Deputy.code.contains(args["q"]))
    return query.dicts()


def export(notice):
    """Read state and replies of every recipient as an xlsx workbook (streamed row by row)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    summary = book.create_sheet("汇总")
    figures = stats(notice)
    summary.append(["标题", notice.title])
    summary.append(["类别", notice.kind])
    summary.append(["发布时间", _local(notice.published_at)])
    for label, key in (("应收人数", "recipients"), ("已读", "read"), ("未读", "unread"), ("已回执", "replied")):
        summary.append([label, figures[key]])
    for tally in figures["reply_tallies"]:
        summary.append([f"回执：{tally['option']}", tally["count"]])
    sheet = book.create_sheet("阅读与回执")
    sheet.append(["代表编号", "姓名", "代表团", "是否已读", "阅读时间", "回执", "理由", "回执时间"])
    for row in recipients(notice, {}).iterator():
        sheet.append(
            [
                row["code"],
                row["name"],
                row["delegation"],
                "已读" if row["read_at"] else "未读",
                _local(row["read_at"]),
                row["reply_option"] or "",
                row["reply_reason"] or "",
                _local(row["replied_at"]),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    record("notice.export", "notice", notice.id, detail={"recipients": figures["recipients"]})
    return out


def _local(value):
    return value.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M") if value else ""
