"""A local stand-in for the WeChat server APIs the backend calls, for development and tests.

It keeps the behaviour our code depends on: single-use login and phone codes that expire after
five minutes, access tokens that expire and stay valid five minutes after a forced refresh,
errcodes for bad input. Control endpoints under /_standin/ issue codes, inject failures and
report what was called, so tests can drive it over HTTP exactly like the real thing.
"""

import functools
import io
import logging
import re
import secrets
import threading
import time
from collections import Counter, deque

import requests
import segno
from flask import Flask, Response, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

log = logging.getLogger("deputyhub.wechat.standin")

ENDPOINTS = (
    "stable_token", "jscode2session", "getuserphonenumber", "subscribe_send", "msg_sec_check", "getwxacodeunlimit"
)
TOKEN_TTL_SECONDS = 7200
# A replaced token stays valid this long; normal mode also renews a token this close to expiry.
TOKEN_OVERLAP_SECONDS = 300
CODE_TTL_SECONDS = 300
# Longer than any read timeout the client is configured with, so an injected timeout is one.
DEFAULT_TIMEOUT_DELAY_SECONDS = 10.0
# Word -> WeChat content label (20006 illegal activity, 20008 fraud).
DEFAULT_RISKY_WORDS = {"赌博": 20006, "代开发票": 20008}
MINIPROGRAM_STATES = ("developer", "trial", "formal")
SUBSCRIBE_SEND_PATH = "/cgi-bin/message/subscribe/send"
# Pages of the released mini-program: wxacode.getUnlimited with check_path refuses any other (41030).
DEFAULT_PUBLISHED_PAGES = (
    "pages/login/login", "pages/home/home", "pages/feed/feed", "pages/notice/detail", "pages/station/station",
)
WXACODE_ENV_VERSIONS = ("release", "trial", "develop")
# What a scene may hold (at most 32 of them): WeChat's own list.
WXACODE_SCENE_PATTERN = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$")

ERRMSGS = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40013: "invalid appid",
    40029: "invalid code",
    40037: "invalid template_id",
    40097: "invalid args",
    40125: "invalid appsecret",
    40163: "code been used",
    40169: "invalid length for scene, or the data is not json string",
    41001: "access_token missing",
    41008: "missing code",
    41030: "invalid page",
    42001: "access_token expired",
    43101: "user refuse to accept the msg",
    45009: "reach max api daily quota limit",
    47001: "data format error",
    47003: "argument invalid! data is not a valid template data",
}


def create_standin_app(
    appid="wx_demo_appid",
    secret="demo_secret",  # noqa: S107 - the stand-in's demo credential, same as config's default
    risky_words=None,
    clock=time.time,
    published_pages=DEFAULT_PUBLISHED_PAGES,
):
    """`clock` lets tests move time forward to expire codes and tokens."""
    state = _StandinState(appid, secret, DEFAULT_RISKY_WORDS if risky_words is None else risky_words, clock)
    state.published_pages = frozenset(published_pages)
    app = Flask(__name__)
    app.extensions["wechat_standin"] = state
    simulated = functools.partial(_simulated, state)

    @app.post("/cgi-bin/stable_token")
    @simulated("stable_token")
    def stable_token():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(47001)
        if body.get("grant_type") != "client_credential":
            return _error(40002)
        if body.get("appid") != state.appid:
            return _error(40013)
        if body.get("secret") != state.secret:
            return _error(40125)
        token, expires_in = state.issue_token(force=body.get("force_refresh") is True)
        return {"access_token": token, "expires_in": expires_in}

    @app.get("/sns/jscode2session")
    @simulated("jscode2session")
    def jscode2session():
        args = request.args
        if args.get("appid") != state.appid:
            return _error(40013)
        if args.get("secret") != state.secret:
            return _error(40125)
        if args.get("grant_type") != "authorization_code":
            return _error(40002)
        if not args.get("js_code"):
            return _error(41008)
        with state.lock:
            issued = state.login_codes.get(args["js_code"])
            errcode = state.redeem(issued, used_errcode=40163)
        if errcode:
            return _error(errcode)
        openid, unionid = issued.value
        session = {"openid": openid, "session_key": secrets.token_urlsafe(16)}
        if unionid:
            session["unionid"] = unionid
        return session

    @app.post("/wxa/business/getuserphonenumber")
    @simulated("getuserphonenumber")
    def getuserphonenumber():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(47001)
        with state.lock:
            now = state.clock()
            errcode = state.token_error(request.args.get("access_token"), now)
            if not errcode:
                issued = state.phone_codes.get(body.get("code"))
                # WeChat answers "invalid code" for a reused phone code too.
                errcode = state.redeem(issued, used_errcode=40029)
        if errcode:
            return _error(errcode)
        return {
            "errcode": 0,
            "errmsg": "ok",
            "phone_info": {
                "phoneNumber": issued.value,
                "purePhoneNumber": issued.value,
                "countryCode": "86",
                "watermark": {"timestamp": int(now), "appid": state.appid},
            },
        }

    def refusal(body):
        """WeChat's answer to a body that is no JSON object or a call without a valid access token, else None."""
        if not isinstance(body, dict):
            return _error(47001)
        with state.lock:
            errcode = state.token_error(request.args.get("access_token"), state.clock())
        return _error(errcode) if errcode else None

    @app.post("/wxa/msg_sec_check")
    @simulated("msg_sec_check")
    def msg_sec_check():
        body = request.get_json(silent=True)
        refused = refusal(body)
        if refused:
            return refused
        if not body.get("openid"):
            return _error(40003)
        content = body.get("content")
        if body.get("version") != 2 or body.get("scene") not in (1, 2, 3, 4) or not isinstance(content, str):
            return _error(40097)
        label = next((label for word, label in state.risky_words.items() if word in content), None)
        result = {"suggest": "pass", "label": 100} if label is None else {"suggest": "risky", "label": label}
        return {"errcode": 0, "errmsg": "ok", "result": result, "trace_id": secrets.token_hex(12)}

    @app.post(SUBSCRIBE_SEND_PATH)
    @simulated("subscribe_send")
    def subscribe_send():
        body = request.get_json(force=True, silent=True)  # WeChat reads the body whatever its Content-Type
        if not isinstance(body, dict):
            return _error(47001)
        errcode, msgid = state.record_message(request.args.get("access_token"), body)
        if errcode:
            return _error(errcode)
        return {"errcode": 0, "errmsg": "ok", "msgid": msgid}

    @app.post("/wxa/getwxacodeunlimit")
    @simulated("getwxacodeunlimit")
    def getwxacodeunlimit():
        body = request.get_json(silent=True)
        refused = refusal(body)
        if refused:
            return refused
        scene, page = body.get("scene"), body.get("page", "pages/index/index")
        if not isinstance(scene, str) or not WXACODE_SCENE_PATTERN.match(scene):
            return _error(40169)
        if body.get("env_version", "release") not in WXACODE_ENV_VERSIONS:
            return _error(40097)
        width = body.get("width", 430)
        if isinstance(width, bool) or not isinstance(width, int):
            return _error(40097)
        published = page in state.published_pages or body.get("check_path") is False
        if not isinstance(page, str) or page.startswith("/") or "?" in page or not published:
            return _error(41030)
        # A real PNG of about the asked width (WeChat keeps it within 280..1280 px); its content says what
        # the code would open, so tests can read it back.
        code = segno.make(f"wxacode:{state.appid}:{page}?scene={scene}", error="m")
        scale = max(1, min(1280, max(280, width)) // code.symbol_size(border=2)[0])
        image = io.BytesIO()
        code.save(image, kind="png", scale=scale, border=2)
        return Response(image.getvalue(), mimetype="image/png")

    _add_control_endpoints(app, state)
    return app


def _add_control_endpoints(app, state):
    @app.post("/_standin/login_code")
    def issue_login_code():
        body = request.get_json(silent=True) or {}
        openid = body.get("openid") or "o" + secrets.token_urlsafe(20)[:27]
        code = secrets.token_hex(16)
        with state.lock:
            state.login_codes[code] = _IssuedCode((openid, body.get("unionid")), state.clock())
        return {"code": code, "openid": openid}

    @app.post("/_standin/phone_code")
    def issue_phone_code():
        phone = (request.get_json(silent=True) or {}).get("phone")
        if not phone:
            return {"error": "phone is required"}, 400
        code = secrets.token_hex(16)
        with state.lock:
            state.phone_codes[code] = _IssuedCode(str(phone), state.clock())
        return {"code": code}

    @app.post("/_standin/fail")
    def inject_failure():
        body = request.get_json(silent=True) or {}
        endpoint, errcode, times = body.get("endpoint"), body.get("errcode"), body.get("times", 1)
        delay = body.get("delay", DEFAULT_TIMEOUT_DELAY_SECONDS)
        if endpoint not in ENDPOINTS:
            return {"error": f"endpoint must be one of {ENDPOINTS}"}, 400
        is_errcode = isinstance(errcode, int) and not isinstance(errcode, bool) and errcode != 0
        if not (is_errcode or errcode in ("http500", "timeout")):
            return {"error": 'errcode must be a non-zero int, "http500" or "timeout"'}, 400
        if not isinstance(times, int) or times < 1 or not isinstance(delay, (int, float)):
            return {"error": "times must be a positive int and delay a number"}, 400
        with state.lock:
            state.failures[endpoint].extend([(errcode, delay)] * times)
        return {"ok": True}

    @app.post("/_standin/latency")
    def set_latency():
        body = request.get_json(silent=True) or {}
        endpoint, seconds = body.get("endpoint"), body.get("seconds")
        if endpoint not in ENDPOINTS or not isinstance(seconds, (int, float)) or seconds < 0:
            return {"error": "endpoint must be known and seconds a non-negative number"}, 400
        with state.lock:
            state.latency[endpoint] = seconds
        return {"ok": True}

    @app.post("/_standin/refuse")
    def refuse():
        openid = (request.get_json(silent=True) or {}).get("openid")
        if not openid:
            return {"error": "openid is required"}, 400
        with state.lock:
            state.refused.add(openid)
        return {"ok": True}

    @app.get("/_standin/messages")
    def messages():
        with state.lock:
            return jsonify(list(state.messages))

    @app.get("/_standin/stats")
    def stats():
        with state.lock:
            return {endpoint: state.calls[endpoint] for endpoint in ENDPOINTS}

    @app.post("/_standin/reset")
    def reset():
        state.reset()
        return {"ok": True}


class _IssuedCode:
    __slots__ = ("value", "issued_at", "used")

    def __init__(self, value, issued_at):
        self.value = value
        self.issued_at = issued_at
        self.used = False


class _StandinState:
    def __init__(self, appid, secret, risky_words, clock):
        self.appid = appid
        self.secret = secret
        self.risky_words = dict(risky_words)
        self.clock = clock
        self.lock = threading.Lock()
        self._clear()

    def _clear(self):
        self.tokens = {}  # token -> expiry time; replaced tokens are kept so they answer 42001
        self.current_token = None
        self.login_codes = {}
        self.phone_codes = {}
        self.refused = set()
        self.messages = []
        self.calls = Counter()
        self.failures = {endpoint: deque() for endpoint in ENDPOINTS}
        self.latency = {}
        # Handlers sleeping in an injected timeout wait on this, so reset and shutdown end them.
        self.wakeup = threading.Event()

    def reset(self):
        with self.lock:
            self.wakeup.set()
            self._clear()

    def simulate(self, endpoint):
        """Count a call and apply latency and the next injected failure.

        Returns None to go on with the real behaviour, or the (HTTP status, body) to answer.
        """
        with self.lock:
            self.calls[endpoint] += 1
            pending = self.failures[endpoint]
            failure = pending.popleft() if pending else None
            latency, wakeup = self.latency.get(endpoint, 0), self.wakeup
        if latency:
            wakeup.wait(latency)
        if failure is None:
            return None
        errcode, delay = failure
        if errcode == "http500":
            return 500, "internal server error"
        if errcode == "timeout":
            wakeup.wait(delay)
            return 504, "gateway timeout"
        return 200, _error(errcode)

    def issue_token(self, force):
        with self.lock:
            now = self.clock()
            token = self.current_token
            expires_at = self.tokens.get(token, now)
            if force or expires_at - now < TOKEN_OVERLAP_SECONDS:
                if token is not None:
                    self.tokens[token] = min(expires_at, now + TOKEN_OVERLAP_SECONDS)
                token = secrets.token_urlsafe(32)
                expires_at = now + TOKEN_TTL_SECONDS
                self.tokens[token] = expires_at
                self.current_token = token
            return token, int(expires_at - now)

    def token_error(self, token, now):
        """Errcode for an access token, or 0 when it is valid. Call with the lock held."""
        if not token:
            return 41001
        expires_at = self.tokens.get(token)
        if expires_at is None:
            return 40001
        if expires_at <= now:
            return 42001
        return 0

    def record_message(self, token, body):
        """Validate a subscribe message like WeChat and keep it; (errcode, msgid)."""
        openid, template_id, data = body.get("touser"), body.get("template_id"), body.get("data")
        with self.lock:
            now = self.clock()
            errcode = self.token_error(token, now)
            if not errcode and not openid:
                errcode = 40003
            if not errcode and not template_id:
                errcode = 40037
            if not errcode and not (
                _valid_template_data(data) and body.get("miniprogram_state", "formal") in MINIPROGRAM_STATES
            ):
                errcode = 47003
            if not errcode and openid in self.refused:
                errcode = 43101
            if errcode:
                return errcode, None
            self.messages.append(
                {
                    "openid": openid,
                    "template_id": template_id,
                    "data": data,
                    "page": body.get("page"),
                    "time": now,
                }
            )
            return 0, len(self.messages)

    def redeem(self, issued, used_errcode):
        """Use up a single-use code; errcode, or 0 on success. Call with the lock held."""
        if issued is None:
            return 40029
        if issued.used:
            return used_errcode
        if self.clock() - issued.issued_at > CODE_TTL_SECONDS:
            return 40029
        issued.used = True
        return 0


def _simulated(state, endpoint):
    """Wrap a WeChat endpoint view with call counting, latency and injected failures."""

    def decorate(view):
        @functools.wraps(view)
        def run():
            outcome = state.simulate(endpoint)
            if outcome is None:
                return view()
            status, body = outcome
            return body, status

        return run

    return decorate


def _error(errcode):
    return {"errcode": errcode, "errmsg": f"{ERRMSGS.get(errcode, 'error')} rid: {secrets.token_hex(6)}"}


def _valid_template_data(data):
    return (
        isinstance(data, dict)
        and bool(data)
        and all(isinstance(field, dict) and isinstance(field.get("value"), str) for field in data.values())
    )


class _QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        # An access-log line per request would dominate the cost of the load-test path.
        pass


def serve_standin(host="127.0.0.1", port=8765, **app_options):
    """Run the stand-in in the foreground, e.g. for the mini-program developer tools."""
    server = make_server(
        host, port, create_standin_app(**app_options), threaded=True, request_handler=_QuietRequestHandler
    )
    log.info("wechat stand-in listening", extra={"url": f"http://{host}:{server.server_port}"})
    server.serve_forever()


class StandinServer:
    """The stand-in on a random local port in a background thread, with helpers for its controls."""

    def __init__(self, app=None, host="127.0.0.1"):
        self.app = create_standin_app() if app is None else app
        self._server = make_server(host, 0, self.app, threaded=True, request_handler=_QuietRequestHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._control_session = requests.Session()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="wechat-standin",
            daemon=True,
        )
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.shutdown()

    def shutdown(self):
        self.app.extensions["wechat_standin"].reset()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._control_session.close()

    def issue_login_code(self, openid=None, unionid=None):
        return self._control("POST", "login_code", {"openid": openid, "unionid": unionid})

    def issue_phone_code(self, phone):
        return self._control("POST", "phone_code", {"phone": phone})["code"]

    def fail(self, endpoint, errcode, times=1, delay=DEFAULT_TIMEOUT_DELAY_SECONDS):
        self._control("POST", "fail", {"endpoint": endpoint, "errcode": errcode, "times": times, "delay": delay})

    def set_latency(self, endpoint, seconds):
        self._control("POST", "latency", {"endpoint": endpoint, "seconds": seconds})

    def refuse(self, openid):
        self._control("POST", "refuse", {"openid": openid})

    def messages(self):
        return self._control("GET", "messages")

    def stats(self):
        return self._control("GET", "stats")

    def reset(self):
        self._control("POST", "reset")

    def _control(self, method, name, payload=None):
        response = self._control_session.request(method, f"{self.url}/_standin/{name}", json=payload, timeout=5)
        response.raise_for_status()
        return response.json()
