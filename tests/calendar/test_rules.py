"""The working-day rules on the built-in 2025/2026 arrangements (国务院办公厅 notices, as chinesecalendar has them)."""
import datetime as dt

import pytest

from api.common import calendar
from api.common.calendar import YearRules, add_working_days, is_working_day, working_days_between
from api.common.errors import Invalid

D = dt.date


class Fixed:
    """An override source as the calendar domain would give it, without a database."""

    def __init__(self, years):
        self.years = years

    def year(self, year):
        return self.years.get(year, YearRules())


NONE = calendar.NoOverrides()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 26), True),  # Sunday, made up for Spring Festival
        (D(2025, 1, 28), False),  # 除夕
        (D(2025, 2, 4), False),
        (D(2025, 2, 8), True),  # Saturday, made up
        (D(2025, 9, 28), True),  # Sunday, made up for National Day
        (D(2025, 10, 8), False),
        (D(2025, 10, 11), True),  # Saturday, made up
        (D(2026, 2, 14), True),  # Saturday before Spring Festival, made up
        (D(2026, 2, 23), False),
        (D(2026, 2, 28), True),  # Saturday, made up
        (D(2026, 9, 20), True),  # Sunday, made up
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, made up
        (D(2026, 10, 17), False),  # an ordinary Saturday
    ],
)
def test_builtin_holidays_and_make_up_days(day, working):
    assert is_working_day(day, NONE) is working


def test_spring_festival_deadlines():
    assert add_working_days(D(2025, 1, 27), 1, NONE) == D(2025, 2, 5)
    assert add_working_days(D(2026, 2, 13), 1, NONE) == D(2026, 2, 14)  # the make-up Saturday counts
    assert add_working_days(D(2026, 2, 14), 1, NONE) == D(2026, 2, 24)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 28), NONE) == 6  # the 14th, 24th-27th and 28th
    assert add_working_days(D(2026, 2, 24), -1, NONE) == D(2026, 2, 14)


def test_national_day_deadlines():
    assert add_working_days(D(2025, 9, 30), 1, NONE) == D(2025, 10, 9)
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 12), NONE) == 6
    assert add_working_days(D(2026, 9, 30), 3, NONE) == D(2026, 10, 10)
    assert working_days_between(D(2026, 10, 12), D(2026, 9, 30), NONE) == -4


@pytest.mark.parametrize("days", [0, 1, 5, 15, 60])
def test_between_inverts_add(days):
    start = D(2025, 12, 20)
    assert working_days_between(start, add_working_days(start, days, NONE), NONE) == days


def test_a_utc_moment_counts_by_its_shanghai_date():
    friday_evening_utc = dt.datetime(2026, 2, 13, 15, 59, tzinfo=dt.timezone.utc)  # 23:59 Friday in Beijing
    saturday_utc = dt.datetime(2026, 2, 13, 16, 30, tzinfo=dt.timezone.utc)  # 00:30 Saturday in Beijing
    assert add_working_days(friday_evening_utc, 1, NONE) == D(2026, 2, 14)
    assert add_working_days(saturday_utc, 1, NONE) == D(2026, 2, 24)
    assert add_working_days(dt.datetime(2026, 2, 13, 16, 30), 1, NONE) == D(2026, 2, 24)  # naive = UTC, as stored
    assert is_working_day(dt.datetime(2026, 10, 9, 16, 0, tzinfo=dt.timezone.utc), NONE)  # Sat 10th in Beijing


def test_overrides_take_precedence():
    local = Fixed({2026: YearRules(days={D(2026, 10, 9): False, D(2026, 10, 17): True})})
    assert not is_working_day(D(2026, 10, 9), local)
    assert is_working_day(D(2026, 10, 17), local)
    assert add_working_days(D(2026, 9, 30), 1, local) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 8), 1, local) == D(2026, 10, 10)


def test_a_year_past_the_data_refuses_to_guess():
    year = max(calendar.BUILTIN_YEARS) + 1
    with pytest.raises(Invalid) as raised:
        is_working_day(D(year, 3, 2), NONE)
    assert f"{year}年的节假日安排尚未公布" in raised.value.message
    with pytest.raises(Invalid):
        add_working_days(D(year - 1, 12, 30), 5, NONE)  # a deadline that runs into the unknown year
    with pytest.raises(Invalid):
        is_working_day(D(year, 3, 2), Fixed({year: YearRules(days={D(year, 1, 1): False})}))  # a row is not a year


def test_a_year_the_staff_maintained_uses_weekends_and_their_days():
    year = max(calendar.BUILTIN_YEARS) + 1
    maintained = Fixed({year: YearRules(days={D(year, 1, 1): False}, maintained=True)})
    first_monday = next(D(year, 1, n) for n in range(1, 8) if D(year, 1, n).weekday() == 0)
    assert not is_working_day(D(year, 1, 1), maintained)
    assert is_working_day(first_monday, maintained)
    assert not is_working_day(first_monday + dt.timedelta(days=5), maintained)  # Saturday


def test_the_registered_source_is_used_by_default(app):
    from api.calendar.services import OVERRIDES

    assert calendar.current_source() is OVERRIDES
