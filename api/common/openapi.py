"""OpenAPI settings and the responses every operation can give."""
import swagger_ui_bundle
from flask_smorest import Api

from api.common.errors import ErrorSchema, handle_http_exception

SETTINGS = {
    "API_TITLE": "代表履职通 deputyhub API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    # Served by the app itself: deputies' offices and this machine may have no route to a CDN.
    "OPENAPI_SWAGGER_UI_URL": "/docs/static/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "人大代表履职与联系群众平台接口。时间均为 UTC ISO 8601；"
                "错误统一为 {code, status, message, errors}。"
            )
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        },
    },
}

# Any /api operation may be rate limited or fail unexpectedly; body-taking ones may get a bad body.
COMMON_RESPONSES = {429: "TOO_MANY_REQUESTS", 500: "INTERNAL_SERVER_ERROR"}
BODY_RESPONSES = {400: "BAD_REQUEST", 413: "REQUEST_ENTITY_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}
BODY_METHODS = ("post", "put", "patch")


class DeputyhubApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return handle_http_exception(error)


def swagger_ui_dir():
    return swagger_ui_bundle.swagger_ui_path


def finish(api):
    """Add the responses every operation can give, so the document lists every status that can happen."""
    for path, operations in api.spec._paths.items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            extra = dict(COMMON_RESPONSES) if path.startswith("/api/") else {500: "INTERNAL_SERVER_ERROR"}
            if method in BODY_METHODS:
                extra.update(BODY_RESPONSES)
            responses = operation.setdefault("responses", {})
            for code, name in extra.items():
                responses.setdefault(str(code), api.spec.components.get_ref("response", name))
