"""WeChat sign-in for the mini-program, and binding a deputy to their WeChat account.

The session_key WeChat hands out stays on the server (Redis, keyed by user): it decrypts the user's
data, so it never appears in a response, a log line or the database.
"""
import datetime as dt
import logging
import secrets

from flask import current_app
from peewee import IntegrityError

from api.audit.services import record
from api.auth import services
from api.auth.models import BindingCode, User
from api.common.db import utcnow
from api.common.errors import abort
from api.common.http import client_address
from api.common.permissions import CONSTITUENT, DEPUTY
from api.common.pii import blind_index
from api.common.redis import REDIS_ERRORS
from api.deputies.models import Deputy
from api.extensions import db, redis_store
from api.wechat import get_client
from api.wechat.errors import WeChatError

log = logging.getLogger("deputyhub.auth")

SESSION_KEY_TTL_SECONDS = 3 * 24 * 3600
CONSTITUENT_NAME = "微信用户"
# Login and phone codes WeChat does not know, has expired, or has already seen.
INVALID_CODE_ERRCODES = {40029, 40163}
RISKY_USER_ERRCODE = 40226
BIND_ATTEMPTS_PER_MINUTE = 10
# No 0/O, 1/I/L: read aloud over the phone or typed on a small screen without mix-ups.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_INVALID = "邀请码无效、已使用或已过期，请向工作人员重新索取。"


def wechat_login(code):
    info = _ask_wechat(lambda client: client.code2session(code), login=True)
    user = _user_for_openid(info["openid"], info.get("unionid"))
    if not user.is_active:
        record("auth.login_failed", "user", user.id, detail={"method": "wechat", "reason": "disabled"})
        abort(403, message="账号已停用，请联系工作人员。")
    keep_session_key(user.id, info["session_key"])
    return services.start_request_session(user, "wechat")


def _ask_wechat(call, login=False):
    try:
        return call(get_client())
    except WeChatError as exc:
        if exc.errcode in INVALID_CODE_ERRCODES:
            if login:
                record("auth.login_failed", None, None, detail={"method": "wechat", "errcode": exc.errcode})
                abort(401, message="微信登录凭证无效或已使用，请重新登录。")
            abort(422, errors={"phone_code": ["手机号授权已失效，请重新授权。"]})
        if exc.errcode == RISKY_USER_ERRCODE:
            abort(403, message="微信判定该账号存在风险，暂时无法登录。")
        # Our configuration, WeChat's quota or WeChat itself: nothing the user can fix by retrying a code.
        abort(503, message="微信服务暂时不可用，请稍后再试。")


def _user_for_openid(openid, unionid):
    user = User.get_or_none(User.openid == openid)
    if user is None:
        try:
            with db.atomic():
                return User.create(role=CONSTITUENT, openid=openid, unionid=unionid, display_name=CONSTITUENT_NAME)
        except IntegrityError:
            # The same person signing in twice at once: the other request created the account.
            user = User.get(User.openid == openid)
    if unionid and user.unionid != unionid:
        User.update(unionid=unionid).where(User.id == user.id).execute()
    return user


def _session_key_name(user_id):
    return f"wechat:session_key:{user_id}"


def keep_session_key(user_id, session_key):
    try:
        redis_store.set(_session_key_name(user_id), session_key, ex=SESSION_KEY_TTL_SECONDS)
    except REDIS_ERRORS as exc:
        # Sign-in does not need it; only later decryption of WeChat data does, and it asks again then.
        log.warning("wechat session key not kept", extra={"user_id": user_id, "error": type(exc).__name__})


def session_key_of(user_id):
    """The user's current WeChat session_key, or None (expired, or never kept)."""
    value = redis_store.get(_session_key_name(user_id))
    return value.decode() if isinstance(value, bytes) else value


def forget_session_key(user_id):
    try:
        redis_store.delete(_session_key_name(user_id))
    except REDIS_ERRORS as exc:
        log.warning("wechat session key not dropped", extra={"user_id": user_id, "error": type(exc).__name__})


# --- binding a deputy --------------------------------------------------------------------------


def normalise_code(code):
    return "".join(ch for ch in code if ch.isalnum()).upper()


def code_hash(code):
    # Keyed: the code space is small enough that a plain hash from a leaked table could be reversed.
    return blind_index(normalise_code(code))


def issue_binding_code(deputy_id, valid_days, principal):
    deputy = Deputy.get_by_id(deputy_id)
    _check_bindable(deputy)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = utcnow() + dt.timedelta(days=valid_days)
    with db.atomic():
        # One live code per deputy: issuing again withdraws the one handed out before.
        BindingCode.delete().where((BindingCode.deputy == deputy) & BindingCode.used_at.is_null()).execute()
        BindingCode.create(code_hash=code_hash(raw), deputy=deputy, created_by=principal.user_id, expires_at=expires_at)
        record("auth.binding_code_issued", "deputy", deputy.id, detail={"expires_at": expires_at})
    return {"code": f"{raw[:4]}-{raw[4:]}", "deputy_id": deputy.id, "expires_at": expires_at}


def _check_bindable(deputy):
    if not deputy.is_serving:
        abort(409, message="该代表已不在任，不能绑定微信。")
    bound = User.get_or_none((User.deputy == deputy) & User.openid.is_null(False))
    if bound is not None:
        abort(409, message="该代表已绑定微信账号，请先解除绑定。")


def bind_deputy(principal, binding_code=None, phone_code=None):
    """Turn the caller's WeChat account into the deputy's; returns a new token pair for the deputy."""
    services.limit(f"bind:addr:{client_address()}", current_app.config["LOGIN_RATE_PER_ADDRESS"])
    services.limit(f"bind:user:{principal.user_id}", BIND_ATTEMPTS_PER_MINUTE)
    user = User.get_by_id(principal.user_id)
    if user.openid is None:
        abort(409, message="当前账号未关联微信，请重新登录后再绑定。")
    if binding_code:
        method, (deputy, code) = "code", _deputy_by_code(binding_code)
    else:
        method, deputy, code = "phone", _deputy_by_phone(phone_code), None
    if deputy is None:
        record("auth.bind_failed", "user", user.id, detail={"method": method})
        if method == "phone":
            abort(404, message="没有找到使用该手机号的代表，请向工作人员索取邀请码绑定。")
        abort(422, errors={"binding_code": [CODE_INVALID]})
    _check_bindable(deputy)
    deputy_user = User.get_or_none(User.deputy == deputy) or user
    if not deputy_user.is_active:
        abort(403, message="该代表的账号已停用，请联系工作人员。")
    with db.atomic():
        if code is not None and not _spend(code):
            abort(422, errors={"binding_code": [CODE_INVALID]})
        # Tokens carry the role: the constituent session must not outlive the change.
        services.end_user_sessions(user.id, "wechat_bound")
        if deputy_user.id != user.id:
            # The deputy already has an account (made by staff or bound before): it takes over the WeChat identity.
            User.update(openid=None, unionid=None).where(User.id == user.id).execute()
            services.end_user_sessions(deputy_user.id, "wechat_bound")
        (
            User.update(role=DEPUTY, deputy=deputy, openid=user.openid, unionid=user.unionid, display_name=deputy.name)
            .where(User.id == deputy_user.id)
            .execute()
        )
        record(
            "auth.wechat_bound",
            "deputy",
            deputy.id,
            actor=user,
            detail={"method": method, "user_id": deputy_user.id, "from_user_id": user.id},
        )
    _move_session_key(user.id, deputy_user.id)
    return services.start_request_session(User.get_by_id(deputy_user.id), "wechat")


def _deputy_by_code(binding_code):
    code = BindingCode.get_or_none(BindingCode.code_hash == code_hash(binding_code))
    if code is None or code.used_at is not None or code.expires_at <= utcnow():
        return None, None
    return Deputy.get_by_id(code.deputy_id), code


def _spend(code):
    # Conditional update: two phones racing with one code, only one binds.
    return (
        BindingCode.update(used_at=utcnow())
        .where((BindingCode.id == code.id) & BindingCode.used_at.is_null() & (BindingCode.expires_at > utcnow()))
        .execute()
    )


def _deputy_by_phone(phone_code):
    phone = _ask_wechat(lambda client: client.get_phone_number(phone_code))
    # Rosters hold mainland numbers without the country code; others are matched with theirs.
    number = phone["pure_phone"] if phone["country_code"] == "86" else phone["phone"]
    return Deputy.get_or_none(Deputy.phone_hash == blind_index(number))


def _move_session_key(from_user_id, to_user_id):
    if from_user_id == to_user_id:
        return
    try:
        session_key = session_key_of(from_user_id)
        if session_key:
            keep_session_key(to_user_id, session_key)
    except REDIS_ERRORS:
        pass
    forget_session_key(from_user_id)


def unbind(user_id):
    user = User.get_by_id(user_id)
    if user.deputy_id is None or user.openid is None:
        abort(409, message="该账号没有绑定微信。")
    with db.atomic():
        services.end_user_sessions(user.id, "wechat_unbound")
        User.update(openid=None, unionid=None).where(User.id == user.id).execute()
        record("auth.wechat_unbound", "deputy", user.deputy_id, detail={"user_id": user.id})
    forget_session_key(user.id)
