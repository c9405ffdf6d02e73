"""What a liaison station publishes beyond its directory entry: its reception calendar and its monthly theme."""
from peewee import CharField, DateField, ForeignKeyField, TextField, TimeField

from api.common.db import BaseModel, UTCDateTimeField, utcnow
from api.common.references import guards_deletion_of
from api.common.timezone import local_today
from api.deputies.models import Deputy
from api.org.models import Station


class StationReception(BaseModel):
    """接待日: a time slot on a day when deputies receive constituents at the station."""

    station = ForeignKeyField(Station, backref="receptions", on_delete="CASCADE")
    day = DateField()
    # Local (Asia/Shanghai) wall-clock times: a slot is "9:00 to 11:30 that day", never a UTC instant.
    starts_at = TimeField()
    ends_at = TimeField()
    topic = CharField(max_length=100, null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("station", "day"), False), (("day",), False))


class StationReceptionDeputy(BaseModel):
    reception = ForeignKeyField(StationReception, backref="deputy_links", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="reception_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("reception", "deputy"), True),)


class StationTheme(BaseModel):
    """月度主题: what the station invites constituents to talk about in a month."""

    station = ForeignKeyField(Station, backref="themes", on_delete="CASCADE")
    month = CharField(max_length=7)  # "YYYY-MM"; sorts as text
    title = CharField(max_length=50)
    description = TextField(null=True)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("station", "month"), True),)


@guards_deletion_of(Station)
def _station_has_receptions(station):
    # Past receptions and themes are the station's own record and go with it; announced ones must be cancelled.
    upcoming = StationReception.select().where(
        (StationReception.station == station.id) & (StationReception.day >= local_today())
    )
    return "该联络站仍有未开始的接待安排，请先取消。" if upcoming.exists() else None
