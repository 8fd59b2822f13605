"""`frontdesk serve`: loopback by default; another host only with --allow-remote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk.cli.serve import is_loopback
from frontdesk.demo import load_demo

from .conftest import free_port, listening, served

LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from datetime import date

    path = tmp_path_factory.mktemp("serve") / "demo.db"
    load_demo(str(path), date.today())
    return str(path)


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False), ("", False),
])
def test_which_hosts_are_this_pc_only(host, loopback):
    assert is_loopback(host) is loopback


def test_serve_listens_on_loopback_by_default(demo_db):
    with served(demo_db, "--board") as (port, _proc):
        assert listening(port) == [LOOPBACK_V4]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_another_host_is_refused_without_allow_remote(demo_db, host):
    port = free_port()
    p = subprocess.run([sys.executable, "-m", "frontdesk.cli", "--db", demo_db, "--json", "serve", "--board",
                        "--host", host, "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stderr
    error = json.loads(p.stderr)["error"]
    assert error["field"] == "host" and "--allow-remote" in error["message"]
    assert listening(port) == []


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_a_port_that_is_not_one_is_bad_input(demo_db, port):
    p = subprocess.run([sys.executable, "-m", "frontdesk.cli", "--db", demo_db, "--json", "serve", "--port", port],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and json.loads(p.stderr)["error"]["field"] == "port", p.stderr


def test_serve_refuses_a_missing_database(tmp_path: Path):
    p = subprocess.run([sys.executable, "-m", "frontdesk.cli", "--db", str(tmp_path / "none.db"), "--json", "serve"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and json.loads(p.stderr)["error"]["field"] == "db"
    assert not (tmp_path / "none.db").exists()


def test_served_tabs_do_not_inherit_a_persons_pin(demo_db, monkeypatch: pytest.MonkeyPatch):
    """Each browser tab runs `frontdesk` with the server's environment, and the desk opens signed in
    on FRONTDESK_USER + FRONTDESK_PIN: serve drops them, so every tab starts at the sign-in."""
    import os

    import textual_serve.server

    from frontdesk.cli import main

    seen: dict = {}

    class Fake:
        def __init__(self, command: str, **kw) -> None:
            seen["command"] = command

        def serve(self) -> None:
            seen["env"] = {k: os.environ.get(k) for k in ("FRONTDESK_USER", "FRONTDESK_PIN")}

    monkeypatch.setattr(textual_serve.server, "Server", Fake)
    monkeypatch.setenv("FRONTDESK_USER", "王经理")
    monkeypatch.setenv("FRONTDESK_PIN", "1234")
    with pytest.raises(SystemExit) as done:
        main(["--db", demo_db, "serve"])
    assert done.value.code == 0
    assert seen["env"] == {"FRONTDESK_USER": None, "FRONTDESK_PIN": None}
    assert "--as" not in seen["command"] and "--pin" not in seen["command"] and "1234" not in seen["command"]
