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
}


def allowed(role, permission):
    return role in PERMISSIONS[permission]


def permissions_of(role):
    return sorted(name for name, roles in PERMISSIONS.items() if role in roles)
