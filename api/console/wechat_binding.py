"""绑定微信接收提醒: a worker account's one-time code for the mini-program, for itself or issued by the office.

The code is shown once, as text and as a QR code of the same text (api/console/qr.py): the person opens the
mini-program's "绑定工作账号" page (pages/bind-account) and types or scans it.
"""
from flask import render_template, request
from flask.views import MethodView

from api.auth import services as auth
from api.auth import worker_binding
from api.auth.schemas import AccountBindingCodeCreateSchema
from api.common.access import current_principal
from api.console import qr
from api.console.blueprint import page
from api.console.forms import load, optional_int
from api.console.session import requires


@page("/me/wechat", "my_wechat", nav="绑定微信", permission="auth:bind_own_wechat", order=90, methods=["GET", "POST"])
class MyWeChat(MethodView):
    @requires("auth:bind_own_wechat")
    def get(self):
        """绑定微信接收提醒：本人账号的绑定状态"""
        return render_template("console/wechat_binding/mine.html", mine=auth.describe(current_principal()))

    @requires("auth:bind_own_wechat")
    def post(self):
        """为本人账号生成微信绑定码（只显示这一次；旧码作废）"""
        principal = current_principal()
        return _issued(worker_binding.issue_account_code(principal.user_id, _valid_days(), principal))


@page("/accounts/<int:user_id>/binding-code", "account_binding_code", methods=["POST"])
class AccountBindingCode(MethodView):
    @requires("auth:issue_binding_code")
    def post(self, user_id):
        """为工作人员、联络站或承办单位账号生成微信绑定码（只显示这一次；旧码作废）"""
        return _issued(worker_binding.issue_account_code(user_id, _valid_days(), current_principal()))


def _valid_days():
    raw = request.form.get("valid_days", "").strip()
    if not raw:
        return None
    return load(AccountBindingCodeCreateSchema(), {"valid_days": optional_int(request.form, "valid_days") or raw})[
        "valid_days"
    ]


def _issued(issued):
    return render_template(
        "console/wechat_binding/_code.html", issued=issued, qr_image=qr.png_data_uri(issued["code"])
    )
