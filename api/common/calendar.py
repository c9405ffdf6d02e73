"""Working days in mainland China (Asia/Shanghai): statutory holidays, make-up workdays (调休) and local overrides.

The built-in arrangement comes from the `chinesecalendar` package, which covers the years the State Council
has published. Staff overrides (a local holiday, a year the package does not know yet) take precedence; they
live in a domain table, so this module never imports it: the calendar domain registers an `OverrideSource`
at start-up (`use_overrides`), and callers may pass one explicitly (tests, batch jobs).

A year neither the package nor the staff have covered raises `Invalid` instead of guessing from weekends:
a deadline computed from a guess would be silently wrong by a week around Spring Festival.
"""
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import chinese_calendar

from api.common.errors import Invalid
from api.common.timezone import LOCAL_TZ

BUILTIN_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
MAX_SPAN_DAYS = 3 * 366  # longer than any deadline a workflow sets; stops a runaway loop on a bad input


@dataclass(frozen=True)
class YearRules:
    """The staff's word on one year: days that differ from the built-in rule, and whether the year is complete."""

    days: Mapping[dt.date, bool] = field(default_factory=dict)
    maintained: bool = False


class OverrideSource(Protocol):
    def year(self, year: int) -> YearRules: ...


class NoOverrides:
    def year(self, year):
        return YearRules()


_source: OverrideSource = NoOverrides()


def use_overrides(source):
    """Called once by the calendar domain as the app starts: where staff overrides come from."""
    global _source
    _source = source


def current_source():
    return _source


def year_not_published(year):
    return Invalid(
        f"{year}年的节假日安排尚未公布，请工作人员先维护该年日历。",
        errors={"date": [f"{year}年的工作日日历尚未维护。"]},
    )


def local_date(value):
    """The Shanghai calendar date of a date or datetime; a naive datetime is taken as UTC, as the database stores it."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(LOCAL_TZ).date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def builtin_covers(year):
    return year in BUILTIN_YEARS


class _Lookup:
    """One calculation's view of the rules: each year's overrides fetched once, however many days are walked."""

    def __init__(self, source):
        self.source = source or _source
        self.years = {}

    def rules(self, year):
        if year not in self.years:
            self.years[year] = self.source.year(year)
        return self.years[year]

    def is_working_day(self, day):
        rules = self.rules(day.year)
        if day in rules.days:
            return rules.days[day]
        if builtin_covers(day.year):
            return chinese_calendar.is_workday(day)
        if rules.maintained:
            return day.weekday() < 5
        raise year_not_published(day.year)


def is_working_day(value, source=None):
    """Whether the Shanghai date of `value` is a working day."""
    return _Lookup(source).is_working_day(local_date(value))


def add_working_days(start, days, source=None):
    """The date `days` working days after the Shanghai date of `start` (before it, if negative).

    The start day itself never counts, so a case received on a Saturday or at 23:00 UTC on a Friday (already
    Saturday in Shanghai) with 1 working day is due on Monday; `days=0` returns the start date unchanged.
    """
    lookup, day = _Lookup(source), local_date(start)
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    walked = 0
    while remaining:
        day += dt.timedelta(days=step)
        walked += 1
        if walked > MAX_SPAN_DAYS:
            raise Invalid("工作日数过大。", errors={"days": ["工作日数过大。"]})
        if lookup.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end, source=None):
    """Working days after `start` up to and including `end` (Shanghai dates); negative when `end` is earlier.

    The inverse of `add_working_days` for n >= 0: working_days_between(a, add_working_days(a, n)) == n.
    """
    lookup, a, b = _Lookup(source), local_date(start), local_date(end)
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    if (b - a).days > MAX_SPAN_DAYS:
        raise Invalid("日期跨度过大。", errors={"end": ["日期跨度过大。"]})
    count = sum(1 for offset in range(1, (b - a).days + 1) if lookup.is_working_day(a + dt.timedelta(days=offset)))
    return sign * count
