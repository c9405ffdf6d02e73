"""Many deputies' figures from the kept counts: members paged, totals over all of them, events ahead left out."""
import datetime as dt

import pytest

from api.common import events
from api.common.db import utcnow
from api.common.events import PerformanceAhead
from api.common.queue import run_pending
from api.common.timezone import local
from api.extensions import huey
from api.records.tasks import forget_arrived_events
from tests import factories
from tests.records.conftest import URL, at, put_event, this_year
from tests.support import assert_error_shape


def test_members_come_a_page_at_a_time_while_the_totals_cover_everyone(office):
    year = this_year() - 1
    delegation = factories.delegation(name="分页代表团")
    deputies = [factories.deputy(delegation=delegation, code=f"P{n:03d}") for n in range(5)]
    for n, deputy in enumerate(deputies):
        for k in range(n):  # P000 has nothing, P004 has four
            put_event(deputy, "activity.attend", 100 * n + k, at(year, 4))

    def figures(**args):
        response = office.get(f"{URL}/figures", query_string={"year": year, "delegation_id": delegation.id, **args})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    first, last = figures(page=1, page_size=2), figures(page=3, page_size=2)
    assert [m["code"] for m in first["members"]] == ["P000", "P001"]
    assert [(m["code"], m["total"]) for m in last["members"]] == [("P004", 4)]
    for page in (first, last):  # the summary is the whole delegation's, whichever page
        assert (page["deputies"], page["active"], page["total"], page["average"]) == (5, 4, 10, 2.0)
    assert (last["page"], last["page_size"]) == (3, 2)
    assert len(figures()["members"]) == 5  # 50 a page unless asked
    for bad in ({"page_size": 201}, {"page_size": 0}, {"page": 0}):
        assert_error_shape(office.get(f"{URL}/figures", query_string=bad), 422)


def test_an_event_ahead_is_in_no_figure_until_its_time(office, clock):
    now = utcnow()
    delegation = factories.delegation(name="预告代表团")
    waiting, served = factories.deputy(delegation=delegation), factories.deputy(delegation=delegation)
    put_event(served, "meeting.attend", 1, now - dt.timedelta(hours=1))
    put_event(waiting, "station.reception", 2, now + dt.timedelta(minutes=30))
    put_event(served, "station.reception", 3, now + dt.timedelta(minutes=30))
    year = this_year()
    if {local(now - dt.timedelta(hours=1)).year, local(now + dt.timedelta(hours=1)).year} != {year}:
        pytest.skip("the hour around a new year: the events would fall in two years")

    def summary():
        figures = office.get(f"{URL}/figures", query_string={"year": year, "delegation_id": delegation.id}).get_json()
        row = next(r for r in office.get(f"{URL}/comparison", query_string={"year": year}).get_json()["rows"]
                   if r["id"] == delegation.id)
        members = {m["id"]: m["total"] for m in figures["members"]}
        return (figures["active"], figures["total"]), (row["active"], row["total"]), members

    assert summary() == ((1, 1), (1, 1), {waiting.id: 0, served.id: 1})
    clock(now + dt.timedelta(hours=1))
    assert summary() == ((2, 3), (2, 3), {waiting.id: 1, served.id: 2})

    # The nightly job drops the rows of events whose time has come (here as of the clock); the figures stay.
    put_event(served, "meeting.attend", 4, now + dt.timedelta(days=3))  # still ahead then: kept
    forget_arrived_events()
    assert run_pending(huey) == 1  # the job runs (as of the real time, nothing has arrived yet)
    assert PerformanceAhead.select().count() == 3
    assert events.forget_arrived(now + dt.timedelta(hours=1)) == 2
    assert list(PerformanceAhead.select(PerformanceAhead.kind).tuples()) == [("meeting.attend",)]
    assert summary() == ((2, 3), (2, 3), {waiting.id: 1, served.id: 2})
