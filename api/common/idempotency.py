"""Idempotent creation: a client's `Idempotency-Key` makes a retried request answer as the first one did.

A domain that creates something on POST asks, before doing any work, whether this key was seen:

    done = idempotency.replay(scope, key, fingerprint)
    if done is not None:
        return done                      # the stored answer of the first request
    with db.atomic():
        ...                              # create the thing
        idempotency.remember(scope, key, fingerprint, answer)

`remember` runs in the same transaction as the creation, so a stored key always has its thing and a
rolled-back creation leaves no key. Two concurrent first requests with one key race on the unique
(scope, key) index: the loser's `remember` raises `AlreadyDone` carrying the winner's answer, and its
transaction rolls back. The same key with a different request (another fingerprint) is a 409: the
client reused a key, and answering the old result would hide that.

`scope` keeps one caller's keys apart from another's (e.g. "feedback.case:<user id>"); the answer is a
small JSON-serialisable dict without timestamps (it is handed back through the same schema).
"""
import datetime as dt
import hashlib
import json

from peewee import CharField, IntegerField

from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.common.errors import Conflict

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[A-Za-z0-9._:-]{8,64}$"
RETENTION = dt.timedelta(days=7)


class IdempotencyRecord(BaseModel):
    scope = CharField(max_length=60)
    key = CharField(max_length=64)
    fingerprint = CharField(max_length=64)
    answer = JSONTextField()
    entity_id = IntegerField(null=True)
    created_at = UTCDateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "idempotency_record"
        indexes = ((("scope", "key"), True),)


class AlreadyDone(Exception):
    """A concurrent request with the same key finished first; `answer` is what it answered."""

    def __init__(self, answer):
        super().__init__("idempotency key already used")
        self.answer = answer


def fingerprint(data):
    """A stable hash of the request's content (dict/list/str), to tell a retry from a reused key."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def replay(scope, key, print_):
    """The stored answer for (scope, key), None if unseen; 409 if the key came with another request."""
    if not key:
        return None
    record = IdempotencyRecord.get_or_none((IdempotencyRecord.scope == scope) & (IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.fingerprint != print_:
        raise Conflict(
            "该 Idempotency-Key 已用于另一份不同的提交，请为新的提交生成新的键。",
            errors={HEADER: ["已用于不同的请求内容。"]},
        )
    return record.answer


def remember(scope, key, print_, answer, entity_id=None):
    """Store the answer in the caller's transaction; AlreadyDone if a concurrent request stored one first.

    One INSERT … ON CONFLICT DO NOTHING, no savepoint: a lost race inserts nothing (on PostgreSQL after
    waiting for the winner's commit) and leaves the caller's transaction usable, so the caller still
    decides what it rolls back.
    """
    if not key:
        return
    inserted = (
        IdempotencyRecord.insert(scope=scope, key=key, fingerprint=print_, answer=answer, entity_id=entity_id,
                                 created_at=utcnow())
        .on_conflict_ignore()
        .as_rowcount()
        .execute()
    )
    if not inserted:
        raise AlreadyDone(replay(scope, key, print_))


def prune(older_than=RETENTION):
    """Forget keys older than `older_than`: clients retry within minutes, not weeks."""
    return IdempotencyRecord.delete().where(IdempotencyRecord.created_at < utcnow() - older_than).execute()
