"""deputyhub: the application factory."""
import importlib
import os

from flask import Flask, send_from_directory
from flask.sessions import SessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from api import console, extensions
from api.common import db as db_setup
from api.common import errors, http, inputs, logs, openapi
from api.common import redis as redis_setup
from api.modules import MODULES
from config import check_config, load_config


def create_app(config_name=None, instance_path=None, **overrides):
    instance_path = instance_path or os.environ.get("DEPUTYHUB_INSTANCE") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True, static_folder=None)
    app.config.update(load_config(config_name, check=False))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides)
    # Checked only now, so a default secret in instance/config.py is refused too.
    check_config(app.config)
    app.config.update(openapi.SETTINGS)
    os.makedirs(app.instance_path, exist_ok=True)
    # Chinese in JSON answers as UTF-8, not \uXXXX escapes: a third of the bytes, and readable.
    app.json.ensure_ascii = False
    # The API is stateless (bearer tokens); Flask's signed-cookie session would only cost time per request.
    app.session_interface = StatelessSessions()
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        # Trust X-Forwarded-For/-Proto from exactly this many hops; anything a client adds in front of
        # them is ignored, so `http.client_address()` is the address the outermost trusted proxy saw.
        # Not X-Forwarded-Host: a proxy that passes Host through would let a client choose it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    logs.init_app(app)
    db_setup.init_app(app)
    extensions.redis_store.init_app(app)
    extensions.huey.init_app(app, extensions.redis_store.pool)
    http.init_app(app)

    extensions.api.init_app(app)
    inputs.init_app(app, extensions.api)
    for module in MODULES:
        extensions.api.register_blueprint(importlib.import_module(f"api.{module}.resources").blp)
        _import_optional(f"api.{module}.tasks")
    openapi.finish(extensions.api)
    console.init_app(app)
    errors.register(app)
    db_setup.register_errors(app)
    redis_setup.register_errors(app)

    @app.route("/docs/static/<path:filename>")
    def swagger_ui_static(filename):
        return send_from_directory(openapi.swagger_ui_dir(), filename, max_age=86400)
    return app


class StatelessSessions(SessionInterface):
    """Flask's documented extension point for sessions: this API keeps none."""

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
