"""Demo data is realistic in size and deterministic for a seed."""
from peewee import fn

from api.auth.models import User
from api.common.migrate import all_models
from api.demo import seed_demo_data
from api.deputies.models import Deputy, DeputyStation
from api.org.models import Congress, HandlingUnit, Station


def snapshot():
    rows = Deputy.select().order_by(Deputy.code)
    return [(d.code, d.name, d.gender, d.delegation.name, d.congress.level, d.grassroots, d.phone) for d in rows]


def test_seed_builds_a_municipal_congress(app):
    seed_demo_data(seed=7)
    assert Deputy.select().count() == 548
    levels = Deputy.select(Congress.level, fn.COUNT(Deputy.id)).join(Congress).group_by(Congress.level).tuples()
    assert dict(levels) == {"municipal": 500, "provincial": 40, "national": 8}
    two_seats = Deputy.select(Deputy.phone_hash).group_by(Deputy.phone_hash).having(fn.COUNT(Deputy.id) > 1)
    assert two_seats.count() == 3 and not User.select().where(User.deputy.is_null(False)).exists()
    assert Station.select().count() == 20 and HandlingUnit.select().count() == 30
    assert 0.2 < Deputy.select().where(Deputy.grassroots).count() / 548 < 0.5
    assert DeputyStation.select().count() >= 500
    assert {u.role for u in User.select()} >= {"admin", "staff", "station_staff", "unit_user"}
    assert seed_demo_data(seed=7, if_empty=True) == ["demo data already present; nothing changed"]


def test_same_seed_same_data(app):
    seed_demo_data(seed=11)
    first = snapshot()
    for model in reversed(all_models()):
        model.delete().execute()
    seed_demo_data(seed=11)
    assert snapshot() == first
