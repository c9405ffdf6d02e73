"""The permission table: which roles may do what. Object-level scope checks live in each service."""

ADMIN = "admin"
STAFF = "staff"
STATION_STAFF = "station_staff"
UNIT_USER = "unit_user"
DEPUTY = "deputy"
CONSTITUENT = "constituent"

ROLES = (ADMIN, STAFF, STATION_STAFF, UNIT_USER, DEPUTY, CONSTITUENT)
ROLE_LABELS = {
    ADMIN: "系统管理员",
    STAFF: "工作人员",
    STATION_STAFF: "联络站工作人员",
    UNIT_USER: "承办单位",
    DEPUTY: "代表",
    CONSTITUENT: "群众",
}

OFFICE = {ADMIN, STAFF}
SIGNED_IN_WORKERS = {ADMIN, STAFF, STATION_STAFF, UNIT_USER, DEPUTY}

PERMISSIONS = {
    "files:upload": SIGNED_IN_WORKERS,
    "files:read": SIGNED_IN_WORKERS,
    "jobs:status": {ADMIN},
    # Organisation. Object scope (own stations, own unit) is applied in api/org/services.py.
    "congress:read": set(ROLES),
    "org:read": OFFICE | {DEPUTY},
    "org:manage": OFFICE,
    "stations:read": OFFICE | {STATION_STAFF, DEPUTY},
    "units:read": OFFICE | {UNIT_USER},
    # Deputies. Station staff see only deputies serving their stations (api/deputies/services.py).
    "deputies:read": OFFICE | {STATION_STAFF},
    "deputies:self": {DEPUTY},
    "deputies:manage": OFFICE,
    "deputies:contact": OFFICE,
    "deputies:import": OFFICE,
    "deputies:export": OFFICE,
    "auth:self": set(ROLES),
    "auth:bind_wechat": {CONSTITUENT},
    "auth:manage_users": OFFICE,
    "auth:issue_binding_code": OFFICE,
    "auth:unbind_wechat": OFFICE,
    "audit:read": {ADMIN},
    "push:subscribe": {DEPUTY},
    "push:read_deliveries": OFFICE,
    # Notices. A deputy reads only what was addressed to them (api/notices/feed.py).
    "notices:manage": OFFICE,
    "notices:read_own": {DEPUTY},
}


def allowed(role, permission):
    return role in PERMISSIONS[permission]


def permissions_of(role):
    return sorted(name for name, roles in PERMISSIONS.items() if role in roles)
