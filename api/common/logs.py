"""Structured logs: one JSON object a line in production, readable lines in development."""
import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def init_app(app):
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_deputyhub", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler._deputyhub = True
        root.addHandler(handler)
    if app.config["LOG_JSON"]:
        handler.setFormatter(
            JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", rename_fields={"levelname": "level"})
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.setLevel(app.config["LOG_LEVEL"])
    # werkzeug's own access log duplicates ours.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
