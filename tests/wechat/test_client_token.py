"""The access token: cached in Redis, refreshed once across processes, and served without Redis."""

import logging
import threading
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from api.wechat.client import WeChatClient
from api.wechat.errors import WeChatError
from tests.wechat.conftest import APPID, SECRET

TOKEN_KEY = f"wechat:access_token:{APPID}"
LOCK_KEY = f"wechat:access_token_lock:{APPID}"
DATA = {"thing1": {"value": "会议通知"}}


def send(client, openid="o_deputy"):
    return client.send_subscribe_message(openid, "tpl_meeting", DATA)


def test_token_is_cached_in_redis_with_a_safety_margin(standin, wechat_client, wechat_redis):
    token = wechat_client.get_access_token()

    assert wechat_redis.get(TOKEN_KEY).decode() == token
    assert 6890 <= wechat_redis.ttl(TOKEN_KEY) <= 6900  # expires_in 7200 minus 300


def test_many_sends_share_one_token_fetch(standin, make_wechat_client):
    first, second = make_wechat_client(), make_wechat_client()  # e.g. two worker processes

    for index in range(10):
        send(first if index % 2 else second, openid=f"o_{index}")

    assert standin.stats()["stable_token"] == 1
    assert standin.stats()["subscribe_send"] == 10
    assert len(standin.messages()) == 10


def test_rejected_token_is_force_refreshed_and_the_call_retried_once(standin, wechat_client, wechat_redis):
    old_token = wechat_client.get_access_token()
    standin.fail("subscribe_send", 40001)

    assert send(wechat_client)["errcode"] == 0

    new_token = wechat_redis.get(TOKEN_KEY).decode()
    assert new_token != old_token
    assert standin.stats()["stable_token"] == 2
    assert standin.stats()["subscribe_send"] == 2


def test_token_unknown_to_wechat_is_replaced(standin, wechat_client, wechat_redis):
    wechat_redis.set(TOKEN_KEY, "token-wechat-never-issued", ex=600)

    assert wechat_client.msg_sec_check("你好", openid="o_deputy")["suggest"] == "pass"

    assert wechat_redis.get(TOKEN_KEY).decode() != "token-wechat-never-issued"
    assert standin.stats()["msg_sec_check"] == 2


def test_token_rejected_twice_is_raised_after_one_refresh(standin, wechat_client):
    wechat_client.get_access_token()
    standin.fail("subscribe_send", 42001, times=2)

    with pytest.raises(WeChatError) as caught:
        send(wechat_client)

    assert caught.value.errcode == 42001
    assert standin.stats()["stable_token"] == 2
    assert standin.stats()["subscribe_send"] == 2


def test_concurrent_refresh_fetches_the_token_once(standin, wechat_redis):
    # Separate clients and Redis connections, as separate processes would have.
    clients = [
        WeChatClient(APPID, SECRET, standin.url, redis.Redis(unix_socket_path=wechat_redis.socket_file))
        for _ in range(8)
    ]
    standin.set_latency("stable_token", 0.3)  # everyone misses the cache while the fetch is in flight
    start = threading.Barrier(len(clients))
    tokens = []

    def fetch(client):
        start.wait()
        tokens.append(client.get_access_token())

    threads = [threading.Thread(target=fetch, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(tokens) == len(clients)
    assert len(set(tokens)) == 1
    assert standin.stats()["stable_token"] == 1
    assert wechat_redis.get(LOCK_KEY) is None


def test_lock_left_by_a_dead_process_delays_but_does_not_block(standin, make_wechat_client, wechat_redis, caplog):
    wechat_redis.set(LOCK_KEY, "held-by-a-crashed-worker", px=60_000)
    client = make_wechat_client(lock_wait=0.3)

    token = client.get_access_token()

    assert wechat_redis.get(TOKEN_KEY).decode() == token
    assert wechat_redis.get(LOCK_KEY) == b"held-by-a-crashed-worker"  # only its owner may delete it
    assert "wechat token lock wait timed out" in caplog.text


def test_refresher_never_deletes_a_lock_it_no_longer_owns(standin, wechat_client, wechat_redis):
    standin.set_latency("stable_token", 0.3)
    refresher = threading.Thread(target=wechat_client.get_access_token)
    refresher.start()
    while wechat_redis.get(LOCK_KEY) is None:
        time.sleep(0.01)
    # Our lock lapsed mid-fetch and another process took it over.
    wechat_redis.set(LOCK_KEY, "another-process", px=60_000)

    refresher.join()

    assert wechat_redis.get(TOKEN_KEY) is not None
    assert wechat_redis.get(LOCK_KEY) == b"another-process"


def test_without_redis_the_token_is_fetched_directly(standin, make_wechat_client, closed_port, caplog):
    # No redis-py retries: its default backoff would only make the test slow.
    down = redis.Redis(host="127.0.0.1", port=closed_port, retry=Retry(NoBackoff(), 0))
    client = make_wechat_client(redis=down)
    caplog.set_level(logging.WARNING, logger="deputyhub.wechat")

    token = client.get_access_token()
    send(client)

    assert token
    assert len(standin.messages()) == 1
    assert standin.stats()["stable_token"] == 2  # nothing to cache in, so every call fetches
    assert "redis unavailable" in caplog.text


def test_forced_refresh_replaces_the_cached_token(standin, wechat_client, wechat_redis):
    old_token = wechat_client.get_access_token()

    new_token = wechat_client.get_access_token(force_refresh=True)

    assert new_token != old_token
    assert wechat_redis.get(TOKEN_KEY).decode() == new_token
    # The stand-in, like WeChat, keeps the replaced token valid for five more minutes.
    assert send(wechat_client)["errcode"] == 0


def test_each_process_keeps_the_shared_token_briefly_without_asking_redis(standin, wechat_client, wechat_redis):
    send(wechat_client)
    reads = []
    original_get = wechat_redis.get
    wechat_redis.get = lambda key: reads.append(key) or original_get(key)
    try:
        for index in range(5):
            send(wechat_client, openid=f"o_{index}")
    finally:
        wechat_redis.get = original_get
    assert reads == []
    assert standin.stats()["stable_token"] == 1


def test_the_brief_local_copy_expires_and_redis_is_asked_again(standin, wechat_client, wechat_redis, monkeypatch):
    import api.wechat.client as client_module

    send(wechat_client)
    wechat_redis.set(TOKEN_KEY, "token-published-by-another-process")
    monkeypatch.setattr(client_module, "LOCAL_TOKEN_SECONDS", 0)
    assert wechat_client.get_access_token() == "token-published-by-another-process"
