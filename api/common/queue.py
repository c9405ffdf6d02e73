"""The task queue: Huey on the app's Redis (see README for why Huey).

Tasks are declared at import time, before any app exists, so the Huey instance gets its storage
when the factory calls `init_app`. Task bodies run inside an app context with a database
connection, whichever process executes them.
"""
import functools

from flask import has_app_context
from huey import RedisHuey

_worker_app = None


class LazyRedisHuey(RedisHuey):
    def init_app(self, app, connection_pool):
        self.storage_kwargs = {"connection_pool": connection_pool}
        self.storage = self.create_storage()
        app.extensions["huey"] = self


def _in_app(func):
    @functools.wraps(func)
    def run_in_app(*args, **kwargs):
        from api.extensions import db

        if has_app_context():
            with db.connection_context():
                return func(*args, **kwargs)
        with _app_for_worker().app_context(), db.connection_context():
            return func(*args, **kwargs)

    return run_in_app


def app_task(huey, **options):
    """`huey.task` whose body runs in an app context with an open database connection."""

    def decorate(func):
        return huey.task(**options)(_in_app(func))

    return decorate


def app_periodic_task(huey, schedule, **options):
    def decorate(func):
        return huey.periodic_task(schedule, **options)(_in_app(func))

    return decorate


def set_worker_app(app):
    global _worker_app
    _worker_app = app


def _app_for_worker():
    if _worker_app is None:
        from api import create_app

        set_worker_app(create_app())
    return _worker_app


def run_pending(huey, limit=10_000):
    """Execute queued tasks in this process, as a consumer would; returns how many ran.

    Used by `deputyhub run-jobs` and by tests that drive the real queue step by step.
    """
    ran = 0
    while ran < limit:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task)
        ran += 1
    return ran
