"""The truth about revocation, in the database; Redis only caches it (see revocation.py).

Keyed by plain user ids and session ids, not foreign keys: `api.common` may not know the auth domain's tables.
"""
from peewee import BigIntegerField, CharField, IntegerField

from api.common.db import BaseModel, UTCDateTimeField, utcnow


class SessionCutoff(BaseModel):
    """Every session the user started at or before `valid_after_us` is over.

    Set by sign-out everywhere, a disabled account, a changed role or scope, a deputy's term ending.
    """

    user_id = IntegerField(primary_key=True)
    valid_after_us = BigIntegerField()  # microseconds since the epoch, compared with a token's `sat`
    reason = CharField(max_length=30)
    updated_at = UTCDateTimeField(default=utcnow)


class RevokedSession(BaseModel):
    """One session ended on its own (sign-out on one device, a reused refresh token)."""

    session_id = CharField(max_length=32, primary_key=True)
    user_id = IntegerField(index=True)
    reason = CharField(max_length=30)
    revoked_at = UTCDateTimeField(default=utcnow)
