"""The organisation a deployment serves: its congress, delegations, groups, stations and handling units."""
from peewee import BooleanField, CharField, DoubleField, ForeignKeyField, IntegerField, TextField

from api.common.db import BaseModel, UTCDateTimeField, utcnow

# Highest first: the order lists and statistics use.
CONGRESS_LEVELS = {"national": "全国", "provincial": "省级", "municipal": "市级", "county": "县级", "township": "乡级"}
STATION_KINDS = ("代表联络站", "代表之家", "联系群众活动室", "行业联络站")
# Where GCJ-02 is defined (mainland China, roughly): a station outside these is a typing or swapping mistake.
CHINA_LATITUDES = (3.8, 53.6)
CHINA_LONGITUDES = (73.5, 135.1)


class Congress(BaseModel):
    """A people's congress whose deputies this deployment serves: its own, and higher ones elected in its area."""

    name = CharField(max_length=100, unique=True)
    level = CharField(max_length=20, index=True)
    current_term = IntegerField()
    # Exactly one row is the deployment's own congress (the one its standing committee runs); see api/org/services.py.
    is_own = BooleanField(default=False)
    region = CharField(max_length=50, null=True)


class Delegation(BaseModel):
    """代表团 or 选举单位: the unit that elected a deputy."""

    name = CharField(max_length=100, unique=True)
    kind = CharField(max_length=20, default="代表团")
    created_at = UTCDateTimeField(default=utcnow)


class DeputyGroup(BaseModel):
    """代表小组, formed by area or by field."""

    name = CharField(max_length=100, unique=True)
    basis = CharField(max_length=20, default="area")
    delegation = ForeignKeyField(Delegation, null=True, backref="groups", on_delete="RESTRICT")
    created_at = UTCDateTimeField(default=utcnow)


class Station(BaseModel):
    """A place where constituents meet deputies. Its public face (address, map point, hours, phone) is in the
    station directory (api/stations), readable by anyone."""

    name = CharField(max_length=100, unique=True)
    kind = CharField(max_length=20, default=STATION_KINDS[0])
    district = CharField(max_length=50, null=True)
    address = CharField(max_length=200, null=True)
    description = TextField(null=True)
    is_active = BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)
    # GCJ-02, the coordinates WeChat maps (wx.getLocation type "gcj02", <map>) use; both set or both null.
    latitude = DoubleField(null=True)
    longitude = DoubleField(null=True)
    opening_hours = CharField(max_length=200, null=True)
    # The station's public phone: not anyone's personal number.
    phone = CharField(max_length=30, null=True)

    class Meta:
        # The nearest-stations search narrows by a latitude band first.
        indexes = ((("latitude", "longitude"), False),)


class HandlingUnit(BaseModel):
    """承办单位: a government department that answers what is assigned to it."""

    name = CharField(max_length=100, unique=True)
    category = CharField(max_length=50, null=True)
    contact_name = CharField(max_length=50, null=True)
    is_active = BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)
