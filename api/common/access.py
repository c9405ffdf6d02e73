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


SESSION_ENDED = "登录已失效，请重新登录。"


def current_principal():
    """The signed-in principal, or 401."""
    # Kept on the request, not on `g`: an app context (and its `g`) can outlive one request.
    principal = getattr(request, "principal", None)
    if principal is None:
        principal = request.principal = _authenticate(check_revocation=True)
    return principal


def principal_or_none():
    return getattr(request, "principal", None) if has_request_context() else None


def _authenticate(check_revocation):
    from api.auth import sessions
    from api.auth.tokens import InvalidToken, decode_access_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401)
    try:
        claims = decode_access_token(token.strip())
    except InvalidToken:
        abort(401, message=SESSION_ENDED)
    if not check_revocation:
        request.revocation_pending = claims["sid"]
    elif sessions.is_revoked(claims["sid"]):
        abort(401, message=SESSION_ENDED)
    scope = claims.get("scope") or {}
    return Principal(
        user_id=int(claims["sub"]),
        role=claims["role"],
        session_id=claims["sid"],
        deputy_id=scope.get("deputy_id"),
        unit_id=scope.get("unit_id"),
        station_ids=tuple(scope.get("station_ids") or ()),
    )


def requires(permission, revocation_checked_by_view=False):
    """View decorator: signed in (401) and allowed by the permission table (403).

    `revocation_checked_by_view` is for the hottest cached reads only: the view fetches the session's
    revocation marker in the same Redis round trip as its data and must call `settle_revocation`;
    `unsettled_revocation` (checked after every request) turns a view that forgets into a 500.
    """

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if revocation_checked_by_view:
                principal = request.principal = _authenticate(check_revocation=False)
            else:
                principal = current_principal()
            if not allowed(principal.role, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded._permission = permission
        return guarded

    return decorate


def pending_revocation_session():
    return getattr(request, "revocation_pending", None)


def settle_revocation(revoked):
    """The view's verdict on the revocation marker it fetched itself."""
    request.revocation_pending = None
    if revoked:
        abort(401, message=SESSION_ENDED)


def settle_revocation_now():
    """For a view whose own Redis round trip failed: ask the session store (it falls back to the database)."""
    from api.auth import sessions

    settle_revocation(sessions.is_revoked(request.revocation_pending))


def unsettled_revocation():
    return has_request_context() and getattr(request, "revocation_pending", None) is not None
