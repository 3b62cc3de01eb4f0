"""The process: start-up output, server.json, persistence across a restart, TLS, clean stop."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from conftest import ALICE_TOKEN, EXAMPLE_ACCOUNTS, SIM_DIR, Client, Server


def test_persistence_across_restart(tmp_path):
    state_dir = tmp_path / "state"
    first = Server(state_dir, "--config", str(EXAMPLE_ACCOUNTS))
    try:
        info = json.loads((state_dir / "server.json").read_text(encoding="utf-8"))
        assert info["url"] == first.url and info["pid"] == first.proc.pid and info["cert"] is None
        alice = Client(first, "alice", ALICE_TOKEN)
        created = first.admin("POST", "accounts", json={"username": "carol"}).json()
        assert alice.post("webapps/", data={"domain_name": "alice.pythonanywhere.com", "python_version": "python311"}).status_code == 201
        alice.post("webapps/alice.pythonanywhere.com/reload/")
        task = alice.post("schedule/", json={"command": "x", "interval": "daily", "hour": 1, "minute": 2}).json()
        assert alice.upload("/home/alice/keep.txt", b"kept").status_code == 201
        before = alice.state()
        last_seq = first.admin("GET", "log").json()["last_seq"]
    finally:
        assert first.stop() == 0
    assert not (state_dir / "server.json").exists()

    second = Server(state_dir, "--config", str(EXAMPLE_ACCOUNTS))
    try:
        alice = Client(second, "alice", ALICE_TOKEN)
        alice.get("cpu/")
        assert second.admin("GET", "log").json()["last_seq"] == last_seq + 1  # numbering continues
        assert alice.state() == before
        assert alice.get("files/path/home/alice/keep.txt").content == b"kept"
        assert alice.get(f"schedule/{task['id']}/").json() == task
        carol = Client(second, "carol", created["token"])
        assert carol.get("webapps/").status_code == 200
        new_task = alice.post("schedule/", json={"command": "y", "interval": "hourly", "minute": 2}).json()
        assert new_task["id"] > task["id"]
    finally:
        second.stop()


def test_tls(tmp_path):
    srv = Server(tmp_path / "state", "--config", str(EXAMPLE_ACCOUNTS), "--tls")
    try:
        assert srv.url.startswith("https://127.0.0.1:")
        assert srv.cert and json.loads((tmp_path / "state" / "server.json").read_text(encoding="utf-8"))["cert"] == srv.cert
        headers = {"Authorization": f"Token {ALICE_TOKEN}"}
        ok = requests.get(f"{srv.url}/api/v0/user/alice/cpu/", headers=headers, verify=srv.cert, timeout=10)
        assert ok.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{srv.url}/api/v0/user/alice/cpu/", headers=headers, timeout=10)
        localhost = srv.url.replace("127.0.0.1", "localhost")
        assert requests.get(f"{localhost}/api/v0/user/alice/cpu/", headers=headers, verify=srv.cert, timeout=10).status_code == 200
        listing = requests.get(f"{srv.url}/api/v0/user/alice/files/path/home/alice/", headers=headers, verify=srv.cert, timeout=10)
        assert listing.json()["README.txt"]["url"].startswith("https://")
    finally:
        srv.stop()


def test_sigint_stops_cleanly(tmp_path):
    srv = Server(tmp_path / "state")
    srv.proc.send_signal(subprocess.signal.SIGINT)
    assert srv.proc.wait(timeout=10) == 0
    srv.stop()


def test_bad_config_is_refused(tmp_path):
    bad = tmp_path / "accounts.yml"
    bad.write_text("- username: x\n  plan: gold\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pa_simulator", "--port", "0", "--state-dir", str(tmp_path / "s"),
                             "--config", str(bad)], cwd=SIM_DIR, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and "plan" in result.stderr
