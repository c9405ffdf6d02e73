"""Play the mini-program against a running `make run`: a deputy binds WeChat once, then signs in with it.

    .venv/bin/python miniprogram_stubs/simulate.py [--api http://127.0.0.1:5000] [--standin http://127.0.0.1:8765]

The addresses default to the ones `deputyhub serve` uses: SERVE_HOST and SERVE_PORT for the API and
WECHAT_API_BASE for the stand-in, from the environment and instance/config.py, as the app reads them.
The WeChat side is the local stand-in: it hands out the `wx.login` codes a phone would get. Each run
picks a serving deputy who has not bound WeChat yet, so it can be run again and again.
"""
import argparse
import os
import secrets
import sys
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.common.permissions import ROLE_LABELS  # noqa: E402

DEMO_STAFF = ("staff", "Deputyhub-demo-2026")
PAGE_SIZE = 100


def settings():
    """The settings `deputyhub serve` runs with: defaults, then the environment, then instance/config.py."""
    from flask import Config

    from config import load_config

    config = Config(str(REPO))
    config.update(load_config())
    config.from_pyfile(os.path.join(os.environ.get("DEPUTYHUB_INSTANCE") or REPO / "instance", "config.py"),
                       silent=True)
    return config


def pick_unbound(deputies, bound_ids):
    """The first deputy in `deputies` whose id is not in `bound_ids`, or None."""
    return next((deputy for deputy in deputies if deputy["id"] not in bound_ids), None)


def main():
    config = settings()
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", default=f"http://{config['SERVE_HOST']}:{config['SERVE_PORT']}")
    parser.add_argument("--standin", default=config["WECHAT_API_BASE"])
    args = parser.parse_args()
    api = args.api.rstrip("/") + "/api/v1"
    standin = args.standin.rstrip("/")
    http = requests.Session()

    def call(method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = http.request(method, api + path, headers=headers, timeout=10, **kwargs)
        except requests.ConnectionError:
            sys.exit(f"连不上 {args.api}：请先在另一个终端运行 make run（或用 --api 指定地址）。")
        if response.status_code >= 400:
            sys.exit(f"{method} {path} → {response.status_code}: {response.text}")
        return response

    def pages(path, token, **params):
        page = 1
        while True:
            response = call("GET", path, token, params={**params, "page": page, "page_size": PAGE_SIZE})
            yield from response.json()
            if len(response.json()) < PAGE_SIZE:
                return
            page += 1

    def wx_login(openid):
        return http.post(f"{standin}/_standin/login_code", json={"openid": openid}, timeout=5).json()["code"]

    staff = call("POST", "/auth/login", json={"username": DEMO_STAFF[0], "password": DEMO_STAFF[1]}).json()
    token = staff["access_token"]
    bound = {user["deputy_id"] for user in pages("/auth/users", token, role="deputy") if user["wechat_bound"]}
    deputy = pick_unbound(pages("/deputies", token, status="在任"), bound)
    if deputy is None:
        sys.exit("所有在任代表都已绑定微信；重新载入演示数据后再试（删除 instance/ 后 make run）。")
    issued = call("POST", "/auth/binding-codes", token, json={"deputy_id": deputy["id"]}).json()
    print(f"1. 工作人员为 {deputy['name']}（{deputy['code']}）生成绑定码 {issued['code']}")

    openid = f"demo-openid-{deputy['id']}-{secrets.token_hex(4)}"  # a phone this deputy has not used before
    constituent = call("POST", "/auth/wechat/login", json={"code": wx_login(openid)}).json()
    print(f"2. 小程序 wx.login 登录，身份：{ROLE_LABELS[constituent['role']]}")

    bound_tokens = call("POST", "/auth/wechat/bind", constituent["access_token"],
                        json={"binding_code": issued["code"]}).json()
    me = call("GET", "/auth/me", bound_tokens["access_token"]).json()
    print(f"3. 输入绑定码后身份：{ROLE_LABELS[me['role']]} {me['display_name']}")

    again = call("POST", "/auth/wechat/login", json={"code": wx_login(openid)}).json()
    me = call("GET", "/auth/me", again["access_token"]).json()
    print(f"4. 再次打开小程序，wx.login 直接以 {ROLE_LABELS[me['role']]} 身份登录：{me['display_name']}")


if __name__ == "__main__":
    main()
