"""Who is asking: the bearer token becomes the request's principal, checked against the permission table.

This is the one place a request's session is checked for revocation.
"""
import functools

from flask import has_request_context, request

from api.common.errors import Forbidden, NotSignedIn
from api.common.identity import revocation
from api.common.identity.principal import Principal
from api.common.identity.tokens import InvalidToken, decode_access_token
from api.common.permissions import allowed

__all__ = [
    "Principal", "authenticate_token", "current_principal", "keep_revocation_values", "principal_or_none", "requires",
    "revocation_keys", "sign_in_request",
]

SESSION_ENDED = "登录已失效，请重新登录。"


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
    token = _bearer_token()
    if not token:
        raise NotSignedIn()
    return authenticate_token(token)


def _bearer_token():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def revocation_keys():
    """The revocation entries this request's bearer token will be checked against, or none.

    The request's first Redis round trip (the rate limit) reads them along: `keep_revocation_values`.
    """
    token = _bearer_token()
    try:
        return revocation.cache_keys(decode_access_token(token)) if token else ()
    except InvalidToken:
        return ()


def keep_revocation_values(keys, values):
    request.revocation_read = (tuple(keys), values)


def authenticate_token(token):
    """The principal of a verified, unrevoked access token (from a header or the console's cookie)."""
    try:
        claims = decode_access_token(token)
    except InvalidToken as exc:
        raise NotSignedIn(SESSION_ENDED) from exc
    keys, values = getattr(request, "revocation_read", ((), None)) if has_request_context() else ((), None)
    if revocation.is_revoked(claims, values if keys == revocation.cache_keys(claims) else None):
        raise NotSignedIn(SESSION_ENDED)
    return Principal.from_claims(claims)


def sign_in_request(principal):
    """Another front door (the console's cookie) has authenticated this request."""
    request.principal = principal


def requires(permission):
    """View decorator: signed in (401) and allowed by the permission table (403)."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not allowed(current_principal().role, permission):
                raise Forbidden()
            return view(*args, **kwargs)

        guarded._permission = permission
        return guarded

    return decorate
