"""Accounts managed by the office: creating them, changing what they may do, resetting passwords."""
from api.auth import services, wechat
from api.auth.models import User, UserStation
from api.auth.passwords import hash_password
from api.common.audit import record
from api.common.db import filter_by
from api.common.errors import Conflict, Forbidden, Invalid
from api.common.permissions import ADMIN, CONSTITUENT, DEPUTY, STAFF, STATION_STAFF, UNIT_USER
from api.extensions import db
from api.org.models import HandlingUnit, Station

# Which roles each office role may create and assign; only an admin makes office accounts.
ASSIGNABLE_ROLES = {
    ADMIN: {ADMIN, STAFF, STATION_STAFF, UNIT_USER},
    STAFF: {STATION_STAFF, UNIT_USER},
}
# Whose accounts each office role may look after (disable, rename, reset, unbind).
MANAGEABLE_ROLES = {
    ADMIN: {ADMIN, STAFF, STATION_STAFF, UNIT_USER, DEPUTY, CONSTITUENT},
    STAFF: {STATION_STAFF, UNIT_USER, DEPUTY, CONSTITUENT},
}
NOT_YOURS = "无权管理该账号。"


class UsersWithStations:
    """Pages like the query it wraps (see PeeweePage), then loads the page's station links in one query."""

    def __init__(self, query):
        self.query = query

    def paginate(self, page, page_size):
        users = list(self.query.paginate(page, page_size))
        links = UserStation.select(UserStation.user, UserStation.station).where(
            UserStation.user.in_([user.id for user in users])
        )
        by_user = {user.id: [] for user in users}
        for user_id, station_id in links.tuples() if users else ():
            by_user[user_id].append(station_id)
        for user in users:
            user.station_ids = by_user[user.id]
        return users

    def order_by(self, *columns):
        return self.query.order_by(*columns)


def list_users(principal, filters):
    """The accounts this caller may manage: the list shows exactly those the detail view would."""
    query = filter_by(
        User.select().where(User.role.in_(MANAGEABLE_ROLES[principal.role])).order_by(User.id),
        filters,
        equal={"role": User.role, "is_active": User.is_active, "deputy_id": User.deputy, "unit_id": User.unit},
    )
    if "station_id" in filters:
        query = query.where(
            User.id.in_(UserStation.select(UserStation.user).where(UserStation.station == filters["station_id"]))
        )
    if filters.get("q"):
        query = query.where(User.username.contains(filters["q"]) | User.display_name.contains(filters["q"]))
    return UsersWithStations(query)


def get_managed(principal, user_id):
    user = User.get_by_id(user_id)
    if user.role not in MANAGEABLE_ROLES[principal.role]:
        raise Forbidden(NOT_YOURS)
    return user


def create_user(principal, data):
    role = data["role"]
    if role not in ASSIGNABLE_ROLES[principal.role]:
        raise Forbidden("无权创建该角色的账号。")
    if User.select().where(User.username == data["username"]).exists():
        raise Conflict("用户名已被使用。", errors={"username": ["用户名已被使用。"]})
    unit, stations = _scope_for(role, data.get("unit_id"), data.get("station_ids"))
    with db.atomic():
        user = User.create(
            username=data["username"],
            display_name=data["display_name"],
            role=role,
            password_hash=hash_password(data["password"]),
            unit=unit,
        )
        for station in stations:
            UserStation.create(user=user, station=station)
        record("auth.user_created", "user", user.id, detail={"role": role})
    return user


def update_user(principal, user_id, data):
    user = get_managed(principal, user_id)
    role = data.get("role", user.role)
    is_active = data.get("is_active", user.is_active)
    if user.id == principal.user_id and (role != user.role or not is_active):
        raise Forbidden("不能修改自己的角色或停用自己的账号。")
    if role != user.role and not {role, user.role} <= ASSIGNABLE_ROLES[principal.role]:
        raise Forbidden("无权授予或撤销该角色。")
    old_station_ids = sorted(services.station_ids_of(user))
    unit, stations, new_station_ids = user.unit, [], old_station_ids
    if {"role", "unit_id", "station_ids"} & set(data):
        if role not in ASSIGNABLE_ROLES[ADMIN]:
            raise Invalid("代表和群众账号的范围不在这里设置。")
        # Scope follows the role: what is not sent is kept only if the new role still uses it.
        unit_id = data.get("unit_id", user.unit_id if role == UNIT_USER else None)
        station_ids = data.get("station_ids", old_station_ids if role == STATION_STAFF else None)
        unit, stations = _scope_for(role, unit_id, station_ids)
        new_station_ids = sorted(station.id for station in stations)
    access_changed = (
        role != user.role
        or (unit.id if unit else None) != user.unit_id
        or new_station_ids != old_station_ids
        or is_active != user.is_active
    )
    with db.atomic():
        if access_changed:
            # The token carries role and scope: every session ends so that none acts on the old ones.
            services.end_sessions_of([user.id], "account_changed")
        if new_station_ids != old_station_ids:
            UserStation.delete().where(UserStation.user == user).execute()
            for station in stations:
                UserStation.create(user=user, station=station)
        _audit_changes(user, role, is_active, data, unit, old_station_ids, new_station_ids)
        user.role, user.unit, user.is_active = role, unit, is_active
        user.display_name = data.get("display_name", user.display_name)
        user.save()
    return user


def _audit_changes(user, role, is_active, data, unit, old_station_ids, new_station_ids):
    if role != user.role:
        record("auth.role_changed", "user", user.id, detail={"from": user.role, "to": role})
    if is_active != user.is_active:
        record("auth.user_enabled" if is_active else "auth.user_disabled", "user", user.id)
    changed = {}
    if data.get("display_name", user.display_name) != user.display_name:
        changed["display_name"] = True
    if (unit.id if unit else None) != user.unit_id:
        changed["unit_id"] = {"from": user.unit_id, "to": unit.id if unit else None}
    if new_station_ids != old_station_ids:
        changed["station_ids"] = {"from": old_station_ids, "to": new_station_ids}
    if changed:
        record("auth.user_updated", "user", user.id, detail=changed)


def _scope_for(role, unit_id, station_ids):
    """The unit and stations an account of `role` needs, or 422 saying what is missing or wrong."""
    errors = {}
    unit, stations = None, []
    if role == UNIT_USER:
        unit = HandlingUnit.get_or_none(HandlingUnit.id == unit_id) if unit_id else None
        if unit is None:
            errors["unit_id"] = ["承办单位账号必须关联一个存在的承办单位。"]
    elif unit_id:
        errors["unit_id"] = ["只有承办单位账号关联承办单位。"]
    if role == STATION_STAFF:
        wanted = set(station_ids or ())
        stations = list(Station.select().where(Station.id.in_(wanted))) if wanted else []
        if not wanted or len(stations) != len(wanted):
            errors["station_ids"] = ["联络站工作人员账号必须关联存在的联络站。"]
    elif station_ids:
        errors["station_ids"] = ["只有联络站工作人员账号关联联络站。"]
    if errors:
        raise Invalid(errors=errors)
    return unit, stations


def reset_password(principal, user_id, password, current_password=None):
    """An admin resets someone else's password; one's own is changed only with the current one."""
    user = get_managed(principal, user_id)
    if user.role not in services.PASSWORD_ROLES:
        raise Conflict("该账号通过微信登录，没有密码。")
    own = user.id == principal.user_id
    if own:
        # A stolen access token alone must not become a permanent takeover.
        if not current_password:
            raise Invalid("修改自己的密码须提供当前密码。", errors={"current_password": ["请输入当前密码。"]})
        if not services.check_password(user, user.username, current_password, "password_change"):
            raise Invalid("当前密码不正确。", errors={"current_password": ["当前密码不正确。"]})
    with db.atomic():
        # A reset is what one does when a password may be known to someone else.
        services.end_sessions_of([user.id], "password_changed" if own else "password_reset")
        User.update(password_hash=hash_password(password), failed_logins=0).where(User.id == user.id).execute()
        record("auth.password_changed" if own else "auth.password_reset", "user", user.id)
    if user.username:
        services.forget_failures(user.username)


def end_user_sessions(principal, user_id):
    """Sign an account out everywhere at once (a lost phone, a shared password); returns the sessions ended."""
    user = get_managed(principal, user_id)
    with db.atomic():
        count = services.end_sessions_of([user.id], "ended_by_office")
        record("auth.sessions_ended", "user", user.id, detail={"sessions": count})
    return count


def unbind_wechat(principal, user_id):
    wechat.unbind(get_managed(principal, user_id).id)
