"""Rate limiting, fault injection and latency."""

from __future__ import annotations

import time

import pytest
import requests


def rate(server, **settings):
    """Switch rate limiting on with compressed settings."""
    response = server.admin("PUT", "config", json={"rate_limit": {"enabled": True, **settings}})
    assert response.status_code == 200, response.text
    return response.json()


def test_config_roundtrip_and_validation(server):
    assert server.admin("GET", "config").json() == {
        "rate_limit": {"enabled": False, "limit": 40, "period": 60.0, "send_input_limit": 120}, "latency_ms": 0,
        "execution": True, "fast_schedule": False, "always_on_restart_delay": 5.0, "task_time_limit": None}
    for bad in ({"fast_schedule": 1}, {"always_on_restart_delay": -1}, {"task_time_limit": 0}):
        assert server.admin("PATCH", "config", json=bad).status_code == 400
    changed = server.admin("PATCH", "config", json={"fast_schedule": True, "task_time_limit": 2.5}).json()
    assert changed["fast_schedule"] is True and changed["task_time_limit"] == 2.5
    assert server.admin("PUT", "config", json={"rate_limit": {"limit": 0}}).status_code == 400
    assert server.admin("PUT", "config", json={"latency_ms": -1}).status_code == 400
    assert rate(server, limit=5, period=2)["rate_limit"] == {"enabled": True, "limit": 5, "period": 2, "send_input_limit": 120}


def test_throttle_per_user_and_endpoint(alice, bob, server):
    rate(server, limit=3, period=2)
    for _attempt in range(3):
        assert alice.get("webapps/").status_code == 200
    throttled = alice.get("webapps/")
    assert throttled.status_code == 429
    wait = int(throttled.headers["Retry-After"])
    assert 1 <= wait <= 2
    unit = "second" if wait == 1 else "seconds"
    assert throttled.json() == {"detail": f"Request was throttled. Expected available in {wait} {unit}."}
    assert alice.get("cpu/").status_code == 200  # another endpoint: another bucket
    assert bob.get("webapps/").status_code == 200  # another user: another bucket
    assert alice.get("webapps/x.example.com/").status_code == 404  # detail route has its own bucket
    time.sleep(wait)
    assert alice.get("webapps/").status_code == 200
    log = server.admin("GET", "log", params={"account": "alice"}).json()["entries"]
    assert [e["status"] for e in log if e["endpoint"] == "webapps_list"] == [200, 200, 200, 429, 200]


def test_unauthenticated_requests_are_not_throttled(server):
    rate(server, limit=1, period=60)
    for _attempt in range(3):
        assert requests.get(f"{server.url}/api/v0/user/alice/webapps/", timeout=10).status_code == 401


def test_send_input_has_its_own_limit(alice, server):
    rate(server, limit=2, period=30, send_input_limit=4)
    cid = alice.post("consoles/", json={"executable": "bash"}).json()["id"]
    server.admin("POST", f"accounts/alice/consoles/{cid}/start")
    statuses = [alice.post(f"consoles/{cid}/send_input/", json={"input": "x"}).status_code for _attempt in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_rate_limit_off(server, alice):
    server.admin("PUT", "config", json={"rate_limit": {"enabled": False, "limit": 1}})
    assert all(alice.get("cpu/").status_code == 200 for _attempt in range(5))


def faults(server, *rules, seed=None):
    """Install fault rules."""
    response = server.admin("PUT", "faults", json={"rules": list(rules), "seed": seed})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("action,status", [("429", 429), ("500", 500), ("502", 502), ("503", 503)])
def test_fault_statuses(alice, server, action, status):
    faults(server, {"endpoint": "cpu", "action": action})
    response = alice.get("cpu/")
    assert response.status_code == status
    if action == "429":
        assert response.headers["Retry-After"] == "1"
        assert response.json()["detail"].startswith("Request was throttled.")
    assert alice.get("webapps/").status_code == 200  # other endpoints unaffected
    entry = server.admin("GET", "log", params={"account": "alice"}).json()["entries"][0]
    assert entry["status"] == status and entry["fault"] == action


def test_scripted_sequence_and_method(alice, server):
    faults(server, {"endpoint": "webapps_list", "method": "GET", "after": 2, "count": 2, "action": "503"})
    statuses = [alice.get("webapps/").status_code for _attempt in range(6)]
    assert statuses == [200, 200, 503, 503, 200, 200]
    assert alice.post("webapps/", data={}).status_code == 400  # POST not matched
    rules = server.admin("GET", "faults").json()["rules"]
    assert rules[0]["seen"] == 6 and rules[0]["fired"] == 2
    assert server.admin("DELETE", "faults").json() == {"rules": []}


def test_probability_is_seeded(alice, server):
    faults(server, {"endpoint": "*", "probability": 0.5, "action": "500"}, seed=7)
    first = [alice.get("cpu/").status_code for _attempt in range(20)]
    faults(server, {"endpoint": "*", "probability": 0.5, "action": "500"}, seed=7)
    second = [alice.get("cpu/").status_code for _attempt in range(20)]
    assert first == second and 500 in first and 200 in first


def test_drop_closes_the_connection(alice, server):
    faults(server, {"endpoint": "files_path", "method": "POST", "count": 1, "action": "drop"})
    with pytest.raises(requests.exceptions.ConnectionError):
        alice.upload("/home/alice/dropped.txt", b"x" * 100_000)
    assert alice.get("files/path/home/alice/dropped.txt").status_code == 404  # dropped before writing
    entry = [e for e in server.admin("GET", "log").json()["entries"] if e.get("fault")][0]
    assert entry["status"] is None and entry["fault"] == "drop"
    assert alice.upload("/home/alice/dropped.txt", b"x").status_code == 201  # only the first one


def test_slow_and_latency(alice, server):
    faults(server, {"endpoint": "cpu", "action": "slow", "delay_ms": 300})
    start = time.monotonic()
    assert alice.get("cpu/").status_code == 200
    assert time.monotonic() - start >= 0.3
    server.admin("DELETE", "faults")
    server.admin("PUT", "config", json={"latency_ms": 200})
    start = time.monotonic()
    alice.get("webapps/")
    assert time.monotonic() - start >= 0.2
    start = time.monotonic()
    server.admin("GET", "config")  # admin requests are never delayed
    assert time.monotonic() - start < 0.2


def test_fault_rule_validation(server):
    assert server.admin("PUT", "faults", json={"rules": [{"action": "explode"}]}).status_code == 400
    assert server.admin("PUT", "faults", json={"rules": [{"action": "slow"}]}).status_code == 400
    assert server.admin("PUT", "faults", json={"rules": [{"action": "500", "probability": 2}]}).status_code == 400
    assert server.admin("PUT", "faults", json=[{"action": "500", "endpoint": "cpu"}]).status_code == 200
