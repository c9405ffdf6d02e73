"""Versioned schema migrations (peewee-migrate): files in api/migrations, applied in order."""
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
    return router().create(name, auto=all_models())
