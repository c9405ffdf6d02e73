"""Client for the WeChat server APIs a mini-program backend needs.

Never log the app secret, access tokens, session keys or phone numbers: they are credentials or
personal data, and log lines travel further than the database.
"""

import json
import logging
import os
import random
import re
import secrets
import time

import requests
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from requests.adapters import HTTPAdapter

from api.wechat.errors import Disposition, WeChatError, WeChatUnavailable

log = logging.getLogger("deputyhub.wechat")


class _RedactQueryCredentials(logging.Filter):
    """urllib3 logs every request URL at DEBUG, and WeChat wants the secret and token in the query."""

    pattern = re.compile(r"\b(secret|access_token|js_code)=[^&\s\"]+")

    def filter(self, record):
        message = record.getMessage()
        redacted = self.pattern.sub(r"\1=[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactQueryCredentials())

# Only connection trouble means "Redis is down"; any other Redis error is a bug and must surface.
REDIS_DOWN_ERRORS = (RedisConnectionError, RedisTimeoutError)

# WeChat's token lives 7200 s; give it up early so no request goes out with a token that expires
# in flight.
TOKEN_EXPIRY_MARGIN_SECONDS = 300
LOCAL_TOKEN_SECONDS = 5
# Longer than a token fetch with all its retries at the default timeouts, so the lock rarely lapses
# while its holder works (if it does, compare-and-delete keeps the holder from freeing someone
# else's lock); short enough that a crashed holder does not hold up refreshes for long.
REFRESH_LOCK_TTL_MS = 30_000
LOCK_POLL_SECONDS = 0.05
# Enough pooled keep-alive connections for every worker thread of a busy process.
POOL_SIZE = 32

# Delete the lock only if we still own it: after our TTL lapsed another process may hold it.
RELEASE_LOCK_SCRIPT = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


class WeChatClient:
    """Share one instance per process and across its threads, so connections are pooled."""

    def __init__(
        self,
        appid,
        secret,
        base_url,
        redis,
        timeout=(3, 5),
        max_retries=2,
        *,
        retry_backoff=0.2,
        lock_wait=5.0,
    ):
        self.appid = appid
        self._secret = secret
        self._base_url = base_url.rstrip("/")
        self._redis = redis
        self._timeout = timeout
        self._max_retries = max_retries
        self._retry_backoff = retry_backoff
        self._lock_wait = lock_wait
        self._token_key = f"wechat:access_token:{appid}"
        self._lock_key = f"wechat:access_token_lock:{appid}"
        self._release_lock = redis.register_script(RELEASE_LOCK_SCRIPT)
        self._session = requests.Session()
        # Retries are decided here, per errcode; urllib3 retrying underneath would multiply them.
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=POOL_SIZE, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        # Read proxy and CA settings from the environment once, not on every call: that lookup was
        # a fifth of the CPU of a send.
        self._session.trust_env = False
        self._session.proxies = requests.utils.get_environ_proxies(self._base_url)
        self._session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self._local_token = None  # (token, monotonic time read from Redis)

    def close(self):
        self._session.close()

    # --- API calls -------------------------------------------------------------------------

    def code2session(self, js_code):
        data = self._call(
            "jscode2session",
            "GET",
            "/sns/jscode2session",
            params={
                "appid": self.appid,
                "secret": self._secret,
                "js_code": js_code,
                "grant_type": "authorization_code",
            },
        )
        return {"openid": data["openid"], "session_key": data["session_key"], "unionid": data.get("unionid")}

    def get_phone_number(self, code):
        data = self._call(
            "getuserphonenumber",
            "POST",
            "/wxa/business/getuserphonenumber",
            payload={"code": code},
            with_token=True,
        )
        info = data["phone_info"]
        return {
            "phone": info["phoneNumber"],
            "pure_phone": info["purePhoneNumber"],
            "country_code": info["countryCode"],
        }

    def send_subscribe_message(self, openid, template_id, data, page=None, miniprogram_state="formal", lang="zh_CN"):
        payload = {
            "touser": openid,
            "template_id": template_id,
            "data": data,
            "miniprogram_state": miniprogram_state,
            "lang": lang,
        }
        if page is not None:
            payload["page"] = page
        # Not idempotent: a repeat after a lost answer would notify the deputy twice.
        return self._call(
            "subscribe_send",
            "POST",
            "/cgi-bin/message/subscribe/send",
            payload=payload,
            with_token=True,
            idempotent=False,
        )

    def msg_sec_check(self, content, openid, scene=2):
        data = self._call(
            "msg_sec_check",
            "POST",
            "/wxa/msg_sec_check",
            payload={"content": content, "version": 2, "scene": scene, "openid": openid},
            with_token=True,
        )
        return {"suggest": data["result"]["suggest"], "label": data["result"]["label"]}

    def get_unlimited_wxacode(self, scene, page=None, *, check_path=True, env_version="release", width=430):
        """wxacode.getUnlimited: a mini-program code opening `page` with `scene` (at most 32 characters).

        WeChat answers the image itself (usually image/jpeg) or, on failure, a JSON errcode. Returns
        {"image": bytes, "content_type": str}. Idempotent: the same code comes back for the same input.
        """
        payload = {"scene": scene, "check_path": check_path, "env_version": env_version, "width": width}
        if page is not None:
            payload["page"] = page
        return self._call(
            "getwxacodeunlimit", "POST", "/wxa/getwxacodeunlimit", payload=payload, with_token=True, binary=True
        )

    # --- access token ----------------------------------------------------------------------

    def get_access_token(self, force_refresh=False):
        """The app's access token, shared through Redis by every process of the app.

        `force_refresh` asks WeChat for a new token (the old one stays valid five more minutes).
        """
        return self._obtain_token(force=force_refresh, rejected=None)

    def _obtain_token(self, *, force, rejected):
        if not force and rejected is None and self._local_token is not None:
            token, read_at = self._local_token
            # Each process keeps the shared token a few seconds: a refreshed token leaves the old one
            # valid for five minutes, and a rejected token comes back through `rejected`.
            if time.monotonic() - read_at < LOCAL_TOKEN_SECONDS:
                return token
        try:
            cached = self._read_cached_token()
        except REDIS_DOWN_ERRORS as exc:
            return self._fetch_bypassing_cache(force, exc)
        if cached and not force:
            return cached
        if cached and rejected and cached != rejected:
            # Another worker already replaced the token WeChat rejected.
            return cached
        return self._refresh_single_flight(force=force, stale=rejected or cached)

    def _refresh_single_flight(self, *, force, stale):
        """Fetch a new token while holding a Redis lock, or wait for whoever holds it.

        Without the lock every process that misses the cache fetches at once, and forced
        refreshes are rate limited by WeChat. `stale` is a token known not to be good enough.
        """
        lock_id = secrets.token_hex(16)
        deadline = time.monotonic() + self._lock_wait
        try:
            while True:
                if self._redis.set(self._lock_key, lock_id, nx=True, px=REFRESH_LOCK_TTL_MS):
                    try:
                        # Someone may have published a token between our cache miss and the lock.
                        cached = self._read_cached_token()
                        if cached and cached != stale:
                            return cached
                        return self._fetch_and_cache(force)
                    finally:
                        self._unlock(lock_id)
                time.sleep(LOCK_POLL_SECONDS)
                cached = self._read_cached_token()
                if cached and cached != stale:
                    return cached
                if time.monotonic() >= deadline:
                    break
        except REDIS_DOWN_ERRORS as exc:
            return self._fetch_bypassing_cache(force, exc)
        # The holder is stuck or died without releasing; serving our caller matters more.
        log.warning("wechat token lock wait timed out", extra={"appid": self.appid, "waited_s": self._lock_wait})
        return self._fetch_and_cache(force)

    def _read_cached_token(self):
        value = self._redis.get(self._token_key)
        if isinstance(value, bytes):
            value = value.decode()
        self._local_token = (value, time.monotonic()) if value else None
        return value

    def _fetch_and_cache(self, force):
        token, expires_in = self._fetch_token(force)
        self._local_token = (token, time.monotonic())
        ttl = expires_in - TOKEN_EXPIRY_MARGIN_SECONDS
        if ttl > 0:
            try:
                self._redis.set(self._token_key, token, ex=ttl)
            except REDIS_DOWN_ERRORS as exc:
                log.warning("wechat token not cached: redis unavailable", extra={"error": type(exc).__name__})
        return token

    def _fetch_bypassing_cache(self, force, exc):
        log.warning(
            "redis unavailable; fetching wechat token directly",
            extra={"appid": self.appid, "error": type(exc).__name__},
        )
        return self._fetch_token(force)[0]

    def _fetch_token(self, force):
        data = self._call(
            "stable_token",
            "POST",
            "/cgi-bin/stable_token",
            payload={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self._secret,
                "force_refresh": force,
            },
        )
        log.info(
            "wechat access token fetched",
            extra={"appid": self.appid, "force_refresh": force, "expires_in": data["expires_in"]},
        )
        return data["access_token"], int(data["expires_in"])

    def _unlock(self, lock_id):
        try:
            self._release_lock(keys=[self._lock_key], args=[lock_id])
        except REDIS_DOWN_ERRORS as exc:
            # The lock's TTL frees it anyway.
            log.warning("wechat token lock not released", extra={"error": type(exc).__name__})

    # --- HTTP ------------------------------------------------------------------------------

    def _call(
        self, endpoint, method, path, *, params=None, payload=None, with_token=False, idempotent=True, binary=False
    ):
        token = self.get_access_token() if with_token else None
        token_refreshed = False
        attempt = 0
        while True:
            query = dict(params or {})
            if token is not None:
                query["access_token"] = token
            try:
                return self._send(endpoint, method, path, query, payload, binary)
            except WeChatError as exc:
                disposition = exc.disposition
                if disposition is Disposition.REFRESH_TOKEN and with_token and not token_refreshed:
                    token_refreshed = True
                    log.warning(
                        "wechat rejected access token; refreshing",
                        extra={"endpoint": endpoint, "errcode": exc.errcode},
                    )
                    token = self._obtain_token(force=True, rejected=token)
                    continue
                retry_is_safe = idempotent or not (isinstance(exc, WeChatUnavailable) and exc.outcome_unknown)
                if disposition is Disposition.RETRY and retry_is_safe and attempt < self._max_retries:
                    delay = self._retry_backoff * 2**attempt * random.uniform(0.5, 1.0)
                    attempt += 1
                    log.info(
                        "wechat call failed; retrying",
                        extra={
                            "endpoint": endpoint,
                            "errcode": exc.errcode,
                            "errmsg": exc.errmsg,
                            "attempt": attempt,
                        },
                    )
                    time.sleep(delay)
                    continue
                log.warning(
                    "wechat call failed",
                    extra={
                        "endpoint": endpoint,
                        "errcode": exc.errcode,
                        "errmsg": exc.errmsg,
                        "disposition": disposition.value,
                        "attempts": attempt + 1,
                    },
                )
                raise

    def _send(self, endpoint, method, path, query, payload, binary=False):
        # Plain UTF-8, not \u escapes: some WeChat APIs take escapes literally, so a content check
        # would judge the escaped ASCII instead of the text.
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        headers = None if body is None else {"Content-Type": "application/json; charset=utf-8"}
        try:
            response = self._session.request(
                method, self._base_url + path, params=query, data=body, headers=headers, timeout=self._timeout
            )
        except requests.RequestException as exc:
            # `from None` and only the exception's name: its text holds the URL, whose query
            # carries the app secret or the access token.
            raise WeChatUnavailable(
                endpoint, type(exc).__name__, outcome_unknown=isinstance(exc, requests.ReadTimeout)
            ) from None
        if response.status_code >= 500:
            raise WeChatUnavailable(endpoint, f"HTTP {response.status_code}")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if binary and response.status_code == 200 and content_type.startswith("image/"):
            # Image APIs answer the image itself on success and JSON only on failure.
            return {"image": response.content, "content_type": content_type}
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise WeChatUnavailable(endpoint, f"HTTP {response.status_code} without a JSON object")
        errcode = data.get("errcode", 0)
        if errcode != 0:
            raise WeChatError(errcode, data.get("errmsg", ""), endpoint)
        if binary:
            raise WeChatUnavailable(endpoint, f"HTTP {response.status_code} without an image")
        return data
