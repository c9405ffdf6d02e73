"""Tiny model factories: each makes one valid row with unique names; pass fields to override."""
import itertools

from api.deputies.models import Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.org.models import Congress, Delegation, DeputyGroup, HandlingUnit, Station

_counter = itertools.count(1)


def congress(**fields):
    return Congress.create(**{"name": "福州市人大常委会", "level": "municipal", "current_term": 17, **fields})


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
