"""Deputies (人大代表) and what ties them to groups, stations and fields."""
import re

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField

from api.common.db import BaseModel, UTCDateTimeField, utcnow
from api.common.pii import EncryptedTextField, blind_index
from api.common.references import guards_deletion_of
from api.org.models import Congress, Delegation, DeputyGroup, Station

STATUS_SERVING = "在任"
STATUS_ENDED = "终止"
STATUSES = (STATUS_SERVING, STATUS_ENDED)
GENDERS = ("男", "女")
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile


def normalise_phone(value):
    """Digits only, without the +86 / 0086 country prefix people often type or paste."""
    if value is None:
        return None
    digits = re.sub(r"[\s\-()（）]", "", str(value))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
    return digits or None


class Deputy(BaseModel):
    """One seat in one congress. A person elected at two levels holds two seats (two rows, same phone)."""

    code = CharField(max_length=40, unique=True)  # 代表编号: the roster key re-imports match on
    # Set on every write by the services; nullable only because SQLite could not add NOT NULL to the existing
    # table without a rebuild that cascades into every table referencing deputies (migration 007).
    congress = ForeignKeyField(Congress, null=True, backref="deputies", on_delete="RESTRICT")
    name = CharField(max_length=50, index=True)
    gender = CharField(max_length=2)
    delegation = ForeignKeyField(Delegation, backref="deputies", on_delete="RESTRICT")
    term = IntegerField()
    status = CharField(max_length=4, default=STATUS_SERVING, index=True)
    sector = CharField(max_length=50, null=True)
    grassroots = BooleanField(default=False)
    employer = CharField(max_length=200, null=True)
    title = CharField(max_length=100, null=True)
    phone = EncryptedTextField(null=True)
    phone_hash = CharField(max_length=64, null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        # One seat per person per congress; the same phone in two congresses is one person at two levels.
        indexes = ((("congress", "phone_hash"), True), (("phone_hash",), False))

    @property
    def is_serving(self):
        return self.status == STATUS_SERVING

    def set_phone(self, phone):
        """The phone is stored encrypted; its blind index is what exact-match search and uniqueness use."""
        self.phone = normalise_phone(phone)
        self.phone_hash = blind_index(self.phone) if self.phone else None


class DeputyGroupMember(BaseModel):
    deputy = ForeignKeyField(Deputy, backref="group_links", on_delete="CASCADE")
    group = ForeignKeyField(DeputyGroup, backref="member_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("deputy", "group"), True),)


class DeputyStation(BaseModel):
    deputy = ForeignKeyField(Deputy, backref="station_links", on_delete="CASCADE")
    station = ForeignKeyField(Station, backref="deputy_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("deputy", "station"), True),)


class DeputyExpertise(BaseModel):
    """专业领域: a deputy may have several."""

    deputy = ForeignKeyField(Deputy, backref="expertise_links", on_delete="CASCADE")
    field = CharField(max_length=50, index=True)

    class Meta:
        indexes = ((("deputy", "field"), True),)


# Delete guards for the org rows deputies point at (org asks through api.common.references; it
# cannot import this package, which depends on it). Links would otherwise vanish silently (CASCADE).


@guards_deletion_of(Congress)
def _congress_has_deputies(congress):
    return "该人大仍有代表，不能删除。" if Deputy.select().where(Deputy.congress == congress.id).exists() else None


@guards_deletion_of(Delegation)
def _delegation_has_deputies(delegation):
    seated = Deputy.select().where(Deputy.delegation == delegation.id)
    return "该代表团下仍有代表，不能删除。" if seated.exists() else None


@guards_deletion_of(DeputyGroup)
def _group_has_members(group):
    members = DeputyGroupMember.select().where(DeputyGroupMember.group == group.id)
    return "该代表小组仍有成员，不能删除。" if members.exists() else None


@guards_deletion_of(Station)
def _station_has_deputies(station):
    serving = DeputyStation.select().where(DeputyStation.station == station.id)
    return "仍有代表在该联络站履职，不能删除。" if serving.exists() else None
