"""The people of a feedback journey besides the live server's own accounts: a constituent on the phone
(the JSON API as the mini-program calls it) and console accounts that staff open for a station and for a
handling unit, each signed in through the console's form."""
import secrets
from types import SimpleNamespace

import requests

from tests.e2e.console import sign_in
from tests.e2e.support import Api

PASSWORD = "E2e-feedback-pass-2026"  # noqa: S105 - a throwaway account of the live test server


def constituent(live, openid):
    """A constituent's silent sign-in: wx.login (the stand-in's code) → POST /auth/wechat/login, no binding."""
    login = requests.post(f"{live.standin}/_standin/login_code", json={"openid": openid}, timeout=10)
    phone = Api(live.url)
    phone.token = phone.call("POST", "/auth/wechat/login", json={"code": login.json()["code"]})["access_token"]
    me = phone.call("GET", "/auth/me")
    assert me["role"] == "constituent", me
    return phone


def draft_key():
    """One Idempotency-Key per draft, as pages/submit/submit.js makes it."""
    return f"draft-{secrets.token_hex(4)}-{secrets.token_hex(8)}"


def submit(phone, body, key):
    """POST /feedback/cases with the draft's Idempotency-Key, as submit.js sends it (Api.call takes no
    headers of its own: the key rides on the phone's HTTP session for this one request)."""
    phone.http.headers["Idempotency-Key"] = key
    try:
        return phone.call("POST", "/feedback/cases", json=body, expect=(200, 201))
    finally:
        del phone.http.headers["Idempotency-Key"]


def open_account(staff_api, role, display_name, **scope):
    """A console account made by staff through the API (`unit_id` for a unit, `station_ids` for a station),
    named uniquely so that a second run on the same server never collides."""
    username = f"e2e-{role.replace('_', '-')}-{secrets.token_hex(3)}"
    staff_api.call("POST", "/auth/users", json={
        "username": username, "display_name": display_name, "role": role, "password": PASSWORD, **scope,
    })
    return {"username": username, "password": PASSWORD, "display_name": display_name}


def console_page(browsing, account):
    """A fresh browser context signed in as `account` through the console's sign-in form."""
    page = browsing.new_context().new_page()
    sign_in(page, SimpleNamespace(accounts={"account": account}), "account")
    return page
