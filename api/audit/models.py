from peewee import CharField, ForeignKeyField, TextField

from api.auth.models import User
from api.common.db import BaseModel, UTCDateTimeField, utcnow


class AuditEntry(BaseModel):
    """Who did what to which object, when and from where. Append-only."""

    at = UTCDateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="SET NULL")
    actor_role = CharField(max_length=20, null=True)
    action = CharField(max_length=50, index=True)
    target_type = CharField(max_length=30, null=True)
    target_id = CharField(max_length=64, null=True)
    remote_addr = CharField(max_length=64, null=True)
    request_id = CharField(max_length=128, null=True)
    detail = TextField(null=True)  # JSON; never personal data in clear

    class Meta:
        indexes = ((("target_type", "target_id"), False),)
