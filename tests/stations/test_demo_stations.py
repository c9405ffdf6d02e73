"""The demo city's stations are realistic enough to try every screen: all kinds, on the map, with calendars."""
from peewee import JOIN, fn

from api.common.timezone import local_today
from api.demo import seed_demo_data
from api.deputies.models import DeputyStation
from api.org.models import STATION_KINDS, Station
from api.stations.models import StationReception, StationReceptionDeputy, StationTheme


def test_demo_stations_have_kinds_map_points_hours_calendars_and_themes(app, client):
    seed_demo_data(seed=7)
    stations = list(Station.select())

    assert {s.kind for s in stations} == set(STATION_KINDS)
    assert all(25.6 < s.latitude < 26.6 and 118.8 < s.longitude < 119.6 for s in stations)  # around Fuzhou
    assert all(s.opening_hours and s.phone.startswith("0591-") for s in stations)
    assert StationTheme.select().where(StationTheme.month == local_today().strftime("%Y-%m")).count() == 20
    upcoming = StationReception.select().where(StationReception.day >= local_today())
    assert upcoming.count() >= 60
    # Every deputy received at a station that they serve at, and nobody in two places at once.
    strays = (
        StationReceptionDeputy.select()
        .join(StationReception)
        .join(
            DeputyStation,
            on=(DeputyStation.station == StationReception.station)
            & (DeputyStation.deputy == StationReceptionDeputy.deputy),
            join_type=JOIN.LEFT_OUTER,
        )
        .where(DeputyStation.id.is_null())
    )
    assert strays.count() == 0
    doubled = (
        StationReceptionDeputy.select(StationReceptionDeputy.deputy)
        .join(StationReception)
        .group_by(StationReceptionDeputy.deputy, StationReception.day, StationReception.starts_at)
        .having(fn.COUNT(StationReceptionDeputy.id) > 1)
    )
    assert doubled.count() == 0
    # The first demo account's station, nearest to its own map point.
    home = stations[0]
    found = client.get(f"/api/v1/stations/nearest?lat={home.latitude}&lng={home.longitude}&limit=3").get_json()
    assert found[0]["id"] == home.id and found[0]["distance_m"] == 0
