"""Who is asking: the bearer token becomes `g.principal`, checked against the permission table."""
import functools
from dataclasses import dataclass, field

from flask import has_request_context, request

from api.common.errors import abort
from api.common.permissions import allowed


@dataclass(frozen=True)
class Principal:
    user_id: int
    role: str
    session_id: str
    deputy_id: int | None = None
    unit_id: int | None = None
    station_ids: tuple = field(default_factory=tuple)


def current_principal():
    """The signed-in principal, or 401."""
    # Kept on the request, not on `g`: an app context (and its `g`) can outlive one request.
    principal = getattr(request, "principal", None)
    if principal is None:
        principal = request.principal = _authenticate()
    return principal


def principal_or_none():
    return getattr(request, "principal", None) if has_request_context() else None


def _authenticate():
    from api.auth import sessions
    from api.auth.tokens import InvalidToken, decode_access_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401)
    try:
        claims = decode_access_token(token.strip())
    except InvalidToken:
        abort(401, message="登录已失效，请重新登录。")
    if sessions.is_revoked(claims["sid"]):
        abort(401, message="登录已失效，请重新登录。")
    scope = claims.get("scope") or {}
    return Principal(
        user_id=int(claims["sub"]),
        role=claims["role"],
        session_id=claims["sid"],
        deputy_id=scope.get("deputy_id"),
        unit_id=scope.get("unit_id"),
        station_ids=tuple(scope.get("station_ids") or ()),
    )


def requires(permission):
    """View decorator: signed in (401) and allowed by the permission table (403)."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            principal = current_principal()
            if not allowed(principal.role, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded._permission = permission
        return guarded

    return decorate
