"""Accounts: staff issue a deputy's binding code as a QR code; the deputy binds in the mini-program."""
import re

import requests

from tests.e2e.console import expect, open_menu
from tests.e2e.support import Api, fresh_deputies


def test_a_binding_code_shown_as_a_qr_code_binds_the_deputys_wechat(console_as, staff_api, live_server, tmp_path):
    deputy = fresh_deputies(staff_api, 1)[0]
    page = console_as("staff")
    open_menu(page, "账号")
    page.get_by_test_id("binding-code-page").click()
    page.wait_for_load_state()
    page.get_by_label("代表编号").fill(deputy["code"])
    page.get_by_test_id("binding-issue").click()

    card = page.get_by_test_id("binding-code")
    expect(card.get_by_role("heading")).to_contain_text(f"{deputy['name']}（{deputy['code']}）")
    code = card.get_by_test_id("binding-code-text").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    qr = card.get_by_test_id("binding-qr")
    expect(qr).to_have_attribute("alt", f"绑定码 {code} 的二维码")
    assert qr.evaluate("image => image.complete && image.naturalWidth") > 100  # drawn, not a broken image
    with page.expect_download() as download:
        card.get_by_test_id("binding-qr-download").click()
    assert download.value.suggested_filename == f"binding-{code}.png"
    download.value.save_as(tmp_path / "qr.png")
    assert (tmp_path / "qr.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The deputy's phone: wx.login, then the code as read from the screen.
    login = requests.post(f"{live_server.standin}/_standin/login_code", json={"openid": "qr-deputy"}, timeout=10)
    phone = Api(live_server.url)
    phone.token = phone.call("POST", "/auth/wechat/login", json={"code": login.json()["code"]})["access_token"]
    phone.call("POST", "/auth/wechat/bind", json={"binding_code": code})

    open_menu(page, "账号")
    page.get_by_label("用户名或姓名").fill(deputy["name"])
    page.get_by_role("button", name="筛选").click()
    row = page.get_by_test_id("account-row").filter(has_text=deputy["name"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("代表")
    expect(row.locator("td:nth-child(6)")).to_have_text("已绑定")
