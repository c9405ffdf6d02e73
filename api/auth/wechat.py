"""WeChat sign-in for the mini-program, and binding a deputy to their WeChat account.

The session_key WeChat hands out stays on the server (Redis, keyed by user): it decrypts the user's
data, so it never appears in a response, a log line or the database.
"""
import datetime as dt
import logging
import secrets

from flask import current_app
from peewee import IntegrityError

from api.auth import services
from api.auth.models import BindingCode, User, UserSeat
from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Conflict, Forbidden, Invalid, NotFound, NotSignedIn, Unavailable
from api.common.http import client_address
from api.common.permissions import CONSTITUENT, DEPUTY, WORKER_ROLES
from api.common.pii import blind_index
from api.common.redis import REDIS_ERRORS
from api.deputies.models import STATUS_SERVING, Deputy
from api.extensions import db, redis_store
from api.org.models import Congress
from api.wechat import get_client
from api.wechat.errors import WeChatError

log = logging.getLogger("deputyhub.auth")

SESSION_KEY_TTL_SECONDS = 3 * 24 * 3600
CONSTITUENT_NAME = "微信用户"
# Login and phone codes WeChat does not know, has expired, or has already seen.
INVALID_CODE_ERRCODES = {40029, 40163}
RISKY_USER_ERRCODE = 40226
# No 0/O, 1/I/L: read aloud over the phone or typed on a small screen without mix-ups.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_INVALID = "邀请码无效、已使用或已过期，请向工作人员重新索取。"


def wechat_login(code):
    info = _ask_wechat(lambda client: client.code2session(code), login=True)
    user = _user_for_openid(info["openid"], info.get("unionid"))
    if not user.is_active:
        record("auth.login_failed", "user", user.id, detail={"method": "wechat", "reason": "disabled"})
        raise Forbidden("账号已停用，请联系工作人员。")
    keep_session_key(user.id, info["session_key"])
    return services.start_request_session(user, "wechat")


def _ask_wechat(call, login=False):
    try:
        return call(get_client())
    except WeChatError as exc:
        if exc.errcode in INVALID_CODE_ERRCODES:
            if login:
                record("auth.login_failed", None, None, detail={"method": "wechat", "errcode": exc.errcode})
                raise NotSignedIn("微信登录凭证无效或已使用，请重新登录。") from exc
            raise Invalid(errors={"phone_code": ["手机号授权已失效，请重新授权。"]}) from exc
        if exc.errcode == RISKY_USER_ERRCODE:
            raise Forbidden("微信判定该账号存在风险，暂时无法登录。") from exc
        # Our configuration, WeChat's quota or WeChat itself: nothing the user can fix by retrying a code.
        raise Unavailable("微信服务暂时不可用，请稍后再试。") from exc


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


def new_code(valid_days):
    """A fresh code (raw, and as shown: "ABCD-EFGH") and its expiry, `valid_days` checked against the settings."""
    longest = current_app.config["BINDING_CODE_MAX_VALID_DAYS"]
    valid_days = valid_days or current_app.config["BINDING_CODE_VALID_DAYS"]
    if valid_days > longest:
        raise Invalid(errors={"valid_days": [f"有效天数为 1-{longest} 天。"]})
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return raw, f"{raw[:4]}-{raw[4:]}", utcnow() + dt.timedelta(days=valid_days)


def issue_binding_code(deputy_id, valid_days, principal):
    raw, shown, expires_at = new_code(valid_days)
    deputy = Deputy.get_by_id(deputy_id)
    _check_bindable(deputy)
    with db.atomic():
        # One live code per deputy: issuing again withdraws the one handed out before.
        BindingCode.delete().where((BindingCode.deputy == deputy) & BindingCode.used_at.is_null()).execute()
        BindingCode.create(code_hash=code_hash(raw), deputy=deputy, created_by=principal.user_id, expires_at=expires_at)
        record("auth.binding_code_issued", "deputy", deputy.id, detail={"expires_at": expires_at})
    return {"code": shown, "deputy_id": deputy.id, "expires_at": expires_at}


def _check_bindable(deputy):
    if not deputy.is_serving:
        raise Conflict("该代表已不在任，不能绑定微信。")
    holders = User.select(User.id).where((User.deputy == deputy) | User.id.in_(_holder_of(deputy)))
    if holders.where(User.openid.is_null(False)).exists():
        raise Conflict("该代表已绑定微信账号，请先解除绑定。")


def bind_deputy(principal, binding_code=None, phone_code=None):
    """Turn the caller's WeChat account into the deputy's; returns a new token pair for the deputy."""
    services.limit(
        (f"bind:addr:{client_address()}", current_app.config["LOGIN_RATE_PER_ADDRESS"]),
        (f"bind:user:{principal.user_id}", current_app.config["BIND_RATE_PER_USER"]),
    )
    user = User.get_by_id(principal.user_id)
    if user.openid is None:
        raise Conflict("当前账号未关联微信，请重新登录后再绑定。")
    if binding_code:
        method, (deputy, code) = "code", _deputy_by_code(binding_code)
    else:
        method, deputy, code = "phone", _deputy_by_phone(phone_code), None
    if deputy is None:
        record("auth.bind_failed", "user", user.id, detail={"method": method})
        if method == "phone":
            raise NotFound("没有找到使用该手机号的代表，请向工作人员索取邀请码绑定。")
        raise Invalid(errors={"binding_code": [CODE_INVALID]})
    _check_bindable(deputy)
    deputy_user = User.get_or_none((User.deputy == deputy) | User.id.in_(_holder_of(deputy))) or user
    if not deputy_user.is_active:
        raise Forbidden("该代表的账号已停用，请联系工作人员。")
    with db.atomic():
        if code is not None and not spend(code):
            raise Invalid(errors={"binding_code": [CODE_INVALID]})
        # Tokens carry the role: the constituent session must not outlive the change.
        services.end_sessions_of([user.id], "wechat_bound")
        if deputy_user.id != user.id:
            # The deputy already has an account (made by staff or bound before): it takes over the WeChat identity.
            User.update(openid=None, unionid=None).where(User.id == user.id).execute()
            services.end_sessions_of([deputy_user.id], "wechat_bound")
        (
            User.update(role=DEPUTY, deputy=deputy, openid=user.openid, unionid=user.unionid, display_name=deputy.name)
            .where(User.id == deputy_user.id)
            .execute()
        )
        seats = _person_seats(deputy, deputy_user.id)
        links = [{"user": deputy_user.id, "deputy": seat} for seat in seats]
        UserSeat.insert_many(links).on_conflict_ignore().execute()
        record(
            "auth.wechat_bound",
            "deputy",
            deputy.id,
            actor=user,
            detail={"method": method, "user_id": deputy_user.id, "from_user_id": user.id, "seats": seats},
        )
    move_session_key(user.id, deputy_user.id)
    return services.start_request_session(User.get_by_id(deputy_user.id), "wechat")


def _holder_of(deputy):
    return UserSeat.select(UserSeat.user).where(UserSeat.deputy == deputy)


def _person_seats(deputy, account_id):
    """The seat being bound plus the same person's serving seats in other congresses (same phone number).

    A person elected at two levels binds once and holds both; a seat another account already holds stays there.
    """
    seats = [deputy.id]
    if deputy.phone_hash:
        held = UserSeat.select(UserSeat.deputy).where(UserSeat.user != account_id)
        primary = User.select(User.deputy).where(User.deputy.is_null(False) & (User.id != account_id))
        others = Deputy.select(Deputy.id).where(
            (Deputy.phone_hash == deputy.phone_hash)
            & (Deputy.id != deputy.id)
            & (Deputy.status == STATUS_SERVING)
            & Deputy.id.not_in(held)
            & Deputy.id.not_in(primary)
        )
        seats += sorted(seat for (seat,) in others.tuples())
    return seats


def live_code(binding_code, kind):
    """The unspent, unexpired code for a deputy (`kind` "deputy") or a worker account ("account"), or None."""
    column = BindingCode.deputy if kind == "deputy" else BindingCode.account
    code = BindingCode.get_or_none((BindingCode.code_hash == code_hash(binding_code)) & column.is_null(False))
    if code is None or code.used_at is not None or code.expires_at <= utcnow():
        return None
    return code


def _deputy_by_code(binding_code):
    code = live_code(binding_code, "deputy")
    return (None, None) if code is None else (Deputy.get_by_id(code.deputy_id), code)


def spend(code):
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
    # One person may hold seats in several congresses (same number): the serving seat in the deployment's own
    # congress becomes the primary one; the others are linked by _person_seats.
    seats = Deputy.select(Deputy).join(Congress).where(Deputy.phone_hash == blind_index(number))
    return seats.order_by(Deputy.status != STATUS_SERVING, Congress.is_own.desc(), Deputy.id).first()


def move_session_key(from_user_id, to_user_id):
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
    """Take the WeChat identity off a deputy's or a worker's account (a constituent account is its WeChat)."""
    user = User.get_by_id(user_id)
    if user.openid is None or (user.deputy_id is None and user.role not in WORKER_ROLES):
        raise Conflict("该账号没有绑定微信。")
    with db.atomic():
        services.end_sessions_of([user.id], "wechat_unbound")
        User.update(openid=None, unionid=None).where(User.id == user.id).execute()
        if user.deputy_id is not None:
            record("auth.wechat_unbound", "deputy", user.deputy_id, detail={"user_id": user.id})
        else:
            record("auth.wechat_unbound", "user", user.id)
    forget_session_key(user.id)
