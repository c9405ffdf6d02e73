"""Tiny model factories: each makes one valid row with unique names; pass fields to override."""
import datetime as dt
import itertools

from api.deputies.models import Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.org.models import Congress, Delegation, DeputyGroup, HandlingUnit, Station

_counter = itertools.count(1)


def congress(**fields):
    """The deployment's own congress unless `is_own=False`; asking for the own one again updates it."""
    fields = {"name": "福州市人大常委会", "level": "municipal", "current_term": 17, "is_own": True, **fields}
    own = Congress.get_or_none(Congress.is_own == True) if fields["is_own"] else None  # noqa: E712
    if own is None:
        return Congress.create(**fields)
    Congress.update(**fields).where(Congress.id == own.id).execute()
    return Congress.get_by_id(own.id)


def own_congress():
    return Congress.get_or_none(Congress.is_own == True) or congress()  # noqa: E712


def delegation(**fields):
    return Delegation.create(**{"name": f"测试代表团{next(_counter)}", **fields})


def group(**fields):
    return DeputyGroup.create(**{"name": f"测试代表小组{next(_counter)}", **fields})


def station(**fields):
    return Station.create(**{"name": f"测试代表联络站{next(_counter)}", **fields})


def unit(**fields):
    return HandlingUnit.create(**{"name": f"测试承办单位{next(_counter)}", **fields})


def deputy(phone=None, groups=(), stations=(), expertise=(), **fields):
    """A serving deputy; `phone` is stored the real way (encrypted, with its blind index)."""
    n = next(_counter)
    if "delegation" not in fields:
        fields["delegation"] = delegation()
    if "congress" not in fields:
        fields["congress"] = own_congress()
    record = Deputy(**{"code": f"T{n:05d}", "name": f"代表{n}", "gender": "男", "term": 17, **fields})
    record.set_phone(phone)
    record.save()
    for each in groups:
        DeputyGroupMember.create(deputy=record, group=each)
    for each in stations:
        DeputyStation.create(deputy=record, station=each)
    for each in expertise:
        DeputyExpertise.create(deputy=record, field=each)
    return record


def answered_case(unit, forwarded_at, days, rating, due_date, **fields):
    """A constituent's case that `unit` answered `days` after it was forwarded, rated `rating`."""
    from api.feedback.intake import new_tracking_code
    from api.feedback.models import FeedbackCase

    answered_at = forwarded_at + dt.timedelta(days=days)
    fields = {"station": station(), "category": "其他", "content": "小区路灯坏了，晚上看不见路。", "state": "rated",
              "unit": unit, "forwarded_at": forwarded_at, "due_date": due_date, "rating": rating,
              "created_at": forwarded_at, "first_unit": unit, "first_forwarded_at": forwarded_at,
              "first_answer_at": answered_at, "first_due_date": due_date, **fields}
    return FeedbackCase.create(tracking_code=new_tracking_code(), **fields)
