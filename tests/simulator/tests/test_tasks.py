"""Scheduled tasks and always-on tasks."""

from __future__ import annotations


def test_schedule_lifecycle(alice):
    created = alice.post("schedule/", json={"command": "echo foo", "interval": "daily", "hour": 16, "minute": 0})
    assert created.status_code == 201
    task = created.json()
    task_id = task["id"]
    assert task == {
        "id": task_id, "url": f"/api/v0/user/alice/schedule/{task_id}/", "user": "alice", "command": "echo foo",
        "description": "", "enabled": True, "interval": "daily", "hour": 16, "minute": 0, "printable_time": "16:00",
        "can_enable": False, "expiry": None, "extend_url": f"/user/alice/schedule/task/{task_id}/extend",
        "logfile": f"/user/alice/files/var/log/schedule-log-{task_id}.log"}
    assert alice.get("schedule/").json() == [task]
    assert alice.get(task["url"].split("/alice/", 1)[1]).json() == task
    patched = alice.patch(f"schedule/{task_id}/", data={"minute": "5", "enabled": "False"})
    assert patched.status_code == 200
    assert patched.json()["minute"] == 5 and patched.json()["enabled"] is False and patched.json()["printable_time"] == "16:05"
    hourly = alice.patch(f"schedule/{task_id}/", json={"interval": "hourly", "hour": None})
    assert hourly.json()["printable_time"] == "05 minutes past" and hourly.json()["hour"] is None
    put = alice.put(f"schedule/{task_id}/", json={"command": "true", "interval": "daily", "hour": 1, "minute": 2})
    assert put.status_code == 200 and put.json()["printable_time"] == "01:02"
    assert alice.delete(f"schedule/{task_id}/").status_code == 204
    assert alice.get(f"schedule/{task_id}/").json() == {"detail": "Not found."}
    assert alice.delete(f"schedule/{task_id}/").status_code == 404


def test_schedule_validation(alice):
    assert alice.post("schedule/", json={}).json() == {
        "command": ["This field is required."], "interval": ["This field is required."], "minute": ["This field is required."]}
    hourly_with_hour = alice.post("schedule/", json={"command": "x", "interval": "hourly", "hour": 3, "minute": 0})
    assert hourly_with_hour.status_code == 400
    assert hourly_with_hour.json() == {"non_field_errors": ["Hourly tasks must not have an hour."]}
    assert alice.post("schedule/", json={"command": "x", "interval": "weekly", "minute": 0}).json() == {
        "interval": ['"weekly" is not a valid choice.']}
    assert alice.post("schedule/", json={"command": "x", "interval": "hourly", "minute": 60}).json() == {
        "minute": ["Ensure this value is less than or equal to 59."]}
    assert alice.post("schedule/", data={"command": "x", "interval": "daily", "hour": "24", "minute": "a"}).json() == {
        "hour": ["Ensure this value is less than or equal to 23."], "minute": ["A valid integer is required."]}
    assert alice.post("schedule/", json={"command": "x", "interval": "daily", "minute": 1}).status_code == 400
    form_hourly = alice.post("schedule/", data={"command": "x", "interval": "hourly", "hour": "", "minute": "7"})
    assert form_hourly.status_code == 201 and form_hourly.json()["hour"] is None
    task_id = form_hourly.json()["id"]
    bad_patch = alice.patch(f"schedule/{task_id}/", json={"hour": 4})
    assert bad_patch.json() == {"non_field_errors": ["Hourly tasks must not have an hour."]}


def test_schedule_put_takes_any_subset(alice):
    """Reference 2.6 (A): PUT and PATCH take any subset of the fields."""
    task = alice.post("schedule/", json={"command": "echo a", "interval": "daily", "hour": 3, "minute": 4}).json()
    put = alice.put(f"schedule/{task['id']}/", json={"minute": 7})
    assert put.status_code == 200
    assert put.json() == {**task, "minute": 7, "printable_time": "03:07"}
    assert alice.put(f"schedule/{task['id']}/", data={"description": "d"}).json()["description"] == "d"
    assert alice.put(f"schedule/{task['id']}/", json={"hour": None}).json() == {
        "non_field_errors": ["Daily tasks must have an hour."]}


def test_double_slash_is_served_without_redirect(alice):
    """Reference 1.4: a client that used ``//`` in the path worked; the request log keeps the path as sent."""
    response = alice.session.get(f"{alice.server.url}/api/v0/user/alice//cpu/", allow_redirects=False, timeout=10)
    assert response.status_code == 200 and "daily_cpu_limit_seconds" in response.json()
    files = alice.session.get(f"{alice.server.url}/api/v0/user/alice/files/path//home//alice/README.txt",
                              allow_redirects=False, timeout=10)
    assert files.status_code == 200 and files.content.startswith(b"# Welcome")
    last = alice.server.admin("GET", "log").json()["entries"][-2]
    assert last["path"] == "/api/v0/user/alice//cpu/" and last["endpoint"] == "cpu"


def test_date_header_is_the_simulator_clock(alice):
    import email.utils  # pylint: disable=import-outside-toplevel
    import time as _time  # pylint: disable=import-outside-toplevel

    for response in (alice.get("cpu/"), alice.get("nothing/here/"), alice.server.admin("GET", "config")):
        sent = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
        assert abs(sent - _time.time()) < 5


def test_schedule_quota(new_account):
    carol = new_account("carol", plan="paid")
    carol.server.admin("PATCH", "accounts/carol", json={"limits": {"schedule_quota": 2}})
    for minute in range(2):
        assert carol.post("schedule/", json={"command": "x", "interval": "hourly", "minute": minute}).status_code == 201
    over = carol.post("schedule/", json={"command": "x", "interval": "hourly", "minute": 3})
    assert over.status_code == 403
    assert over.json() == {"detail": "You have reached your maximum number of scheduled tasks"}


def test_schedule_on_free_accounts(bob, new_account):
    refused = bob.post("schedule/", json={"command": "x", "interval": "daily", "hour": 1, "minute": 0})
    assert refused.status_code == 403 and "not available" in refused.json()["detail"]
    assert bob.get("schedule/").json() == []
    legacy = new_account("dave", plan="free_legacy")
    assert legacy.post("schedule/", json={"command": "x", "interval": "hourly", "minute": 0}).status_code == 403
    daily = legacy.post("schedule/", json={"command": "x", "interval": "daily", "hour": 1, "minute": 0})
    assert daily.status_code == 201 and daily.json()["expiry"] is not None
    second = legacy.post("schedule/", json={"command": "y", "interval": "daily", "hour": 2, "minute": 0})
    assert second.json() == {"detail": "You have reached your maximum number of scheduled tasks"}


def test_always_on_lifecycle(alice):
    created = alice.post("always_on/", data={"command": "python3 bot.py", "description": "bot", "enabled": "True"})
    assert created.status_code == 201
    task = created.json()
    task_id = task["id"]
    assert task == {"id": task_id, "url": f"/api/v0/user/alice/always_on/{task_id}/", "command": "python3 bot.py",
                    "description": "bot", "enabled": True}
    assert alice.get("always_on/").json() == [task]
    assert alice.patch(f"always_on/{task_id}/", json={"enabled": False}).json()["enabled"] is False
    assert alice.state()["always_on"][0]["state"] == "stopped"
    restarted = alice.post(f"always_on/{task_id}/restart/")
    assert restarted.status_code == 200 and restarted.json()["id"] == task_id
    assert alice.state()["always_on"][0]["restarts"] == 1
    assert alice.put(f"always_on/{task_id}/", json={"description": "x"}).json() == {"command": ["This field is required."]}
    assert alice.delete(f"always_on/{task_id}/").status_code == 204
    assert alice.get(f"always_on/{task_id}/").status_code == 404
    assert alice.post("always_on/", json={}).json() == {"command": ["This field is required."]}


def test_always_on_paid_only_and_quota(bob, alice):
    refused = bob.post("always_on/", json={"command": "x"})
    assert refused.status_code == 403 and "paid" in refused.json()["detail"]
    for i in range(5):
        assert alice.post("always_on/", json={"command": f"x{i}"}).status_code == 201
    over = alice.post("always_on/", json={"command": "x"})
    assert over.status_code == 403 and "maximum number of always-on tasks" in over.json()["detail"]


def test_admin_can_simulate_a_task_run(alice, server):
    task = alice.post("schedule/", json={"command": "echo hi", "interval": "hourly", "minute": 1}).json()
    path = f"/var/log/schedule-log-{task['id']}.log"
    run = server.admin("POST", f"accounts/alice/schedule/{task['id']}/run", json={"output": "hi", "return_code": 3})
    assert run.status_code == 200 and run.json() == {"logfile": path}
    log = alice.get("files/path" + path).text.splitlines()
    assert log[0] == "hi" and log[1].endswith("-- Completed task, took 1.00 seconds, return code was 3.")
    assert server.admin("POST", "accounts/alice/schedule/1/run").status_code == 404
