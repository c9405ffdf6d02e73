"""The audit trail: who did what to which object, when and from where. Written by every domain.

A shared piece like `workflow` and `events`: the actor is a plain id, not a foreign key to a
domain's table, so every domain can record without depending on the accounts package. (The
database keeps migration 001's foreign key with ON DELETE SET NULL, so a deleted account still
leaves its entries, without an actor.) The admin query endpoint lives in the `audit` package.
"""
import json

from flask import has_request_context, request
from peewee import CharField, IntegerField, TextField

from api.common.access import principal_or_none
from api.common.db import BaseModel, UTCDateTimeField, utcnow
from api.common.http import client_address


class AuditEntry(BaseModel):
    """Append-only."""

    at = UTCDateTimeField(default=utcnow, index=True)
    actor_id = IntegerField(null=True, index=True)  # an account id
    actor_role = CharField(max_length=20, null=True)
    action = CharField(max_length=50, index=True)
    target_type = CharField(max_length=30, null=True)
    target_id = CharField(max_length=64, null=True)
    remote_addr = CharField(max_length=64, null=True)
    request_id = CharField(max_length=128, null=True)
    detail = TextField(null=True)  # JSON; never personal data in clear

    class Meta:
        table_name = "audit_entry"
        indexes = ((("target_type", "target_id"), False),)


def record(action, target_type=None, target_id=None, actor=None, detail=None):
    """Append one audit entry, in the caller's transaction.

    `actor` (an account: anything with `id` and `role`) defaults to the signed-in principal; never
    pass personal data in `detail`.
    """
    actor_id = actor_role = None
    if actor is not None:
        actor_id, actor_role = actor.id, actor.role
    elif (principal := principal_or_none()) is not None:
        actor_id, actor_role = principal.user_id, principal.role
    remote_addr = request_id = None
    if has_request_context():
        remote_addr = client_address()
        request_id = getattr(request, "request_id", None)
    return AuditEntry.create(
        actor_id=actor_id,
        actor_role=actor_role,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        remote_addr=remote_addr,
        request_id=request_id,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )
