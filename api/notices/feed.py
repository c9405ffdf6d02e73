"""The deputy side: feed, unread count, detail (marks read), reply slips, and the feed cache.

Cache keys carry generation numbers, so nothing is ever deleted to invalidate: a write bumps the
generation and readers simply stop asking for the old keys. `feedgen:{deputy}` moves on the deputy's
own reads and replies and on notices to small audiences; `feedgen:all` moves on changes that reach
more deputies than it is worth bumping one by one. A small Lua script reads the generations and the
entry they point at, so a warm feed read costs one Redis round trip for the cache and no database
connection (the sign-in check is the auth layer's own). What is cached is the schema's output,
serialised: the bytes a cold read would answer. Generations are bumped after the commit: a reader
can then only cache old data under a generation no one will ask for again.

Every query here runs over `my_deputy_ids()`, a tuple: a person may hold seats at two congress
levels, and the feed is the union of what reached each seat.
"""
import hashlib
import logging

from flask import Response, current_app
from peewee import fn
from redis.exceptions import NoScriptError

from api.common.access import current_principal
from api.common.db import utcnow
from api.common.errors import Forbidden, Gone, Invalid, NotFound
from api.common.events import record_event
from api.common.queue import app_task
from api.common.redis import REDIS_ERRORS
from api.extensions import db, huey, redis_store
from api.jobs.services import record_maintenance_job
from api.notices.attachments import attachments_of
from api.notices.models import KINDS, Notice, NoticeRecipient
from api.notices.schemas import FeedItemSchema, UnreadCountSchema
from api.notices.workflow import NOTICE_FLOW

log = logging.getLogger("deputyhub.notices")

GEN_ALL = "feedgen:all"
CACHE_TTL = 300  # safety net only; generations are what keep the cache fresh
GEN_TTL = 86400  # far longer than CACHE_TTL, so a generation that lapses has no live entries left
PER_DEPUTY_BUMP_MAX = 2000
NO_DEPUTY = "当前账号未关联代表信息，请联系工作人员。"
WITHDRAWN_MESSAGE = "该通知已被撤回。"
REPLY_EVENT = "notice.reply"
FEED_ITEMS = FeedItemSchema(many=True)
UNREAD = UnreadCountSchema()


def gen_key(deputy_id):
    return f"feedgen:{deputy_id}"


def my_deputy_ids():
    """The caller's deputy seats, as a tuple: every feed query is over all of them.

    A deputy elected at two congress levels holds two seats and sees what reached either.
    """
    principal = current_principal()
    if principal.deputy_id is None:
        raise Forbidden(NO_DEPUTY)
    return principal.deputy_ids or (principal.deputy_id,)


def pagination_header(page, page_size, total):
    """The X-Pagination metadata, in the shape documented for every list (flask-smorest's PAGINATION)."""
    meta = {"total": total, "total_pages": 0}
    if total:
        last = (total - 1) // page_size + 1
        meta.update(total_pages=last, first_page=1, last_page=last)
        if page <= last:
            meta["page"] = page
            if page > 1:
                meta["previous_page"] = page - 1
            if page < last:
                meta["next_page"] = page + 1
    return meta


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


@app_task(huey, retries=5, retry_delay=10)
def bump_all_feeds():
    bump(None)


def _bump_everyone_later():
    # The relay dispatches it when the queue is reachable again; one waiting row however many writes ask.
    record_maintenance_job(bump_all_feeds)


# --- cached reads ---


# One round trip for the warm path: every generation that applies and the entry they point at.
# (It builds a key from the values it reads, so it suits a single Redis server, not Redis Cluster.)
_READ_CACHED = """
local parts = {}
for i, name in ipairs(KEYS) do parts[i] = redis.call('GET', name) or '0' end
local key = ARGV[1] .. ':' .. table.concat(parts, ':') .. ':' .. ARGV[2]
return {key, redis.call('GET', key)}
"""
_READ_CACHED_SHA = hashlib.sha1(_READ_CACHED.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1


def _read_cached(deputy_ids, name):
    keys = (GEN_ALL, *(gen_key(d) for d in deputy_ids))
    args = (len(keys), *keys, "feed:" + "-".join(map(str, deputy_ids)), name)
    try:
        return redis_store.evalsha(_READ_CACHED_SHA, *args)
    except NoScriptError:  # a restarted Redis has forgotten it; EVAL loads it again
        return redis_store.eval(_READ_CACHED, *args)


def _cached(deputy_ids, name, build):
    """(header, body) bytes for these seats' `name`, from Redis if the generations match."""
    try:
        key, raw = _read_cached(deputy_ids, name)
    except REDIS_ERRORS as exc:
        log.warning("feed cache unavailable; serving from the database", extra={"error": str(exc)})
        return build()
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
    return current_app.json.dumps(value).encode()


def _visible(deputy_ids):
    visible = NoticeRecipient.deputy.in_(deputy_ids) & Notice.state.in_(NOTICE_FLOW.states_allowing("read"))
    if len(deputy_ids) > 1:
        # A person with two seats that a notice reached twice sees it once (the rows move together, see
        # open_notice and reply). Single-seat deputies, nearly everyone, skip the subquery.
        first_rows = (
            NoticeRecipient.select(fn.MIN(NoticeRecipient.id))
            .where(NoticeRecipient.deputy.in_(deputy_ids))
            .group_by(NoticeRecipient.notice)
        )
        visible &= NoticeRecipient.id.in_(first_rows)
    return visible


def _rows_of(deputy_ids, notice_id):
    """Every recipient row of the person for this notice: one per seat it reached."""
    return NoticeRecipient.deputy.in_(deputy_ids) & (NoticeRecipient.notice == notice_id)


def build_feed_page(deputy_ids, page, page_size, kind=None):
    """The page as the schema dumps it, and its pagination header, both serialised."""
    visible = _visible(deputy_ids) if kind is None else _visible(deputy_ids) & (Notice.kind == kind)
    total = NoticeRecipient.select().join(Notice).where(visible).count()
    rows = (
        NoticeRecipient.select(
            Notice.id,
            Notice.kind,
            Notice.title,
            Notice.published_at,
            Notice.pinned,
            Notice.reply_options,
            Notice.reply_deadline,
            Notice.version,
            NoticeRecipient.read_at,
            NoticeRecipient.read_version,
            NoticeRecipient.reply_option,
        )
        .join(Notice)
        .where(visible)
        .order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id.desc())
        .paginate(page, page_size)
        .tuples()
    )
    items = [
        {
            "id": notice_id,
            "kind": kind,
            "title": title,
            "published_at": published_at,
            "pinned": pinned,
            "read": read_at is not None,
            "updated": read_at is not None and (read_version or 1) < version,
            "reply_required": bool(options),
            "reply_deadline": deadline,
            "my_reply": my_reply,
        }
        for notice_id, kind, title, published_at, pinned, options, deadline, version, read_at, read_version, my_reply
        in rows
    ]
    return _dumps(pagination_header(page, page_size, total)), _dumps(FEED_ITEMS.dump(items))


def feed_page(page, page_size, kind=None):
    deputy_ids = my_deputy_ids()
    # The kind is one of a handful of fixed labels (the schema checks), so the cache keys stay few.
    name = f"p{page}:{page_size}" if kind is None else f"p{page}:{page_size}:{KINDS.index(kind)}"
    header, body = _cached(deputy_ids, name, lambda: build_feed_page(deputy_ids, page, page_size, kind))
    return Response(body, mimetype="application/json", headers={"X-Pagination": header.decode()})


def unread_count():
    deputy_ids = my_deputy_ids()

    def build():
        unread = _visible(deputy_ids) & NoticeRecipient.read_at.is_null()
        count = NoticeRecipient.select().join(Notice).where(unread).count()
        return b"", _dumps(UNREAD.dump({"unread": count}))

    _, body = _cached(deputy_ids, "unread", build)
    return Response(body, mimetype="application/json")


# --- detail and replies ---


def _addressed(deputy_ids, notice_id):
    """The caller's recipient row of a notice; a notice not addressed to them does not exist for them."""
    row = (
        NoticeRecipient.select(NoticeRecipient, Notice)
        .join(Notice)
        .where(_rows_of(deputy_ids, notice_id))
        .order_by(NoticeRecipient.id)
        .first()
    )
    if row is None:
        raise NotFound()
    if NOTICE_FLOW.allows(row.notice.state, "shown_withdrawn"):
        raise Gone(WITHDRAWN_MESSAGE)
    if not NOTICE_FLOW.allows(row.notice.state, "read"):
        raise NotFound()
    return row


def open_notice(notice_id):
    deputy_ids = my_deputy_ids()
    row = _addressed(deputy_ids, notice_id)
    version = row.notice.version
    if row.read_at is None or (row.read_version or 1) < version:
        now = utcnow()
        marked = (
            NoticeRecipient.update(read_at=fn.COALESCE(NoticeRecipient.read_at, now), read_version=version)
            .where(
                _rows_of(deputy_ids, notice_id)
                & (NoticeRecipient.read_version.is_null() | (NoticeRecipient.read_version < version))
            )
            .execute()
        )
        row.read_at = row.read_at or now
        if marked:
            bump(list(deputy_ids))
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
    """Submit or change a reply; the deputy's performance record gets (or updates) one reply event."""
    deputy_ids = my_deputy_ids()
    row = _addressed(deputy_ids, notice_id)
    notice = row.notice
    NOTICE_FLOW.require(notice, "reply")
    option = notice.reply_option(data["option"])
    if option is None:
        choices = "、".join(o["label"] for o in notice.reply_options)
        raise Invalid(errors={"option": [f"取值须为以下之一：{choices}。"]})
    if option.get("requires_reason") and not data.get("reason"):
        raise Invalid(errors={"reason": [f"选择「{option['label']}」须填写理由。"]})
    now = utcnow()
    rows = NoticeRecipient.select(NoticeRecipient.deputy).where(_rows_of(deputy_ids, notice_id))
    seats = [seat for (seat,) in rows.tuples()]
    with db.atomic():
        # One answer from the person, for every seat the notice reached: each seat's tally and record show it.
        (
            NoticeRecipient.update(
                reply_option=option["label"],
                reply_reason=data.get("reason"),
                replied_at=now,
                read_at=fn.COALESCE(NoticeRecipient.read_at, now),
                read_version=fn.COALESCE(NoticeRecipient.read_version, notice.version),
            )
            .where(_rows_of(deputy_ids, notice_id))
            .execute()
        )
        for seat in seats:
            record_event(
                seat, REPLY_EVENT, "notice", notice.id,
                payload={"title": notice.title[:100], "option": option["label"]}, occurred_at=now,
            )
    bump(seats)
    return {"option": option["label"], "reason": data.get("reason"), "replied_at": now}
