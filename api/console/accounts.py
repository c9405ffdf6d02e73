"""Accounts (账号): who may sign in and as what, their passwords and sessions, and deputies' binding codes."""
from flask import render_template, request, url_for
from flask.views import MethodView

from api.auth import accounts, wechat
from api.auth.schemas import (
    BindingCodeCreateSchema,
    PasswordResetSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserUpdateSchema,
)
from api.auth.services import station_ids_of
from api.common.access import current_principal
from api.common.permissions import ADMIN, ROLE_LABELS, ROLES, STATION_STAFF, UNIT_USER, WORKER_ROLES
from api.console import qr
from api.console.blueprint import page
from api.console.forms import done, ids, load, optional_int, page_or_fragment, submit, text
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires
from api.deputies import services as deputies
from api.org import services as org

SCOPED_ROLES = set(accounts.ASSIGNABLE_ROLES[ADMIN])  # roles whose scope (unit, stations) is set here


@page("/accounts", "accounts", nav="账号", permission="auth:manage_users", order=40)
class Accounts(MethodView):
    @requires("auth:manage_users")
    def get(self):
        """账号列表：按角色、状态筛选"""
        args = filters(UserQuerySchema())
        principal = current_principal()
        return page_or_results(
            "console/accounts/list.html", "console/accounts/_results.html",
            page=paged(accounts.list_users(principal, args)), args=args, names=scope_names(principal),
            roles=labelled(accounts.MANAGEABLE_ROLES[principal.role]),
        )


@page("/accounts/new", "account_new", methods=["GET", "POST"])
class NewAccount(MethodView):
    @requires("auth:manage_users")
    def get(self):
        """新建账号表单"""
        return _form(None, {"role": request.args.get("role", STATION_STAFF)})

    @requires("auth:manage_users")
    def post(self):
        """新建账号（工作人员、联络站工作人员、承办单位）"""
        def create():
            data = {**scope_data(request.form), "username": text(request.form, "username").strip(),
                    "display_name": text(request.form, "display_name").strip(),
                    "password": text(request.form, "password")}
            user = accounts.create_user(current_principal(), load(UserCreateSchema(), data))
            return done(url_for("console.account_detail", user_id=user.id))

        return submit(create, lambda errors, message, status: _form(None, request.form, errors, message, status))


@page("/accounts/<int:user_id>", "account_detail", methods=["GET", "POST"])
class AccountDetail(MethodView):
    @requires("auth:manage_users")
    def get(self, user_id):
        """账号详情与修改"""
        return _form(accounts.get_managed(current_principal(), user_id))

    @requires("auth:manage_users")
    def post(self, user_id):
        """修改姓名、角色和范围（角色和范围变更会结束其全部登录）"""
        user = accounts.get_managed(current_principal(), user_id)

        def update():
            data = {"display_name": text(request.form, "display_name").strip()}
            if user.role in SCOPED_ROLES:
                data.update(scope_data(request.form))
            accounts.update_user(current_principal(), user.id, load(UserUpdateSchema(), data))
            return done(url_for("console.account_detail", user_id=user.id, saved=1))

        return submit(update, lambda errors, message, status: _form(user, request.form, errors, message, status))


@page("/accounts/<int:user_id>/active", "account_active", methods=["POST"])
class AccountActive(MethodView):
    @requires("auth:manage_users")
    def post(self, user_id):
        """停用或启用账号（停用立即结束其全部登录）"""
        data = load(UserUpdateSchema(), {"is_active": request.form.get("is_active") == "true"})
        accounts.update_user(current_principal(), user_id, data)
        return done(url_for("console.account_detail", user_id=user_id, saved=1))


@page("/accounts/<int:user_id>/password", "account_password", methods=["POST"])
class AccountPassword(MethodView):
    @requires("auth:manage_users")
    def post(self, user_id):
        """重置密码（结束其全部登录）"""
        user = accounts.get_managed(current_principal(), user_id)

        def reset():
            data = {"password": text(request.form, "password")}
            if request.form.get("current_password"):
                data["current_password"] = request.form["current_password"]
            data = load(PasswordResetSchema(), data)
            accounts.reset_password(current_principal(), user.id, data["password"], data.get("current_password"))
            return render_template("console/accounts/_password.html", user=user, errors={}, reset_done=True)

        def retry(errors, message, status):
            return render_template("console/accounts/_password.html", user=user, errors=errors, message=message), status

        return submit(reset, retry)


@page("/accounts/<int:user_id>/sessions", "account_sessions", methods=["POST"])
class AccountSessions(MethodView):
    @requires("auth:manage_users")
    def post(self, user_id):
        """结束该账号的全部登录"""
        count = accounts.end_user_sessions(current_principal(), user_id)
        return render_template("console/_flash.html", level="ok", message=f"已结束 {count} 个登录会话。")


@page("/accounts/<int:user_id>/wechat", "account_unbind", methods=["POST"])
class AccountUnbind(MethodView):
    @requires("auth:unbind_wechat")
    def post(self, user_id):
        """解除微信绑定（结束其全部登录）"""
        accounts.unbind_wechat(current_principal(), user_id)
        return done(url_for("console.account_detail", user_id=user_id, saved=1))


@page("/accounts/binding-codes", "binding_code", methods=["GET", "POST"])
class BindingCode(MethodView):
    @requires("auth:issue_binding_code")
    def get(self):
        """代表微信绑定码"""
        return render_template("console/accounts/binding.html", values={}, errors={})

    @requires("auth:issue_binding_code")
    def post(self):
        """生成绑定码并显示二维码（只显示这一次；旧码作废）"""
        def issue():
            deputy_id = optional_int(request.form, "deputy_id")
            if deputy_id is None:
                code = text(request.form, "deputy_code").strip()
                deputy_id = deputies.ids_for_codes([code], key="deputy_code")[0] if code else None
            data = {"deputy_id": deputy_id}
            if request.form.get("valid_days", "").strip():
                data["valid_days"] = optional_int(request.form, "valid_days") or request.form["valid_days"]
            data = load(BindingCodeCreateSchema(), data)
            issued = wechat.issue_binding_code(data["deputy_id"], data.get("valid_days"), current_principal())
            deputy = deputies.load(issued["deputy_id"])
            return render_template("console/accounts/_binding_code.html", issued=issued, deputy=deputy,
                                   qr_image=qr.png_data_uri(issued["code"]))

        def retry(errors, message, status):
            body, status = page_or_fragment(
                "console/accounts/binding.html", "console/accounts/_binding_form.html", status,
                values=request.form, errors=errors, message=message,
            )
            return body, status, {"HX-Retarget": "#binding-form", "HX-Reswap": "outerHTML"}

        return submit(issue, retry)


@page("/accounts/binding-codes/qr.png", "binding_qr", methods=["POST"])
class BindingQr(MethodView):
    @requires("auth:issue_binding_code")
    def post(self):
        """绑定码二维码 PNG（供打印；码由刚生成它的页面提交，不经网址传递）"""
        code = wechat.normalise_code(request.form.get("code", ""))[: wechat.CODE_LENGTH]
        if len(code) != wechat.CODE_LENGTH:
            return render_template("console/_flash.html", level="error", message="绑定码不正确。"), 422
        shown = f"{code[:4]}-{code[4:]}"
        headers = {"Content-Disposition": f'attachment; filename="binding-{shown}.png"', "Cache-Control": "no-store"}
        return qr.png_bytes(shown), 200, {"Content-Type": "image/png", **headers}


def scope_data(form):
    """Role, unit and stations as the account schemas take them: only what the chosen role uses is sent."""
    role = text(form, "role")
    if not role:  # the form shows no role (one's own account): nothing about access changes
        return {}
    data = {"role": role}
    if role == UNIT_USER:
        data["unit_id"] = optional_int(form, "unit_id")
    if role == STATION_STAFF:
        data["station_ids"] = ids(form, "station_ids")
    return data


def labelled(roles):
    return [(role, ROLE_LABELS[role]) for role in ROLES if role in roles]


def scope_names(principal):
    """Unit and station names by id, for showing each account's scope."""
    return {
        "units": {u.id: u.name for u in org.visible_units(principal, {})},
        "stations": {s.id: s.name for s in org.visible_stations(principal, {})},
    }


def _form(user, values=None, errors=None, message=None, status=200):
    principal = current_principal()
    if values is None:
        values = {"display_name": user.display_name, "role": user.role, "unit_id": user.unit_id}
        station_ids = station_ids_of(user)
    else:
        station_ids = ids(values, "station_ids") if hasattr(values, "getlist") else []
    names = scope_names(principal)
    assignable = accounts.ASSIGNABLE_ROLES[principal.role]
    return page_or_fragment(
        "console/accounts/detail.html", "console/accounts/_form.html", status,
        user=user, values=values, station_ids=station_ids, errors=errors or {}, message=message,
        roles=labelled(assignable), is_self=user and user.id == principal.user_id,
        units=sorted(names["units"].items()), stations=sorted(names["stations"].items()), names=names,
        saved=request.args.get("saved"), scoped=user is None or user.role in SCOPED_ROLES, worker_roles=WORKER_ROLES,
    )
