"""Sign-in sessions: password sign-in starts one, refresh rotates it, sign-out ends it at once."""
import contextlib
import datetime as dt
import hashlib
import logging
import math
import secrets

from flask import current_app, request

from api.audit.services import record
from api.auth import sessions
from api.auth.models import AuthSession, RefreshToken, User, UserStation
from api.auth.passwords import hash_password, needs_rehash, verify_password
from api.auth.tokens import hash_token, issue_access_token, new_opaque_token
from api.common.db import utcnow
from api.common.errors import abort
from api.common.http import client_address
from api.common.permissions import ADMIN, ROLE_LABELS, STAFF, STATION_STAFF, UNIT_USER, permissions_of
from api.common.ratelimit import hit
from api.common.redis import REDIS_ERRORS
from api.extensions import db, redis_store
from api.org.models import Station

log = logging.getLogger("deputyhub.auth")

# Deputies and constituents sign in through WeChat only.
PASSWORD_ROLES = {ADMIN, STAFF, STATION_STAFF, UNIT_USER}
ACCOUNT_ATTEMPTS_PER_MINUTE = 10
INVALID_CREDENTIALS = "用户名或密码错误。"
SESSION_ENDED = "登录已失效，请重新登录。"
REVOCATION_UNAVAILABLE = "暂时无法注销登录，请稍后重试。"

_dummy_hash = None


def create_password_user(username, display_name, role, password, unit=None):
    return User.create(
        username=username, display_name=display_name, role=role, password_hash=hash_password(password), unit=unit
    )


def scope_of(user):
    """What an access token carries so that scope checks need no database round trip."""
    scope = {}
    if user.deputy_id:
        scope["deputy_id"] = user.deputy_id
    if user.unit_id:
        scope["unit_id"] = user.unit_id
    station_ids = station_ids_of(user)
    if station_ids:
        scope["station_ids"] = station_ids
    return scope


def station_ids_of(user):
    return [link.station_id for link in UserStation.select(UserStation.station).where(UserStation.user == user)]


def start_session(user, method, remote_addr=None, user_agent=None):
    ttl = dt.timedelta(seconds=current_app.config["REFRESH_TOKEN_TTL_SECONDS"])
    refresh = new_opaque_token()
    with db.atomic():
        session = AuthSession.create(
            id=secrets.token_hex(16),
            user=user,
            method=method,
            expires_at=utcnow() + ttl,
            remote_addr=remote_addr,
            user_agent=(user_agent or "")[:200] or None,
        )
        RefreshToken.create(token_hash=hash_token(refresh), session=session)
        User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
    return token_pair(user, session, refresh)


def start_request_session(user, method):
    """A session for the client making this request, with the sign-in audited."""
    record("auth.login", "user", user.id, actor=user, detail={"method": method})
    return start_session(user, method, remote_addr=client_address(), user_agent=request.user_agent.string)


def token_pair(user, session, refresh):
    return {
        "access_token": issue_access_token(user.id, user.role, session.id, scope_of(user)),
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": current_app.config["ACCESS_TOKEN_TTL_SECONDS"],
        "role": user.role,
    }


# --- password sign-in ------------------------------------------------------------------------


def password_login(username, password):
    config = current_app.config
    limit(f"login:addr:{client_address()}", config["LOGIN_RATE_PER_ADDRESS"])
    limit(f"login:acct:{_digest(username)}", ACCOUNT_ATTEMPTS_PER_MINUTE)
    user = User.get_or_none(User.username == username)
    if user is not None and (user.role not in PASSWORD_ROLES or not user.password_hash):
        user = None
    locked_for = _lock_remaining(user, username)
    if locked_for:
        _refuse(user, username, "locked", locked_for)
    # Unknown accounts cost one hash too, so timing does not tell which usernames exist.
    matches = verify_password(user.password_hash if user else _dummy(), password)
    if user is None or not matches:
        _refuse(user, username, "unknown_user" if user is None else "bad_password", _count_failure(user, username))
    if not user.is_active:
        record("auth.login_failed", "user", user.id, detail={"method": "password", "reason": "disabled"})
        abort(403, message="账号已停用，请联系管理员。")
    changes = {"failed_logins": 0, "locked_until": None}
    if needs_rehash(user.password_hash):
        changes["password_hash"] = hash_password(password)
    User.update(**changes).where(User.id == user.id).execute()
    forget_failures(username)
    return start_request_session(user, "password")


def limit(name, per_minute):
    wait = hit(name, per_minute, 60)
    if wait:
        abort(429, headers={"Retry-After": str(wait)})


def _refuse(user, username, reason, locked_for):
    record(
        "auth.login_failed",
        "user",
        user.id if user else None,
        # The attempted name only: never the password.
        detail={"method": "password", "reason": reason, "username": username[:64], "locked": bool(locked_for)},
    )
    if locked_for:
        minutes = math.ceil(locked_for / 60)
        abort(
            429,
            message=f"登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试。",
            headers={"Retry-After": str(locked_for)},
        )
    abort(401, message=INVALID_CREDENTIALS)


def _dummy():
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash


def _digest(username):
    return hashlib.sha256(username.encode()).hexdigest()[:32]


def _failure_key(username):
    return f"login:failures:{_digest(username)}"


def _lock_remaining(user, username):
    """Seconds the account is locked for. Unknown names lock exactly like real ones, so lockout reveals nothing."""
    if user is not None:
        if user.locked_until and user.locked_until > utcnow():
            return max(1, math.ceil((user.locked_until - utcnow()).total_seconds()))
        return 0
    try:
        pipe = redis_store.pipeline()
        pipe.get(_failure_key(username))
        pipe.ttl(_failure_key(username))
        count, ttl = pipe.execute()
    except REDIS_ERRORS:
        return 0
    if count and int(count) >= current_app.config["LOGIN_MAX_FAILURES"]:
        return max(1, ttl)
    return 0


def _count_failure(user, username):
    """Count one failed attempt; the seconds the account is now locked for, or 0."""
    max_failures, lock_seconds = current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_LOCK_SECONDS"]
    try:
        # Failures expire after a lock period without any, so a rare typo never adds up to a lock.
        pipe = redis_store.pipeline()
        pipe.incr(_failure_key(username))
        pipe.expire(_failure_key(username), lock_seconds)
        count, _ = pipe.execute()
    except REDIS_ERRORS:
        count = None
    if user is None:
        return lock_seconds if count and count >= max_failures else 0
    User.update(failed_logins=User.failed_logins + 1).where(User.id == user.id).execute()
    if count is None:
        count = User.select(User.failed_logins).where(User.id == user.id).scalar()
    if count < max_failures:
        return 0
    locked_until = utcnow() + dt.timedelta(seconds=lock_seconds)
    User.update(failed_logins=0, locked_until=locked_until).where(User.id == user.id).execute()
    forget_failures(username)
    return lock_seconds


def forget_failures(username):
    try:
        redis_store.delete(_failure_key(username))
    except REDIS_ERRORS as exc:
        log.warning("could not clear sign-in failures", extra={"error": str(exc)})


# --- refresh and sign-out --------------------------------------------------------------------


def refresh(refresh_token):
    """Rotate: the presented token is spent and a new pair issued; a spent token shown again ends the family."""
    token = RefreshToken.get_or_none(RefreshToken.token_hash == hash_token(refresh_token))
    if token is None:
        abort(401, message=SESSION_ENDED)
    session = AuthSession.get_by_id(token.session_id)
    if session.revoked_at is not None or session.expires_at <= utcnow():
        abort(401, message=SESSION_ENDED)
    if token.used_at is not None:
        _refresh_reused(session)
    user = User.get_by_id(session.user_id)
    if not user.is_active:
        abort(401, message=SESSION_ENDED)
    new_token = new_opaque_token()
    with db.atomic():
        # Conditional update: of two requests racing with one token only one can spend it.
        spent = (
            RefreshToken.update(used_at=utcnow())
            .where((RefreshToken.id == token.id) & RefreshToken.used_at.is_null())
            .execute()
        )
        if spent:
            RefreshToken.create(token_hash=hash_token(new_token), session=session)
    if not spent:
        _refresh_reused(session)
    return token_pair(user, session, new_token)


def _refresh_reused(session):
    # A spent token coming back means it was copied: whoever holds the family now, it is no longer safe.
    # Unlike a sign-out nobody will retry this, so the database row is written even if Redis is away:
    # it stops refreshes, and access checks fall back to it while Redis cannot answer.
    with contextlib.suppress(*REDIS_ERRORS):
        sessions.mark_revoked(session.id)
    close_sessions("refresh_reuse", session_ids=[session.id])
    record("auth.refresh_reuse", "user", session.user_id, detail={"session_id": session.id})
    log.warning("refresh token reuse; session family revoked", extra={"user_id": session.user_id})
    abort(401, message=SESSION_ENDED)


def active_session_ids(user_id):
    return [
        row.id
        for row in AuthSession.select(AuthSession.id).where(
            (AuthSession.user == user_id) & AuthSession.revoked_at.is_null() & (AuthSession.expires_at > utcnow())
        )
    ]


def publish_revocation(session_ids):
    """Tell every process first; 503 if Redis cannot hear it, so nothing is committed and the client retries."""
    if not session_ids:
        return
    try:
        sessions.mark_revoked(*session_ids)
    except REDIS_ERRORS:
        abort(503, message=REVOCATION_UNAVAILABLE)


def close_sessions(reason, session_ids=None, user_id=None):
    """The database half of a revocation; run after `publish_revocation`, inside the caller's transaction."""
    condition = AuthSession.revoked_at.is_null()
    if session_ids is not None:
        condition &= AuthSession.id.in_(session_ids)
    if user_id is not None:
        condition &= AuthSession.user == user_id
    return AuthSession.update(revoked_at=utcnow(), revoked_reason=reason).where(condition).execute()


def end_sessions(session_ids, reason):
    publish_revocation(session_ids)
    return close_sessions(reason, session_ids=session_ids) if session_ids else 0


def end_user_sessions(user_id, reason):
    """Revoke every session of a user; call inside the transaction that changes what the user may do."""
    publish_revocation(active_session_ids(user_id))
    # By user, not by the ids published: a session started meanwhile cannot be refreshed either.
    return close_sessions(reason, user_id=user_id)


def logout(principal):
    with db.atomic():
        end_sessions([principal.session_id], "logout")
        record("auth.logout", "user", principal.user_id, detail={"session_id": principal.session_id})


def logout_all(principal):
    with db.atomic():
        count = end_user_sessions(principal.user_id, "logout_all")
        record("auth.logout_all", "user", principal.user_id, detail={"sessions": count})
    return count


def describe(principal):
    """Who the caller is and what they may do: one round trip for the client's start screen."""
    user = User.get_by_id(principal.user_id)
    station_ids = station_ids_of(user)
    stations = Station.select(Station.id, Station.name).where(Station.id.in_(station_ids)) if station_ids else []
    return {
        "user_id": user.id,
        "role": user.role,
        "role_label": ROLE_LABELS[user.role],
        "display_name": user.display_name,
        "deputy": {"id": user.deputy.id, "name": user.deputy.name} if user.deputy_id else None,
        "unit": {"id": user.unit.id, "name": user.unit.name} if user.unit_id else None,
        "stations": [{"id": station.id, "name": station.name} for station in stations],
        "station_ids": station_ids,
        "wechat_bound": user.openid is not None,
        "permissions": permissions_of(user.role),
    }
