"""Schema conventions: unknown fields rejected, timestamps as UTC ISO 8601."""
import datetime as dt

from marshmallow import RAISE, Schema, fields

import api.common.i18n  # noqa: F401  (installs the Chinese validation messages)


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class UTCDateTime(fields.AwareDateTime):
    """Always dumps UTC with an explicit offset; loads any offset and converts to UTC."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=dt.timezone.utc, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        if value is not None:
            value = value.astimezone(dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(dt.timezone.utc)
