"""Small helpers shared by the sign-in tests."""

# Every phone number the WeChat tests use; none may ever appear in a response.
TEST_PHONES = ("13912345678", "13800000000")


def wechat_login(client, standin, openid=None):
    """Sign in through the mini-program flow; returns (response, openid)."""
    issued = standin.issue_login_code(openid=openid)
    return client.post("/api/v1/auth/wechat/login", json={"code": issued["code"]}), issued["openid"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}
