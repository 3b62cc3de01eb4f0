"""Execution of always-on tasks and consoles; process hygiene (shutdown, SIGKILL, restart)."""

from __future__ import annotations

import os
import re
import signal
import uuid

from conftest import ALICE_TOKEN, EXAMPLE_ACCOUNTS, Client, Server
from helpers import pids_running, processes, read_file, wait_for

PROMPT = re.compile(r"\d\d:\d\d ~ \$ $")


def always_on_log(client, task_id: int) -> str:
    """The always-on task's log ("" while missing)."""
    return read_file(client, f"/var/log/alwayson-log-{task_id}.log") or ""


def test_always_on_starts_at_once_and_is_restarted_after_it_exits(alice, server):
    assert server.admin("PATCH", "config", json={"always_on_restart_delay": 0.5}).status_code == 200
    task = alice.post("always_on/", json={"command": "echo run $USER; sleep 0.2; exit 2"}).json()
    log = wait_for(lambda: (text := always_on_log(alice, task["id"])).count("run alice") >= 2 and text, 10)
    exits = re.findall(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d -- Process exited with return code (-?\d+); "
                       r"restarting in 0\.5 seconds\.$", log, re.M)
    assert exits and set(exits) == {"2"}
    assert alice.patch(f"always_on/{task['id']}/", json={"enabled": False}).status_code == 200
    wait_for(lambda: not processes(server), 5)
    assert alice.state()["always_on"][0]["state"] == "stopped" and alice.state()["always_on"][0]["process"] == "stopped"
    before = always_on_log(alice, task["id"])
    wait_for(lambda: True, 0)
    assert not processes(server) and always_on_log(alice, task["id"]) == before


def test_always_on_restart_disable_enable_delete(alice, server):
    marker = f"33.{uuid.uuid4().int % 10**6}"
    task = alice.post("always_on/", json={"command": f"echo pid $$ $(date +%s%N); sleep {marker}"}).json()
    assert wait_for(lambda: always_on_log(alice, task["id"]).count("pid ") == 1, 10)
    assert alice.state()["always_on"][0]["state"] == "running" and alice.state()["always_on"][0]["process"] == "running"
    assert [p["kind"] for p in processes(server)] == ["always_on"]
    assert alice.post(f"always_on/{task['id']}/restart/").status_code == 200
    assert wait_for(lambda: always_on_log(alice, task["id"]).count("pid ") == 2, 10)
    assert len(processes(server)) == 1 and len(pids_running(f"sleep {marker}")) == 1  # bash execs its last command
    assert alice.patch(f"always_on/{task['id']}/", json={"enabled": False}).status_code == 200
    wait_for(lambda: not pids_running(f"sleep {marker}"), 5)
    assert alice.patch(f"always_on/{task['id']}/", json={"enabled": True}).status_code == 200
    assert wait_for(lambda: always_on_log(alice, task["id"]).count("pid ") == 3, 10)
    assert alice.patch(f"always_on/{task['id']}/", json={"command": f"echo new; sleep {marker}"}).status_code == 200
    assert wait_for(lambda: "new\n" in always_on_log(alice, task["id"]), 10)
    assert len(pids_running(f"sleep {marker}")) == 1
    assert alice.delete(f"always_on/{task['id']}/").status_code == 204
    wait_for(lambda: not processes(server) and not pids_running(f"sleep {marker}"), 5)
    assert "Process exited" not in always_on_log(alice, task["id"])  # stopped on purpose, not an exit


def start_console(client, executable: str = "bash", prompt=PROMPT) -> int:
    """Create and start a console; wait for its first prompt; return its id."""
    console = client.post("consoles/", json={"executable": executable}).json()
    assert client.server.admin("POST", f"accounts/{client.username}/consoles/{console['id']}/start").status_code == 200
    wait_for(lambda: prompt.search(output(client, console["id"])), 15)
    return console["id"]


def output(client, console_id: int) -> str:
    """get_latest_output."""
    response = client.get(f"consoles/{console_id}/get_latest_output/")
    assert response.status_code == 200, response.text
    return response.json()["output"]


def test_bash_console_runs_input_in_the_sandbox(alice, server):
    console_id = start_console(alice)
    assert alice.post(f"consoles/{console_id}/send_input/", json={"input": "echo $((6*7)) $USER $PWD\n"}).json() == {
        "status": "OK"}
    text = wait_for(lambda: (out := output(alice, console_id)).count("42 alice /home/alice\r\n") and PROMPT.search(out)
                    and out, 10)
    assert "echo $((6*7)) $USER $PWD\r\n" in text  # the terminal echoes the input
    long_text = "x" * 600
    alice.post(f"consoles/{console_id}/send_input/", json={"input": f"echo {long_text} > /tmp/long.txt; echo done\n"})
    last = wait_for(lambda: (out := output(alice, console_id)).endswith("$ ") and "done\r\n" in out and out, 10)
    assert len(last) <= 500 and PROMPT.search(last)
    assert read_file(alice, "/tmp/long.txt") == long_text + "\n"
    full = [c for c in alice.state()["consoles"] if c["id"] == console_id][0]["output"]
    assert len(full) > 600
    # the admin output endpoint still appends text
    server.admin("POST", f"accounts/alice/consoles/{console_id}/output", json={"output": "injected\r\n"})
    assert output(alice, console_id).endswith("injected\r\n")
    # exit: the console must be loaded again (412), as a closed console on PA
    alice.post(f"consoles/{console_id}/send_input/", json={"input": "exit\n"})
    wait_for(lambda: alice.get(f"consoles/{console_id}/get_latest_output/").status_code == 412, 10)
    assert not processes(server)


def test_python_console_and_kill(alice, server):
    console_id = start_console(alice, "python3.11", re.compile(r">>> $"))
    alice.post(f"consoles/{console_id}/send_input/", json={"input": "import sys; print(sys.version_info[:2], 6*7)\n"})
    assert wait_for(lambda: "(3, 11) 42\r\n>>> " in output(alice, console_id), 10)
    assert [p["kind"] for p in processes(server)] == ["console"]
    assert alice.delete(f"consoles/{console_id}/").status_code == 204
    wait_for(lambda: not processes(server), 5)


def test_shutdown_and_sigkill_leave_no_process_and_a_restart_keeps_tasks(tmp_path):
    marker = f"34.{uuid.uuid4().int % 10**6}"
    state_dir = tmp_path / "state"
    first = Server(state_dir, "--config", str(EXAMPLE_ACCOUNTS), "--fast-schedule", "--no-rate-limit")
    try:
        alice = Client(first, "alice", ALICE_TOKEN)
        always = alice.post("always_on/", json={"command": f"echo up; sleep {marker}"}).json()
        task = alice.post("schedule/", json={"command": f"sleep {marker}", "interval": "daily", "hour": 3,
                                             "minute": 0}).json()
        start_console(alice)
        alice.post(f"consoles/{alice.get('consoles/').json()[0]['id']}/send_input/", json={"input": f"sleep {marker} &\n"})
        wait_for(lambda: len(processes(first)) == 3 and len(pids_running(f"sleep {marker}")) >= 3, 15)
        holders = [p["pid"] for p in processes(first)]
    finally:
        assert first.stop() == 0
    assert pids_running(f"sleep {marker}") == []
    assert not [pid for pid in holders if os.path.exists(f"/proc/{pid}")]

    second = Server(state_dir, "--config", str(EXAMPLE_ACCOUNTS), "--no-rate-limit")
    try:
        alice = Client(second, "alice", ALICE_TOKEN)
        # the always-on task is started again, the scheduled task is still there, the console must be loaded again
        wait_for(lambda: always_on_log(alice, always["id"]).count("up\n") == 2, 10)
        assert alice.get(f"schedule/{task['id']}/").status_code == 200
        console_id = alice.get("consoles/").json()[0]["id"]
        assert alice.get(f"consoles/{console_id}/get_latest_output/").status_code == 412
        assert second.admin("POST", f"accounts/alice/schedule/{task['id']}/execute").status_code == 202
        wait_for(lambda: len(pids_running(f"sleep {marker}")) >= 2, 10)
        second.proc.send_signal(signal.SIGKILL)
        second.proc.wait(timeout=10)
        wait_for(lambda: not pids_running(f"sleep {marker}"), 5)
    finally:
        second.stop()
