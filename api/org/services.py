"""The organisation: who may see which part of it, and writes that keep it consistent."""
from peewee import JOIN, fn

from api.common.audit import record
from api.common.cache import cached_json, invalidate
from api.common.db import filter_by
from api.common.errors import Conflict, Forbidden, Invalid, NotFound
from api.common.permissions import DEPUTY, STATION_STAFF, UNIT_USER
from api.common.references import reason_in_use
from api.common.seats import directory
from api.extensions import db
from api.org.models import CONGRESS_LEVELS, Congress, Delegation, DeputyGroup, HandlingUnit, Station

TARGETS = {Delegation: "delegation", DeputyGroup: "deputy_group", Station: "station", HandlingUnit: "handling_unit"}


# Congresses: the deployment's own (one row flagged `is_own`) and the higher ones whose deputies it serves


CONGRESS_CACHE_KEY = "org:congress"
CONGRESS_CACHE_SECONDS = 300


def get_congress():
    """Read by every client as it starts: cached in Redis, and read from the database while Redis is away."""
    fields = cached_json(CONGRESS_CACHE_KEY, CONGRESS_CACHE_SECONDS, _congress_fields)
    if fields is None:
        raise NotFound("尚未设置本级人大信息。")
    return Congress(**fields)


def own_congress():
    """The deployment's own congress, or None before staff have set it."""
    return Congress.get_or_none(Congress.is_own == True)  # noqa: E712  (peewee builds SQL from ==)


def _congress_fields():
    congress = own_congress()
    if congress is None:
        return None
    fields = ("id", "name", "level", "current_term", "is_own", "region")
    return {key: getattr(congress, key) for key in fields}


def save_congress(data):
    with db.atomic():
        congress = own_congress() or Congress(is_own=True)
        _check_congress_name_free(data["name"], congress.id)
        for key, value in data.items():
            setattr(congress, key, value)
        congress.save()
        record("org.congress.update", "congress", congress.id, detail=data)
    invalidate(CONGRESS_CACHE_KEY)
    return congress


def congresses(args):
    """Every congress with its seat counts (one grouped query), own congress first, then by level."""
    seats = directory().counts_per_congress()
    query = (
        Congress.select(
            Congress,
            fn.COALESCE(seats.c.deputies, 0).alias("deputy_count"),
            fn.COALESCE(seats.c.serving, 0).alias("serving_count"),
        )
        .join(seats, JOIN.LEFT_OUTER, on=(seats.c.congress_id == Congress.id))
        .order_by(Congress.is_own.desc(), Congress.id)
    )
    if args.get("level"):
        query = query.where(Congress.level == args["level"])
    return query


def level_statistics():
    """Seats per level, highest level first: the deputy counts split by level."""
    seats = directory().counts_per_congress()
    rows = (
        Congress.select(
            Congress.level,
            fn.COUNT(Congress.id).alias("congresses"),
            fn.SUM(seats.c.deputies).alias("deputies"),
            fn.SUM(seats.c.serving).alias("serving"),
        )
        .join(seats, JOIN.LEFT_OUTER, on=(seats.c.congress_id == Congress.id))
        .group_by(Congress.level)
        .dicts()
    )
    by_level = {row["level"]: row for row in rows}
    return [
        {
            "level": level,
            "level_label": label,
            "congresses": by_level.get(level, {}).get("congresses", 0),
            # SUM over no seats is NULL, and a numeric on PostgreSQL.
            "deputies": int(by_level.get(level, {}).get("deputies") or 0),
            "serving": int(by_level.get(level, {}).get("serving") or 0),
        }
        for level, label in CONGRESS_LEVELS.items()
    ]


def get_congress_row(congress_id):
    return congresses({}).where(Congress.id == congress_id).get()


def create_congress(data):
    _check_congress_name_free(data["name"])
    with db.atomic():
        congress = Congress.create(is_own=False, **data)
        record("org.congress.create", "congress", congress.id, detail={"name": congress.name})
    return get_congress_row(congress.id)


def update_congress(congress_id, data):
    congress = Congress.get_by_id(congress_id)
    if "name" in data:
        _check_congress_name_free(data["name"], congress.id)
    with db.atomic():
        Congress.update(**data).where(Congress.id == congress.id).execute()
        record("org.congress.update", "congress", congress.id, detail={"fields": sorted(data)})
    if congress.is_own:
        invalidate(CONGRESS_CACHE_KEY)
    return get_congress_row(congress.id)


def delete_congress(congress_id):
    congress = Congress.get_by_id(congress_id)
    if congress.is_own:
        raise Conflict("本级人大不能删除。")
    reason = reason_in_use(congress)  # e.g. deputies still seated in it
    if reason:
        raise Conflict(reason)
    with db.atomic():
        congress.delete_instance()
        record("org.congress.delete", "congress", congress.id, detail={"name": congress.name})


def _check_congress_name_free(name, own_id=None):
    if Congress.select().where((Congress.name == name) & (Congress.id != (own_id or 0))).exists():
        raise Conflict("名称已存在。", errors={"name": ["已存在同名的人大。"]})


# Reading, with object scope


def search(model, args, *columns):
    """A list query: name substring plus exact filters on the given columns."""
    query = model.select().order_by(model.id)
    if model is DeputyGroup:  # each group shows its delegation's name: one join, not a query per row
        query = model.select(model, Delegation).join(Delegation, JOIN.LEFT_OUTER).order_by(model.id)
    return filter_by(
        query, args, equal={column: getattr(model, column) for column in columns}, contains={"name": model.name}
    )


def visible_stations(principal, args):
    query = search(Station, args, "kind", "district", "is_active")
    if principal.role == STATION_STAFF:
        query = query.where(Station.id.in_(principal.station_ids or [0]))
    return query


def get_station(station_id, principal):
    # Another station's staff get 404, not 403: they may not learn which stations exist beyond their own.
    if principal.role == STATION_STAFF and station_id not in principal.station_ids:
        raise NotFound()
    return Station.get_by_id(station_id)


def visible_units(principal, args):
    query = search(HandlingUnit, args, "category", "is_active")
    if principal.role == UNIT_USER:
        query = query.where(HandlingUnit.id == (principal.unit_id or 0))
    return query


def get_unit(unit_id, principal):
    if principal.role == UNIT_USER and unit_id != principal.unit_id:
        raise NotFound()
    return HandlingUnit.get_by_id(unit_id)


def get_station_roster(station_id, principal):
    """The station whose deputies the caller may list; a deputy lists only the stations they serve at."""
    station = get_station(station_id, principal)
    if principal.role == DEPUTY and not directory().serves_at(principal.deputy_id or 0, station.id):
        raise Forbidden("只能查看本人所在联络站的代表名单。")
    return station


def station_deputies(station):
    """Deputies of every level serving at the station (五级代表进站), highest level first."""
    return directory().at_station(station.id)


# Writing


def create(model, data):
    _check_name_free(model, data["name"])
    _check_delegation_exists(model, data)
    _check_coordinates(model, data)
    with db.atomic():
        obj = model.create(**data)
        record(f"org.{TARGETS[model]}.create", TARGETS[model], obj.id, detail={"name": obj.name})
    return obj


def update(obj, data):
    model = type(obj)
    if "name" in data and data["name"] != obj.name:
        _check_name_free(model, data["name"])
    _check_delegation_exists(model, data)
    _check_coordinates(model, data, obj)
    with db.atomic():
        for key, value in data.items():
            setattr(obj, key, value)
        obj.save()
        record(f"org.{TARGETS[model]}.update", TARGETS[model], obj.id, detail={"fields": sorted(data)})
    return obj


def delete(obj):
    reason = in_use(obj)
    if reason:
        raise Conflict(reason)
    with db.atomic():
        obj.delete_instance()
        record(f"org.{TARGETS[type(obj)]}.delete", TARGETS[type(obj)], obj.id, detail={"name": obj.name})


def in_use(obj):
    """Why this record cannot be deleted, or None. Links would otherwise vanish silently (ON DELETE CASCADE).

    Rows of other domains that point here (deputies, accounts) are checked by those domains, registered
    in api.common.references; org checks only its own.
    """
    reason = reason_in_use(obj)
    groups = DeputyGroup.select().where(DeputyGroup.delegation == obj.id) if isinstance(obj, Delegation) else None
    if reason is None and groups is not None and groups.exists():
        reason = "仍有代表小组属于该代表团，不能删除。"
    return reason


def set_station_deputies(station, deputy_ids):
    wanted = sorted(set(deputy_ids))
    with db.atomic():
        directory().replace_at_station(station.id, wanted)
        record("org.station.deputies", "station", station.id, detail={"deputy_ids": wanted})
    return station_deputies(station)


def _check_name_free(model, name):
    if model.select().where(model.name == name).exists():
        raise Conflict("名称已存在。", errors={"name": ["已存在同名记录。"]})


def _check_delegation_exists(model, data):
    delegation_id = data.get("delegation_id") if model is DeputyGroup else None
    if delegation_id is not None and not Delegation.select().where(Delegation.id == delegation_id).exists():
        raise Invalid(errors={"delegation_id": ["代表团不存在。"]})


def _check_coordinates(model, data, current=None):
    """A station is on the map with both coordinates or not at all (a PATCH may send one of them)."""
    if model is not Station:
        return
    merged = {key: data.get(key, getattr(current, key, None)) for key in ("latitude", "longitude")}
    if (merged["latitude"] is None) != (merged["longitude"] is None):
        message = "经纬度须同时设置或同时清空。"
        raise Invalid(errors={key: [message] for key, value in merged.items() if value is None})
