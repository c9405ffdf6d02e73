"""The stand-in's own WeChat behaviour: token lifetimes, code expiry, validation, controls, speed."""

import http.client
import json
import threading
from urllib.parse import urlsplit

import pytest

from api.wechat.standin import StandinServer, create_standin_app
from tests.wechat.conftest import APPID, SECRET

SEND_PATH = "/cgi-bin/message/subscribe/send"
DATA = {"thing1": {"value": "会议通知"}}


class FakeClock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def wechat(clock):
    """A Flask test client of a stand-in whose time the test controls."""
    return create_standin_app(clock=clock).test_client()


def fetch_token(wechat, force_refresh=False, secret=SECRET):
    payload = {"grant_type": "client_credential", "appid": APPID, "secret": secret, "force_refresh": force_refresh}
    return wechat.post("/cgi-bin/stable_token", json=payload).get_json()


def send(wechat, token, **overrides):
    message = {"touser": "o_deputy", "template_id": "tpl", "data": DATA, **overrides}
    return wechat.post(SEND_PATH, query_string={"access_token": token}, json=message).get_json()


def login_code(wechat, **body):
    return wechat.post("/_standin/login_code", json=body).get_json()


def redeem(wechat, code):
    query = {"appid": APPID, "secret": SECRET, "js_code": code, "grant_type": "authorization_code"}
    return wechat.get("/sns/jscode2session", query_string=query).get_json()


def test_same_token_until_it_nears_expiry(wechat, clock):
    first = fetch_token(wechat)
    clock.advance(3600)
    again = fetch_token(wechat)
    clock.advance(3400)  # 200 s left: inside the renewal window
    renewed = fetch_token(wechat)

    assert first["expires_in"] == 7200
    assert again == {"access_token": first["access_token"], "expires_in": 3600}
    assert renewed["access_token"] != first["access_token"]
    assert renewed["expires_in"] == 7200


def test_forced_refresh_keeps_the_old_token_valid_five_minutes(wechat, clock):
    old = fetch_token(wechat)["access_token"]
    new = fetch_token(wechat, force_refresh=True)["access_token"]

    assert new != old
    assert send(wechat, old)["errcode"] == 0
    clock.advance(301)
    assert send(wechat, old)["errcode"] == 42001
    assert send(wechat, new)["errcode"] == 0


def test_token_errors(wechat):
    assert fetch_token(wechat, secret="wrong")["errcode"] == 40125
    bad_appid = {"grant_type": "client_credential", "appid": "wx_other", "secret": SECRET}
    assert wechat.post("/cgi-bin/stable_token", json=bad_appid).get_json()["errcode"] == 40013
    assert send(wechat, "forged")["errcode"] == 40001
    assert wechat.post(SEND_PATH, json={"touser": "o"}).get_json()["errcode"] == 41001


def test_login_code_expires_after_five_minutes(wechat, clock):
    fresh, stale = login_code(wechat)["code"], login_code(wechat)["code"]
    clock.advance(299)
    assert redeem(wechat, fresh)["openid"]
    clock.advance(2)
    assert redeem(wechat, stale)["errcode"] == 40029


def test_generated_openids_look_like_wechat_ones(wechat):
    openids = {login_code(wechat)["openid"] for _ in range(5)}

    assert len(openids) == 5
    assert all(len(openid) == 28 and openid.startswith("o") for openid in openids)


@pytest.mark.parametrize(
    ("overrides", "errcode"),
    [
        ({"touser": ""}, 40003),
        ({"template_id": ""}, 40037),
        ({"data": "thing1=会议"}, 47003),
        ({"data": {"thing1": {"val": "x"}}}, 47003),
        ({"miniprogram_state": "beta"}, 47003),
    ],
)
def test_send_validates_like_wechat(wechat, overrides, errcode):
    token = fetch_token(wechat)["access_token"]

    assert send(wechat, token, **overrides)["errcode"] == errcode
    assert wechat.get("/_standin/messages").get_json() == []


def test_send_rejects_a_body_that_is_not_json(wechat):
    token = fetch_token(wechat)["access_token"]

    response = wechat.post(SEND_PATH, query_string={"access_token": token}, data=b"\xff not json")

    assert response.get_json()["errcode"] == 47001


def test_injected_failures_run_out_in_order(wechat):
    token = fetch_token(wechat)["access_token"]
    wechat.post("/_standin/fail", json={"endpoint": "subscribe_send", "errcode": -1, "times": 2})
    wechat.post("/_standin/fail", json={"endpoint": "subscribe_send", "errcode": "http500"})

    outcomes = [wechat.post(SEND_PATH, query_string={"access_token": token}, json={}) for _ in range(4)]

    assert [response.status_code for response in outcomes] == [200, 200, 500, 200]
    assert [outcomes[0].get_json()["errcode"], outcomes[1].get_json()["errcode"]] == [-1, -1]
    assert wechat.get("/_standin/stats").get_json()["subscribe_send"] == 4


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "nope", "errcode": -1},
        {"endpoint": "subscribe_send", "errcode": 0},
        {"endpoint": "subscribe_send", "errcode": "slow"},
        {"endpoint": "subscribe_send", "errcode": -1, "times": 0},
    ],
)
def test_failure_injection_rejects_nonsense(wechat, body):
    assert wechat.post("/_standin/fail", json=body).status_code == 400


def test_reset_forgets_everything(wechat):
    token = fetch_token(wechat)["access_token"]
    send(wechat, token)
    wechat.post("/_standin/refuse", json={"openid": "o_deputy"})

    wechat.post("/_standin/reset")

    assert wechat.get("/_standin/messages").get_json() == []
    assert set(wechat.get("/_standin/stats").get_json().values()) == {0}
    assert send(wechat, token)["errcode"] == 40001
    assert send(wechat, fetch_token(wechat)["access_token"])["errcode"] == 0  # no longer refused


def test_send_path_keeps_every_message_under_concurrent_load():
    # Correctness under concurrency only: speed is measured by `make bench`, never by a timed test.
    threads, per_thread = 8, 150
    with StandinServer() as server:
        token = fetch_token(server.app.test_client())["access_token"]
        address = urlsplit(server.url)
        body = json.dumps({"touser": "o_deputy", "template_id": "tpl", "data": DATA})
        failures = []

        def load():
            for _ in range(per_thread):
                connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
                connection.request("POST", f"{SEND_PATH}?access_token={token}", body)
                if json.loads(connection.getresponse().read())["errcode"] != 0:
                    failures.append(1)
                connection.close()

        workers = [threading.Thread(target=load) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

        assert failures == []
        assert len(server.messages()) == threads * per_thread
