"""The organisation a deployment serves: its congress, delegations, groups, stations and handling units."""
from peewee import BooleanField, CharField, IntegerField, TextField

from api.common.db import BaseModel, UTCDateTimeField, utcnow

CONGRESS_LEVELS = {"national": "全国", "provincial": "省级", "municipal": "市级", "county": "县级"}
STATION_KINDS = ("代表联络站", "代表之家", "联系群众活动室", "行业联络站")


class Congress(BaseModel):
    name = CharField(max_length=100)
    level = CharField(max_length=20)
    current_term = IntegerField()


class Delegation(BaseModel):
    """代表团 or 选举单位: the unit that elected a deputy."""

    name = CharField(max_length=100, unique=True)
    kind = CharField(max_length=20, default="代表团")
    created_at = UTCDateTimeField(default=utcnow)


class DeputyGroup(BaseModel):
    """代表小组, formed by area or by field."""

    name = CharField(max_length=100, unique=True)
    basis = CharField(max_length=20, default="area")
    delegation = CharField(max_length=100, null=True)
    created_at = UTCDateTimeField(default=utcnow)


class Station(BaseModel):
    name = CharField(max_length=100, unique=True)
    kind = CharField(max_length=20, default=STATION_KINDS[0])
    district = CharField(max_length=50, null=True)
    address = CharField(max_length=200, null=True)
    description = TextField(null=True)
    is_active = BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)


class HandlingUnit(BaseModel):
    """承办单位: a government department that answers what is assigned to it."""

    name = CharField(max_length=100, unique=True)
    category = CharField(max_length=50, null=True)
    contact_name = CharField(max_length=50, null=True)
    is_active = BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)
