"""The organisation: who may see which part of it, and writes that keep it consistent."""
from api.audit.services import record
from api.auth.models import User, UserStation
from api.common.cache import cached_json, invalidate
from api.common.errors import abort
from api.common.permissions import STATION_STAFF, UNIT_USER
from api.deputies.models import Deputy, DeputyGroupMember, DeputyStation
from api.extensions import db
from api.org.models import Congress, Delegation, DeputyGroup, HandlingUnit, Station

TARGETS = {Delegation: "delegation", DeputyGroup: "deputy_group", Station: "station", HandlingUnit: "handling_unit"}


# Congress (one row: the congress this deployment serves)


CONGRESS_CACHE_KEY = "org:congress"
CONGRESS_CACHE_SECONDS = 300


def get_congress():
    """Read by every client as it starts: cached in Redis, and read from the database while Redis is away."""
    fields = cached_json(CONGRESS_CACHE_KEY, CONGRESS_CACHE_SECONDS, _congress_fields)
    if fields is None:
        abort(404, message="尚未设置本级人大信息。")
    return Congress(**fields)


def _congress_fields():
    congress = Congress.select().order_by(Congress.id).first()
    if congress is None:
        return None
    return {"id": congress.id, "name": congress.name, "level": congress.level, "current_term": congress.current_term}


def save_congress(data):
    with db.atomic():
        congress = Congress.select().order_by(Congress.id).first() or Congress()
        for key, value in data.items():
            setattr(congress, key, value)
        congress.save()
        record("org.congress.update", "congress", congress.id, detail=data)
    invalidate(CONGRESS_CACHE_KEY)
    return congress


# Reading, with object scope


def search(model, args, *columns):
    """A list query: name substring plus exact filters on the given columns."""
    query = model.select().order_by(model.id)
    if args.get("name"):
        query = query.where(model.name.contains(args["name"]))
    for column in columns:
        if args.get(column) is not None:
            query = query.where(getattr(model, column) == args[column])
    return query


def visible_stations(principal, args):
    query = search(Station, args, "kind", "district", "is_active")
    if principal.role == STATION_STAFF:
        query = query.where(Station.id.in_(principal.station_ids or [0]))
    return query


def get_station(station_id, principal):
    # Another station's staff get 404, not 403: they may not learn which stations exist beyond their own.
    if principal.role == STATION_STAFF and station_id not in principal.station_ids:
        abort(404)
    return Station.get_by_id(station_id)


def visible_units(principal, args):
    query = search(HandlingUnit, args, "category", "is_active")
    if principal.role == UNIT_USER:
        query = query.where(HandlingUnit.id == (principal.unit_id or 0))
    return query


def get_unit(unit_id, principal):
    if principal.role == UNIT_USER and unit_id != principal.unit_id:
        abort(404)
    return HandlingUnit.get_by_id(unit_id)


def station_deputies(station):
    return (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Deputy.status)
        .join(DeputyStation)
        .where(DeputyStation.station == station)
        .order_by(Deputy.code)
    )


# Writing


def create(model, data):
    _check_name_free(model, data["name"])
    _check_delegation_exists(model, data)
    with db.atomic():
        obj = model.create(**data)
        record(f"org.{TARGETS[model]}.create", TARGETS[model], obj.id, detail={"name": obj.name})
    return obj


def update(obj, data):
    model = type(obj)
    if "name" in data and data["name"] != obj.name:
        _check_name_free(model, data["name"])
    _check_delegation_exists(model, data)
    with db.atomic():
        if model is Delegation and data.get("name", obj.name) != obj.name:
            # Groups name their delegation; a renamed delegation keeps its groups.
            DeputyGroup.update(delegation=data["name"]).where(DeputyGroup.delegation == obj.name).execute()
        for key, value in data.items():
            setattr(obj, key, value)
        obj.save()
        record(f"org.{TARGETS[model]}.update", TARGETS[model], obj.id, detail={"fields": sorted(data)})
    return obj


def delete(obj):
    reason = in_use(obj)
    if reason:
        abort(409, message=reason)
    with db.atomic():
        obj.delete_instance()
        record(f"org.{TARGETS[type(obj)]}.delete", TARGETS[type(obj)], obj.id, detail={"name": obj.name})


def in_use(obj):
    """Why this record cannot be deleted, or None. Links would otherwise vanish silently (ON DELETE CASCADE)."""
    checks = {
        Delegation: [
            (Deputy.select().where(Deputy.delegation == obj.id), "该代表团下仍有代表，不能删除。"),
            (DeputyGroup.select().where(DeputyGroup.delegation == obj.name), "仍有代表小组属于该代表团，不能删除。"),
        ],
        DeputyGroup: [
            (DeputyGroupMember.select().where(DeputyGroupMember.group == obj.id), "该代表小组仍有成员，不能删除。"),
        ],
        Station: [
            (DeputyStation.select().where(DeputyStation.station == obj.id), "仍有代表在该联络站履职，不能删除。"),
            (UserStation.select().where(UserStation.station == obj.id), "该联络站仍有工作人员账号，不能删除。"),
        ],
        HandlingUnit: [(User.select().where(User.unit == obj.id), "该承办单位仍有账号，不能删除。")],
    }
    return next((message for query, message in checks[type(obj)] if query.exists()), None)


def set_station_deputies(station, deputy_ids):
    wanted = sorted(set(deputy_ids))
    found = {row.id for row in Deputy.select(Deputy.id).where(Deputy.id.in_(wanted))} if wanted else set()
    missing = [i for i in wanted if i not in found]
    if missing:
        abort(422, errors={"deputy_ids": [f"代表不存在：{', '.join(map(str, missing))}"]})
    with db.atomic():
        DeputyStation.delete().where(DeputyStation.station == station).execute()
        if wanted:
            DeputyStation.insert_many([{"deputy": i, "station": station.id} for i in wanted]).execute()
        record("org.station.deputies", "station", station.id, detail={"deputy_ids": wanted})
    return station_deputies(station)


def _check_name_free(model, name):
    if model.select().where(model.name == name).exists():
        abort(409, message="名称已存在。", errors={"name": ["已存在同名记录。"]})


def _check_delegation_exists(model, data):
    name = data.get("delegation") if model is DeputyGroup else None
    if name and not Delegation.select().where(Delegation.name == name).exists():
        abort(422, errors={"delegation": ["代表团不存在。"]})
