"""Recording what happened. Called by every module; written in the caller's transaction."""
import json

from flask import has_request_context, request
from peewee import JOIN

from api.audit.models import AuditEntry
from api.auth.models import User
from api.common.access import principal_or_none
from api.common.db import where_equal


def filtered_entries(filters):
    """Audit entries, newest first, narrowed by the query's filters."""
    query = (
        AuditEntry.select(AuditEntry, User.id, User.display_name)
        .join(User, JOIN.LEFT_OUTER, on=(AuditEntry.actor == User.id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    query = where_equal(
        query,
        filters,
        {
            "action": AuditEntry.action,
            "actor_id": AuditEntry.actor,
            "target_type": AuditEntry.target_type,
            "target_id": AuditEntry.target_id,
        },
    )
    if "since" in filters:
        query = query.where(AuditEntry.at >= filters["since"])
    if "until" in filters:
        query = query.where(AuditEntry.at < filters["until"])
    return query


def record(action, target_type=None, target_id=None, actor=None, detail=None):
    """Append one audit entry. `actor` defaults to the signed-in principal; never pass personal data in `detail`."""
    actor_id = actor_role = None
    if actor is not None:
        actor_id, actor_role = actor.id, actor.role
    elif (principal := principal_or_none()) is not None:
        actor_id, actor_role = principal.user_id, principal.role
    remote_addr = request_id = None
    if has_request_context():
        remote_addr = request.remote_addr
        request_id = getattr(request, "request_id", None)
    return AuditEntry.create(
        actor=actor_id,
        actor_role=actor_role,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        remote_addr=remote_addr,
        request_id=request_id,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )
