"""miniprogram_stubs/simulate.py against the app served over real HTTP and the WeChat stand-in."""
import importlib.util
import socket
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests import factories
from tests.support import make_user

SCRIPT = Path(__file__).resolve().parents[2] / "miniprogram_stubs" / "simulate.py"


@pytest.fixture(scope="module")
def simulate():
    spec = importlib.util.spec_from_file_location("simulate", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pick_unbound_skips_deputies_who_bound_wechat(simulate):
    deputies = [{"id": 1}, {"id": 2}, {"id": 3}]
    assert simulate.pick_unbound(deputies, {1})["id"] == 2
    assert simulate.pick_unbound(deputies, {1, 2, 3}) is None
    assert simulate.pick_unbound(iter(deputies), set())["id"] == 1


def test_ports_default_to_the_serve_settings(simulate, monkeypatch, tmp_path):
    monkeypatch.setenv("DEPUTYHUB_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SERVE_PORT", "5123")
    (tmp_path / "config.py").write_text('WECHAT_API_BASE = "http://127.0.0.1:9876"\n')
    config = simulate.settings()
    assert (config["SERVE_PORT"], config["WECHAT_API_BASE"]) == (5123, "http://127.0.0.1:9876")


@pytest.fixture
def served(app):
    """The test's app on a real port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_a_run_binds_a_deputy_not_yet_bound_and_speaks_chinese(simulate, served, standin, monkeypatch, capsys):
    make_user("staff", username=simulate.DEMO_STAFF[0], password=simulate.DEMO_STAFF[1])
    already = factories.deputy(name="已绑定代表")
    make_user("deputy", deputy=already, openid="o-already-bound", password=None)
    fresh = factories.deputy(name="未绑定代表")
    monkeypatch.setattr(sys, "argv", ["simulate.py", "--api", served, "--standin", standin.url])

    simulate.main()

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"1. 工作人员为 {fresh.name}（{fresh.code}）")
    assert lines[1:] == [
        "2. 小程序 wx.login 登录，身份：群众",
        f"3. 输入绑定码后身份：代表 {fresh.name}",
        f"4. 再次打开小程序，wx.login 直接以 代表 身份登录：{fresh.name}",
    ]


def test_a_run_without_the_server_says_how_to_start_it(simulate, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(sys, "argv", ["simulate.py", "--api", f"http://127.0.0.1:{port}"])
    with pytest.raises(SystemExit) as stopped:
        simulate.main()
    assert "make run" in str(stopped.value.code)
