from peewee import BigIntegerField, BooleanField, CharField, ForeignKeyField

from api.auth.models import User
from api.common.db import BaseModel, UTCDateTimeField, utcnow


class StoredFile(BaseModel):
    storage_key = CharField(max_length=64, unique=True)
    filename = CharField(max_length=255)
    content_type = CharField(max_length=120)
    size = BigIntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = ForeignKeyField(User, null=True, backref="files", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    # Look, never download (a confidential paper's PDF): no endpoint issues or honours a download link for it.
    view_only = BooleanField(default=False)
