"""A small city of stations: two in Fuzhou with serving deputies, one inactive, one without a map point."""
import datetime as dt
from types import SimpleNamespace

import pytest

from api.common.timezone import local_today
from tests import factories

# 鼓楼区, Fuzhou (GCJ-02): the point the nearest-stations tests measure from.
ORIGIN = (26.0745, 119.2965)


@pytest.fixture
def city(db):
    factories.congress()
    provincial = factories.congress(name="福建省人大常委会", level="provincial", current_term=14, is_own=False)
    home = factories.station(
        name="鼓楼区东街街道代表联络站", kind="代表联络站", district="鼓楼区", address="鼓楼区东街路10号",
        latitude=ORIGIN[0] + 0.01, longitude=ORIGIN[1], opening_hours="周一至周五 9:00-17:00", phone="0591-87654321",
    )
    other = factories.station(
        name="台江区代表之家", kind="代表之家", district="台江区", address="台江区上渡路3号",
        latitude=ORIGIN[0] - 0.02, longitude=ORIGIN[1],
    )
    return SimpleNamespace(
        home=home,
        other=other,
        closed=factories.station(name="已停用联络站", is_active=False, latitude=ORIGIN[0], longitude=ORIGIN[1]),
        unmapped=factories.station(name="仓山区行业联络站", kind="行业联络站", district="仓山区"),
        deputy=factories.deputy(name="林晓东", phone="13900001111", stations=[home]),
        provincial=factories.deputy(name="陈思远", congress=provincial, stations=[home, other]),
        ended=factories.deputy(name="王已止", status="终止", stations=[home]),
        elsewhere=factories.deputy(name="张别处", stations=[other]),
    )


def in_days(n):
    return (local_today() + dt.timedelta(days=n)).isoformat()
