"""Logs, JSON encoding and the production secrets check, as production runs them (issue 7 §6)."""
import io
import json
import logging

import pytest

from api import create_app
from api.common import logs
from config import DEFAULT_JWT_KEYS, DEFAULT_SECRET_KEY

REAL_SECRETS = {
    "SECRET_KEY": "s" * 40,
    "JWT_KEYS": '{"k1": "' + "j" * 40 + '"}',
    "PII_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "PII_HASH_KEY": "h" * 40,
    "WECHAT_SECRET": "w" * 32,
}


@pytest.fixture
def log_lines():
    """What the app's own log handler writes, captured from its stream."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if isinstance(h, logs.DeputyhubHandler))
    stream = io.StringIO()
    original, level = handler.setStream(stream), root.level
    root.setLevel(logging.INFO)
    yield lambda: [line for line in stream.getvalue().splitlines() if line]
    handler.setStream(original)
    root.setLevel(level)


@pytest.fixture
def probe_app(app, tmp_path):
    """An app of its own: the shared test app has served requests, after which Flask refuses new routes."""
    return create_app(
        "testing",
        instance_path=str(tmp_path / "probe"),
        DATABASE_URL=app.config["DATABASE_URL"],
        REDIS_URL=app.config["REDIS_URL"],
    )


def test_every_log_line_of_a_request_carries_its_request_id(probe_app, log_lines):
    app, client = probe_app, probe_app.test_client()
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logs.DeputyhubHandler))
    handler.setFormatter(logs.formatter(json_lines=True))

    @app.get("/_probe-log")
    def probe():
        logging.getLogger("deputyhub.anything").warning("a line that is not an access line")
        return {"ok": True}

    client.get("/_probe-log", headers={"X-Request-ID": "req-abc-123"})
    entries = [json.loads(line) for line in log_lines()]
    assert {e["message"] for e in entries} >= {"a line that is not an access line"}
    assert all(e["request_id"] == "req-abc-123" for e in entries), entries
    assert len(entries) == 2  # the view's line and the access line


def test_production_writes_json_lines_and_development_readable_lines():
    stream = io.StringIO()
    record = logging.LogRecord("deputyhub.x", logging.WARNING, __file__, 1, "代表 %s 已签收", ("张三",), None)
    logs.RequestIdFilter().filter(record)
    for json_lines in (True, False):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logs.formatter(json_lines))
        handler.handle(record)
    json_line, text_line = stream.getvalue().splitlines()
    assert json.loads(json_line)["message"] == "代表 张三 已签收" and "张三" in json_line
    assert json.loads(json_line)["level"] == "WARNING"
    assert text_line.endswith("WARNING deputyhub.x [-] 代表 张三 已签收")
    from config import DevelopmentConfig, ProductionConfig

    assert ProductionConfig.LOG_JSON is True and DevelopmentConfig.LOG_JSON is False


def test_json_answers_carry_chinese_as_utf8(client):
    response = client.get("/api/v1/org/congress")  # 401 in the error shape, with a Chinese message
    raw = response.get_data()
    assert response.status_code == 401
    assert "请先登录".encode() in raw
    assert b"\\u" not in raw


def write_instance_config(tmp_path, **values):
    instance = tmp_path / "prod-instance"
    instance.mkdir()
    (instance / "config.py").write_text("".join(f"{key} = {value!r}\n" for key, value in values.items()))
    return str(instance)


@pytest.fixture
def production_environment(monkeypatch):
    for key in REAL_SECRETS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DEPUTYHUB_ENV", "production")


def test_production_refuses_a_default_secret_from_instance_config(tmp_path, production_environment, redis_url):
    values = {**REAL_SECRETS, "SECRET_KEY": DEFAULT_SECRET_KEY, "DATABASE_URL": "postgresql://db/deputyhub",
              "REDIS_URL": redis_url}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(instance_path=write_instance_config(tmp_path, **values))


def test_production_refuses_default_secrets_left_unset(tmp_path, production_environment, redis_url):
    instance = write_instance_config(tmp_path, DATABASE_URL="postgresql://db/deputyhub", REDIS_URL=redis_url)
    with pytest.raises(RuntimeError, match="JWT_KEYS"):
        create_app(instance_path=instance)


def test_production_accepts_real_secrets_from_instance_config(tmp_path, production_environment, redis_url, app):
    values = {**REAL_SECRETS, "DATABASE_URL": "postgresql://db/deputyhub", "REDIS_URL": redis_url}
    try:
        production = create_app(instance_path=write_instance_config(tmp_path, **values))
        assert production.config["JWT_KEYS"] != DEFAULT_JWT_KEYS
        assert production.config["NAME"] == "production"
    finally:
        # Put the singletons back on the test's app.
        create_app("testing", instance_path=app.instance_path, DATABASE_URL=app.config["DATABASE_URL"],
                   REDIS_URL=app.config["REDIS_URL"])
