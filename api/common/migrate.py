"""Versioned schema migrations (peewee-migrate): files in api/migrations, applied in order."""
import contextlib
import importlib
import os
import pkgutil

from peewee_migrate import Router

from api.common.db import BaseModel
from api.common.private_api import index_is_unique, migrate_index_helpers
from api.extensions import db

# The application package, found by path: importing `api` itself would import every domain into common.
API_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIGRATIONS_DIR = os.path.join(API_DIR, "migrations")


def all_models():
    """Every table the code defines, parents before children."""
    # Tables of the shared kernel live in common modules, not in a domain's models.py.
    importlib.import_module("api.common.audit")
    importlib.import_module("api.common.workflow")
    importlib.import_module("api.common.events")
    importlib.import_module("api.common.similarity")
    importlib.import_module("api.common.search")
    importlib.import_module("api.common.idempotency")
    for info in pkgutil.iter_modules([API_DIR]):
        if info.ispkg and os.path.exists(os.path.join(API_DIR, info.name, "models.py")):
            importlib.import_module(f"api.{info.name}.models")
    seen, ordered = set(), []

    def visit(model):
        for sub in model.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                ordered.append(sub)
                visit(sub)

    visit(BaseModel)
    from peewee import sort_models

    return sort_models(ordered)


def router():
    return Router(db.obj, migrate_dir=MIGRATIONS_DIR, ignore=["basemodel"])


def upgrade():
    """Apply every pending migration; returns the names applied."""
    r = router()
    pending = list(r.diff)
    if pending:
        r.run()
    return pending


def make_migration(name):
    """Write a new migration for whatever the models changed since the last one."""
    with _indexes_matched_by_columns():
        return router().create(name, auto=all_models())


@contextlib.contextmanager
def _indexes_matched_by_columns():
    """peewee-migrate matches indexes by name, and the names differ between the app's models
    (legacy_table_names=False: "handling_unit_name") and the migrations' models ("handlingunit_name"),
    so every index came out dropped and re-added, by a name the database does not have. Match
    indexes by what they cover instead."""
    from peewee_migrate import auto

    index_fields, is_implicit_field_index = migrate_index_helpers()

    def key(idx):
        return tuple(index_fields(idx)), index_is_unique(idx)

    def diff_model_indexes(model, source, *, fields_to_add=None, fields_to_remove=None):
        wanted = {key(idx): idx for idx in model._meta.fields_to_index()}
        existing = {key(idx): idx for idx in source._meta.fields_to_index()}
        drops = [
            auto.drop_index(idx)
            for k, idx in existing.items()
            if k not in wanted and not is_implicit_field_index(idx, fields_to_remove or set())
        ]
        adds = [
            auto.add_index(idx)
            for k, idx in wanted.items()
            if k not in existing and not is_implicit_field_index(idx, fields_to_add or set())
        ]
        return drops + adds

    original = auto.diff_model_indexes
    auto.diff_model_indexes = diff_model_indexes
    try:
        yield
    finally:
        auto.diff_model_indexes = original
