"""Accounts, sign-in sessions and the tokens that keep them alive."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField

from api.common.db import BaseModel, UTCDateTimeField, utcnow
from api.deputies.models import Deputy
from api.org.models import HandlingUnit, Station


class User(BaseModel):
    role = CharField(max_length=20, index=True)
    username = CharField(max_length=64, unique=True, null=True)
    password_hash = CharField(max_length=200, null=True)
    display_name = CharField(max_length=50)
    deputy = ForeignKeyField(Deputy, null=True, unique=True, backref="users", on_delete="SET NULL")
    unit = ForeignKeyField(HandlingUnit, null=True, backref="users", on_delete="SET NULL")
    openid = CharField(max_length=64, null=True, unique=True)
    unionid = CharField(max_length=64, null=True)
    is_active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    last_login_at = UTCDateTimeField(null=True)


class UserStation(BaseModel):
    """The stations a station-staff account may act for."""

    user = ForeignKeyField(User, backref="station_links", on_delete="CASCADE")
    station = ForeignKeyField(Station, backref="staff_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "station"), True),)


class AuthSession(BaseModel):
    """One sign-in on one device; its refresh tokens form one family."""

    id = CharField(max_length=32, primary_key=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    revoked_reason = CharField(max_length=30, null=True)
    method = CharField(max_length=20)
    remote_addr = CharField(max_length=64, null=True)
    user_agent = CharField(max_length=200, null=True)


class RefreshToken(BaseModel):
    token_hash = CharField(max_length=64, unique=True)
    session = ForeignKeyField(AuthSession, backref="refresh_tokens", on_delete="CASCADE")
    created_at = UTCDateTimeField(default=utcnow)
    used_at = UTCDateTimeField(null=True)


class BindingCode(BaseModel):
    """One-time invitation a deputy uses to bind their WeChat account."""

    code_hash = CharField(max_length=64, unique=True)
    deputy = ForeignKeyField(Deputy, backref="binding_codes", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    used_at = UTCDateTimeField(null=True)
