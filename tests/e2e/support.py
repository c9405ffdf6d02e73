"""What the e2e tests share besides fixtures: the request log that guards every page, and the JSON API
as the mini-program (or a script) uses it, for the parts of a journey that happen outside the console."""
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
# The real binary first: /usr/bin/chromium-headless-shell is a shell wrapper around it.
BROWSER_PATHS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell")
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
SERVER_START_SECONDS = 120
# Each call of fresh_deputies takes the next page of serving deputies: tests sharing one live server
# never bind or count the same deputy twice.
_deputy_pages = itertools.count(1)
DEPUTY_PAGE = 10

# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}


def same_origin(url, origin):
    parts, base = urlsplit(url), urlsplit(origin)
    return (parts.scheme, parts.netloc) == (base.scheme, base.netloc)


def browser_path():
    """E2E_CHROMIUM, or Debian's chromium-headless-shell; None when there is none."""
    configured = os.environ.get("E2E_CHROMIUM")
    candidates = (configured,) if configured else BROWSER_PATHS
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


def launch(playwright):
    return playwright.chromium.launch(executable_path=browser_path(), args=BROWSER_ARGS)


def artefact_name(test_name):
    return re.sub(r"[^\w.-]+", "_", test_name).strip("_")


class LiveServer:
    """tests/e2e/live_server.py in its own process on a fresh temporary instance."""

    def __init__(self, process, instance, live):
        self.process = process
        self.instance = instance
        self.url = live["url"]
        self.standin = live["standin"]
        self.accounts = live["accounts"]
        self.seconds_to_start = live["seconds_to_start"]

    @classmethod
    def start(cls):
        # Short and under /tmp: the embedded Redis puts a unix socket in here (paths are limited to ~100 bytes).
        instance = tempfile.mkdtemp(prefix="dhe2e-", dir="/tmp")
        with open(os.path.join(instance, "server.log"), "wb") as log:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "tests.e2e.live_server", instance],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the worker it starts can be stopped with it
            )
        ready = Path(instance, "live.json")
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log_tail = Path(instance, "server.log").read_text(errors="replace")[-4000:]
                shutil.rmtree(instance, ignore_errors=True)
                raise RuntimeError(f"the live server did not start; its log:\n{log_tail}")
            time.sleep(0.1)
        return cls(process, instance, json.loads(ready.read_text()))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        shutil.rmtree(self.instance, ignore_errors=True)

    @property
    def log(self):
        with contextlib.suppress(OSError):
            return Path(self.instance, "server.log").read_text(errors="replace")[-4000:]
        return ""


class RequestLog:
    """Every request a browser context makes, and what went wrong: a host other than the app, an
    uncaught JavaScript error, or a 5xx answer."""

    def __init__(self, origin):
        self.origin = origin
        self.requests = []
        self.errors = []
        self.server_errors = []

    def attach(self, context):
        context.on("request", lambda request: self.requests.append((request.method, request.url)))
        context.on("response", self._response)
        context.on("weberror", lambda error: self.errors.append(str(error.error)))
        return self

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def foreign(self):
        return [
            f"{method} {url}"
            for method, url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and not same_origin(url, self.origin)
        ]

    def problems(self):
        found = []
        if self.foreign():
            found.append(f"requests to hosts other than {self.origin}: " + "; ".join(self.foreign()))
        if self.errors:
            found.append("JavaScript errors: " + "; ".join(self.errors))
        if self.server_errors:
            found.append("server errors: " + "; ".join(self.server_errors))
        return found


class Api:
    """The JSON API over HTTP, signed in as someone (a bearer token), as the mini-program calls it."""

    def __init__(self, base, token=None):
        self.base = base.rstrip("/") + "/api/v1"
        self.token = token
        self.sign_in_again = None
        self.http = requests.Session()

    def call(self, method, path, expect=(200, 201, 204), **kwargs):
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and self.sign_in_again:  # the access token expired in a long run
            self.token = self.sign_in_again()
            response = self._send(method, path, **kwargs)
        assert response.status_code in expect, f"{method} {path} → {response.status_code}: {response.text}"
        return response.json() if response.content else None

    def _send(self, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.http.request(method, self.base + path, headers=headers, timeout=30, **kwargs)

    @classmethod
    def password(cls, live, role):
        account = live.accounts[role]
        api = cls(live.url)

        def sign_in():
            credentials = {"username": account["username"], "password": account["password"]}
            return cls(live.url).call("POST", "/auth/login", json=credentials)["access_token"]

        api.token, api.sign_in_again = sign_in(), sign_in
        return api

    @classmethod
    def deputy(cls, live, staff, deputy_id, openid):
        """A deputy's mini-program session: staff issue a binding code, the phone signs in with
        wx.login (the stand-in's code) and binds with it."""
        binding = staff.call("POST", "/auth/binding-codes", json={"deputy_id": deputy_id})["code"]
        login_code = requests.post(f"{live.standin}/_standin/login_code", json={"openid": openid}, timeout=10)
        api = cls(live.url)
        api.token = api.call("POST", "/auth/wechat/login", json={"code": login_code.json()["code"]})["access_token"]
        api.token = api.call("POST", "/auth/wechat/bind", json={"binding_code": binding})["access_token"]
        return api


def fresh_deputies(staff, count):
    """`count` (at most 10) serving deputies of the own congress that no other test in this run has used.

    Own-congress seats only: a person may also hold a provincial or national seat, and binding one seat
    binds the person's other seats too, which would make two tests' deputies one person."""
    assert count <= DEPUTY_PAGE
    own = next(item["id"] for item in staff.call("GET", "/org/congresses") if item["is_own"])
    deputies = staff.call("GET", "/deputies", params={
        "status": "在任", "congress": own, "page_size": DEPUTY_PAGE, "page": next(_deputy_pages),
    })
    assert len(deputies) >= count, "the demo roster ran out of serving deputies"
    return deputies[:count]
