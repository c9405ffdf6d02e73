"""Who sees which cases: the object scope behind the permission table's `feedback:*` rows.

- the office (admin, staff): every case;
- station staff: the cases of their stations;
- deputies: the cases of the stations they serve, once screened (flagged content waits for staff);
- handling units: the cases forwarded to them, while they hold them;
- constituents: their own cases (`my-cases`), and anyone any case by its tracking code (public view).

A case outside the caller's scope is 404, as if it did not exist.
"""
from peewee import fn

from api.common.errors import NotFound
from api.common.permissions import CONSTITUENT, DEPUTY, OFFICE, STATION_STAFF, UNIT_USER
from api.deputies.models import DeputyStation
from api.feedback.models import REVIEW, SCREENING, FeedbackCase

HIDDEN_FROM_DEPUTIES = (SCREENING, REVIEW)


def scope_condition(principal):
    """A WHERE condition on FeedbackCase limiting it to what `principal` may see."""
    role = principal.role
    if role in OFFICE:
        return FeedbackCase.id > 0
    if role == STATION_STAFF:
        return FeedbackCase.station.in_(list(principal.station_ids) or [0])
    if role == DEPUTY:
        stations = DeputyStation.select(DeputyStation.station).where(
            DeputyStation.deputy.in_(list(principal.deputy_ids) or [0])
        )
        return FeedbackCase.station.in_(stations) & FeedbackCase.state.not_in(HIDDEN_FROM_DEPUTIES)
    if role == UNIT_USER:
        return FeedbackCase.unit == (principal.unit_id or 0)
    if role == CONSTITUENT:
        return FeedbackCase.submitter == principal.user_id
    return FeedbackCase.id < 0


def responsible_unit():
    """The unit a case counts for in statistics: the one that answered it first, else the one holding it."""
    return fn.COALESCE(FeedbackCase.first_unit, FeedbackCase.unit)


def stats_condition(principal):
    """Whose figures the caller sees: the office all, station staff their stations', a unit its own (the cases
    it answered first or holds now). Deputies and constituents see no statistics (not in the permission)."""
    role = principal.role
    if role in OFFICE:
        return FeedbackCase.id > 0
    if role == STATION_STAFF:
        return FeedbackCase.station.in_(list(principal.station_ids) or [0])
    if role == UNIT_USER:
        return responsible_unit() == (principal.unit_id or 0)
    return FeedbackCase.id < 0


def visible_case(case_id, principal):
    case = FeedbackCase.select().where(FeedbackCase.id == case_id, scope_condition(principal)).first()
    if case is None:
        raise NotFound("事项不存在。")
    return case


def handles_station(case, principal):
    """Station staff of this case's station: they decide it and may see who wrote."""
    return principal.role == STATION_STAFF and case.station_id in principal.station_ids


def handles_as_unit(case, principal):
    return principal.role == UNIT_USER and principal.unit_id is not None and case.unit_id == principal.unit_id


def sees_contact(case, principal):
    return handles_station(case, principal) or handles_as_unit(case, principal)
