"""The OpenAPI document is valid, complete, and Swagger UI is served by the app itself."""
import copy
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
        if rule.rule in UNDOCUMENTED or rule.rule.startswith("/console"):  # HTML pages, not the API
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


def test_x_pagination_is_documented_as_the_json_it_is(client):
    spec = client.get("/openapi.json").get_json()
    header = spec["components"]["headers"]["PAGINATION"]
    assert "schema" not in header and header["content"]["application/json"]["schema"]["$ref"].endswith("Metadata")


def test_every_list_documents_the_page_bound_it_enforces(client):
    spec = client.get("/openapi.json").get_json()
    pages = [
        (path, parameter["schema"])
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method != "parameters"
        for parameter in operation.get("parameters", [])
        if parameter.get("name") == "page"
    ]
    assert pages and all(schema.get("maximum") for _, schema in pages), pages
    deputies = next(schema for path, schema in pages if path == "/api/v1/deputies")
    bound = deputies["maximum"]
    assert client.get(f"/api/v1/deputies?page={bound + 1}").status_code in (401, 422)


def test_fields_that_can_be_null_say_so(client):
    deputy = client.get("/openapi.json").get_json()["components"]["schemas"]["Deputy"]["properties"]
    assert all(deputy[name].get("nullable") for name in ("employer", "title", "sector", "phone"))


def test_path_ids_are_documented_as_64_bit_integers(client):
    spec = client.get("/openapi.json").get_json()
    parameter = next(p for p in spec["paths"]["/api/v1/deputies/{deputy_id}"]["parameters"] if p["in"] == "path")
    assert parameter["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}


def test_the_documentation_shares_schema_instances_instead_of_copying_them():
    """flask-smorest deep-copies a view's documentation at every decorator: our schemas are shared, not copied
    (api.common.schemas.SharedSchema), which halved the cost of building the app."""
    from api.common.errors import ErrorSchema
    from api.common.schemas import BaseSchema

    class Body(BaseSchema):
        pass

    body, error = Body(), ErrorSchema()
    copied = copy.deepcopy({"arguments": [body], "responses": {"404": [error]}})
    assert copied["arguments"][0] is body and copied["responses"]["404"][0] is error
