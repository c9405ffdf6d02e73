"""Play the mini-program against a running `make run`: a deputy binds WeChat once, then signs in with it.

    .venv/bin/python miniprogram_stubs/simulate.py [--api http://127.0.0.1:5000] [--standin http://127.0.0.1:8765]

The WeChat side is the local stand-in: it hands out the `wx.login` codes a phone would get.
"""
import argparse
import sys

import requests

DEMO_STAFF = ("staff", "Deputyhub-demo-2026")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", default="http://127.0.0.1:5000")
    parser.add_argument("--standin", default="http://127.0.0.1:8765")
    args = parser.parse_args()
    api = args.api.rstrip("/") + "/api/v1"
    http = requests.Session()

    def call(method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = http.request(method, api + path, headers=headers, timeout=10, **kwargs)
        if response.status_code >= 400:
            sys.exit(f"{method} {path} → {response.status_code}: {response.text}")
        return response.json()

    def wx_login(openid):
        return http.post(f"{args.standin}/_standin/login_code", json={"openid": openid}, timeout=5).json()["code"]

    staff = call("POST", "/auth/login", json={"username": DEMO_STAFF[0], "password": DEMO_STAFF[1]})
    deputy = call("GET", "/deputies", staff["access_token"], params={"status": "在任", "page_size": 1})[0]
    issued = call("POST", "/auth/binding-codes", staff["access_token"], json={"deputy_id": deputy["id"]})
    print(f"1. 工作人员为 {deputy['name']}（{deputy['code']}）生成绑定码 {issued['code']}")

    openid = f"demo-openid-{deputy['id']}"
    constituent = call("POST", "/auth/wechat/login", json={"code": wx_login(openid)})
    print(f"2. 小程序 wx.login 登录，身份：{constituent['role']}")

    bound = call("POST", "/auth/wechat/bind", constituent["access_token"], json={"binding_code": issued["code"]})
    me = call("GET", "/auth/me", bound["access_token"])
    print(f"3. 输入绑定码后身份：{me['role_label']} {me['display_name']}")

    again = call("POST", "/auth/wechat/login", json={"code": wx_login(openid)})
    me = call("GET", "/auth/me", again["access_token"])
    print(f"4. 再次打开小程序，wx.login 直接以 {me['role_label']} 身份登录：{me['display_name']}")


if __name__ == "__main__":
    main()
