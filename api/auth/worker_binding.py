"""Binding a worker account (staff, station staff, unit user, admin) to WeChat, so that it receives reminders.

Workers sign in with a password; WeChat is only where user-addressed push (api/push queue_user_deliveries)
reaches them. The worker, or office staff for them, get a one-time code in the console; the person opens the
mini-program (signed in silently as a constituent) and enters or scans it: the WeChat identity moves onto the
worker account exactly as api/auth/wechat.bind_deputy moves it onto a deputy.
"""
from flask import current_app

from api.auth import accounts, services, wechat
from api.auth.models import BindingCode, User
from api.common.audit import record
from api.common.errors import Conflict, Forbidden, Invalid
from api.common.http import client_address
from api.common.permissions import WORKER_ROLES, allowed
from api.extensions import db

ALREADY_BOUND = "该账号已绑定微信，请先解除绑定。"
CODE_INVALID = "绑定码无效、已使用或已过期，请在工作平台重新生成。"


def issue_account_code(user_id, valid_days, principal):
    """A code for the caller's own account, or (office staff) for a worker account they manage."""
    if user_id == principal.user_id:
        account = User.get_by_id(user_id)
    elif allowed(principal.role, "auth:issue_binding_code"):
        account = accounts.get_managed(principal, user_id)
    else:
        raise Forbidden("只能为自己的账号生成绑定码。")
    _check_bindable(account)
    raw, shown, expires_at = wechat.new_code(valid_days)
    with db.atomic():
        # One live code per account: issuing again withdraws the one handed out before.
        BindingCode.delete().where((BindingCode.account == account.id) & BindingCode.used_at.is_null()).execute()
        BindingCode.create(
            code_hash=wechat.code_hash(raw), account=account.id, created_by=principal.user_id, expires_at=expires_at
        )
        record("auth.binding_code_issued", "user", account.id, detail={"expires_at": expires_at})
    return {"code": shown, "user_id": account.id, "expires_at": expires_at}


def _check_bindable(account):
    if account.role not in WORKER_ROLES:
        raise Conflict("只有工作人员、联络站工作人员和承办单位账号用此绑定码；代表请使用代表绑定码。")
    if not account.is_active:
        raise Conflict("该账号已停用，不能绑定微信。")
    if account.openid is not None:
        raise Conflict(ALREADY_BOUND)


def bind_account(principal, binding_code):
    """Move the caller's WeChat identity onto the worker account of the code; a token pair for that account."""
    services.limit(
        (f"bind:addr:{client_address()}", current_app.config["LOGIN_RATE_PER_ADDRESS"]),
        (f"bind:user:{principal.user_id}", current_app.config["BIND_RATE_PER_USER"]),
    )
    user = User.get_by_id(principal.user_id)
    if user.openid is None:
        raise Conflict("当前账号未关联微信，请重新登录后再绑定。")
    code = wechat.live_code(binding_code, "account")
    if code is None:
        record("auth.bind_failed", "user", user.id, detail={"method": "account_code"})
        raise Invalid(errors={"binding_code": [CODE_INVALID]})
    account = User.get_by_id(code.account_id)
    if not account.is_active:
        raise Forbidden("该账号已停用，请联系工作人员。")
    with db.atomic():
        # Conditional updates: two phones racing with one code, or two codes for one account, bind once.
        if not wechat.spend(code):
            raise Invalid(errors={"binding_code": [CODE_INVALID]})
        # The constituent session must not outlive its WeChat identity; the worker's own (console) sessions
        # stay: its role and scope do not change.
        services.end_sessions_of([user.id], "wechat_bound")
        User.update(openid=None, unionid=None).where(User.id == user.id).execute()
        moved = (
            User.update(openid=user.openid, unionid=user.unionid)
            .where((User.id == account.id) & User.openid.is_null())
            .execute()
        )
        if not moved:
            raise Conflict(ALREADY_BOUND)
        record(
            "auth.wechat_bound",
            "user",
            account.id,
            actor=user,
            detail={"method": "account_code", "from_user_id": user.id},
        )
    wechat.move_session_key(user.id, account.id)
    return services.start_request_session(User.get_by_id(account.id), "wechat")
