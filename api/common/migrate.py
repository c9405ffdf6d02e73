"""Versioned schema migrations (peewee-migrate): files in api/migrations, applied in order."""
import contextlib
import importlib
import os
import pkgutil

from peewee_migrate import Router

import api
from api.common.db import BaseModel
from api.extensions import db

MIGRATIONS_DIR = os.path.join(os.path.dirname(api.__file__), "migrations")


def all_models():
    """Every table the code defines, parents before children."""
    for info in pkgutil.iter_modules(api.__path__):
        if info.ispkg and os.path.exists(os.path.join(api.__path__[0], info.name, "models.py")):
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

    def key(idx):
        return tuple(auto._index_fields(idx)), bool(idx._unique)

    def diff_model_indexes(model, source, *, fields_to_add=None, fields_to_remove=None):
        wanted = {key(idx): idx for idx in model._meta.fields_to_index()}
        existing = {key(idx): idx for idx in source._meta.fields_to_index()}
        drops = [
            auto.drop_index(idx)
            for k, idx in existing.items()
            if k not in wanted and not auto._is_implicit_field_index(idx, fields_to_remove or set())
        ]
        adds = [
            auto.add_index(idx)
            for k, idx in wanted.items()
            if k not in existing and not auto._is_implicit_field_index(idx, fields_to_add or set())
        ]
        return drops + adds

    original = auto.diff_model_indexes
    auto.diff_model_indexes = diff_model_indexes
    try:
        yield
    finally:
        auto.diff_model_indexes = original
