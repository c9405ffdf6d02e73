"""Session revocation that takes effect at once in every process and survives the loss of Redis.

The database is the truth: a revoked-session row per ended session, and a per-user cutoff (every
session started at or before it is over). Redis caches both answers per session and per user, and a
missing entry means "ask the database", never "not revoked": an emptied or restarted Redis cannot
forget a sign-out. The warm path is one MGET; the database is read only when an entry is missing.

Writers publish to Redis before their transaction commits and fail (503) if Redis cannot hear it, so
a cache can never keep a stale "still valid" after the database says otherwise. Readers fill missing
entries with SET NX only, so a fill racing a revocation cannot overwrite the revocation's value.
"""
import logging

from flask import current_app
from peewee import Case

from api.common.db import utcnow
from api.common.errors import Unavailable
from api.common.identity.models import RevokedSession, SessionCutoff
from api.common.identity.tokens import LEEWAY_SECONDS, session_time_us
from api.common.redis import REDIS_ERRORS
from api.extensions import redis_store

log = logging.getLogger("deputyhub.auth")

REVOCATION_UNAVAILABLE = "暂时无法注销登录，请稍后重试。"
REVOKED, VALID = b"1", b"0"


def cutoff_key(user_id):
    return f"auth:cutoff:{user_id}"


def session_key(session_id):
    return f"auth:revoked:{session_id}"


def _ttl():
    # An entry matters only while a token issued before it may still be alive.
    return current_app.config["ACCESS_TOKEN_TTL_SECONDS"] + LEEWAY_SECONDS + 60


def cache_keys(claims):
    """The Redis entries `is_revoked` reads for these claims (a caller may read them along with its own)."""
    return cutoff_key(int(claims["sub"])), session_key(claims["sid"])


def is_revoked(claims, cached=None):
    """Is the session behind these (verified) claims over? One Redis round trip when the cache answers.

    `cached`: the values of `cache_keys(claims)` already read in this request, which saves that round trip.
    """
    user_id, session_id, started = int(claims["sub"]), claims["sid"], claims["sat"]
    keys = cache_keys(claims)
    try:
        cutoff, revoked = cached or redis_store.mget(keys)
    except REDIS_ERRORS as exc:
        log.warning("revocation check fell back to the database", extra={"error": type(exc).__name__})
        cutoff, revoked = _from_database(user_id, session_id)
        return revoked == REVOKED or started <= int(cutoff)
    if cutoff is None or revoked is None:
        cutoff, revoked = _from_database(user_id, session_id)
        _fill(keys, (cutoff, revoked))
    return revoked == REVOKED or started <= int(cutoff)


def remember_new_session(user_id, session_id):
    """Cache a new session's answers at sign-in, so that even its first request needs no database read."""
    _fill((cutoff_key(user_id), session_key(session_id)), _from_database(user_id, session_id))


def _from_database(user_id, session_id):
    cutoff = SessionCutoff.select(SessionCutoff.valid_after_us).where(SessionCutoff.user_id == user_id).scalar()
    revoked = RevokedSession.select().where(RevokedSession.session_id == session_id).exists()
    return str(cutoff or 0).encode(), REVOKED if revoked else VALID


def _fill(keys, values):
    try:
        pipe = redis_store.pipeline(transaction=False)
        for key, value in zip(keys, values, strict=True):
            pipe.set(key, value, ex=_ttl(), nx=True)
        pipe.execute()
    except REDIS_ERRORS as exc:
        log.warning("revocation cache not filled", extra={"error": type(exc).__name__})


def revoke_sessions(sessions, reason, must_publish=True):
    """End these sessions, given as (session id, user id) pairs. Call inside the caller's transaction.

    `must_publish=False` keeps the database rows even if Redis cannot hear it (for revocations nobody
    would retry); cached "valid" entries may then last until they expire, at most a token's lifetime.
    """
    sessions = list(sessions)
    if not sessions:
        return
    now = utcnow()
    rows = [{"session_id": sid, "user_id": uid, "reason": reason, "revoked_at": now} for sid, uid in sessions]
    RevokedSession.insert_many(rows).on_conflict_ignore().execute()
    try:
        _publish({session_key(sid): REVOKED for sid, _ in sessions})
    except Unavailable:
        if must_publish:
            raise


def end_sessions_of(user_ids, reason):
    """End every session these users have started so far. Call inside the caller's transaction."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    now = utcnow()
    valid_after = session_time_us(now)
    rows = [{"user_id": uid, "valid_after_us": valid_after, "reason": reason, "updated_at": now} for uid in user_ids]
    (
        SessionCutoff.insert_many(rows)
        .on_conflict(
            conflict_target=[SessionCutoff.user_id],
            # Never move a cutoff back: a slower clock elsewhere must not revive sessions.
            update={
                SessionCutoff.valid_after_us: Case(
                    None, [(SessionCutoff.valid_after_us < valid_after, valid_after)], SessionCutoff.valid_after_us
                ),
                SessionCutoff.reason: reason,
                SessionCutoff.updated_at: now,
            },
        )
        .execute()
    )
    _publish({cutoff_key(uid): str(valid_after).encode() for uid in user_ids})


def session_ended(user_id, session_id, session_started):
    """For the refresh flow: has this session been ended, by itself or by a cutoff? Reads the database."""
    cutoff, revoked = _from_database(user_id, session_id)
    return revoked == REVOKED or session_time_us(session_started) <= int(cutoff)


def _publish(values):
    # Before the commit: if Redis cannot hear it, the whole change is refused and retried, so no process
    # can go on trusting a cached "valid" that the database has overruled.
    try:
        pipe = redis_store.pipeline(transaction=False)
        for key, value in values.items():
            pipe.set(key, value, ex=_ttl())
        pipe.execute()
    except REDIS_ERRORS as exc:
        log.error("could not publish session revocation", extra={"error": type(exc).__name__})
        raise Unavailable(REVOCATION_UNAVAILABLE) from exc


def prune(before):
    """Drop revocations no token can still need: rows older than the longest-lived token."""
    return RevokedSession.delete().where(RevokedSession.revoked_at < before).execute()
