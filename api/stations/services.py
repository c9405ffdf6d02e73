"""The public station directory, the nearest stations, reception calendars, monthly themes and station codes.

Everything here but the writes and the WeChat code is public: it is what a station posts on its door.
Deputies appear by name and congress only, never with contact data.
"""
import datetime as dt
import heapq
import math

from peewee import JOIN, Case

from api.common.audit import record
from api.common.db import filter_by, is_postgres, utcnow, write_transaction
from api.common.errors import Conflict, Forbidden, Invalid, NotFound
from api.common.events import forget_event, record_event
from api.common.permissions import STATION_STAFF
from api.common.timezone import LOCAL_TZ, local_today
from api.deputies.models import STATUS_SERVING, Deputy, DeputyStation
from api.org.models import CONGRESS_LEVELS, Congress, Station
from api.stations.models import StationReception, StationReceptionDeputy, StationTheme

# What the directory shows of a station (lists stay small: no description).
LIST_COLUMNS = (
    Station.id, Station.name, Station.kind, Station.district, Station.address, Station.latitude, Station.longitude,
)
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
METRES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_M / 180
UPCOMING_IN_DETAIL = 5
CALENDAR_MAX_DAYS = 93  # a quarter: the longest span one calendar read returns
CALENDAR_DEFAULT_DAYS = 31
RECEPTION_EVENT = "station.reception"  # a deputy's reception day, on their performance record
SCHEDULE_AHEAD_DAYS = 366  # receptions are announced at most a year ahead
THEME_AHEAD_MONTHS = 12


# --- The directory ----------------------------------------------------------------------------


def directory(args):
    """Active stations, filtered by kind and district, searched by name or address."""
    query = Station.select(*LIST_COLUMNS).where(Station.is_active == True).order_by(Station.id)  # noqa: E712
    query = filter_by(query, args, equal={"kind": Station.kind, "district": Station.district})
    if args.get("q"):
        query = query.where(Station.name.contains(args["q"]) | Station.address.contains(args["q"]))
    return query


def public_station(station_id):
    """An active station; an inactive one is not in the directory (404), staff see it under /org."""
    station = Station.get_or_none((Station.id == station_id) & (Station.is_active == True))  # noqa: E712
    if station is None:
        raise NotFound("联络站不存在或已停用。")
    return station


def station_page(station_id):
    """Everything the station page shows, in one read: the station, its deputies, this month's theme and
    the next receptions."""
    station = public_station(station_id)
    today = local_today()
    station.deputies = list(serving_deputies(station.id))
    station.theme = StationTheme.get_or_none(
        (StationTheme.station == station.id) & (StationTheme.month == month_of(today))
    )
    upcoming = reception_query(station.id, today, today + dt.timedelta(days=SCHEDULE_AHEAD_DAYS))
    station.upcoming_receptions = with_deputies(list(upcoming.limit(UPCOMING_IN_DETAIL)))
    return station


def serving_deputies(station_id):
    """Serving deputies of every level at the station (五级代表进站), highest level first; name and congress only."""
    levels = Case(Congress.level, [(level, n) for n, level in enumerate(CONGRESS_LEVELS)], len(CONGRESS_LEVELS))
    return (
        Deputy.select(Deputy.id, Deputy.name, Congress.id, Congress.name, Congress.level)
        .join(DeputyStation)
        .switch(Deputy)
        .join(Congress, JOIN.LEFT_OUTER)
        .where((DeputyStation.station == station_id) & (Deputy.status == STATUS_SERVING))
        .order_by(levels, Deputy.code)
    )


# --- Nearest stations -------------------------------------------------------------------------


def nearest(latitude, longitude, limit, radius_m):
    """Active stations within `radius_m` of the point, nearest first, each with `distance_m`.

    A bounding box in SQL (indexed on latitude) keeps the candidates few on SQLite and PostgreSQL
    alike; the exact great-circle distance (haversine) then orders and trims them.
    """
    # Candidates as bare tuples (a dense city may put thousands in the box); whole rows for the winners only.
    query = Station.select(Station.id, Station.latitude, Station.longitude).where(
        (Station.is_active == True) & Station.latitude.is_null(False) & Station.longitude.is_null(False)  # noqa: E712
    )
    for condition in bounding_box(latitude, longitude, radius_m):
        query = query.where(condition)
    distances = {}
    for station_id, lat, lng in query.tuples():
        distance = round(haversine_m(latitude, longitude, lat, lng))
        if distance <= radius_m:
            distances[station_id] = distance
    nearest_ids = heapq.nsmallest(limit, distances, key=lambda station_id: (distances[station_id], station_id))
    if not nearest_ids:
        return []
    stations = {station.id: station for station in Station.select(*LIST_COLUMNS).where(Station.id.in_(nearest_ids))}
    for station_id in nearest_ids:
        stations[station_id].distance_m = distances[station_id]
    return [stations[station_id] for station_id in nearest_ids]


def bounding_box(latitude, longitude, radius_m):
    """SQL conditions for a box that holds every point within `radius_m` (wider is fine, never narrower)."""
    delta_lat = radius_m / METRES_PER_DEGREE_LATITUDE
    conditions = [Station.latitude.between(latitude - delta_lat, latitude + delta_lat)]
    nearest_pole = min(90.0, abs(latitude) + delta_lat)
    if nearest_pole >= 89.9:
        return conditions  # the circle reaches a pole: every longitude
    delta_lng = delta_lat / math.cos(math.radians(nearest_pole))
    if delta_lng >= 180:
        return conditions
    west, east = longitude - delta_lng, longitude + delta_lng
    if west < -180:  # across the antimeridian: two ranges
        conditions.append((Station.longitude >= west + 360) | (Station.longitude <= east))
    elif east > 180:
        conditions.append((Station.longitude >= west) | (Station.longitude <= east - 360))
    else:
        conditions.append(Station.longitude.between(west, east))
    return conditions


def haversine_m(lat1, lng1, lat2, lng2):
    """Great-circle distance in metres on a sphere of the Earth's mean radius (error under 0.5 %)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# --- Who may maintain a station's calendar and theme -------------------------------------------


def station_for_staff(principal, station_id):
    """The station, if the caller maintains it: office staff any, station staff only their own (403)."""
    station = Station.get_or_none(Station.id == station_id)
    if station is None:
        raise NotFound()
    if principal.role == STATION_STAFF and station.id not in principal.station_ids:
        raise Forbidden("只能维护本人所在联络站的接待安排和月度主题。")
    return station


# --- The reception calendar -------------------------------------------------------------------


def calendar(station_id, args):
    """Receptions from `from` (default today) to `to` (default a month on), at most a quarter at once."""
    public_station(station_id)
    start = args.get("from_") or local_today()
    end = args.get("to") or start + dt.timedelta(days=CALENDAR_DEFAULT_DAYS - 1)
    if end < start:
        raise Invalid(errors={"to": ["结束日期不能早于开始日期。"]})
    if (end - start).days >= CALENDAR_MAX_DAYS:
        raise Invalid(errors={"to": [f"一次最多查询 {CALENDAR_MAX_DAYS} 天。"]})
    return with_deputies(list(reception_query(station_id, start, end)))


def reception_query(station_id, start, end):
    return (
        StationReception.select()
        .where((StationReception.station == station_id) & StationReception.day.between(start, end))
        .order_by(StationReception.day, StationReception.starts_at, StationReception.id)
    )


def with_deputies(receptions):
    """Give each reception its `deputies` (name and congress), in one query for all of them."""
    by_id = {reception.id: reception for reception in receptions}
    for reception in receptions:
        reception.deputies = []
    if not by_id:
        return receptions
    rows = (
        StationReceptionDeputy.select(StationReceptionDeputy.reception, Deputy.id, Deputy.name, Congress.level)
        .join(Deputy)
        .join(Congress, JOIN.LEFT_OUTER)
        .where(StationReceptionDeputy.reception.in_(list(by_id)))
        .order_by(Deputy.code)
        .tuples()
    )
    for reception_id, deputy_id, name, level in rows:
        by_id[reception_id].deputies.append({"id": deputy_id, "name": name, "level": level})
    return receptions


def get_reception(station_id, reception_id):
    reception = StationReception.get_or_none(
        (StationReception.id == reception_id) & (StationReception.station == station_id)
    )
    if reception is None:
        raise NotFound("接待安排不存在。")
    return reception


def create_reception(principal, station_id, data):
    station = station_for_staff(principal, station_id)
    deputy_ids = sorted(set(data.pop("deputy_ids")))
    with write_transaction():
        _check_slot(station.id, data["day"], data["starts_at"], data["ends_at"], deputy_ids)
        reception = StationReception.create(station=station.id, **data)
        _link_deputies(reception.id, deputy_ids)
        _record_served(reception, station, deputy_ids)
        record("stations.reception.create", "station_reception", reception.id, detail=_audit_detail(data, deputy_ids))
    return with_deputies([reception])[0]


def update_reception(principal, station_id, reception_id, data):
    station = station_for_staff(principal, station_id)
    reception = get_reception(station.id, reception_id)
    _check_not_past(reception)
    deputy_ids = sorted(set(data.pop("deputy_ids"))) if "deputy_ids" in data else _linked_deputies(reception.id)
    merged = {key: data.get(key, getattr(reception, key)) for key in ("day", "starts_at", "ends_at")}
    if merged["ends_at"] <= merged["starts_at"]:
        raise Invalid(errors={"ends_at": ["结束时间须晚于开始时间。"]})
    with write_transaction():
        _check_slot(station.id, merged["day"], merged["starts_at"], merged["ends_at"], deputy_ids, reception.id)
        previous = _linked_deputies(reception.id)
        StationReception.update(**data, updated_at=utcnow()).where(StationReception.id == reception.id).execute()
        _link_deputies(reception.id, deputy_ids, replace=True)
        _record_served(get_reception(station.id, reception.id), station, deputy_ids, previous)
        record("stations.reception.update", "station_reception", reception.id, detail=_audit_detail(data, deputy_ids))
    return with_deputies([get_reception(station.id, reception.id)])[0]


def delete_reception(principal, station_id, reception_id):
    station = station_for_staff(principal, station_id)
    reception = get_reception(station.id, reception_id)
    _check_not_past(reception)
    with write_transaction():
        _record_served(reception, station, [], _linked_deputies(reception.id))
        reception.delete_instance()  # its deputy links go with it (ON DELETE CASCADE)
        record("stations.reception.delete", "station_reception", reception.id, detail={"day": str(reception.day)})


def _check_not_past(reception):
    if reception.day < local_today():
        raise Conflict("已过去的接待安排是履职记录，不能修改或删除。")


def _check_slot(station_id, day, starts_at, ends_at, deputy_ids, own_id=None):
    """The rules the schema cannot check: the day within the next year, the deputies serving here and free.

    Call inside the writing transaction: the deputies' rows are locked (PostgreSQL; SQLite's write lock
    is already held), so two slots booked at once for one deputy cannot both pass the clash check.
    """
    today = local_today()
    if not today <= day <= today + dt.timedelta(days=SCHEDULE_AHEAD_DAYS):
        raise Invalid(errors={"day": [f"接待日期须在今天至 {SCHEDULE_AHEAD_DAYS} 天内。"]})
    if is_postgres():
        list(Deputy.select(Deputy.id).where(Deputy.id.in_(deputy_ids)).order_by(Deputy.id).for_update())
    serving = {
        deputy_id
        for (deputy_id,) in DeputyStation.select(DeputyStation.deputy)
        .join(Deputy)
        .where(
            (DeputyStation.station == station_id)
            & DeputyStation.deputy.in_(deputy_ids)
            & (Deputy.status == STATUS_SERVING)
        )
        .tuples()
    }
    strangers = [deputy_id for deputy_id in deputy_ids if deputy_id not in serving]
    if strangers:
        listed = "、".join(map(str, strangers))
        raise Invalid(errors={"deputy_ids": [f"这些代表不在本站履职或已不在任：{listed}"]})
    # A deputy cannot receive at two places, or in two slots, at the same time.
    clash = (
        StationReceptionDeputy.select(Deputy.name, Station.name)
        .join(Deputy)
        .switch(StationReceptionDeputy)
        .join(StationReception)
        .join(Station)
        .where(
            StationReceptionDeputy.deputy.in_(deputy_ids)
            & (StationReception.day == day)
            & (StationReception.starts_at < ends_at)
            & (StationReception.ends_at > starts_at)
            & (StationReception.id != (own_id or 0))
        )
        .tuples()
        .first()
    )
    if clash:
        raise Conflict(
            "代表在该时段已有接待安排。",
            errors={"deputy_ids": [f"代表 {clash[0]} 在该时段已在「{clash[1]}」接待。"]},
        )


def _linked_deputies(reception_id):
    links = StationReceptionDeputy.select(StationReceptionDeputy.deputy).where(
        StationReceptionDeputy.reception == reception_id
    )
    return sorted(deputy_id for (deputy_id,) in links.tuples())


def _link_deputies(reception_id, deputy_ids, replace=False):
    if replace:
        StationReceptionDeputy.delete().where(StationReceptionDeputy.reception == reception_id).execute()
    StationReceptionDeputy.insert_many([{"reception": reception_id, "deputy": d} for d in deputy_ids]).execute()


def _record_served(reception, station, deputy_ids, previous=()):
    """A reception day is on the record of each deputy serving it, dated the slot's start: the record shows
    it once that time has come. A deputy taken off the slot (or a cancelled slot) takes it off their record.
    Past slots cannot change (_check_not_past), so what is on the record for a past day stays."""
    when = dt.datetime.combine(reception.day, reception.starts_at, tzinfo=LOCAL_TZ)
    title = f"{station.name}接待日" + (f"：{reception.topic}" if reception.topic else "")
    for deputy_id in sorted(set(previous) - set(deputy_ids)):
        forget_event(deputy_id, RECEPTION_EVENT, "station_reception", reception.id)
    for deputy_id in deputy_ids:
        record_event(deputy_id, RECEPTION_EVENT, "station_reception", reception.id,
                     payload={"title": title[:100], "station_id": station.id}, occurred_at=when)


def _audit_detail(data, deputy_ids):
    return {**{key: str(value) for key, value in data.items()}, "deputy_ids": deputy_ids}


# --- Monthly themes ---------------------------------------------------------------------------


def month_of(day):
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text):
    """"2026-12" as (2026, 12); anything else is not a month page (404)."""
    try:
        parsed = dt.datetime.strptime(text, "%Y-%m")
    except ValueError:
        raise NotFound("月份格式应为 YYYY-MM。") from None
    if month_of(parsed) != text:  # strptime also takes "2026-1"
        raise NotFound("月份格式应为 YYYY-MM。")
    return parsed.year, parsed.month


def themes(station_id, args):
    """A year's themes (default this year), month by month."""
    public_station(station_id)
    year = args.get("year") or local_today().year
    return (
        StationTheme.select()
        .where((StationTheme.station == station_id) & StationTheme.month.startswith(f"{year:04d}-"))
        .order_by(StationTheme.month)
    )


def set_theme(principal, station_id, month, data):
    station = station_for_staff(principal, station_id)
    year, number = parse_month(month)
    today = local_today()
    ahead = (year - today.year) * 12 + number - today.month
    if not 0 <= ahead <= THEME_AHEAD_MONTHS:
        raise Invalid(errors={"month": [f"只能设置本月至 {THEME_AHEAD_MONTHS} 个月后的主题。"]})
    fields = {"title": data["title"], "description": data.get("description"), "updated_at": utcnow()}
    with write_transaction():
        updated = (
            StationTheme.update(**fields)
            .where((StationTheme.station == station.id) & (StationTheme.month == month))
            .execute()
        )
        if not updated:
            StationTheme.create(station=station.id, month=month, **fields)
        record("stations.theme.set", "station", station.id, detail={"month": month, "title": data["title"]})
    return StationTheme.get((StationTheme.station == station.id) & (StationTheme.month == month))


def delete_theme(principal, station_id, month):
    station = station_for_staff(principal, station_id)
    parse_month(month)
    if month < month_of(local_today()):
        raise Conflict("已过去月份的主题是履职记录，不能删除。")
    with write_transaction():
        deleted = (
            StationTheme.delete()
            .where((StationTheme.station == station.id) & (StationTheme.month == month))
            .execute()
        )
        if not deleted:
            raise NotFound("该月没有设置主题。")
        record("stations.theme.delete", "station", station.id, detail={"month": month})
