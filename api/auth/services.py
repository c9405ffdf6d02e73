"""Account creation and sign-in sessions."""
import datetime as dt
import secrets

from flask import current_app

from api.auth.models import AuthSession, RefreshToken, User, UserStation
from api.auth.passwords import hash_password
from api.auth.tokens import hash_token, issue_access_token, new_opaque_token
from api.common.db import utcnow
from api.extensions import db


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
    station_ids = [link.station_id for link in UserStation.select().where(UserStation.user == user)]
    if station_ids:
        scope["station_ids"] = station_ids
    return scope


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


def token_pair(user, session, refresh):
    return {
        "access_token": issue_access_token(user.id, user.role, session.id, scope_of(user)),
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": current_app.config["ACCESS_TOKEN_TTL_SECONDS"],
    }
