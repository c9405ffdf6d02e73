"""Errors on console pages: the same domain errors as the API, rendered as HTML instead of JSON."""
import logging

import peewee
from flask import make_response, render_template, request
from werkzeug.exceptions import HTTPException

from api.common.errors import MESSAGES, DomainError, NotSignedIn, status_of
from api.console.session import to_sign_in

log = logging.getLogger("deputyhub.console")


def init_blueprint(bp):
    bp.register_error_handler(NotSignedIn, lambda error: to_sign_in())
    bp.register_error_handler(DomainError, _domain_error)
    bp.register_error_handler(peewee.DoesNotExist, lambda error: render_error(404, MESSAGES[404]))
    bp.register_error_handler(peewee.IntegrityError, lambda error: render_error(409, MESSAGES[409]))
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(Exception, _unexpected)


def _domain_error(error):
    response = render_error(status_of(error), error.message or MESSAGES[status_of(error)], error.errors)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(int(error.retry_after))
    return response


def _http_error(error):
    return render_error(error.code, MESSAGES.get(error.code, error.name))


def _unexpected(error):
    log.exception("unhandled console error")
    return render_error(500, MESSAGES[500])


def render_error(status, message, errors=None):
    """A whole page for a navigation; for htmx, a message swapped into the page's #flash area."""
    if request.headers.get("HX-Request"):
        body = render_template("console/_flash.html", level="error", message=message, errors=_flatten(errors))
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        return make_response(body, status, headers)
    body = render_template("console/error.html", status=status, message=message, errors=_flatten(errors))
    return make_response(body, status)


def flatten_errors(errors):
    """Field errors as (dotted field, message) lines, for a form to show beside its fields."""
    return _flatten(errors)


def _flatten(errors, prefix=""):
    """{"audience": {"all": ["…"]}} → [("audience.all", "…")]: field errors as lines a person can read."""
    if not errors:
        return []
    if isinstance(errors, dict):
        return [line for key, value in errors.items() for line in _flatten(value, f"{prefix}{key}.")]
    if isinstance(errors, (list, tuple)):
        return [line for value in errors for line in _flatten(value, prefix)]
    return [(prefix.rstrip(".").removeprefix("_schema").strip("."), str(errors))]
