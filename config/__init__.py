"""Configuration: a small class hierarchy whose defaults the environment overrides.

Every upper-case attribute can be set by an environment variable of the same name; the type of
the default decides how the string is read. `instance/config.py`, if present, is read last.
"""
import json
import os

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production
DEFAULT_JWT_KEYS = '{"dev-1": "dev-only-jwt-key-change-me-0123456789abcdef"}'
DEFAULT_PII_KEY = "ZGV2LW9ubHktcGlpLWtleS1jaGFuZ2UtbWUtMDEyMzQ="  # 32 bytes, base64
DEFAULT_PII_HASH_KEY = "dev-only-pii-hash-key-change-me"
DEFAULT_WECHAT_SECRET = "demo_secret"  # noqa: S105 - the stand-in's; refused in production

# Secrets production must never run with: (setting, development default).
SECRET_DEFAULTS = {
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "JWT_KEYS": DEFAULT_JWT_KEYS,
    "PII_ENCRYPTION_KEY": DEFAULT_PII_KEY,
    "PII_HASH_KEY": DEFAULT_PII_HASH_KEY,
    "WECHAT_SECRET": DEFAULT_WECHAT_SECRET,
}


class Config:
    NAME = "base"
    TESTING = False
    SECRET_KEY = DEFAULT_SECRET_KEY

    # Empty means the embedded defaults under the instance folder.
    DATABASE_URL = ""
    DATABASE_POOL_SIZE = 20
    REDIS_URL = ""
    REDIS_SOCKET_TIMEOUT = 2.0

    LOG_LEVEL = "INFO"
    LOG_JSON = True
    CORS_ORIGINS = ""  # comma-separated; empty disables CORS

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    UPLOAD_ALLOWED_TYPES = (
        "application/pdf,image/png,image/jpeg,image/gif,image/webp,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
        "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
        "application/msword,application/vnd.ms-excel,text/plain,text/csv"
    )
    FILE_STORAGE_DIR = ""  # empty: <instance>/files
    FILE_URL_TTL_SECONDS = 300

    RATELIMIT_ENABLED = True
    RATELIMIT_PER_ADDRESS = 1200  # requests a minute from one address, all endpoints
    PAGE_SIZE_DEFAULT = 20
    PAGE_SIZE_MAX = 100

    JWT_KEYS = DEFAULT_JWT_KEYS  # JSON {kid: secret}; the first kid signs, all verify
    JWT_ISSUER = "deputyhub"
    JWT_AUDIENCE = "deputyhub-api"
    ACCESS_TOKEN_TTL_SECONDS = 900
    REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_SECONDS = 900
    LOGIN_RATE_PER_ADDRESS = 30  # password attempts a minute from one address
    PII_ENCRYPTION_KEY = DEFAULT_PII_KEY
    PII_HASH_KEY = DEFAULT_PII_HASH_KEY

    WECHAT_APPID = "wx_demo_appid"
    WECHAT_SECRET = DEFAULT_WECHAT_SECRET
    WECHAT_API_BASE = "http://127.0.0.1:8765"  # the local stand-in; production sets the real host
    WECHAT_TIMEOUT_SECONDS = 5.0
    WECHAT_TEMPLATES = '{"notice": "tmpl_notice_demo", "letter": "tmpl_letter_demo", "reminder": "tmpl_reminder_demo"}'

    QUEUE_WORKERS = 4
    HEARTBEAT_MAX_AGE_SECONDS = 180

    @classmethod
    def load(cls, environ=None):
        environ = os.environ if environ is None else environ
        values = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        for key, default in values.items():
            if key in environ:
                values[key] = _coerce(environ[key], default)
        cls.check(values)
        return values

    @classmethod
    def check(cls, values):
        json.loads(values["JWT_KEYS"])


class DevelopmentConfig(Config):
    NAME = "development"
    LOG_JSON = False


class TestingConfig(Config):
    NAME = "testing"
    TESTING = True
    LOG_LEVEL = "WARNING"
    ACCESS_TOKEN_TTL_SECONDS = 600
    QUEUE_WORKERS = 1


class ProductionConfig(Config):
    NAME = "production"

    @classmethod
    def check(cls, values):
        super().check(values)
        insecure = [key for key, default in SECRET_DEFAULTS.items() if values[key] == default]
        if insecure:
            raise RuntimeError(f"production refuses to start with default secrets: {', '.join(insecure)}")
        if not values["DATABASE_URL"].startswith(("postgres", "postgresql")):
            raise RuntimeError("production needs DATABASE_URL pointing at PostgreSQL")
        if not values["REDIS_URL"]:
            raise RuntimeError("production needs REDIS_URL")


CONFIGS = {c.NAME: c for c in (DevelopmentConfig, TestingConfig, ProductionConfig)}


def load_config(name=None, environ=None):
    environ = os.environ if environ is None else environ
    name = name or environ.get("DEPUTYHUB_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"unknown DEPUTYHUB_ENV {name!r}; expected one of {sorted(CONFIGS)}")
    return CONFIGS[name].load(environ)


def _coerce(raw, default):
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
