"""Reading the audit trail. Entries are written through `api.common.audit.record` by every module."""
from peewee import JOIN

from api.auth.models import User
from api.common.audit import AuditEntry
from api.common.db import filter_by


def filtered_entries(filters):
    """Audit entries, newest first, narrowed by the query's filters, each with its actor's display name."""
    query = (
        AuditEntry.select(AuditEntry, User.display_name.alias("actor_name"))
        .join(User, JOIN.LEFT_OUTER, on=(AuditEntry.actor_id == User.id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .objects()
    )
    query = filter_by(
        query,
        filters,
        equal={
            "action": AuditEntry.action,
            "actor_id": AuditEntry.actor_id,
            "target_type": AuditEntry.target_type,
            "target_id": AuditEntry.target_id,
        },
    )
    if "since" in filters:
        query = query.where(AuditEntry.at >= filters["since"])
    if "until" in filters:
        query = query.where(AuditEntry.at < filters["until"])
    return query


def recent(actions, limit=5):
    """The latest entries of these actions (e.g. the imports), newest first."""
    return list(filtered_entries({}).where(AuditEntry.action.in_(actions)).limit(limit))
