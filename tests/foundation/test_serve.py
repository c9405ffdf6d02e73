"""`deputyhub serve` as a newcomer meets it, on real sockets (refusals in process, the happy path as a real process)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import redis


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def instance():
    # Short: the embedded Redis listens on a unix socket inside it (~107 byte path limit).
    path = tempfile.mkdtemp(prefix="dh-serve-", dir="/tmp")
    yield path
    from api.common.redis import stop_embedded_redis

    stop_embedded_redis(os.path.join(path, "redis"))
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def taken_port():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_serve_refuses_a_taken_port_and_says_so(app, taken_port):
    result = app.test_cli_runner().invoke(args=["serve", "--no-worker", "--port", str(taken_port)])
    assert result.exit_code == 1
    assert f"{taken_port}" in result.output and "已被占用" in result.output
    assert "API: http" not in result.output


def test_serve_refuses_when_the_standin_port_is_taken(app, taken_port):
    app.config["WECHAT_API_BASE"] = f"http://127.0.0.1:{taken_port}"
    port = free_port()
    result = app.test_cli_runner().invoke(args=["serve", "--no-worker", "--port", str(port)])
    assert result.exit_code == 1
    assert "微信接口模拟服务" in result.output and str(taken_port) in result.output
    assert "API: http" not in result.output
    assert not listening(port)


def test_serve_prints_the_url_once_listening_and_stops_the_embedded_redis(instance):
    port, standin_port = free_port(), free_port()
    env = dict(
        os.environ, DEPUTYHUB_ENV="testing", DEPUTYHUB_INSTANCE=instance, DATABASE_URL=f"sqlite:///{instance}/db",
        REDIS_URL="", WECHAT_API_BASE=f"http://127.0.0.1:{standin_port}", PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--no-worker", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()  # blocks until serve prints, or exits
        assert line.startswith(f"API: http://127.0.0.1:{port}/docs"), line + process.stderr.read()
        # Printed only once both answer: no retry loop needed here.
        assert listening(port) and listening(standin_port)
        embedded = redis.Redis(unix_socket_path=os.path.join(instance, "redis", "redis.sock"))
        assert embedded.ping()
    finally:
        process.send_signal(signal.SIGTERM)
        output, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert "embedded Redis stopped" in output
    with pytest.raises((redis.ConnectionError, FileNotFoundError)):
        embedded.ping()
    deadline = time.monotonic() + 10
    while listening(standin_port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not listening(standin_port) and not listening(port)
