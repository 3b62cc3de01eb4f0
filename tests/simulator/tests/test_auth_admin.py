"""Authentication, routing conventions, the admin API and the request log."""

from __future__ import annotations

import requests

from conftest import ALICE_TOKEN


def test_missing_and_invalid_tokens(server):
    url = f"{server.url}/api/v0/user/alice/webapps/"
    cases = {
        None: "Authentication credentials were not provided.",
        "Bearer abc": "Authentication credentials were not provided.",
        "Token": "Invalid token header. No credentials provided.",
        "Token a b": "Invalid token header. Token string should not contain spaces.",
        "Token " + "x" * 40: "Invalid token.",
    }
    for header, message in cases.items():
        headers = {"Authorization": header} if header else {}
        response = requests.get(url, headers=headers, timeout=10)
        assert response.status_code == 401, header
        assert response.json() == {"detail": message}
        assert response.headers["WWW-Authenticate"] == "Token"


def test_username_must_own_the_token(alice, server):
    for user in ("bob", "nobody"):
        response = requests.get(f"{server.url}/api/v0/user/{user}/webapps/", headers={"Authorization": f"Token {ALICE_TOKEN}"},
                                timeout=10)
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}


def test_slashes_unknown_urls_and_methods(alice):
    assert alice.get("webapps").status_code == 200
    assert alice.get("webapps/").status_code == 200
    unknown = alice.get("no_such_thing/")
    assert unknown.status_code == 404 and unknown.headers["Content-Type"].startswith("text/html")
    not_allowed = alice.delete("webapps/")
    assert not_allowed.status_code == 405
    assert not_allowed.json() == {"detail": 'Method "DELETE" not allowed.'}
    assert "POST" in not_allowed.headers["Allow"]
    assert alice.request("OPTIONS", "webapps/").status_code == 200
    assert alice.request("HEAD", "webapps/").status_code == 200


def test_bodies_json_form_multipart_and_bad_json(alice):
    assert alice.post("schedule/", files={"command": (None, "x"), "interval": (None, "hourly"), "minute": (None, "1")}).status_code == 201
    bad = alice.post("schedule/", data="{nope", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("JSON parse error")
    text = alice.post("schedule/", data="x", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415 and text.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert alice.post("schedule/", json=[1]).json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_admin_accounts(server, new_account):
    carol = new_account("carol", plan="free", region="eu")
    assert len(carol.session.headers["Authorization"].split()[1]) == 40
    assert carol.get("webapps/").json() == []
    again = server.admin("POST", "accounts", json={"username": "carol"})
    assert again.status_code == 409
    assert server.admin("POST", "accounts", json={"username": "x", "plan": "gold"}).status_code == 400
    assert server.admin("POST", "accounts", json={"username": "y", "token": "short"}).status_code == 400
    explicit = server.admin("POST", "accounts", json={"username": "dan", "token": "a" * 40})
    assert explicit.json() == {"username": "dan", "token": "a" * 40}
    names = [acc["username"] for acc in server.admin("GET", "accounts").json()]
    assert names == ["alice", "bob", "carol", "dan"]
    assert server.admin("GET", "accounts/nobody/state").status_code == 404
    state = carol.state()
    for key in ("webapps", "static_files", "static_headers", "ssl", "websites", "domains", "schedule", "always_on",
                "consoles", "default_python_version", "default_python3_version", "default_save_and_run_python_version",
                "system_image", "students", "reloads"):
        assert key in state


def test_admin_files_endpoint(alice, server):
    assert server.admin("GET", "accounts/alice/files", params={"path": "/home/alice/none"}).status_code == 404
    home = server.admin("GET", "accounts/alice/files", params={"path": "/home/alice"}).json()
    assert home["type"] == "directory" and ".bashrc" in home["entries"]


def test_request_log(alice, server):
    last = server.admin("GET", "log").json()["last_seq"]
    alice.get("webapps/")
    alice.post("webapps/", data={"domain_name": "x.example.com", "python_version": "python310"})
    requests.get(f"{server.url}/api/v0/user/alice/cpu/", timeout=10)
    server.admin("GET", "accounts/alice/state")  # never logged
    log = server.admin("GET", "log", params={"account": "alice", "since": last}).json()
    entries = log["entries"]
    assert [(e["method"], e["endpoint"], e["status"]) for e in entries] == [
        ("GET", "webapps_list", 200), ("POST", "webapps_list", 201), ("GET", "cpu", 401)]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries) and entries[0]["seq"] > last
    first = entries[0]
    assert set(first) >= {"seq", "time", "account", "method", "path", "query", "endpoint", "status", "duration_ms"}
    assert first["path"] == "/api/v0/user/alice/webapps/" and first["account"] == "alice"
    assert log["last_seq"] == entries[-1]["seq"]
    lines = (server.state_dir / "requests.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 3
    assert server.admin("GET", "log", params={"account": "bob", "since": last}).json()["entries"] == []


def test_reset_keeps_config_accounts_and_seq(alice, server):
    alice.post("webapps/", data={"domain_name": "x.example.com", "python_version": "python310"})
    seq = server.admin("GET", "log").json()["last_seq"]
    assert server.admin("POST", "reset").status_code == 200
    assert alice.get("webapps/").json() == []  # same token still works
    entries = server.admin("GET", "log").json()["entries"]
    assert [e["seq"] for e in entries] == [seq + 1]
