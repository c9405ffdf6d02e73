"""The OpenAPI document is valid, complete, and Swagger UI is served by the app itself."""
import re

from openapi_spec_validator import validate

UNDOCUMENTED = {"/openapi.json", "/docs", "/docs/static/<path:filename>"}


def openapi_path(rule):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_document_validates_as_openapi_3(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_served_route_and_method_is_documented(app, client):
    spec = client.get("/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if rule.rule in UNDOCUMENTED:
            continue
        path = openapi_path(rule.rule)
        assert path in spec["paths"], f"{rule.rule} is served but not documented"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], f"{method} {rule.rule} not documented"


def test_every_operation_documents_its_error_statuses(client):
    spec = client.get("/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert "500" in codes, f"{method} {path}"
            if path.startswith("/api/"):
                assert "429" in codes, f"{method} {path}"
            if operation.get("security"):
                assert {"401", "403"} <= codes, f"{method} {path} needs sign-in but does not say 401/403"
            if method in ("post", "put", "patch"):
                assert {"400", "413", "415"} <= codes, f"{method} {path}"
            if operation.get("requestBody") or any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in codes, f"{method} {path} validates input but does not say 422"


def test_swagger_ui_is_served_without_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/static/swagger-ui-bundle.js" in html and "/openapi.json" in html
    assert client.get("/docs/static/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/static/swagger-ui.css").status_code == 200
