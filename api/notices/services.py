"""Staff side of notices: drafts, audience, publishing (now or scheduled), edits, withdrawal, reports."""
import datetime as dt
import functools
import itertools
import logging

from peewee import Value, fn

from api.auth.models import User, UserSeat, seat_accounts
from api.common import spreadsheets, workflow
from api.common.audit import record
from api.common.db import batches, utcnow
from api.common.errors import Conflict, DomainError, Invalid, InvalidMove, TooSoon
from api.common.timezone import local
from api.deputies import audience as audiences
from api.deputies.models import Deputy
from api.extensions import db
from api.files.models import StoredFile
from api.notices import feed, letters
from api.notices import search_index as searchable
from api.notices.attachments import attachments_of
from api.notices.models import (
    DRAFT,
    PUBLISHED,
    SCHEDULED,
    WITHDRAWN,
    Notice,
    NoticeAttachment,
    NoticeRecipient,
    NoticeVersion,
)
from api.notices.schemas import stored_audience
from api.notices.workflow import NOTICE_FLOW
from api.org.models import Delegation
from api.push import services as push

log = logging.getLogger("deputyhub.notices")

SOURCE_TYPE = "notice"
REMIND_INTERVAL = dt.timedelta(hours=1)


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
        raise Invalid(errors={"attachment_ids": [f"文件不存在：{', '.join(map(str, missing))}"]})
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
        NOTICE_FLOW.start(notice, principal)
        record("notice.create", "notice", notice.id, detail={"title": notice.title, "kind": notice.kind})
    return notice


def update_notice(notice, data, principal):
    """Drafts change freely; a published notice keeps every earlier text as a version.

    `notify` (published notices only): push the correction to the deputies who had already read it.
    """
    NOTICE_FLOW.require(notice, "edit")
    if data.get("notify"):
        NOTICE_FLOW.require(notice, "notify_update")
    versioned = NOTICE_FLOW.allows(notice.state, "versioned")
    if not NOTICE_FLOW.allows(notice.state, "retarget"):
        _refuse_locked_changes(notice, data)
    changes = {key: data[key] for key in ("title", "body", "kind", "pinned") if key in data}
    if "audience" in data:
        changes["audience"] = stored_audience(data["audience"])
        audiences.check_references(changes["audience"])
    if "reply_slip" in data:
        if data["reply_slip"] is not None and "deadline" not in data["reply_slip"]:
            raise Invalid(errors={"reply_slip": {"deadline": ["此项为必填项。"]}})
        changes.update(_reply_columns(data["reply_slip"]))
    file_ids = _check_files(data["attachment_ids"]) if "attachment_ids" in data else None
    old_file_ids = [a.file_id for a in notice.attachment_links.order_by(NoticeAttachment.position)]
    content_changed = (
        changes.get("title", notice.title) != notice.title
        or changes.get("body", notice.body) != notice.body
        or (file_ids is not None and file_ids != old_file_ids)
    )
    queued = None
    with db.atomic():
        if versioned and content_changed:
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
            raise Conflict("通知已被他人修改，请刷新后重试。")
        if file_ids is not None:
            _set_attachments(notice, file_ids)
        if versioned:  # published: its new text is found at once
            searchable.index(Notice.get_by_id(notice.id))
        if data.get("notify") and "version" in changes:
            queued = _queue_correction(notice, changes["version"], changes.get("title", notice.title))
        detail = {"fields": sorted(data), "version": changes.get("version"), "notified": _queued_count(queued)}
        record("notice.update", "notice", notice.id, detail=detail)
    if queued:
        push.dispatch_recorded(queued["jobs"])
    if versioned:
        feed.bump_recipients_of(notice.id, notice.recipient_count)
    return Notice.get_by_id(notice.id)


def _queued_count(queued):
    return None if queued is None else queued["queued"]


def _readers_of_an_earlier_version(notice_id, version):
    """Recipients who opened the notice before it reached `version` (null read_version: version 1)."""
    return NoticeRecipient.select(NoticeRecipient.deputy).where(
        (NoticeRecipient.notice == notice_id)
        & NoticeRecipient.read_at.is_null(False)
        & (fn.COALESCE(NoticeRecipient.read_version, 1) < version)
    )


def _queue_correction(notice, version, title):
    """Push "updated" to those who read an earlier text; deputies who never opened it see the new one anyway."""
    message = push_message(notice)
    message["data"]["thing1"] = f"（已更新）{title}"
    return push.queue_deliveries(
        source_type=SOURCE_TYPE,
        source_id=notice.id,
        recipients_query=_readers_of_an_earlier_version(notice.id, version),
        message=message,
        dedupe_scope=f"{push.PURPOSE_CORRECTION}-{version}",
    )


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
        raise InvalidMove(
            "已发布的通知只能修改标题、正文、附件、置顶和回执截止时间；其他修改请撤回后重新发布。",
            errors={key: ["发布后不能修改。"] for key in locked},
            current_state=notice.state,
        )


def replace_merge_data(notice, data):
    NOTICE_FLOW.require(notice, "merge_data")
    return letters.replace_merge_data(notice, data)


def delete_notice(notice):
    NOTICE_FLOW.require(notice, "delete")
    with db.atomic():
        record("notice.delete", "notice", notice.id, detail={"title": notice.title})
        notice.delete_instance()


# --- workflow ---


def timeline(notice):
    """The notice's history, oldest first, each entry naming who made the move (null: the system)."""
    entries = workflow.timeline(NOTICE_FLOW.entity_type, notice.id)
    actor_ids = {entry["actor_id"] for entry in entries if entry["actor_id"]}
    names = {}
    if actor_ids:
        names = dict(User.select(User.id, User.display_name).where(User.id.in_(list(actor_ids))).tuples())
    return [dict(entry, actor_name=names.get(entry["actor_id"])) for entry in entries]


def actions(notice):
    """What staff may do to this notice in its state, as the workflow declares it (the console's buttons)."""
    targets = NOTICE_FLOW.transitions()[notice.state]
    allows = functools.partial(NOTICE_FLOW.allows, notice.state)
    return {
        "publish": PUBLISHED in targets,
        "schedule": SCHEDULED in targets,
        "unschedule": DRAFT in targets,
        "withdraw": WITHDRAWN in targets,
        "edit": allows("edit"),
        "retarget": allows("retarget"),
        "delete": allows("delete"),
        "merge_data": allows("merge_data") and notice.is_letter,
        "notify_update": allows("notify_update"),
        "remind": allows("remind"),
    }


def schedule(notice, publish_at, actor=None):
    with db.atomic():
        NOTICE_FLOW.move(
            notice, SCHEDULED, actor, payload={"publish_at": publish_at.isoformat()},
            scheduled_at=publish_at, publish_error=None,
        )
        record("notice.schedule", "notice", notice.id, detail={"publish_at": publish_at.isoformat()})
    return notice


def unschedule(notice, actor=None):
    with db.atomic():
        NOTICE_FLOW.move(notice, DRAFT, actor, scheduled_at=None)
        record("notice.unschedule", "notice", notice.id)
    return notice


def publish(notice, actor=None, author=None):
    """State move, recipients, deliveries and send jobs in one transaction; the sends start after the commit.

    A second publish finds the notice no longer movable and gets InvalidMove: nothing is sent twice.
    `actor`: who moves it (None: the scheduled-publish job); `author`: whom the audit log names.
    """
    with db.atomic():
        NOTICE_FLOW.move(notice, PUBLISHED, actor, published_at=utcnow(), publish_error=None)
        # Letters are rendered after the move, once: an incomplete one raises and rolls the move back.
        rendered = letters.render_all(notice, audiences.deputy_ids_query(notice.audience)) if notice.is_letter else None
        count = _materialise(notice, rendered)
        Notice.update(recipient_count=count).where(Notice.id == notice.id).execute()
        notice.recipient_count = count
        queued = push.queue_deliveries(
            source_type=SOURCE_TYPE,
            source_id=notice.id,
            recipients_query=_recipient_ids(notice),
            message=push_message(notice),
            dedupe_scope=push.PURPOSE_PUBLISH,
        )
        searchable.index(notice)
        record("notice.publish", "notice", notice.id, actor=author, detail={"recipients": count})
    push.dispatch_recorded(queued["jobs"])
    feed.bump_recipients_of(notice.id, count)
    return notice


def _recipient_ids(notice):
    return NoticeRecipient.select(NoticeRecipient.deputy).where(NoticeRecipient.notice == notice.id)


def _materialise(notice, rendered=None):
    """Fix the recipient list: set-based for notices; letters carry each deputy's own text."""
    if rendered is None:
        rows = Deputy.select(Value(notice.id), Deputy.id, seat_accounts(Deputy.id).limit(1)).where(
            audiences.condition(notice.audience)
        )
        columns = [NoticeRecipient.notice, NoticeRecipient.deputy, NoticeRecipient.user]
        NoticeRecipient.insert_from(rows, columns).execute()
    else:
        users = {}
        for chunk in batches([deputy_id for deputy_id, _ in rendered]):
            users.update(User.select(User.deputy, User.id).where(User.deputy.in_(chunk)).tuples())
            users.update(UserSeat.select(UserSeat.deputy, UserSeat.user).where(UserSeat.deputy.in_(chunk)).tuples())
        for chunk in batches(rendered):
            NoticeRecipient.insert_many(
                [
                    {"notice": notice.id, "deputy": deputy_id, "user": users.get(deputy_id), "letter_body": body}
                    for deputy_id, body in chunk
                ]
            ).execute()
    return NoticeRecipient.select().where(NoticeRecipient.notice == notice.id).count()


def push_message(notice, reminder=False):
    """Subscribe-message content: thing1 title, thing2 kind, time3 publish time (China time)."""
    when = local(notice.published_at or utcnow())
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
        if notice is None:
            continue
        author = User.get_or_none(User.id == notice.created_by_id) if notice.created_by_id else None
        try:
            publish(notice, actor=None, author=author)
            published += 1
        except InvalidMove:
            continue  # another worker published (or someone unscheduled) it first
        except DomainError as exc:
            _return_to_draft(notice, exc, author)
    return published


def _return_to_draft(notice, error, author):
    """The declared move back to draft, by the system, with the reason in the history and on the notice."""
    errors = error.errors or {}
    lines = [line for value in errors.values() for line in (value if isinstance(value, list) else [value])]
    detail = "；".join(str(line) for line in lines)
    message = (f"定时发布失败：{error.message or '发布失败'}" + (f"（{detail}）" if detail else ""))[:500]
    try:
        with db.atomic():
            NOTICE_FLOW.move(notice, DRAFT, None, reason=message, publish_error=message)
            record("notice.schedule_failed", "notice", notice.id, actor=author, detail={"reason": message})
    except InvalidMove:
        return  # moved by someone else meanwhile: their move stands
    log.warning("scheduled notice could not be published", extra={"notice_id": notice.id, "reason": message})


def withdraw(notice, reason, actor=None):
    with db.atomic():
        NOTICE_FLOW.move(notice, WITHDRAWN, actor, reason=reason, withdrawn_at=utcnow(), withdraw_reason=reason)
        cancelled = push.cancel_pending(SOURCE_TYPE, notice.id)
        searchable.remove(notice.id)
        record("notice.withdraw", "notice", notice.id, detail={"reason": reason, "cancelled_deliveries": cancelled})
    feed.bump_recipients_of(notice.id, notice.recipient_count)
    return notice


def remind_unread(notice):
    """Push again to the deputies who have not opened it; at most once an hour.

    The answer says what will really happen: how many unread deputies can be reached now, and how
    many cannot (no reminder consent, no bound WeChat account). When nobody can be reached nothing
    is queued and the hourly slot is not used up.
    """
    NOTICE_FLOW.require(notice, "remind")
    now = utcnow()
    if notice.last_reminded_at and notice.last_reminded_at > now - REMIND_INTERVAL:
        _too_soon(notice.last_reminded_at, now)
    unread = _recipient_ids(notice).where(NoticeRecipient.read_at.is_null())
    message = push_message(notice, reminder=True)
    reach = push.reach(unread, message["template"])
    if not reach["recipients"]:
        raise Conflict("所有代表均已阅读，无需提醒。")
    if not reach["will_send"]:
        return {"reminder": None, "queued": 0, **reach, "message": _nobody_reachable(reach)}
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
            message=message,
            dedupe_scope=f"{push.PURPOSE_REMINDER}-{number}",
        )
        detail = {"reminder": number, "queued": queued["queued"], "will_send": reach["will_send"]}
        record("notice.remind", "notice", notice.id, detail=detail)
    push.dispatch_recorded(queued["jobs"])
    text = f"将向 {reach['will_send']} 位未读代表发送提醒。"
    if reach["no_consent"] or reach["unbound"]:
        text += f"另有 {reach['no_consent']} 位未订阅提醒消息、{reach['unbound']} 位未绑定微信，收不到本次提醒。"
    return {"reminder": number, "queued": queued["queued"], **reach, "message": text}


def _nobody_reachable(reach):
    return (
        f"{reach['recipients']} 位未读代表都收不到提醒，本次不发送："
        f"{reach['no_consent']} 位未在小程序中同意接收提醒消息，{reach['unbound']} 位未绑定微信。"
    )


def _too_soon(last, now):
    wait = max(1, int((last + REMIND_INTERVAL - now).total_seconds()))
    raise TooSoon(f"每小时最多提醒一次，请 {(wait + 59) // 60} 分钟后再试。", retry_after=wait)


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


FIGURES = (("应收人数", "recipients"), ("已读", "read"), ("未读", "unread"), ("已回执", "replied"))


def export(notice):
    """Read state and replies of every recipient as an xlsx workbook (streamed row by row, every cell made safe)."""
    figures = stats(notice)
    summary = [
        ["标题", notice.title],
        ["类别", notice.kind],
        ["发布时间", _local(notice.published_at)],
        *([label, figures[key]] for label, key in FIGURES),
        *([f"回执：{tally['option']}", tally["count"]] for tally in figures["reply_tallies"]),
    ]
    header = ["代表编号", "姓名", "代表团", "是否已读", "阅读时间", "回执", "理由", "回执时间"]
    replies = (
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
        for row in recipients(notice, {}).iterator()
    )
    out = spreadsheets.write_xlsx([("汇总", summary), ("阅读与回执", itertools.chain([header], replies))])
    record("notice.export", "notice", notice.id, detail={"recipients": figures["recipients"]})
    return out


def _local(value):
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def awaiting_replies(limit=10):
    """Published notices whose reply slip is still open, with how many recipients have not replied yet."""
    missing = fn.COUNT(NoticeRecipient.id) - fn.COUNT(NoticeRecipient.replied_at)
    return (
        Notice.select(Notice, missing.alias("not_replied"))
        .join(NoticeRecipient, on=(NoticeRecipient.notice == Notice.id))
        .where(
            (Notice.state == PUBLISHED)
            & Notice.reply_options.is_null(False)
            & (Notice.reply_deadline.is_null() | (Notice.reply_deadline > utcnow()))
        )
        .group_by(Notice.id)
        .order_by(Notice.reply_deadline.asc(nulls="LAST"), Notice.id.desc())
        .limit(limit)
    )
