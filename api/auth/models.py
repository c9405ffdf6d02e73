"""Accounts, sign-in sessions and the tokens that keep them alive."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField

from api.common.db import BaseModel, UTCDateTimeField, utcnow
from api.common.references import guards_deletion_of
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
    failed_logins = IntegerField(default=0)  # wrong passwords since the last sign-in, from any address
    created_at = UTCDateTimeField(default=utcnow)
    last_login_at = UTCDateTimeField(null=True)


class UserSeat(BaseModel):
    """The deputy seats one account holds: a person elected at two levels signs in once for both.

    `User.deputy` stays the primary seat (the one `/deputies/me` shows); every seat, the primary included,
    has a row here, and a seat belongs to at most one account.
    """

    user = ForeignKeyField(User, backref="seat_links", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="seat_links", unique=True, on_delete="CASCADE")


def seat_accounts(deputy):
    """Accounts holding the seat `deputy` (an id or a column, for a correlated subquery): the account
    whose primary seat it is, or one that holds it as a further seat. A seat has at most one holder."""
    further = UserSeat.select(UserSeat.user).where(UserSeat.deputy == deputy)
    return User.select(User.id).where((User.deputy == deputy) | User.id.in_(further))


def accounts_holding(deputies_query):
    """Accounts holding any seat among `deputies_query` (a subquery of deputy ids)."""
    further = UserSeat.select(UserSeat.user).where(UserSeat.deputy.in_(deputies_query))
    return User.select(User.id).where(User.deputy.in_(deputies_query) | User.id.in_(further))


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


class LoginThrottle(BaseModel):
    """Wrong passwords for one account from one address, and how long that pair must wait.

    Per pair, not per account: an attacker's failures slow the attacker's address only, so they can
    never lock the real user out (OWASP authentication guidance).
    """

    key = CharField(max_length=64, primary_key=True)  # hash of (username, address)
    account = CharField(max_length=64, index=True)  # hash of the username: a password reset clears every address
    failures = IntegerField(default=0)
    wait_until = UTCDateTimeField(null=True)
    updated_at = UTCDateTimeField(default=utcnow, index=True)


class BindingCode(BaseModel):
    """One-time code that binds a WeChat account: to a deputy, or to a worker account (staff, station staff,
    unit user, admin) so that it receives subscribe messages. Exactly one of `deputy` and `account` is set."""

    code_hash = CharField(max_length=64, unique=True)
    deputy = ForeignKeyField(Deputy, null=True, backref="binding_codes", on_delete="CASCADE")
    account = ForeignKeyField(User, null=True, backref="wechat_codes", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    used_at = UTCDateTimeField(null=True)


# Delete guards for the rows accounts point at (their owners ask through api.common.references;
# they cannot import this package, which depends on them).


@guards_deletion_of(Deputy)
def _deputy_has_accounts(deputy):
    bound = User.select().where(User.deputy == deputy.id).exists()
    if bound or UserSeat.select().where(UserSeat.deputy == deputy.id).exists():
        return "该代表已关联账号，不能删除；如已离任，请将状态改为“终止”。"
    return None


@guards_deletion_of(Station)
def _station_has_staff(station):
    staff = UserStation.select().where(UserStation.station == station.id)
    return "该联络站仍有工作人员账号，不能删除。" if staff.exists() else None


@guards_deletion_of(HandlingUnit)
def _unit_has_accounts(unit):
    return "该承办单位仍有账号，不能删除。" if User.select().where(User.unit == unit.id).exists() else None
