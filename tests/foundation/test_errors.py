"""Every failure answers in the one error shape, with a Chinese message and never a stack trace."""
import json
import logging

import pytest

from api import create_app
from api.files import services as file_services
from tests.support import assert_error_shape


def test_unknown_route_is_404(client):
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/healthz")
    assert_error_shape(response, 405)
    assert "GET" in response.headers["Allow"]


def test_unauthenticated_is_401(client):
    assert_error_shape(client.get("/api/v1/jobs/status"), 401)


def test_garbage_bearer_token_is_401(client):
    assert_error_shape(client.get("/api/v1/jobs/status", headers={"Authorization": "Bearer not.a.jwt"}), 401)


def test_forbidden_role_is_403(login_as):
    assert_error_shape(login_as("deputy").get("/api/v1/jobs/status"), 403)


def test_missing_object_is_404(login_as):
    assert_error_shape(login_as("staff").get("/api/v1/files/999999"), 404)


def test_non_json_body_is_415(login_as):
    response = login_as("staff").post("/api/v1/files", data="plain words", content_type="text/plain")
    assert_error_shape(response, 415)


def test_rate_limit_is_429_with_retry_after(app, login_as):
    app.config["RATELIMIT_PER_ADDRESS"] = 3
    staff = login_as("staff")
    statuses = [staff.get("/api/v1/files/1").status_code for _ in range(4)]
    assert statuses[:3] == [404, 404, 404]
    response = staff.get("/api/v1/files/1")
    assert_error_shape(response, 429)
    assert int(response.headers["Retry-After"]) >= 1


def test_unexpected_failure_is_500_without_a_trace(login_as, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(file_services, "get_visible", explode)
    with caplog.at_level(logging.ERROR):
        response = login_as("staff").get("/api/v1/files/1")
    body = assert_error_shape(response, 500)
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert body["request_id"]
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_request_id_is_echoed_or_generated(client):
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert generated.headers["X-Request-ID"] != "bad id with spaces"
    assert len(generated.headers["X-Request-ID"]) == 32


def test_access_log_is_structured_and_carries_the_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="deputyhub.access"):
        client.get("/healthz", headers={"X-Request-ID": "trace-me"})
    record = next(r for r in caplog.records if r.name == "deputyhub.access")
    assert (record.request_id, record.status, record.path) == ("trace-me", 200, "/healthz")
    from pythonjsonlogger.json import JsonFormatter

    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-me"


def test_cors_is_off_unless_configured(client, tmp_path, app):
    assert "Access-Control-Allow-Origin" not in client.get("/healthz", headers={"Origin": "https://x.example"}).headers
    configured = create_app(
        "testing",
        instance_path=str(tmp_path / "cors"),
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=app.config["REDIS_URL"] or "",
        CORS_ORIGINS="https://admin.example",
    )
    with configured.test_client() as browser:
        allowed = browser.get("/api/v1/jobs/status", headers={"Origin": "https://admin.example"})
        other = browser.get("/api/v1/jobs/status", headers={"Origin": "https://evil.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://admin.example"
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("missing", ["SECRET_KEY", "JWT_KEYS", "PII_ENCRYPTION_KEY", "PII_HASH_KEY", "WECHAT_SECRET"])
def test_production_refuses_default_secrets(missing):
    from config import load_config

    environ = {
        "DEPUTYHUB_ENV": "production",
        "DATABASE_URL": "postgresql://db/deputyhub",
        "REDIS_URL": "redis://cache:6379/0",
        "SECRET_KEY": "s" * 40,
        "JWT_KEYS": '{"k1": "' + "j" * 40 + '"}',
        "PII_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "PII_HASH_KEY": "h" * 40,
        "WECHAT_SECRET": "w" * 32,
    }
    assert load_config(environ=environ)["NAME"] == "production"
    del environ[missing]
    with pytest.raises(RuntimeError, match=missing):
        load_config(environ=environ)
