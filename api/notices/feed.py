"""The deputy side: feed, unread count, detail (marks read), reply slips, and the feed cache.

Cache keys carry generation numbers, so nothing is ever deleted to invalidate: a write bumps the
generation and readers simply stop asking for the old keys. `feedgen:{deputy}` moves on the deputy's
own reads and replies and on notices to small audiences; `feedgen:all` moves on changes that reach
more deputies than it is worth bumping one by one. A small Lua script reads both and the entry they
point at, so a warm feed read costs one Redis round trip (besides the sign-in revocation check) and
no database connection. Generations are bumped after the commit:
a reader can then only cache old data under a generation no one will ask for again.
"""
import hashlib
import json
import logging

from flask import Response
from redis.exceptions import NoScriptError

from api.auth import sessions
from api.common.access import current_principal, pending_revocation_session, settle_revocation, settle_revocation_now
from api.common.blueprint import Blueprint
from api.common.db import utcnow
from api.common.errors import abort
from api.common.redis import REDIS_ERRORS
from api.extensions import redis_store
from api.notices.models import PUBLISHED, WITHDRAWN, Notice, NoticeRecipient

log = logging.getLogger("deputyhub.notices")

GEN_ALL = "feedgen:all"
CACHE_TTL = 300  # safety net only; generations are what keep the cache fresh
GEN_TTL = 86400  # far longer than CACHE_TTL, so a generation that lapses has no live entries left
PER_DEPUTY_BUMP_MAX = 2000
NO_DEPUTY = "当前账号未关联代表信息，请联系工作人员。"
WITHDRAWN_MESSAGE = "该通知已被撤回。"


def gen_key(deputy_id):
    return f"feedgen:{deputy_id}"


def my_deputy_id():
    deputy_id = current_principal().deputy_id
    if deputy_id is None:
        abort(403, message=NO_DEPUTY)
    return deputy_id


# --- generations ---


def bump(deputy_ids=None):
    """Make cached feeds of these deputies (None: everyone) unreachable. Call after the commit."""
    try:
        pipe = redis_store.pipeline(transaction=False)
        if deputy_ids is None or len(deputy_ids) > PER_DEPUTY_BUMP_MAX:
            pipe.incr(GEN_ALL)
            pipe.expire(GEN_ALL, GEN_TTL)
        else:
            for deputy_id in deputy_ids:
                pipe.incr(gen_key(deputy_id))
                pipe.expire(gen_key(deputy_id), GEN_TTL)
        pipe.execute()
    except REDIS_ERRORS as exc:
        # Redis may come back with the old entries: bump everyone from the outbox once it does.
        log.warning("feed generation bump failed; queued for later", extra={"error": str(exc)})
        _bump_everyone_later()


def bump_recipients_of(notice_id, count):
    if count > PER_DEPUTY_BUMP_MAX:
        bump(None)
        return
    recipients = NoticeRecipient.select(NoticeRecipient.deputy).where(NoticeRecipient.notice == notice_id)
    bump([deputy_id for (deputy_id,) in recipients.tuples()])


def _bump_everyone_later():
    from api.jobs.services import record_job
    from api.notices.tasks import bump_all_feeds

    record_job(bump_all_feeds)  # the relay dispatches it when the queue is reachable again


# --- cached reads ---


# One round trip for the warm path: the session's revocation marker, both generations and the entry
# they point at. (It builds a key from the values it reads, so it suits a single Redis server, not
# Redis Cluster.)
_READ_CACHED = """
local revoked = redis.call('EXISTS', KEYS[3])
local own = redis.call('GET', KEYS[1]) or '0'
local everyone = redis.call('GET', KEYS[2]) or '0'
local key = ARGV[1] .. ':' .. own .. ':' .. everyone .. ':' .. ARGV[2]
return {key, redis.call('GET', key), revoked}
"""
_READ_CACHED_SHA = hashlib.sha1(_READ_CACHED.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1


def _read_cached(deputy_id, name):
    revocation_key = sessions.marker_key(pending_revocation_session())
    keys_and_args = (3, gen_key(deputy_id), GEN_ALL, revocation_key, f"feed:{deputy_id}", name)
    try:
        return redis_store.evalsha(_READ_CACHED_SHA, *keys_and_args)
    except NoScriptError:  # a restarted Redis has forgotten it; EVAL loads it again
        return redis_store.eval(_READ_CACHED, *keys_and_args)


def _cached(deputy_id, name, build):
    """(header, body) bytes for this deputy's `name`, from Redis if the generations match."""
    try:
        key, raw, revoked = _read_cached(deputy_id, name)
    except REDIS_ERRORS as exc:
        log.warning("feed cache unavailable; serving from the database", extra={"error": str(exc)})
        settle_revocation_now()
        return build()
    settle_revocation(revoked)
    if raw is not None:
        header, _, body = raw.partition(b"\n")
        return header, body
    header, body = build()
    try:
        redis_store.set(key, header + b"\n" + body, ex=CACHE_TTL)
    except REDIS_ERRORS as exc:
        log.warning("feed cache write failed", extra={"error": str(exc)})
    return header, body


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _iso(value):
    return value.isoformat() if value is not None else None


def _visible(deputy_id):
    return (NoticeRecipient.deputy == deputy_id) & (Notice.state == PUBLISHED)


def build_feed_page(deputy_id, page, page_size):
    base = NoticeRecipient.select().join(Notice).where(_visible(deputy_id))
    total = base.count()
    rows = (
        NoticeRecipient.select(
            Notice.id,
            Notice.kind,
            Notice.title,
            Notice.published_at,
            Notice.pinned,
            Notice.reply_options,
            Notice.reply_deadline,
            NoticeRecipient.read_at,
            NoticeRecipient.reply_option,
        )
        .join(Notice)
        .where(_visible(deputy_id))
        .order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id.desc())
        .paginate(page, page_size)
        .tuples()
    )
    items = [
        {
            "id": notice_id,
            "kind": kind,
            "title": title,
            "published_at": _iso(published_at),
            "pinned": pinned,
            "read": read_at is not None,
            "reply_required": bool(options),
            "reply_deadline": _iso(deadline),
            "my_reply": my_reply,
        }
        for notice_id, kind, title, published_at, pinned, options, deadline, read_at, my_reply in rows
    ]
    pagination = Blueprint._make_pagination_metadata(page, page_size, total)
    return _dumps(pagination), _dumps(items)


def feed_page(page, page_size):
    deputy_id = my_deputy_id()
    header, body = _cached(deputy_id, f"p{page}:{page_size}", lambda: build_feed_page(deputy_id, page, page_size))
    return Response(body, mimetype="application/json", headers={"X-Pagination": header.decode()})


def unread_count():
    deputy_id = my_deputy_id()

    def build():
        unread = _visible(deputy_id) & NoticeRecipient.read_at.is_null()
        count = NoticeRecipient.select().join(Notice).where(unread).count()
        return b"", _dumps({"unread": count})

    _, body = _cached(deputy_id, "unread", build)
    return Response(body, mimetype="application/json")


# --- detail and replies ---


def _addressed(deputy_id, notice_id):
    """This deputy's recipient row of a notice, or 404: a notice not addressed to them does not exist for them."""
    row = (
        NoticeRecipient.select(NoticeRecipient, Notice)
        .join(Notice)
        .where((NoticeRecipient.deputy == deputy_id) & (NoticeRecipient.notice == notice_id))
        .get_or_none()
    )
    if row is None or row.notice.state not in (PUBLISHED, WITHDRAWN):
        abort(404)
    if row.notice.state == WITHDRAWN:
        abort(410, message=WITHDRAWN_MESSAGE)
    return row


def open_notice(notice_id):
    from api.notices.services import attachments_of

    deputy_id = my_deputy_id()
    row = _addressed(deputy_id, notice_id)
    if row.read_at is None:
        now = utcnow()
        marked = (
            NoticeRecipient.update(read_at=now)
            .where((NoticeRecipient.id == row.id) & NoticeRecipient.read_at.is_null())
            .execute()
        )
        row.read_at = now
        if marked:
            bump([deputy_id])
    return detail_of(row, attachments_of(row.notice))


def detail_of(row, attachments):
    notice = row.notice
    return {
        "id": notice.id,
        "kind": notice.kind,
        "title": notice.title,
        "body": row.letter_body if notice.is_letter else notice.body,
        "pinned": notice.pinned,
        "published_at": notice.published_at,
        "updated_at": notice.updated_at,
        "version": notice.version,
        "attachments": attachments,
        "read_at": row.read_at,
        "reply_slip": {"options": notice.reply_options, "deadline": notice.reply_deadline}
        if notice.reply_required
        else None,
        "reply_open": notice.reply_open(),
        "my_reply": _my_reply(row),
    }


def _my_reply(row):
    if row.replied_at is None:
        return None
    return {"option": row.reply_option, "reason": row.reply_reason, "replied_at": row.replied_at}


def reply(notice_id, data):
    deputy_id = my_deputy_id()
    row = _addressed(deputy_id, notice_id)
    notice = row.notice
    if not notice.reply_required:
        abort(409, message="此通知无需回执。")
    if not notice.reply_open():
        abort(409, message="回执已截止，不能再提交或修改。", errors={"reply_deadline": [_iso(notice.reply_deadline)]})
    option = notice.reply_option(data["option"])
    if option is None:
        choices = "、".join(o["label"] for o in notice.reply_options)
        abort(422, errors={"option": [f"取值须为以下之一：{choices}。"]})
    if option.get("requires_reason") and not data.get("reason"):
        abort(422, errors={"reason": [f"选择「{option['label']}」须填写理由。"]})
    now = utcnow()
    (
        NoticeRecipient.update(
            reply_option=option["label"],
            reply_reason=data.get("reason"),
            replied_at=now,
            read_at=row.read_at or now,
        )
        .where(NoticeRecipient.id == row.id)
        .execute()
    )
    bump([deputy_id])
    return {"option": option["label"], "reason": data.get("reason"), "replied_at": now}
