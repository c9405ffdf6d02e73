"""Request plumbing shared by every endpoint: request ids, JSON access logs, 415, rate limits, CORS."""
import logging
import re
import time
import uuid

from flask import g, request
from werkzeug.exceptions import UnsupportedMediaType

from api.common import access
from api.common.errors import abort
from api.common.ratelimit import hit_all_and_read

log = logging.getLogger("deputyhub.access")

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
BODY_METHODS = {"POST", "PUT", "PATCH"}
ACCEPTED_BODY_TYPES = ("application/json", "multipart/form-data")
# The console's plain HTML forms post urlencoded; the JSON API does not take that type.
CONSOLE_BODY_TYPES = (*ACCEPTED_BODY_TYPES, "application/x-www-form-urlencoded")
RATE_LIMITED_PREFIXES = ("/api/", "/console/")
UNLIMITED_PREFIX = "/console/static/"


def client_address():
    """The client's address: the one place rate limits, sign-in limits and the audit log read it.

    Behind `TRUSTED_PROXY_COUNT` proxies, ProxyFix (applied in the factory) has already replaced
    the peer address with the one the outermost trusted proxy saw; X-Forwarded-For entries a
    client wrote itself are ignored. With no trusted proxy the header is never read.
    """
    return request.remote_addr or "unknown"


def _log_access(response, request_id):
    started = g.get("started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    principal = getattr(request, "principal", None)
    log.info(
        "%s %s %s %sms",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": principal.user_id if principal else None,
            "remote_addr": client_address(),
        },
    )


def init_app(app):
    @app.before_request
    def _start():
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        if request.method in BODY_METHODS and request.content_length:
            mimetype = request.mimetype or ""
            accepted = CONSOLE_BODY_TYPES if request.path.startswith("/console/") else ACCEPTED_BODY_TYPES
            if not mimetype.startswith(accepted):
                raise UnsupportedMediaType()
        limit = app.config["RATELIMIT_PER_ADDRESS"]
        path = request.path
        if (
            app.config["RATELIMIT_ENABLED"] and limit
            and path.startswith(RATE_LIMITED_PREFIXES) and not path.startswith(UNLIMITED_PREFIX)
        ):
            # The session's revocation entries come along: one Redis round trip for both.
            keys = access.revocation_keys()
            retry_after, values = hit_all_and_read([(f"addr:{client_address()}", limit, 60)], keys)
            access.keep_revocation_values(keys, values)
            if retry_after:
                abort(429, headers={"Retry-After": str(retry_after)})

    @app.after_request
    def _finish(response):
        rid = getattr(request, "request_id", None)
        if rid:
            response.headers["X-Request-ID"] = rid
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if log.isEnabledFor(logging.INFO):
            _log_access(response, rid)
        return response

    origins = [o.strip() for o in app.config["CORS_ORIGINS"].split(",") if o.strip()]
    if origins:
        from flask_cors import CORS

        CORS(app, resources={r"/api/*": {"origins": origins}}, expose_headers=["X-Pagination", "X-Request-ID"])
