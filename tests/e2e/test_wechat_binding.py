"""A worker binds WeChat to receive reminders: the code from 绑定微信 in the console, entered on the phone
(我的 → 绑定工作账号, as the mini-program sends it); the console then says the account is bound."""
import re
import secrets

import requests

from tests.e2e.console import expect
from tests.e2e.support import Api


def test_a_unit_worker_binds_wechat_with_the_code_the_console_shows(context, staff_api, live_server):
    unit = staff_api.call("GET", "/org/units")[0]
    username, password = f"bind.{secrets.token_hex(3)}", "Bind-e2e-2026"
    worker = staff_api.call("POST", "/auth/users", json={
        "username": username, "password": password, "display_name": "承办单位联系人", "role": "unit_user",
        "unit_id": unit["id"]})
    page = context.new_page()
    page.goto("/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("who")).to_contain_text("承办单位联系人")

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="绑定微信", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("绑定微信接收提醒")
    expect(page.get_by_test_id("my-wechat-state")).to_contain_text("尚未绑定微信")
    page.get_by_test_id("my-wechat-issue").click()
    shown = page.get_by_test_id("account-binding-code-text")
    expect(shown).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(page.get_by_test_id("account-binding-qr")).to_be_visible()

    # The phone: a silent WeChat sign-in, then the code typed on 绑定工作账号.
    login = requests.post(f"{live_server.standin}/_standin/login_code", json={"openid": f"o_bind_{username}"},
                          timeout=10).json()["code"]
    phone = Api(live_server.url)
    phone.token = phone.call("POST", "/auth/wechat/login", json={"code": login})["access_token"]
    bound = phone.call("POST", "/auth/wechat/bind-account", json={"binding_code": shown.inner_text()})
    phone.token = bound["access_token"]  # the phone's session is now the worker's
    assert phone.call("GET", "/auth/me")["role"] == "unit_user"

    page.reload()
    expect(page.get_by_test_id("my-wechat-state")).to_contain_text("已绑定微信")
    expect(page.get_by_test_id("my-wechat-issue")).to_have_count(0)
    assert staff_api.call("GET", f"/auth/users/{worker['id']}")["wechat_bound"] is True
