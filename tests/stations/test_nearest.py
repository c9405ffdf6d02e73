"""Nearest stations: ordered by great-circle distance, in metres, on known coordinates."""
import math

import pytest

from api.org.models import Station
from api.stations.services import bounding_box, haversine_m
from tests import factories
from tests.stations.conftest import ORIGIN
from tests.support import assert_error_shape

NEAREST = "/api/v1/stations/nearest"
# Along a meridian the great-circle distance is the arc: R·Δφ, here 1,111.95 m per 0.01°.
METRES_PER_CENTIDEGREE = 6_371_008.8 * math.radians(0.01)


def nearest(client, lat=ORIGIN[0], lng=ORIGIN[1], **params):
    query = "&".join(f"{key}={value}" for key, value in {"lat": lat, "lng": lng, **params}.items())
    response = client.get(f"{NEAREST}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(item["name"], item["distance_m"]) for item in response.get_json()]


def test_nearest_first_with_the_distance_in_metres(city, client):
    far = factories.station(name="五公里外联络站", latitude=ORIGIN[0] + 0.05, longitude=ORIGIN[1])

    found = nearest(client)

    assert found == [
        ("鼓楼区东街街道代表联络站", round(METRES_PER_CENTIDEGREE)),  # 1,112 m north
        ("台江区代表之家", round(2 * METRES_PER_CENTIDEGREE)),  # 2,224 m south
        (far.name, round(5 * METRES_PER_CENTIDEGREE)),  # 5,560 m north
    ]  # never the inactive station on the very spot, nor the one without coordinates


def test_order_follows_distance_not_latitude_or_id(city, client):
    east = factories.station(name="正东五百米", latitude=ORIGIN[0], longitude=ORIGIN[1] + 0.005)
    found = nearest(client)
    assert [name for name, _ in found][:2] == [east.name, "鼓楼区东街街道代表联络站"]
    # 0.005° of longitude at 26.07° N: R·cos φ·Δλ, to the metre.
    assert found[0][1] == round(6_371_008.8 * math.cos(math.radians(ORIGIN[0])) * math.radians(0.005))


def test_limit_and_radius(city, client):
    assert nearest(client, limit=1) == [("鼓楼区东街街道代表联络站", 1112)]
    assert nearest(client, radius=2000) == [("鼓楼区东街街道代表联络站", 1112)]
    assert nearest(client, lat=39.9042, lng=116.4074) == []  # Beijing: nothing within 50 km


def test_a_corner_of_the_box_is_not_within_the_radius(city, client):
    # 1.5 km north and 1.5 km east is in the 2 km box but 2.1 km away.
    delta_lng = 0.015 / math.cos(math.radians(ORIGIN[0]))
    factories.station(name="东北角", latitude=ORIGIN[0] + 0.0135, longitude=ORIGIN[1] + delta_lng * 0.9)
    assert [name for name, _ in nearest(client, radius=2000)] == ["鼓楼区东街街道代表联络站"]


@pytest.mark.parametrize(
    "query",
    ["lat=26.07", "lng=119.3", "lat=91&lng=119.3", "lat=26&lng=181", "lat=abc&lng=119.3", "lat=nan&lng=119.3",
     "lat=26&lng=119&limit=0", "lat=26&lng=119&limit=51", "lat=26&lng=119&radius=10"],
)
def test_bad_points_are_refused(city, client, query):
    assert_error_shape(client.get(f"{NEAREST}?{query}"), 422)


# The distance itself, and the box that prefilters in SQL


def test_haversine_on_known_city_pairs():
    assert haversine_m(*ORIGIN, *ORIGIN) == 0
    beijing, shanghai = (39.9042, 116.4074), (31.2304, 121.4737)
    assert 1_060_000 < haversine_m(*beijing, *shanghai) < 1_075_000  # about 1,067 km
    assert haversine_m(*beijing, *shanghai) == pytest.approx(haversine_m(*shanghai, *beijing))
    assert haversine_m(0, 179.99, 0, -179.99) == pytest.approx(2 * 6_371_008.8 * math.radians(0.01), rel=1e-6)


def rows_in_box(lat, lng, radius_m):
    query = Station.select(Station.name)
    for condition in bounding_box(lat, lng, radius_m):
        query = query.where(condition)
    return sorted(name for (name,) in query.tuples())


def test_the_box_holds_every_station_within_the_radius_even_across_the_antimeridian(db):
    factories.station(name="west", latitude=-16.0, longitude=179.95)
    factories.station(name="east", latitude=-16.0, longitude=-179.95)
    factories.station(name="far", latitude=-16.0, longitude=170.0)
    assert rows_in_box(-16.0, 179.99, 20_000) == ["east", "west"]
    assert rows_in_box(-16.0, -179.99, 20_000) == ["east", "west"]


def test_the_box_is_never_narrower_than_the_circle(db):
    lat, lng, radius = 45.0, 120.0, 10_000
    for bearing in range(0, 360, 15):
        # A point `radius` away at this bearing (spherical destination formula).
        d = radius / 6_371_008.8
        phi1, lambda1, theta = math.radians(lat), math.radians(lng), math.radians(bearing)
        phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(theta))
        lambda2 = lambda1 + math.atan2(
            math.sin(theta) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
        )
        factories.station(name=f"b{bearing:03d}", latitude=math.degrees(phi2) * 0.99999 + lat * 0.00001,
                          longitude=math.degrees(lambda2) * 0.99999 + lng * 0.00001)
    assert len(rows_in_box(lat, lng, radius)) == 24
