"""Console sessions: the access token of a console sign-in in a cookie, and CSRF tokens bound to it.

The cookie is HttpOnly, SameSite=Strict and (outside development) Secure. A console session is never
refreshed: its token lives as long as the session (CONSOLE_SESSION_SECONDS), so parallel htmx requests
cannot race a refresh-token rotation. Every request checks revocation exactly like the API does, so
signing out (or an admin ending the account's sessions) takes effect at once.
"""
import contextlib
import functools
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import current_app, redirect, request, url_for

from api.auth import services as auth_services
from api.common.access import authenticate_token, principal_or_none, sign_in_request
from api.common.errors import Forbidden, NotSignedIn
from api.common.permissions import allowed

SESSION_COOKIE = "dh_console"
LOGIN_COOKIE = "dh_console_login"  # the signed-out form's CSRF token (double submit)
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_ENDPOINTS = {"console.static", "console.login"}
STALE_PAGE = "页面已过期，请刷新后重试。"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class CsrfRefused(Forbidden):
    """A state-changing request without this session's CSRF token."""


def init_blueprint(bp):
    bp.before_request(_authenticate)
    bp.context_processor(lambda: {"principal": principal_or_none(), "csrf_token": csrf_token, "me": me})
    bp.after_request(_page_headers)


def _authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        # An ended or expired session leaves the request signed out: pages that need one ask to sign in.
        with contextlib.suppress(NotSignedIn):
            sign_in_request(authenticate_token(token))
    if principal_or_none() is not None and request.method in UNSAFE_METHODS:
        check_csrf(csrf_token())
    return None


def me():
    """Who is signed in, for the page header (one query per page, remembered for the request)."""
    # On the request, not `g`: an app context (and its `g`) can outlive one request.
    if not hasattr(request, "console_me"):
        principal = principal_or_none()
        request.console_me = auth_services.describe(principal) if principal else None
    return request.console_me


def _page_headers(response):
    # Pages carry personal data and act for the signed-in user: never cached, never framed, and no
    # script, style, image or form target from any host but this one.
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def requires(permission):
    """Method decorator: signed in to the console (else the sign-in page) and allowed by the permission table."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(*args, **kwargs):
            principal = principal_or_none()
            if principal is None:
                raise NotSignedIn()  # the handler sends the browser to the sign-in page
            if not allowed(principal.role, permission):
                raise Forbidden()
            return method(*args, **kwargs)

        guarded._permission = permission  # read by the console's permission matrix test
        return guarded

    return decorate


def csrf_token():
    """This session's CSRF token: derived from the session id, so it needs no storage and dies with the session."""
    principal = principal_or_none()
    if principal is None:
        return ""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"console-csrf:{principal.session_id}".encode(), hashlib.sha256).hexdigest()


def check_csrf(expected):
    presented = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
        raise CsrfRefused(STALE_PAGE)


def new_login_token():
    return secrets.token_urlsafe(24)


def login_token_matches():
    """The signed-out form's double-submit check: a cross-site form cannot read or send our cookie."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    field = request.form.get(CSRF_FIELD, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), field.encode())


def set_cookie(response, name, value, max_age=None):
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=_cookie_path(),
        secure=current_app.config["CONSOLE_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )


def clear_cookie(response, name):
    response.delete_cookie(
        name, path=_cookie_path(), secure=current_app.config["CONSOLE_COOKIE_SECURE"], httponly=True, samesite="Strict"
    )


def _cookie_path():
    return f"{request.script_root}/console"


def safe_next(target):
    """Where to go after signing in: only a console path on this host, never another site."""
    parts = urlsplit(target or "")
    home = url_for("console.home")
    if parts.scheme or parts.netloc or not parts.path.startswith(home) or "\\" in target:
        return home
    return target


def to_sign_in():
    """Send the browser to the sign-in page; htmx follows HX-Redirect instead of swapping the page in."""
    target = url_for("console.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
