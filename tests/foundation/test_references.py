"""Delete guards across domains: the referencing domain registers its reason, the owner asks."""
import subprocess
import sys

from api.common.references import guards_deletion_of, reason_in_use


class Row:
    """A model of no other domain: nothing guards it."""


def test_first_registered_reason_wins_and_unguarded_models_pass():
    assert reason_in_use(Row()) is None

    @guards_deletion_of(Row)
    def never(row):
        return None

    @guards_deletion_of(Row)
    def always(row):
        return "仍被引用，不能删除。"

    guards_deletion_of(Row)(always)  # registering twice (a module imported again) adds nothing
    assert reason_in_use(Row()) == "仍被引用，不能删除。"


def test_the_factory_registers_every_domains_guards_before_serving(tmp_path, redis_url):
    """In a fresh process, building the app (which imports every module) is enough: no request needed."""
    script = (
        "from api import create_app\n"
        "from api.common.references import guards_of\n"
        "from api.org.models import Congress, Delegation, DeputyGroup, HandlingUnit, Station\n"
        # The suite's Redis: without REDIS_URL the factory would start an embedded server and leave it running.
        f"create_app('testing', instance_path={str(tmp_path)!r}, DATABASE_URL='sqlite:///{tmp_path}/x.db',"
        f" REDIS_URL={redis_url!r})\n"
        "for model in (Congress, Delegation, DeputyGroup, Station, HandlingUnit):\n"
        "    print(model.__name__, *(g.__module__ for g in guards_of(model)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.splitlines() == [
        "Congress api.deputies.models",
        "Delegation api.deputies.models",
        "DeputyGroup api.deputies.models",
        "Station api.deputies.models api.auth.models api.stations.models",
        "HandlingUnit api.auth.models",
    ]
