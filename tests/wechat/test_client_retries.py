"""Which failures the client retries, refreshes for, or raises at once; observed via stand-in stats."""

import pytest

from api.wechat.client import WeChatClient
from api.wechat.errors import WeChatError, WeChatUnavailable
from tests.wechat.conftest import APPID, SECRET

DATA = {"thing1": {"value": "意见办理进度更新"}}


def send(client):
    return client.send_subscribe_message("o_deputy", "tpl_progress", DATA)


def test_system_busy_is_retried_until_it_succeeds(standin, wechat_client):
    standin.fail("msg_sec_check", -1, times=2)

    verdict = wechat_client.msg_sec_check("你好", openid="o_deputy")

    assert verdict["suggest"] == "pass"
    assert standin.stats()["msg_sec_check"] == 3


def test_system_busy_gives_up_after_max_retries(standin, make_wechat_client):
    client = make_wechat_client(max_retries=1)
    standin.fail("msg_sec_check", -1, times=5)

    with pytest.raises(WeChatError) as caught:
        client.msg_sec_check("你好", openid="o_deputy")

    assert caught.value.errcode == -1
    assert caught.value.transient
    assert standin.stats()["msg_sec_check"] == 2


def test_refused_subscription_is_raised_at_once(standin, wechat_client):
    standin.refuse("o_deputy")

    with pytest.raises(WeChatError) as caught:
        send(wechat_client)

    assert caught.value.errcode == 43101
    assert caught.value.permanent
    assert standin.stats()["subscribe_send"] == 1
    assert standin.messages() == []


def test_quota_exhaustion_is_transient_but_not_retried_here(standin, wechat_client):
    standin.fail("subscribe_send", 45009)

    with pytest.raises(WeChatError) as caught:
        send(wechat_client)

    assert caught.value.errcode == 45009
    assert caught.value.transient
    assert standin.stats()["subscribe_send"] == 1


def test_unknown_errcode_is_permanent_and_not_retried(standin, wechat_client):
    standin.fail("msg_sec_check", 61450)

    with pytest.raises(WeChatError) as caught:
        wechat_client.msg_sec_check("你好", openid="o_deputy")

    assert caught.value.permanent
    assert standin.stats()["msg_sec_check"] == 1


def test_http_500_is_retried_then_succeeds(standin, wechat_client):
    standin.fail("msg_sec_check", "http500")

    assert wechat_client.msg_sec_check("你好", openid="o_deputy")["suggest"] == "pass"
    assert standin.stats()["msg_sec_check"] == 2


def test_persistent_http_500_raises_unavailable_after_retries(standin, wechat_client):
    standin.fail("msg_sec_check", "http500", times=5)

    with pytest.raises(WeChatUnavailable) as caught:
        wechat_client.msg_sec_check("你好", openid="o_deputy")

    assert caught.value.errcode is None
    assert caught.value.transient
    assert standin.stats()["msg_sec_check"] == 3  # first try + max_retries (2)


def test_timeout_raises_unavailable_without_leaking_the_secret(standin, make_wechat_client):
    client = make_wechat_client(timeout=(1, 0.2))
    standin.fail("jscode2session", "timeout", times=3)

    with pytest.raises(WeChatUnavailable) as caught:
        client.code2session(standin.issue_login_code()["code"])

    assert caught.value.errmsg == "ReadTimeout"
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert standin.stats()["jscode2session"] == 3


def test_lost_answer_to_a_send_is_not_repeated(standin, make_wechat_client):
    client = make_wechat_client(timeout=(1, 0.2))
    client.get_access_token()
    standin.fail("subscribe_send", "timeout")

    with pytest.raises(WeChatUnavailable) as caught:
        send(client)

    assert caught.value.outcome_unknown
    assert standin.stats()["subscribe_send"] == 1


def test_server_error_on_a_send_is_retried(standin, make_wechat_client):
    client = make_wechat_client()
    client.get_access_token()
    standin.fail("subscribe_send", "http500")

    assert send(client)["errcode"] == 0
    assert standin.stats()["subscribe_send"] == 2
    assert len(standin.messages()) == 1


def test_unreachable_host_raises_unavailable(wechat_redis, closed_port):
    client = WeChatClient(APPID, SECRET, f"http://127.0.0.1:{closed_port}", wechat_redis, retry_backoff=0)

    with pytest.raises(WeChatUnavailable) as caught:
        client.get_access_token()

    assert caught.value.errmsg == "ConnectionError"
    assert not caught.value.outcome_unknown
