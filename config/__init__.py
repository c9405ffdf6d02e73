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
    # A hung or unreachable database must cost a request seconds, not minutes (libpq counts whole seconds).
    DATABASE_CONNECT_TIMEOUT_SECONDS = 3
    DATABASE_STATEMENT_TIMEOUT_MS = 30000  # PostgreSQL; 0 turns it off
    DATABASE_BUSY_TIMEOUT_MS = 5000  # SQLite: wait this long for a writer's lock, then answer 503
    DATABASE_RETRY_AFTER_SECONDS = 5  # Retry-After on a 503 for an unavailable database
    REDIS_URL = ""
    # Every Redis call on the request path waits at most this long; after a failure the circuit
    # breaker skips Redis for REDIS_BREAKER_SECONDS, so a hung Redis costs a request one timeout at most.
    REDIS_SOCKET_TIMEOUT = 0.15
    REDIS_BREAKER_SECONDS = 3.0
    REDIS_WORKER_SOCKET_TIMEOUT = 5.0  # the queue worker's blocking reads wait up to a second
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (ProxyFix).
    # 0: the peer address is the client. Behind one HTTPS terminator: 1.
    TRUSTED_PROXY_COUNT = 0

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
    # Briefing papers (api/briefings/pages.py): page-image links live this long, bound to their viewer.
    PAPER_LINK_TTL_SECONDS = 300
    PAPER_PAGE_WIDTH = 1000  # pixels: sharp on a phone, about 100-200 KB as JPEG
    PAPER_MAX_PAGES = 300
    # A font with Chinese glyphs for the watermark (Debian: fonts-wqy-microhei).
    WATERMARK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    PAGE_CACHE_DIR = ""  # empty: <instance>/page-cache (clean renders, keyed by the file's SHA-256)

    RATELIMIT_ENABLED = True
    RATELIMIT_PER_ADDRESS = 1200  # requests a minute from one address, all endpoints
    JSON_MAX_DEPTH = 32  # arrays/objects nested deeper are refused (422) before any parser recurses
    SPREADSHEET_MAX_ROWS = 25000  # rows scanned in an uploaded sheet, blank ones included (a roster: 20,000)

    JWT_KEYS = DEFAULT_JWT_KEYS  # JSON {kid: secret}; the first kid signs, all verify
    JWT_ISSUER = "deputyhub"
    JWT_AUDIENCE = "deputyhub-api"
    ACCESS_TOKEN_TTL_SECONDS = 900
    REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600
    # Sign-in throttling is per account AND address, so an attacker's address never locks the real user out.
    LOGIN_MAX_FAILURES = 5  # wrong passwords for one account from one address before delays start
    LOGIN_FIRST_DELAY_SECONDS = 30  # the first delay; each further failure doubles it
    LOGIN_LOCK_SECONDS = 900  # the longest delay
    LOGIN_FAILURE_MEMORY_SECONDS = 86400  # failures are forgotten after this long without another
    LOGIN_RATE_PER_ADDRESS = 30  # password (and binding) attempts a minute from one address
    LOGIN_RATE_PER_ACCOUNT = 10  # attempts a minute at one account from one address
    BIND_RATE_PER_USER = 10  # binding attempts a minute by one WeChat user
    BINDING_CODE_VALID_DAYS = 7  # default validity of a binding code
    BINDING_CODE_MAX_VALID_DAYS = 30
    # argon2id cost (argon2-cffi's defaults, RFC 9106 low-memory profile): each hash holds ARGON2_MEMORY_KIB.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_KIB = 65536
    ARGON2_PARALLELISM = 4
    PASSWORD_HASH_CONCURRENCY = 2  # hashes at once per process: bounds memory to this × ARGON2_MEMORY_KIB
    PASSWORD_HASH_WAIT_SECONDS = 10.0  # a sign-in waiting longer for a hashing slot gets 503
    PII_ENCRYPTION_KEY = DEFAULT_PII_KEY
    PII_HASH_KEY = DEFAULT_PII_HASH_KEY

    WECHAT_APPID = "wx_demo_appid"
    WECHAT_SECRET = DEFAULT_WECHAT_SECRET
    WECHAT_API_BASE = "http://127.0.0.1:8765"  # the local stand-in; production sets the real host
    WECHAT_TIMEOUT_SECONDS = 5.0
    WECHAT_TEMPLATES = '{"notice": "tmpl_notice_demo", "letter": "tmpl_letter_demo", "reminder": "tmpl_reminder_demo"}'
    # The mini-program page that shows one station; a station's codes open it with the station's id.
    MINIPROGRAM_STATION_PAGE = "pages/station/station"
    # A station's plain QR code encodes STATION_QR_BASE_URL + page + "?id=<id>": a link the mini-program's
    # "扫普通链接二维码打开小程序" rule (set in the WeChat admin console for this prefix) opens on that page.
    STATION_QR_BASE_URL = "https://deputyhub.example.cn/mp/"
    # Which mini-program version a wxacode opens by default: release, trial or develop.
    WECHAT_WXACODE_ENV_VERSION = "release"

    # Constituent feedback (api/feedback). The consent wording is stored with every case that leaves a name
    # or phone; change the version whenever the wording changes.
    FEEDBACK_CONSENT_VERSION = "2026-11"
    FEEDBACK_CONSENT_TEXT = (
        "您留下的姓名和联系电话仅用于联络站和承办单位就本事项与您联系、反馈办理结果，"
        "加密保存，不向其他人公开，办结满保存期限后删除。"
    )
    FEEDBACK_SUBMIT_PER_USER_HOUR = 10  # cases one WeChat identity may send an hour
    FEEDBACK_SUBMIT_PER_ADDRESS_HOUR = 60  # cases from one client address an hour
    FEEDBACK_SUBMIT_PER_STATION_MINUTE = 120  # cases to one station a minute
    FEEDBACK_TRACK_PER_ADDRESS_MINUTE = 60  # tracking-code lookups from one address a minute
    FEEDBACK_DEFAULT_DAYS = 10  # working days a unit has to answer, unless staff set another
    FEEDBACK_NEAR_DUE_DAYS = 2  # working days before the due date that count as "near"
    FEEDBACK_WECHAT_PAUSE_SECONDS = 30  # after WeChat's check was unavailable, queue new cases this long
    FEEDBACK_RANKING_MIN_ANSWERED = 5  # answered cases a unit needs in the range to be ranked
    FEEDBACK_RETENTION_DAYS = 730  # finished cases lose their personal fields after this many days

    # Deputy suggestions (api/suggestions). An answer is due SUGGESTION_ANSWER_DAYS working days after the
    # assignment (62 working days: three months of the working-day calendar, holidays left out).
    SUGGESTION_ANSWER_DAYS = 62
    SUGGESTION_NEAR_DUE_DAYS = 10  # working days before a due date (answer or commitment) that count as "near"
    SUGGESTION_RANKING_MIN_ASSIGNED = 3  # assignments a unit needs to be ranked
    SUGGESTION_STATS_CACHE_SECONDS = 60  # figures over every unit, delegation or deputy are this old at most

    # Rotating QR check-in (api/common/checkin.py): a new code every CHECKIN_STEP_SECONDS; a scanned code
    # still passes for CHECKIN_GRACE_STEPS more steps (the time to scan and send it on a slow network).
    CHECKIN_STEP_SECONDS = 10
    CHECKIN_GRACE_STEPS = 1

    # Learning (api/materials). Clients beat every LEARNING_HEARTBEAT_SECONDS; a beat sooner than the minimum
    # after the last credited one earns nothing, and one beat earns at most the maximum (a phone that slept).
    LEARNING_HEARTBEAT_SECONDS = 30
    LEARNING_HEARTBEAT_MIN_SECONDS = 10
    LEARNING_HEARTBEAT_MAX_CREDIT = 60
    LEARNING_COMPLETION_SHARE = 0.6  # credited time needed to complete, as a share of the estimate
    LEARNING_CACHE_SECONDS = 300  # catalogue pages and reach; publishing and unpublishing invalidate at once
    LEARNING_REMIND_INTERVAL_SECONDS = 3600  # at most one reminder a course an hour
    # Draft-law consultations (api/consultations): the one reminder to deputies who have not commented
    # goes this many hours before the deadline (0: no reminder).
    CONSULTATION_REMINDER_HOURS = 48

    QUEUE_WORKERS = 4
    # SIGTERM lets running jobs finish for up to this long before the worker stops anyway.
    QUEUE_SHUTDOWN_TIMEOUT_SECONDS = 30.0
    # Push rows a crashed worker process can leave "result unknown" (sent, answer not recorded).
    PUSH_MAX_IN_DOUBT = 16
    # A claimed row not attempted this long belongs to a worker that died: back to the queue.
    PUSH_CLAIM_TIMEOUT_SECONDS = 20
    HEARTBEAT_MAX_AGE_SECONDS = 180

    # The staff console (/console): a sign-in lasts one working day, then the password is asked again.
    CONSOLE_SESSION_SECONDS = 10 * 3600
    # Secure cookies need HTTPS; `make run` serves plain HTTP on 127.0.0.1, so only development turns it off.
    CONSOLE_COOKIE_SECURE = True

    # `deputyhub serve` listens here; miniprogram_stubs/simulate.py calls it here.
    SERVE_HOST = "127.0.0.1"
    SERVE_PORT = 5000

    @classmethod
    def load(cls, environ=None):
        environ = os.environ if environ is None else environ
        values = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        for key, default in values.items():
            if key in environ:
                values[key] = _coerce(environ[key], default)
        return values

    @classmethod
    def check(cls, values):
        json.loads(values["JWT_KEYS"])


class DevelopmentConfig(Config):
    NAME = "development"
    LOG_JSON = False
    CONSOLE_COOKIE_SECURE = False


class TestingConfig(Config):
    NAME = "testing"
    TESTING = True
    LOG_LEVEL = "WARNING"
    ACCESS_TOKEN_TTL_SECONDS = 600
    QUEUE_WORKERS = 1
    # Test runs share busy CI cores: a 150 ms Redis timeout there would trip the breaker spuriously.
    # tests/resilience sets the production value where it measures the bound.
    REDIS_SOCKET_TIMEOUT = 1.0
    # Cheap hashes: sign-in tests exercise the flow, not argon2's cost.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 8
    ARGON2_PARALLELISM = 1


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


def load_config(name=None, environ=None, check=True):
    """Defaults overridden by the environment. The factory passes check=False and calls
    `check_config` once `instance/config.py` has been read too, so a secret there is checked."""
    values = config_class(name, environ).load(environ)
    if check:
        check_config(values)
    return values


def config_class(name=None, environ=None):
    environ = os.environ if environ is None else environ
    name = name or environ.get("DEPUTYHUB_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"unknown DEPUTYHUB_ENV {name!r}; expected one of {sorted(CONFIGS)}")
    return CONFIGS[name]


def check_config(values):
    """Refuse unsafe settings; run once everything (environment, instance/config.py) is loaded."""
    CONFIGS[values["NAME"]].check(values)


def _coerce(raw, default):
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
