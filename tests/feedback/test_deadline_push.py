"""The deadline job reaches who must act: the unit's accounts, the station's staff (or the office), its deputies."""
import datetime as dt
import itertools

from api.deputies.models import DeputyStation
from api.feedback.deadlines import mark_deadlines
from api.push.models import Delivery, SubscriptionCredit
from tests import factories
from tests.push.conftest import bound_deputy, drain
from tests.support import make_user

DAY = dt.date(2026, 11, 30)  # Monday
_openids = itertools.count(1)


def account(role, bound=True, **attributes):
    user = make_user(role, openid=f"o-due-{next(_openids)}" if bound else None, **attributes)
    SubscriptionCredit.create(user=user, template="reminder", remaining=5)
    return user


def notified(case):
    """(deputy id, account id, scope prefix, status) of each push about the case."""
    rows = Delivery.select().where(Delivery.source_type == "feedback_case", Delivery.source_id == case.id)
    return sorted((d.deputy_id or 0, d.addressee_id or 0, d.scope.split("-")[0], d.status) for d in rows)


def test_near_and_overdue_reach_the_units_accounts_the_station_staff_and_deputies(app, standin, make_case, unit,
                                                                                   station):
    deputy = bound_deputy(credits=5, template="reminder")
    DeputyStation.create(deputy=deputy, station=station)
    unit_user, unit_unbound = account("unit_user", unit=unit), account("unit_user", bound=False, unit=unit)
    station_staff = account("station_staff", stations=[station])
    # Not theirs: another unit, another station, the office (this station has staff), a disabled account.
    other_unit = account("unit_user", unit=factories.unit())
    other_station = account("station_staff", stations=[factories.station()])
    office = account("staff")
    disabled = account("station_staff", stations=[station], is_active=False)
    overdue = make_case("forwarded", unit=unit, due_date=dt.date(2026, 11, 27))
    near = make_case("forwarded", unit=unit, due_date=dt.date(2026, 12, 2))

    assert mark_deadlines(DAY) == {"near": 1, "overdue": 1}
    drain()

    for case, mark in ((overdue, "overdue"), (near, "near")):
        assert notified(case) == sorted([
            (0, unit_user.id, mark, "sent"),
            (0, unit_unbound.id, mark, "skipped"),
            (0, station_staff.id, mark, "sent"),
            (deputy.id, 0, mark, "sent"),
        ])
    skipped = Delivery.get(Delivery.addressee == unit_unbound.id, Delivery.source_id == near.id)
    assert skipped.reason == "账号未绑定微信或已停用"
    reached = [m["openid"] for m in standin.messages()]
    assert sorted(reached) == sorted([unit_user.openid, station_staff.openid, deputy.user.openid] * 2)
    assert not {other_unit.openid, other_station.openid, office.openid, disabled.openid} & set(reached)
    messages = {m["data"]["thing1"]["value"] for m in standin.messages()}
    assert messages == {"群众意见临近答复期限", "群众意见已超过答复期限"}

    assert mark_deadlines(DAY) == {"near": 0, "overdue": 0}
    drain()
    assert len(standin.messages()) == 6  # nobody twice


def test_a_station_without_staff_accounts_is_looked_after_by_the_office(app, standin, make_case, unit, station):
    office = account("staff")
    case = make_case("forwarded", unit=unit, due_date=dt.date(2026, 11, 27))
    assert mark_deadlines(DAY)["overdue"] == 1
    drain()
    assert notified(case) == [(0, office.id, "overdue", "sent")]


def test_a_new_due_date_is_notified_again(app, standin, make_case, unit, station):
    staff = account("station_staff", stations=[station])
    case = make_case("forwarded", unit=unit, due_date=dt.date(2026, 12, 2))
    mark_deadlines(DAY)
    # An approved extension moves the date and clears the mark (see test_deadlines).
    case.due_date, case.due_mark = dt.date(2026, 12, 9), None
    case.save()
    mark_deadlines(dt.date(2026, 12, 7))
    drain()
    scopes = sorted(d.scope for d in Delivery.select().where(Delivery.addressee == staff.id))
    assert scopes == ["near-2026-12-02", "near-2026-12-09"]
