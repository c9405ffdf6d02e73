"""Signing in to and out of the console: the API's password sign-in (same throttles and lockout)."""
from flask import current_app, make_response, redirect, render_template, request, url_for
from flask.views import MethodView

from api.auth import services as auth_services
from api.common.access import current_principal
from api.common.errors import DomainError, Forbidden, NotSignedIn, status_of
from api.console import session
from api.console.blueprint import page


@page("/login", "login", methods=["GET", "POST"])
class Login(MethodView):
    def get(self):
        """登录页"""
        return _form(next_url=request.args.get("next", ""))

    def post(self):
        """用户名密码登录"""
        if not session.login_token_matches():
            return _form(error=session.STALE_PAGE, status=403)
        username = (request.form.get("username") or "").strip()[:64]
        password = (request.form.get("password") or "")[:256]
        if not username or not password:
            return _form(username=username, error="请输入用户名和密码。", status=422)
        try:
            pair = auth_services.password_login(
                username, password, method="console",
                session_seconds=current_app.config["CONSOLE_SESSION_SECONDS"],
            )
        except (NotSignedIn, Forbidden) as exc:
            return _form(username=username, error=exc.message or "用户名或密码错误。", status=status_of(exc))
        except DomainError as exc:  # throttled (429) or hashing busy (503): say so, keep the form
            return _form(username=username, error=exc.message, status=status_of(exc), retry_after=exc.retry_after)
        response = redirect(session.safe_next(request.form.get("next")))
        session.set_cookie(response, session.SESSION_COOKIE, pair["access_token"])
        session.clear_cookie(response, session.LOGIN_COOKIE)
        return response


@page("/logout", "logout", methods=["POST"])
class Logout(MethodView):
    @session.requires("auth:self")
    def post(self):
        """退出登录（立即生效）"""
        auth_services.logout(current_principal())
        response = redirect(url_for("console.login"))
        session.clear_cookie(response, session.SESSION_COOKIE)
        return response


def _form(username="", error=None, status=200, next_url="", retry_after=None):
    token = session.new_login_token()
    body = render_template(
        "console/login.html", username=username, error=error, login_token=token,
        next_url=next_url or request.form.get("next", ""),
    )
    response = make_response(body, status)
    session.set_cookie(response, session.LOGIN_COOKIE, token)
    if retry_after is not None:
        response.headers["Retry-After"] = str(int(retry_after))
    return response
