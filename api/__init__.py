"""deputyhub: the application factory."""
import contextlib
import importlib
import inspect
import os

from flask import Flask, send_from_directory
from flask.sessions import SessionInterface

from api import extensions
from api.common import db as db_setup
from api.common import errors, http, logs, openapi
from api.modules import MODULES
from config import load_config


def create_app(config_name=None, instance_path=None, **overrides):
    instance_path = instance_path or os.environ.get("DEPUTYHUB_INSTANCE") or None
    app = DeputyhubFlask(__name__, instance_path=instance_path, instance_relative_config=True, static_folder=None)
    app.config.update(load_config(config_name))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides)
    app.config.update(openapi.SETTINGS)
    os.makedirs(app.instance_path, exist_ok=True)
    # The API is stateless (bearer tokens); Flask's signed-cookie session would only cost time per request.
    app.session_interface = StatelessSessions()

    logs.init_app(app)
    db_setup.init_app(app)
    extensions.redis_store.init_app(app)
    extensions.huey.init_app(app, extensions.redis_store.pool)
    http.init_app(app)

    extensions.api.init_app(app)
    for module in MODULES:
        extensions.api.register_blueprint(importlib.import_module(f"api.{module}.resources").blp)
        _import_optional(f"api.{module}.tasks")
    openapi.finish(extensions.api)
    errors.register(app)

    @app.route("/docs/static/<path:filename>")
    def swagger_ui_static(filename):
        return send_from_directory(openapi.swagger_ui_dir(), filename, max_age=86400)

    from api import cli

    cli.register(app)
    return app


class DeputyhubFlask(Flask):
    """Flask, remembering which functions are coroutines.

    Flask asks `inspect.iscoroutinefunction` of every hook and view on every request; the answer
    never changes, and asking a dozen times a request was a visible share of a cached read.
    """

    def ensure_sync(self, func):
        plain = getattr(func, "__func__", func)  # a bound method is new per request; its function is not
        try:
            is_coroutine = _coroutine_functions[plain]
        except (KeyError, TypeError):
            is_coroutine = inspect.iscoroutinefunction(func)
            with contextlib.suppress(TypeError):  # unhashable callables are simply not remembered
                _coroutine_functions[plain] = is_coroutine
        return self.async_to_sync(func) if is_coroutine else func


_coroutine_functions = {}


class StatelessSessions(SessionInterface):
    def open_session(self, app, request):
        return None  # Flask substitutes a null session that refuses writes

    def save_session(self, app, session, response):
        pass


def _import_optional(name):
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
