"""OpenAPI settings and the responses every operation can give."""
import swagger_ui_bundle
from flask_smorest import Api

from api.common.errors import ErrorSchema, handle_http_exception
from api.common.private_api import spec_paths

MAX_PAGE = 1_000_000  # the bound api.common.inputs enforces on ?page=

SETTINGS = {
    "API_TITLE": "代表履职通 deputyhub API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    # Served by the app itself: deputies' offices and this machine may have no route to a CDN.
    "OPENAPI_SWAGGER_UI_URL": "/docs/static/",
    # Keep the token from "Authorize" across a reload of /docs (in the browser's local storage).
    "OPENAPI_SWAGGER_UI_CONFIG": {"persistAuthorization": True},
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
    """Add the responses every operation can give, so the document lists every status that can happen;
    describe X-Pagination as the JSON it is; state the page bound that every list enforces."""
    _pagination_header_as_json(api.spec)
    for path, operations in spec_paths(api.spec).items():
        for parameter in _parameters(operations):
            if parameter.get("in") == "query" and parameter.get("name") == "page":
                parameter.setdefault("schema", {}).setdefault("maximum", MAX_PAGE)
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            extra = dict(COMMON_RESPONSES) if path.startswith("/api/") else {500: "INTERNAL_SERVER_ERROR"}
            if method in BODY_METHODS:
                extra.update(BODY_RESPONSES)
            responses = operation.setdefault("responses", {})
            for code, name in extra.items():
                responses.setdefault(str(code), api.spec.components.get_ref("response", name))


def _parameters(operations):
    for method, operation in operations.items():
        if method in ("get", "post", "put", "patch", "delete"):
            yield from (p for p in operation.get("parameters", []) if isinstance(p, dict))


def _pagination_header_as_json(spec):
    # A header's `schema` is read with the `simple` style (comma-separated key,value pairs); ours is a JSON
    # object, which OpenAPI describes with `content` instead.
    for headers in (spec.components.headers, spec.components.headers_lazy):
        header = headers.get("PAGINATION")
        if header and "schema" in header:
            header["content"] = {"application/json": {"schema": header.pop("schema")}}
