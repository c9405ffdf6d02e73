"""One error shape for every failure: {code, status, message (Chinese), errors?}."""
import logging

import peewee
from flask import jsonify, request
from flask_smorest import abort
from marshmallow import fields
from werkzeug import exceptions as http_errors
from werkzeug.exceptions import HTTPException

from api.common.schemas import SharedSchema

log = logging.getLogger("deputyhub.errors")

MESSAGES = {
    400: "请求格式错误。",
    401: "请先登录。",
    403: "没有权限执行此操作。",
    404: "请求的资源不存在。",
    405: "不支持该请求方法。",
    409: "与现有数据冲突。",
    410: "资源已失效。",
    412: "资源已被修改，请刷新后重试。",
    413: "请求内容过大。",
    415: "不支持的内容类型，请使用 application/json。",
    422: "提交的数据有误。",
    423: "账号已锁定，请稍后再试。",
    428: "缺少必需的前置条件。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后再试。",
    502: "上游服务暂时不可用。",
    503: "服务暂时不可用，请稍后再试。",
}


class DomainError(Exception):
    """A rule refused the request. Raised below the views; `register` maps each kind to its status."""

    def __init__(self, message=None, errors=None, retry_after=None):
        super().__init__(message or "")
        self.message = message
        self.errors = errors
        self.retry_after = retry_after


class NotFound(DomainError):
    """The thing asked for does not exist, or does not exist for this caller."""


class Forbidden(DomainError):
    """The caller may not do this to this object."""


class Invalid(DomainError):
    """The input breaks a rule that the schema alone cannot check."""


class Conflict(DomainError):
    """The request clashes with the current state of the data."""


class InvalidMove(Conflict):
    """A workflow move that the entity's current state does not allow."""

    def __init__(self, message=None, errors=None, current_state=None):
        super().__init__(message, errors)
        self.current_state = current_state


class Gone(DomainError):
    """The thing existed but was withdrawn or revoked."""


class TooSoon(DomainError):
    """Throttled: try again after `retry_after` seconds."""


class Unavailable(DomainError):
    """A dependency (database, Redis, WeChat) cannot serve the request now."""


class NotSignedIn(DomainError):
    """No valid session."""


# The one place a domain error becomes an HTTP status (most specific class first).
DOMAIN_STATUS = (
    (InvalidMove, 409),
    (NotFound, 404),
    (Forbidden, 403),
    (Invalid, 422),
    (Conflict, 409),
    (Gone, 410),
    (TooSoon, 429),
    (Unavailable, 503),
    (NotSignedIn, 401),
)


def status_of(error):
    return next(status for kind, status in DOMAIN_STATUS if isinstance(error, kind))


class ErrorSchema(SharedSchema):
    code = fields.Integer(metadata={"description": "HTTP 状态码"})
    status = fields.String(metadata={"description": "状态名"})
    message = fields.String(metadata={"description": "面向用户的中文说明"})
    errors = fields.Dict(metadata={"description": "字段级错误：字段名 → 错误列表"})
    request_id = fields.String(metadata={"description": "请求编号，便于排查"})


def error_payload(code, name, message=None, errors=None):
    payload = {"code": code, "status": name, "message": message or MESSAGES.get(code, name)}
    if errors:
        payload["errors"] = errors
    rid = getattr(request, "request_id", None) if request else None
    if rid:
        payload["request_id"] = rid
    return payload


def handle_http_exception(error):
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message")
    if error.code == 400 and errors and _is_malformed_json(errors):
        message, errors = "请求体不是有效的 JSON。", None
    if error.code == 422 and isinstance(errors, dict) and len(errors) == 1:
        # webargs nests field errors under the location (json/query/files); clients want the fields.
        (location, inner), = errors.items()
        if location in ("json", "query", "form", "files", "headers", "path") and isinstance(inner, dict):
            errors = inner
    body = error_payload(error.code, error.name, message, errors)
    response = jsonify(body)
    response.status_code = error.code
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_domain_error(error):
    code = status_of(error)
    response = jsonify(error_payload(code, _STATUS_NAMES[code], error.message, error.errors))
    response.status_code = code
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(int(error.retry_after))
    return response


_STATUS_NAMES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


def handle_does_not_exist(error):
    return handle_http_exception(http_errors.NotFound())


def handle_integrity_error(error):
    log.info("integrity error", extra={"error": str(error)})
    return handle_http_exception(http_errors.Conflict())


def handle_unexpected(error):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error")
    return handle_http_exception(http_errors.InternalServerError())


def _is_malformed_json(errors):
    # webargs reports an unparsable body as {"json": ["Invalid JSON body."]}.
    return isinstance(errors, dict) and list(errors) == ["json"] and isinstance(errors["json"], list)


def register(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(peewee.DoesNotExist, handle_does_not_exist)
    app.register_error_handler(peewee.IntegrityError, handle_integrity_error)
    app.register_error_handler(Exception, handle_unexpected)


__all__ = [
    "abort",
    "Conflict",
    "DomainError",
    "ErrorSchema",
    "Forbidden",
    "Gone",
    "Invalid",
    "InvalidMove",
    "MESSAGES",
    "NotFound",
    "NotSignedIn",
    "TooSoon",
    "Unavailable",
    "register",
]
