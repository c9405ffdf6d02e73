"""Structured logs: one JSON object a line in production, readable lines in development.

`LOG_JSON` picks the format (on by default, off in `DevelopmentConfig`). Every line carries the
request id of the request it was written in, whichever logger wrote it.
"""
import logging
import sys

from flask import has_request_context, request
from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request's id ("-" outside a request)."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            rid = getattr(request, "request_id", None) if has_request_context() else None
            record.request_id = rid or "-"
        return True


class DeputyhubHandler(logging.StreamHandler):
    """The one stderr handler the app adds to the root logger (found again when a second app is made)."""


def init_app(app):
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, DeputyhubHandler)), None)
    if handler is None:
        handler = DeputyhubHandler(sys.stderr)
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(formatter(app.config["LOG_JSON"]))
    root.setLevel(app.config["LOG_LEVEL"])
    # werkzeug's own access log duplicates ours.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def formatter(json_lines):
    if json_lines:
        return JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level"}, json_ensure_ascii=False)
    return logging.Formatter(TEXT_FORMAT)
