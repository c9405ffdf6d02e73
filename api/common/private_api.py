"""Every use of a library's private API, each in one function, with the version range it was checked on.

Each has a test (tests/input/test_private_api.py) that fails loudly when an upgrade changes it; the
versions are pinned in pyproject.toml. Nothing else in the code may touch a library's `_name`.
"""


def spec_paths(spec):
    """apispec (flask-smorest 0.47, apispec 6.x): the operations by path, to add responses every operation
    can give. apispec has no public way to edit an operation after `path()` registered it."""
    return spec._paths


def huey_task_name(huey, task_class):
    """Huey 3.5: the registry's name for a task class, stored in the database outbox to re-enqueue later."""
    return huey._registry.task_to_string(task_class)


def huey_task_class(huey, name):
    """Huey 3.5: the task class for a stored name (raises HueyException for an unknown one)."""
    return huey._registry.string_to_task(name)


def migrate_index_helpers():
    """peewee-migrate 2.3: (fields of an index, "is this index implied by a field being added/removed")."""
    from peewee_migrate import auto

    return auto._index_fields, auto._is_implicit_field_index


def index_is_unique(index):
    """peewee 3.17+/4.x: whether a ModelIndex is unique (no public accessor)."""
    return bool(index._unique)
