"""Staff-managed overrides of the built-in working-day calendar (api/common/calendar.py)."""
from peewee import BooleanField, CharField, DateField, IntegerField

from api.common.db import BaseModel, UTCDateTimeField, utcnow


class CalendarDay(BaseModel):
    """One date whose status differs from (or is not known to) the built-in arrangement."""

    day = DateField(unique=True)
    is_working_day = BooleanField()
    note = CharField(max_length=100, null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class CalendarYear(BaseModel):
    """A year the staff have entered completely: outside the package's data it may then be computed."""

    year = IntegerField(unique=True)
    note = CharField(max_length=100, null=True)
    created_at = UTCDateTimeField(default=utcnow)
