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
# Password accounts that bind WeChat with a code only to receive subscribe messages (reminders).
WORKER_ROLES = {ADMIN, STAFF, STATION_STAFF, UNIT_USER}

PERMISSIONS = {
    # Constituents upload the photos of a feedback case.
    "files:upload": SIGNED_IN_WORKERS | {CONSTITUENT},
    "files:read": SIGNED_IN_WORKERS,
    "jobs:status": {ADMIN},
    # Organisation. Object scope (own stations, own unit) is applied in api/org/services.py.
    "congress:read": set(ROLES),
    "org:read": OFFICE | {DEPUTY},
    "org:manage": OFFICE,
    "stations:read": OFFICE | {STATION_STAFF, DEPUTY},
    # The station directory (/api/v1/stations: list, nearest, page, receptions, themes, QR codes) is public
    # on purpose, needing no sign-in. Station staff maintain only their own stations (api/stations/services.py).
    "stations:schedule": OFFICE | {STATION_STAFF},
    "stations:wxacode": OFFICE | {STATION_STAFF},
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
    # A worker gets a binding code for its own account (office staff issue one for others: issue_binding_code).
    "auth:bind_own_wechat": WORKER_ROLES,
    "audit:read": {ADMIN},
    "push:subscribe": WORKER_ROLES | {DEPUTY},
    "push:read_deliveries": OFFICE,
    # Notices. A deputy reads only what was addressed to them (api/notices/feed.py).
    "notices:manage": OFFICE,
    "notices:read_own": {DEPUTY},
    # Meetings and briefing papers. A deputy reads only papers that reached them, inside their window
    # (api/briefings/reading.py); page images are served against signed links, not a permission.
    "briefings:manage": OFFICE,
    "briefings:read_own": {DEPUTY},
    # The one search: every signed-in role may ask; each kind's rules decide what it finds (api/common/search).
    "search:query": set(ROLES),
    # Working-day calendar: everyone may compute a due date; the office maintains the overrides.
    "calendar:read": set(ROLES),
    "calendar:manage": OFFICE,
    # Constituent feedback. Object scope (own stations, own unit, own cases) is applied in api/feedback/access.py;
    # the tracking-code read and the intake details are public. Deputies read and comment, never decide.
    "feedback:submit": {CONSTITUENT},
    "feedback:own": {CONSTITUENT},
    "feedback:read": OFFICE | {STATION_STAFF, UNIT_USER, DEPUTY},
    "feedback:comment": OFFICE | {STATION_STAFF, DEPUTY},
    "feedback:handle": {STATION_STAFF},
    "feedback:contact": {STATION_STAFF, UNIT_USER},
    "feedback:unit": {UNIT_USER},
    "feedback:words": OFFICE,
    # Statistics and the units' ranking: the office all, station staff their stations', a unit its own figures
    # (and its own place in the ranking). Scope in api/feedback/access.py (stats_condition).
    "feedback:stats": OFFICE | {STATION_STAFF, UNIT_USER},
    # Deputy suggestions. Object scope in api/suggestions/access.py: a deputy their own (and those they are
    # invited to co-sign), a unit those assigned to it and never another unit's; published answers to everyone.
    "suggestions:draft": {DEPUTY},
    "suggestions:read": OFFICE | {DEPUTY, UNIT_USER},
    "suggestions:handle": OFFICE,
    "suggestions:queue": OFFICE | {UNIT_USER},
    "suggestions:unit": {UNIT_USER},
    "suggestions:progress": OFFICE | {UNIT_USER},
    "suggestions:stats": OFFICE | {UNIT_USER},
    "suggestions:public": set(ROLES),
    # The performance record (履职档案): a deputy their own, the office everyone's. Self-reported duties are
    # confirmed by the office; 述职 drafts are made by the deputy or the office; constituents rate a held 述职.
    "records:own": {DEPUTY},
    "records:read": OFFICE,
    "records:confirm": OFFICE,
    "records:reportback": OFFICE,
    "records:rate": {CONSTITUENT},
    # Activities (视察、调研、小组活动、列席 ...): the office organises, approves leave, checks in; deputies answer,
    # scan to check in and report. A deputy sees only activities they were invited to (api/activities/participation.py).
    "activities:manage": OFFICE,
    "activities:own": {DEPUTY},
    # Learning (api/materials): the office keeps the library, courses and classes; a deputy studies what their
    # audience reaches and the classes they are invited to (api/materials/catalogue.py, classes.py).
    "materials:manage": OFFICE,
    "materials:learn": {DEPUTY},
    # Draft-law consultations: the office publishes drafts and studies the opinions; deputies in a draft's
    # audience comment (scope in api/consultations/access.py).
    "consultations:manage": OFFICE,
    "consultations:comment": {DEPUTY},
}


def allowed(role, permission):
    return role in PERMISSIONS[permission]


def permissions_of(role):
    return sorted(name for name, roles in PERMISSIONS.items() if role in roles)
