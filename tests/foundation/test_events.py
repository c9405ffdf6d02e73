"""The shared performance-event table: one event per deputy, kind and object; timelines; the counts kept beside it."""
import datetime as dt

import pytest

from api.common.events import (
    PerformanceCount,
    PerformanceEvent,
    counts_by_deputy,
    events_of,
    forget_event,
    record_event,
    recount,
    totals,
    yearly_counts,
)
from api.common.timezone import local

UTC = dt.timezone.utc


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def test_recording_again_updates_the_one_event(app):
    record_event(1, "notice.reply", "notice", 10, payload={"option": "参加"}, occurred_at=at(2026, 3, 1, 2))
    record_event(1, "notice.reply", "notice", 10, payload={"option": "请假"}, occurred_at=at(2026, 3, 2, 2))
    (event,) = PerformanceEvent.select()
    assert (event.payload, event.occurred_at) == ({"option": "请假"}, at(2026, 3, 2, 2))
    # Another object, kind or deputy is another event.
    record_event(1, "notice.reply", "notice", 11)
    record_event(1, "meeting.attend", "notice", 10)
    record_event(2, "notice.reply", "notice", 10)
    assert PerformanceEvent.select().count() == 4


def test_a_deputys_timeline_is_newest_first_and_filterable(app):
    record_event(1, "notice.reply", "notice", 1, occurred_at=at(2026, 1, 5))
    record_event(1, "meeting.attend", "meeting", 1, occurred_at=at(2026, 2, 5))
    record_event(1, "notice.reply", "notice", 2, occurred_at=at(2026, 3, 5))
    record_event(2, "notice.reply", "notice", 2, occurred_at=at(2026, 4, 5))
    assert [(e.kind, e.object_id) for e in events_of(1)] == [
        ("notice.reply", 2), ("meeting.attend", 1), ("notice.reply", 1),
    ]
    assert [e.object_id for e in events_of(1, kinds=["notice.reply"], since=at(2026, 2, 1))] == [2]
    assert forget_event(1, "notice.reply", "notice", 2) is True
    assert events_of(1).count() == 2


def test_yearly_counts_use_china_years(app):
    # 2025-12-31 17:00 UTC is already 2026-01-01 01:00 in Beijing.
    record_event(1, "notice.reply", "notice", 1, occurred_at=at(2025, 12, 31, 17))
    record_event(1, "notice.reply", "notice", 2, occurred_at=at(2025, 12, 31, 15))
    record_event(1, "meeting.attend", "meeting", 1, occurred_at=at(2026, 6, 1))
    assert yearly_counts(1, 2026) == {"notice.reply": 1, "meeting.attend": 1}
    assert yearly_counts(1, 2025) == {"notice.reply": 1}
    assert yearly_counts(2, 2026) == {}


def test_payloads_stay_small(app):
    with pytest.raises(ValueError):
        record_event(1, "notice.reply", "notice", 1, payload={"text": "长" * 3000})


def kept_counts():
    return sorted(PerformanceCount.select(PerformanceCount.deputy_id, PerformanceCount.year, PerformanceCount.kind,
                                          PerformanceCount.n).where(PerformanceCount.n > 0).tuples())


def test_the_database_keeps_the_counts_through_every_change(app):
    record_event(1, "notice.reply", "notice", 1, occurred_at=at(2025, 12, 31, 15))  # 2025 in Beijing
    record_event(1, "notice.reply", "notice", 2, occurred_at=at(2025, 6, 1))
    assert kept_counts() == [(1, 2025, "notice.reply", 2)]
    record_event(1, "notice.reply", "notice", 1, occurred_at=at(2025, 12, 31, 17))  # recorded again: now 2026
    assert kept_counts() == [(1, 2025, "notice.reply", 1), (1, 2026, "notice.reply", 1)]
    PerformanceEvent.update(deputy_id=2).where(PerformanceEvent.object_id == 2).execute()  # any writer, not only ours
    forget_event(1, "notice.reply", "notice", 1)
    assert kept_counts() == [(2, 2025, "notice.reply", 1)]
    record_event(3, "meeting.attend", "meeting", 5, occurred_at=at(2024, 1, 1))
    kept = kept_counts()
    recount()  # what a bulk load that bypassed the triggers runs after: the same counts, set-based
    assert kept_counts() == kept


def test_an_event_ahead_counts_only_once_its_time_has_come(app):
    now = dt.datetime.now(UTC)
    record_event(1, "station.reception", "reception", 1, occurred_at=now + dt.timedelta(days=2))
    record_event(1, "notice.reply", "notice", 1, occurred_at=now - dt.timedelta(days=2))
    years = local(now - dt.timedelta(days=2)).year, local(now + dt.timedelta(days=2)).year

    def on_record(moment):
        counted = counts_by_deputy([1], *years, moment).get(1, {})
        return {kind: n for kinds in counted.values() for kind, n in kinds.items()}

    assert on_record(now) == {"notice.reply": 1}
    assert on_record(now + dt.timedelta(days=3)) == {"notice.reply": 1, "station.reception": 1}
    assert totals([1], years[1], now + dt.timedelta(days=3))[1] == 1
    record_event(1, "station.reception", "reception", 1, occurred_at=now - dt.timedelta(hours=1))  # moved earlier
    assert on_record(now) == {"notice.reply": 1, "station.reception": 1}
