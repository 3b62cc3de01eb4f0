"""Execution of scheduled tasks in the sandbox: the account's tree, PA's environment, logs, caps, kills."""

from __future__ import annotations

import datetime
import re
import time
import uuid

import pytest
import requests

from helpers import COMPLETED, build_wheel, pids_running, processes, read_file, wait_for, wait_for_completion


@pytest.fixture
def fast(server):
    """fast_schedule on (reset puts it back off)."""
    assert server.admin("PATCH", "config", json={"fast_schedule": True}).json()["fast_schedule"] is True


def create_task(client, command: str, **extra) -> dict:
    """An hourly task due in about half an hour, so that only fast_schedule (or execute) runs it now."""
    minute = (datetime.datetime.now(datetime.timezone.utc).minute + 30) % 60
    response = client.post("schedule/", json={"command": command, "interval": "hourly", "minute": minute, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_venv_pip_install_from_an_uploaded_wheel_and_virtualenv_path(alice, fast):
    wheel_name, wheel = build_wheel()
    assert alice.upload(f"/home/alice/wheels/{wheel_name}", wheel).status_code == 201
    venv = "/home/alice/.virtualenvs/x"
    command = (f"python3.10 -m venv {venv} && {venv}/bin/pip install --disable-pip-version-check --no-index "
               f"/home/alice/wheels/{wheel_name} && {venv}/bin/python -c 'import tinypkg, sys; "
               f"print(tinypkg.VALUE, sys.version_info[:2], sys.prefix)'")
    task = create_task(alice, command)
    log, completions = wait_for_completion(alice, task["id"], timeout=180)
    assert completions[0][2] == "0", log
    assert f"tiny-ok (3, 10) {venv}" in log
    assert "Successfully installed tinypkg-1.0" in log
    # the venv is what the files API serves, and a web app accepts it
    cfg = read_file(alice, f"{venv}/pyvenv.cfg")
    assert re.search(r"^version(_info)? = 3\.10\.", cfg, re.M), cfg
    assert alice.post("webapps/", data={"domain_name": "alice.pythonanywhere.com", "python_version": "python310"}).status_code == 201
    patched = alice.patch("webapps/alice.pythonanywhere.com/", data={"virtualenv_path": venv})
    assert patched.status_code == 200 and patched.json()["virtualenv_path"] == venv
    # the web front runs the app with the venv's python: the wheel's package imports
    wsgi = (b"import sys, tinypkg\n\ndef application(environ, start_response):\n"
            b"    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
            b"    return [('%s %s' % (tinypkg.VALUE, sys.prefix)).encode()]\n")
    assert alice.upload("/var/www/alice_pythonanywhere_com_wsgi.py", wsgi).status_code == 200
    page = requests.get(alice.server.web_url, headers={"Host": "alice.pythonanywhere.com"}, timeout=60)
    assert page.status_code == 200 and page.text == f"tiny-ok {venv}"
    other = alice.post("webapps/", data={"domain_name": "other.example.com", "python_version": "python311"})
    assert other.status_code == 201
    refused = alice.patch("webapps/other.example.com/", data={"virtualenv_path": venv})
    assert refused.status_code == 400 and "3.10" in refused.json()["virtualenv_path"][0]
    # bin/python is a link to the interpreter outside the account: listed as a file, never served
    listing = alice.get(f"files/path{venv}/bin/").json()
    assert listing["python"]["type"] == "file" and listing["python3.10"]["type"] == "file"
    assert alice.get(f"files/path{venv}/bin/python").status_code == 404
    assert alice.get(f"files/path{venv}/bin/activate").status_code == 200


def test_failing_command_output_and_return_code(alice, fast):
    task = create_task(alice, "echo to-stdout; echo to-stderr >&2; printf no-newline; exit 3")
    log, completions = wait_for_completion(alice, task["id"])
    lines = log.splitlines()
    assert lines[:3] == ["to-stdout", "to-stderr", "no-newline"]
    assert COMPLETED.match(lines[3]) and lines[3].endswith("return code was 3.")
    assert completions[0][2] == "3" and float(completions[0][1]) < 10
    # the stamp is the simulator clock's, in UTC
    when = datetime.datetime.strptime(completions[0][0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    assert abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) < 30


def test_environment_tree_and_interpreters(alice, fast):
    assert alice.upload("/var/www/from_api.txt", b"uploaded").status_code == 201
    command = ("pwd; echo HOME=$HOME USER=$USER LOGNAME=$LOGNAME TZ=$TZ LANG=$LANG; echo TOKEN=$API_TOKEN; "
               "echo SITE=$PYTHONANYWHERE_SITE DOMAIN=$PYTHONANYWHERE_DOMAIN; echo PATH1=${PATH%%:*}; "
               "cat /var/www/from_api.txt; echo; echo written > /tmp/from_task.txt; ls /home; "
               "python3 -c 'import sys; print(\"py3\", sys.version_info[:2])'; "
               "for v in 3.7 3.11 3.12 3.13; do python$v -c 'import sys; print(\"v\", sys.version_info[:2])'; done; "
               "touch /etc/pa-sim-should-fail 2>/dev/null || echo root-read-only; python3.14 -V; echo rc=$?")
    task = create_task(alice, command)
    log, completions = wait_for_completion(alice, task["id"], timeout=60)
    assert completions[0][2] == "0", log
    lines = log.splitlines()
    assert lines[0] == "/home/alice"
    assert "HOME=/home/alice USER=alice LOGNAME=alice TZ=UTC LANG=C.UTF-8" in lines
    token = [acc["token"] for acc in alice.server.admin("GET", "accounts").json() if acc["username"] == "alice"][0]
    assert f"TOKEN={token}" in lines
    assert "SITE=www.pythonanywhere.com DOMAIN=pythonanywhere.com" in lines
    assert "PATH1=/usr/local/bin" in lines
    assert "uploaded" in lines and "alice" in lines and "root-read-only" in lines
    assert "py3 (3, 10)" in lines  # innit's default python3
    for minor in (7, 11, 12, 13):
        assert f"v (3, {minor})" in lines
    assert "python3.14: command not found" in log and "rc=127" in lines
    assert read_file(alice, "/tmp/from_task.txt") == "written\n"


def test_missing_interpreter_fails_as_a_missing_binary(new_account, server, fast):
    carol = new_account("carol", system_image="glastonbury")
    task = create_task(carol, "python3.13 -V")  # not on glastonbury
    log, completions = wait_for_completion(carol, task["id"])
    assert completions[0][2] == "127" and "python3.13: command not found" in log


def test_cpu_time_of_tasks_counts_in_the_daily_usage(alice, fast):
    assert alice.get("cpu/").json()["daily_cpu_total_usage_seconds"] == 0.0
    task = create_task(alice, "python3 -c 'import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass'")
    assert wait_for_completion(alice, task["id"])[1][0][2] == "0"
    used = wait_for(lambda: alice.get("cpu/").json()["daily_cpu_total_usage_seconds"], 5)
    assert 0.5 <= used < 5


def test_runtime_cap_kills_and_says_so(alice, server, fast):
    marker = f"31.{uuid.uuid4().int % 10**6}"
    assert server.admin("PATCH", "config", json={"task_time_limit": 1}).status_code == 200
    task = create_task(alice, f"echo started; sleep {marker}; echo never")
    log, completions = wait_for_completion(alice, task["id"], timeout=20)
    assert "started" in log and "never" not in log
    assert "-- Task ran for longer than its time limit of 1 seconds and was killed." in log
    assert completions[0][2] == "-9" and 1 <= float(completions[0][1]) < 5
    assert pids_running(f"sleep {marker}") == []


def test_delete_while_running_kills_it(alice, server, fast):
    marker = f"32.{uuid.uuid4().int % 10**6}"
    task = create_task(alice, f"sleep {marker} & setsid sleep {marker} & wait")
    wait_for(lambda: len(pids_running(f"sleep {marker}")) >= 3, 10)  # bash and two sleeps
    assert [p["id"] for p in processes(server)] == [task["id"]]
    assert alice.delete(f"schedule/{task['id']}/").status_code == 204
    wait_for(lambda: not processes(server) and not pids_running(f"sleep {marker}"), 5)
    assert COMPLETED.search(read_file(alice, f"/var/log/schedule-log-{task['id']}.log") or "") is None


def test_changes_run_again_and_runs_never_overlap(alice, server, fast):
    task = create_task(alice, "echo first")
    wait_for_completion(alice, task["id"])
    # description only: not a change that runs it
    assert alice.patch(f"schedule/{task['id']}/", json={"description": "x"}).status_code == 200
    # a new command runs once more; execute while it runs is queued after it (no overlap)
    assert alice.patch(f"schedule/{task['id']}/", json={"command": "echo second; sleep 1"}).status_code == 200
    wait_for(lambda: processes(server), 5)
    assert server.admin("POST", f"accounts/alice/schedule/{task['id']}/execute").status_code == 202
    log, completions = wait_for_completion(alice, task["id"], count=3, timeout=20)
    lines = log.splitlines()
    assert lines.count("first") == 1 and lines.count("second") == 2 and len(completions) == 3
    start_of_third = datetime.datetime.strptime(completions[2][0], "%Y-%m-%d %H:%M:%S")
    end_of_second = datetime.datetime.strptime(completions[1][0], "%Y-%m-%d %H:%M:%S")
    assert (start_of_third - end_of_second).total_seconds() >= 1  # the third ran after the second ended
    # disabled tasks do not run on a change
    assert alice.patch(f"schedule/{task['id']}/", json={"enabled": False, "command": "echo third"}).status_code == 200
    time.sleep(1)
    assert not processes(server) and "third" not in read_file(alice, f"/var/log/schedule-log-{task['id']}.log")


def test_schedule_follows_the_clock(tmp_path, monkeypatch):
    """Due times on the simulator clock (UTC): once per due time, none from before a change or the start."""
    from pa_simulator.executor import Executor, latest_due  # pylint: disable=import-outside-toplevel
    from pa_simulator.simulator import Simulator  # pylint: disable=import-outside-toplevel

    utc = datetime.timezone.utc
    now = datetime.datetime(2026, 3, 1, 10, 15, 30, tzinfo=utc)
    assert latest_due({"interval": "hourly", "minute": 15}, now) == now.replace(second=0)
    assert latest_due({"interval": "hourly", "minute": 16}, now) == datetime.datetime(2026, 3, 1, 9, 16, tzinfo=utc)
    assert latest_due({"interval": "daily", "hour": 10, "minute": 16}, now) == datetime.datetime(2026, 2, 28, 10, 16, tzinfo=utc)
    sim = Simulator(tmp_path)
    try:
        executor = Executor(sim)
        started = []
        monkeypatch.setattr(executor, "_start_task", started.append)
        executor.started_at = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=utc)
        changed = datetime.datetime(2026, 3, 1, 10, 14, 59, tzinfo=utc).isoformat()
        hourly = sim.store.insert("schedule", "x", {"command": "c", "interval": "hourly", "hour": None, "minute": 15,
                                                    "enabled": True, "changed_at": changed})
        late = sim.store.insert("schedule", "x", {"command": "c", "interval": "hourly", "hour": None, "minute": 15,
                                                  "enabled": True, "changed_at": now.replace(second=10).isoformat()})
        sim.store.insert("schedule", "x", {"command": "c", "interval": "daily", "hour": 10, "minute": 15,
                                           "enabled": False, "changed_at": changed})
        executor._check_schedule(now)  # pylint: disable=protected-access
        assert started == [hourly["id"]]  # "late" was created after 10:15:00: its first time is 11:15
        executor._check_schedule(now + datetime.timedelta(seconds=20))  # pylint: disable=protected-access
        assert started == [hourly["id"]]  # once per due time
        executor._check_schedule(now + datetime.timedelta(hours=1))  # pylint: disable=protected-access
        assert started == [hourly["id"], hourly["id"], late["id"]]
        executor.started_at = now + datetime.timedelta(hours=5)  # a restart: missed times are not caught up
        executor.handled_due.clear()
        executor._check_schedule(now + datetime.timedelta(hours=5, minutes=1))  # pylint: disable=protected-access
        assert len(started) == 3
    finally:
        sim.close()


def test_without_fast_schedule_nothing_runs_before_its_time(alice, server):
    task = create_task(alice, "echo ran")
    assert wait_for(lambda: True, 0) and not processes(server)
    assert read_file(alice, f"/var/log/schedule-log-{task['id']}.log") is None
    assert server.admin("POST", f"accounts/alice/schedule/{task['id']}/execute").status_code == 202
    log = wait_for_completion(alice, task["id"])[0]
    assert log.startswith("ran\n")
    assert server.admin("POST", "accounts/alice/schedule/1/execute").status_code == 404


def test_no_exec_runs_nothing(noexec_alice, noexec_server):
    assert noexec_server.admin("PATCH", "config", json={"fast_schedule": True}).status_code == 200
    assert noexec_server.admin("GET", "config").json()["execution"] is False
    task = create_task(noexec_alice, "echo ran > /tmp/ran")
    assert noexec_server.admin("POST", f"accounts/alice/schedule/{task['id']}/execute").status_code == 409
    assert noexec_server.admin("GET", "processes").json() == {"execution": False, "processes": []}
    assert read_file(noexec_alice, "/tmp/ran") is None
    assert read_file(noexec_alice, f"/var/log/schedule-log-{task['id']}.log") is None


def test_no_symlink_leads_the_files_api_out_of_the_account(alice, server, fast, tmp_path):
    canary = tmp_path / "canary.txt"
    canary.write_text("canary\n", encoding="utf-8")
    victim = create_task(alice, "echo victim-ran")
    links = ("mkdir -p ~/real_dir && echo inner > ~/real_dir/f && ln -s /etc/passwd ~/passwd_link && "
             "ln -s /etc ~/etc_link && ln -s real_dir ~/dir_link && ln -s ../../../../etc/hostname ~/rel_link && "
             "ln -s /home/alice/real_dir/f ~/abs_inside && ln -s loop_b ~/loop_a && ln -s loop_a ~/loop_b && "
             f"ln -s {canary} ~/host_path_link && ln -sf {canary} /var/log/schedule-log-{victim['id']}.log")
    task = create_task(alice, links)
    assert wait_for_completion(alice, task["id"])[1][0][2] == "0"
    listing = alice.get("files/path/home/alice/").json()
    types = {name: listing[name]["type"] for name in listing}
    assert types["passwd_link"] == "file" and types["etc_link"] == "file" and types["rel_link"] == "file"
    assert types["dir_link"] == "directory" and types["abs_inside"] == "file" and types["loop_a"] == "file"
    assert types["host_path_link"] == "file"
    for path in ("passwd_link", "etc_link", "etc_link/hostname", "rel_link", "loop_a", "host_path_link",
                 "etc_link/", "dir_link/../etc_link/passwd"):
        assert alice.get(f"files/path/home/alice/{path}").status_code == 404, path
    assert alice.get("files/path/home/alice/abs_inside").text == "inner\n"
    assert alice.get("files/path/home/alice/dir_link/f").text == "inner\n"
    assert alice.get("files/path/home/alice/dir_link/").json()["f"]["type"] == "file"
    tree = alice.get("files/tree/", params={"path": "/home/alice/"}).json()
    assert "/home/alice/real_dir/f" in tree and not [p for p in tree if "link" in p or "loop" in p]
    # writes through links that leave the account are refused; the host is untouched
    assert alice.upload("/home/alice/etc_link/pa-sim-escape", b"x").status_code == 403
    # the host path of the canary is under /tmp: in the account's view that is the account's own /tmp
    assert alice.upload("/home/alice/host_path_link", b"overwritten").status_code == 201
    assert alice.get(f"files/path{canary}").text == "overwritten"
    assert alice.upload("/home/alice/passwd_link", b"overwritten").status_code == 403
    assert canary.read_text(encoding="utf-8") == "canary\n"
    assert not (tmp_path / "pa-sim-escape").exists() and not __import__("os").path.exists("/etc/pa-sim-escape")
    # a write through a link inside the account lands on its target
    assert alice.upload("/home/alice/abs_inside", b"via link\n").status_code == 200
    assert alice.get("files/path/home/alice/real_dir/f").text == "via link\n"
    # deleting a link removes the link only
    assert alice.delete("files/path/home/alice/etc_link").status_code == 204
    assert alice.delete("files/path/home/alice/host_path_link").status_code == 204
    assert canary.exists() and __import__("os").path.isdir("/etc")
    assert "etc_link" not in alice.get("files/path/home/alice/").json()
    # the simulator never writes a task log through a link a command put there
    assert server.admin("POST", f"accounts/alice/schedule/{victim['id']}/execute").status_code == 202
    log = wait_for_completion(alice, victim["id"])[0]
    assert log.startswith("victim-ran\n") and canary.read_text(encoding="utf-8") == "canary\n"
    inventory = server.admin("GET", "accounts/alice/files", params={"path": "/home/alice"}).json()["entries"]
    assert inventory["passwd_link"] == {"type": "symlink", "target": "/etc/passwd"}


def test_without_a_sandbox_it_says_so_and_executes_nothing(tmp_path):
    """Not root (here: a user namespace where we are nobody): one line on stderr, then as --no-exec."""
    import os  # pylint: disable=import-outside-toplevel
    import shutil  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel

    from conftest import SIM_DIR  # pylint: disable=import-outside-toplevel

    if not shutil.which("unshare"):
        pytest.skip("util-linux unshare is needed to drop root for this test")
    env = dict(os.environ, PYTHONPATH=str(SIM_DIR), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(["unshare", "--user", sys.executable, "-m", "pa_simulator", "--port", "0", "--state-dir",  # pylint: disable=consider-using-with
                             str(tmp_path / "state")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("PA simulator listening on "), proc.stderr.read()
        url = line.split(" on ", 1)[1].strip()
        assert requests.get(f"{url}/__admin__/config", timeout=10).json()["execution"] is False
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        stderr = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert stderr.splitlines() == [
        "pa_simulator: cannot make the command sandbox (not running as root): commands are not executed, as with --no-exec"]
