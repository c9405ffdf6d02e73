"""Peewee migrations -- 004_sessions_and_accounts.py.

Revocation that survives the loss of Redis (issue 8, item 2): the identity layer's own tables, keyed by
plain ids because `api.common` may not know the auth domain's tables. Sign-in throttling per account
and address (item 21) replaces the per-account lock, so `user.locked_until` goes.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""

    @migrator.create_model
    class SessionCutoff(pw.Model):
        user_id = pw.IntegerField(primary_key=True)
        valid_after_us = pw.BigIntegerField()
        reason = pw.CharField(max_length=30)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "session_cutoff"

    @migrator.create_model
    class RevokedSession(pw.Model):
        session_id = pw.CharField(max_length=32, primary_key=True)
        user_id = pw.IntegerField(index=True)
        reason = pw.CharField(max_length=30)
        revoked_at = pw.DateTimeField()

        class Meta:
            table_name = "revoked_session"

    @migrator.create_model
    class LoginThrottle(pw.Model):
        key = pw.CharField(max_length=64, primary_key=True)
        account = pw.CharField(index=True, max_length=64)
        failures = pw.IntegerField(default=0)
        wait_until = pw.DateTimeField(null=True)
        updated_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "login_throttle"

    migrator.remove_fields('user', 'locked_until')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""

    migrator.add_fields('user', locked_until=pw.DateTimeField(null=True))

    migrator.remove_model('login_throttle')

    migrator.remove_model('revoked_session')

    migrator.remove_model('session_cutoff')
