"""Issue 7 §7: each private library API we still use, in one function, failing loudly if an upgrade changes it."""
import peewee
from peewee import CharField, Model, SqliteDatabase

from api.common import private_api
from api.extensions import api, huey


def test_apispec_paths_are_the_operations_by_path(app):
    paths = private_api.spec_paths(api.spec)
    assert isinstance(paths, dict) and "/api/v1/deputies" in paths
    operation = paths["/api/v1/deputies"]["get"]
    assert "responses" in operation and "500" in operation["responses"], "apispec changed its path store"


def test_huey_registry_round_trips_a_task_name(app):
    task = huey.task()(_sample_task)
    name = private_api.huey_task_name(huey, task.task_class)
    assert isinstance(name, str) and name.endswith("_sample_task")
    assert private_api.huey_task_class(huey, name) is task.task_class


def _sample_task():
    return None


def test_peewee_migrate_index_helpers_keep_their_shape():
    index_fields, is_implicit = private_api.migrate_index_helpers()

    class Sample(Model):
        name = CharField(index=True)
        code = CharField()

        class Meta:
            database = SqliteDatabase(":memory:")
            indexes = ((("name", "code"), True),)

    indexes = Sample._meta.fields_to_index()
    composite = next(idx for idx in indexes if len(index_fields(idx)) == 2)
    single = next(idx for idx in indexes if len(index_fields(idx)) == 1)
    assert [str(f) for f in index_fields(composite)] == ["name", "code"]
    assert private_api.index_is_unique(composite) is True and private_api.index_is_unique(single) is False
    assert is_implicit(single, {"name"}) in (True, False)  # callable with (index, field names)
    assert isinstance(composite, peewee.ModelIndex)
