"""Sign-in sessions: password sign-in starts one, refresh rotates it, sign-out ends it at once.

Access tokens and revocation are the identity primitives in `api.common.identity`; this module adds
what only the auth domain knows: accounts, their sessions and refresh tokens, and sign-in throttling.
"""
import datetime as dt
import hashlib
import logging
import math
import secrets

from flask import current_app, request
from peewee import Case

from api.auth.models import AuthSession, LoginThrottle, RefreshToken, User, UserSeat, UserStation
from api.auth.passwords import hash_password, needs_rehash, verify_password
from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Forbidden, NotSignedIn, TooSoon
from api.common.http import client_address
from api.common.identity import revocation
from api.common.identity.tokens import hash_token, issue_access_token, new_opaque_token
from api.common.permissions import (
    ADMIN,
    CONSTITUENT,
    DEPUTY,
    ROLE_LABELS,
    STAFF,
    STATION_STAFF,
    UNIT_USER,
    permissions_of,
)
from api.common.ratelimit import hit_all
from api.common.signals import deputy_seats_ended
from api.extensions import db
from api.org.models import Station

log = logging.getLogger("deputyhub.auth")

# Deputies and constituents sign in through WeChat only.
PASSWORD_ROLES = {ADMIN, STAFF, STATION_STAFF, UNIT_USER}
INVALID_CREDENTIALS = "用户名或密码错误。"
SESSION_ENDED = "登录已失效，请重新登录。"

_dummy_hash = None


def create_password_user(username, display_name, role, password, unit=None):
    return User.create(
        username=username, display_name=display_name, role=role, password_hash=hash_password(password), unit=unit
    )


def role_of(user):
    """The role the user has now: a deputy whose term has ended (终止) signs in as a constituent."""
    if user.role == DEPUTY and user.deputy_id is not None and not user.deputy.is_serving:
        return CONSTITUENT
    return user.role


def scope_of(user, role):
    """What an access token carries so that scope checks need no database round trip."""
    scope = {}
    if user.deputy_id and role == DEPUTY:
        scope["deputy_id"] = user.deputy_id
        scope["deputy_ids"] = seat_ids_of(user)
    if user.unit_id:
        scope["unit_id"] = user.unit_id
    station_ids = station_ids_of(user)
    if station_ids:
        scope["station_ids"] = station_ids
    return scope


def seat_ids_of(user):
    """Every seat the account holds, the primary first (api/auth/models.py: UserSeat)."""
    others = UserSeat.select(UserSeat.deputy).where((UserSeat.user == user) & (UserSeat.deputy != user.deputy_id))
    return [user.deputy_id, *sorted(deputy_id for (deputy_id,) in others.tuples())]


def station_ids_of(user):
    return [link.station_id for link in UserStation.select(UserStation.station).where(UserStation.user == user)]


def start_session(user, method, remote_addr=None, user_agent=None, session_seconds=None):
    """A new session and its first token pair. `session_seconds` fixes a session that is never refreshed
    (the console's): it and its access token end together."""
    ttl = dt.timedelta(seconds=session_seconds or current_app.config["REFRESH_TOKEN_TTL_SECONDS"])
    refresh = new_opaque_token()
    now = utcnow()
    with db.atomic():
        session = AuthSession.create(
            id=secrets.token_hex(16),
            user=user,
            method=method,
            created_at=now,
            expires_at=now + ttl,
            remote_addr=remote_addr,
            user_agent=(user_agent or "")[:200] or None,
        )
        RefreshToken.create(token_hash=hash_token(refresh), session=session)
        User.update(last_login_at=now).where(User.id == user.id).execute()
    revocation.remember_new_session(user.id, session.id)
    return token_pair(user, session, refresh, access_seconds=session_seconds)


def start_request_session(user, method, session_seconds=None):
    """A session for the client making this request, with the sign-in audited."""
    record("auth.login", "user", user.id, actor=user, detail={"method": method})
    return start_session(
        user, method, remote_addr=client_address(), user_agent=request.user_agent.string,
        session_seconds=session_seconds,
    )


def token_pair(user, session, refresh, access_seconds=None):
    role = role_of(user)
    seconds = access_seconds or current_app.config["ACCESS_TOKEN_TTL_SECONDS"]
    return {
        "access_token": issue_access_token(
            user.id, role, session.id, session.created_at, scope_of(user, role), ttl_seconds=seconds
        ),
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": seconds,
        "role": role,
    }


# --- password sign-in ------------------------------------------------------------------------


def password_login(username, password, method="password", session_seconds=None):
    user = password_user(username)
    if not check_password(user, username, password, "login"):
        raise NotSignedIn(INVALID_CREDENTIALS)
    if not user.is_active:
        record("auth.login_failed", "user", user.id, detail={"method": "password", "reason": "disabled"})
        raise Forbidden("账号已停用，请联系管理员。")
    if needs_rehash(user.password_hash):
        User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
    return start_request_session(user, method, session_seconds)


def password_user(username):
    user = User.get_or_none(User.username == username)
    if user is not None and (user.role not in PASSWORD_ROLES or not user.password_hash):
        return None
    return user


def check_password(user, username, password, purpose):
    """Whether `password` is the account's, throttled per account and address; 429 while this pair must wait.

    Unknown accounts cost one hash and are throttled like real ones, so neither timing nor throttling
    tells which usernames exist.
    """
    config = current_app.config
    address = client_address()
    key = _throttle_key(username, address)
    limit(
        (f"login:addr:{address}", config["LOGIN_RATE_PER_ADDRESS"]),
        (f"login:pair:{key}", config["LOGIN_RATE_PER_ACCOUNT"]),
    )
    waiting = _waiting(key)
    if waiting:
        _refuse(user, username, purpose, "throttled", waiting)
    matches = verify_password(user.password_hash if user else _dummy(), password)
    if user is None or not matches:
        wait = _count_failure(key, _account_key(username), user)
        _refuse(user, username, purpose, "unknown_user" if user is None else "bad_password", wait)
        return False
    with db.atomic():
        LoginThrottle.delete().where(LoginThrottle.key == key).execute()
        User.update(failed_logins=0).where(User.id == user.id).execute()
    return True


def limit(*limits):
    """Count one attempt against each (name, per-minute limit) in one Redis round trip; 429 at the first exceeded."""
    wait = hit_all([(name, per_minute, 60) for name, per_minute in limits])
    if wait:
        raise TooSoon(retry_after=wait)


def _refuse(user, username, purpose, reason, wait):
    record(
        "auth.login_failed",
        "user",
        user.id if user else None,
        # The attempted name only: never the password.
        detail={"method": "password", "purpose": purpose, "reason": reason, "username": username[:64], "wait": wait},
    )
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooSoon(f"密码错误次数过多，请 {minutes} 分钟后再试。", retry_after=wait)


def _dummy():
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    return _dummy_hash


def _account_key(username):
    return hashlib.sha256(username.encode()).hexdigest()


def _throttle_key(username, address):
    return hashlib.sha256(f"{username}\0{address}".encode()).hexdigest()


def _waiting(key):
    row = LoginThrottle.select(LoginThrottle.wait_until).where(LoginThrottle.key == key).first()
    if row is None or row.wait_until is None:
        return 0
    remaining = (row.wait_until - utcnow()).total_seconds()
    return math.ceil(remaining) if remaining > 0 else 0


def _count_failure(key, account, user):
    """Count a wrong password for this account and address; the seconds this pair must now wait, or 0."""
    config = current_app.config
    now = utcnow()
    forgotten = now - dt.timedelta(seconds=config["LOGIN_FAILURE_MEMORY_SECONDS"])
    with db.atomic():
        (
            LoginThrottle.insert(key=key, account=account, failures=1, updated_at=now)
            .on_conflict(
                conflict_target=[LoginThrottle.key],
                update={
                    LoginThrottle.failures: Case(
                        None, [(LoginThrottle.updated_at < forgotten, 1)], LoginThrottle.failures + 1
                    ),
                    LoginThrottle.updated_at: now,
                },
            )
            .execute()
        )
        failures = LoginThrottle.select(LoginThrottle.failures).where(LoginThrottle.key == key).scalar()
        if user is not None:
            User.update(failed_logins=User.failed_logins + 1).where(User.id == user.id).execute()
        over = failures - config["LOGIN_MAX_FAILURES"]
        if over < 0:
            return 0
        # Growing delays: each further failure doubles the wait, up to LOGIN_LOCK_SECONDS.
        wait = min(config["LOGIN_FIRST_DELAY_SECONDS"] * 2 ** min(over, 30), config["LOGIN_LOCK_SECONDS"])
        wait_until = now + dt.timedelta(seconds=wait)
        LoginThrottle.update(wait_until=wait_until).where(LoginThrottle.key == key).execute()
    return wait


def forget_failures(username):
    """After a password reset: the account's delays from every address are over."""
    LoginThrottle.delete().where(LoginThrottle.account == _account_key(username)).execute()


def prune_throttles(before):
    return LoginThrottle.delete().where(LoginThrottle.updated_at < before).execute()


# --- refresh and sign-out --------------------------------------------------------------------


def refresh(refresh_token):
    """Rotate: the presented token is spent and a new pair issued; a spent token shown again ends the family."""
    token = RefreshToken.get_or_none(RefreshToken.token_hash == hash_token(refresh_token))
    if token is None:
        raise NotSignedIn(SESSION_ENDED)
    session = AuthSession.get_by_id(token.session_id)
    if (
        session.revoked_at is not None
        or session.expires_at <= utcnow()
        or revocation.session_ended(session.user_id, session.id, session.created_at)
    ):
        raise NotSignedIn(SESSION_ENDED)
    if token.used_at is not None:
        _refresh_reused(session)
    user = User.get_by_id(session.user_id)
    if not user.is_active:
        raise NotSignedIn(SESSION_ENDED)
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
    # Unlike a sign-out nobody will retry this, so the database rows are kept even if Redis cannot hear
    # it: they stop refreshes, and access checks read them whenever Redis has no entry.
    with db.atomic():
        close_sessions("refresh_reuse", session_ids=[session.id])
        revocation.revoke_sessions([(session.id, session.user_id)], "refresh_reuse", must_publish=False)
    record("auth.refresh_reuse", "user", session.user_id, detail={"session_id": session.id})
    log.warning("refresh token reuse; session family revoked", extra={"user_id": session.user_id})
    raise NotSignedIn(SESSION_ENDED)


def close_sessions(reason, session_ids=None, user_ids=None):
    """The auth side of a revocation: these sessions' refresh tokens stop working."""
    condition = AuthSession.revoked_at.is_null()
    if session_ids is not None:
        condition &= AuthSession.id.in_(session_ids)
    if user_ids is not None:
        condition &= AuthSession.user.in_(user_ids)
    return AuthSession.update(revoked_at=utcnow(), revoked_reason=reason).where(condition).execute()


def end_sessions_of(user_ids, reason):
    """End every session of these users at once: access tokens get 401, refresh tokens are refused.

    Call inside the transaction that changes what the users may do (role, scope, disabled, a deputy's
    term ended); 503 (and nothing committed) if the revocation cannot be published. Returns the number
    of sessions closed.
    """
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    revocation.end_sessions_of(user_ids, reason)
    return close_sessions(reason, user_ids=user_ids)


def end_deputy_sessions(deputy_ids, reason):
    """`end_sessions_of` the accounts of these deputies (for a term ended: status 终止)."""
    users = User.select(User.id).where(User.deputy.in_(list(deputy_ids)))
    return end_sessions_of([user_id for (user_id,) in users.tuples()], reason)


@deputy_seats_ended.connect
def _end_sessions_of_ended_seats(sender, deputy_ids, reason, **extra):
    # Sent by deputies inside its transaction; it cannot call us directly (we depend on it).
    end_deputy_sessions(deputy_ids, reason)


def logout(principal):
    with db.atomic():
        revocation.revoke_sessions([(principal.session_id, principal.user_id)], "logout")
        close_sessions("logout", session_ids=[principal.session_id])
        record("auth.logout", "user", principal.user_id, detail={"session_id": principal.session_id})


def logout_all(principal):
    with db.atomic():
        count = end_sessions_of([principal.user_id], "logout_all")
        record("auth.logout_all", "user", principal.user_id, detail={"sessions": count})
    return count


def describe(principal):
    """Who the caller is and what they may do: one round trip for the client's start screen."""
    user = User.get_by_id(principal.user_id)
    role = role_of(user)
    station_ids = station_ids_of(user)
    stations = Station.select(Station.id, Station.name).where(Station.id.in_(station_ids)) if station_ids else []
    return {
        "user_id": user.id,
        "role": role,
        "role_label": ROLE_LABELS[role],
        "display_name": user.display_name,
        "deputy": {"id": user.deputy.id, "name": user.deputy.name} if role == DEPUTY and user.deputy_id else None,
        "unit": {"id": user.unit.id, "name": user.unit.name} if user.unit_id else None,
        "stations": [{"id": station.id, "name": station.name} for station in stations],
        "station_ids": station_ids,
        "wechat_bound": user.openid is not None,
        "permissions": permissions_of(role),
    }


# --- who works on what: recipient queries for other domains (e.g. push to accounts) -----------


def responsible_accounts(station_id, unit_id=None):
    """Active accounts answerable for a station's case (a SELECT of user ids, one column).

    The handling unit's accounts (when there is one) and the station's staff; a station without staff
    accounts is looked after by the office's staff instead.
    """
    station_staff = UserStation.select(UserStation.user).where(UserStation.station == station_id)
    has_staff = (
        UserStation.select(UserStation.id)
        .join(User, on=(User.id == UserStation.user))
        .where(UserStation.station == station_id, User.role == STATION_STAFF, User.is_active)
        .exists()
    )
    answerable = (User.role == STATION_STAFF) & User.id.in_(station_staff)
    if not has_staff:
        answerable |= User.role == STAFF
    if unit_id is not None:
        answerable |= (User.role == UNIT_USER) & (User.unit == unit_id)
    return User.select(User.id).where(User.is_active, answerable)
