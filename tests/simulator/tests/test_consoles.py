"""Consoles: create, list, get, delete, output, send_input (412 until started)."""

from __future__ import annotations

NOT_STARTED = {"error": "Console not yet started. Please load it (or its iframe) in a browser first"}


def test_console_lifecycle(noexec_alice):
    """Without execution (``--no-exec``), input is echoed with a prompt after each newline."""
    alice = noexec_alice
    created = alice.post("consoles/", data={"executable": "bash", "arguments": "", "working_directory": "/home/alice"})
    assert created.status_code == 201
    console = created.json()
    cid = console["id"]
    assert console == {"id": cid, "user": "alice", "executable": "bash", "arguments": "", "working_directory": "/home/alice",
                       "name": f"Bash console {cid}", "console_url": f"/user/alice/consoles/{cid}/",
                       "console_frame_url": f"/user/alice/consoles/{cid}/frame/"}
    assert alice.get("consoles/").json() == [console]
    assert alice.get(f"consoles/{cid}/").json() == console
    assert alice.get("consoles/shared_with_you/").json() == []
    blocked = alice.post(f"consoles/{cid}/send_input/", json={"input": "ls\n"})
    assert blocked.status_code == 412 and blocked.json() == NOT_STARTED
    assert alice.get(f"consoles/{cid}/get_latest_output/").status_code == 412
    started = alice.server.admin("POST", f"accounts/alice/consoles/{cid}/start")
    assert started.status_code == 200
    assert alice.post(f"consoles/{cid}/send_input/", json={"input": "echo hello\n"}).json() == {"status": "OK"}
    output = alice.get(f"consoles/{cid}/get_latest_output/").json()["output"]
    assert "echo hello\r\n" in output and output.endswith(" ~ $ ")
    assert alice.post(f"consoles/{cid}/send_input/", json={}).json() == {"input": ["This field is required."]}
    alice.server.admin("POST", f"accounts/alice/consoles/{cid}/output", json={"output": "hello\r\n"})
    assert alice.get(f"consoles/{cid}/get_latest_output/").json()["output"].endswith("hello\r\n")
    assert alice.delete(f"consoles/{cid}/").status_code == 204
    assert alice.get(f"consoles/{cid}/").json() == {"detail": "Not found."}


def test_python_console_name_and_defaults(alice):
    console = alice.post("consoles/", json={"executable": "python3.10"}).json()
    assert console["name"] == f"Python3.10 console {console['id']}"
    assert console["arguments"] == "" and console["working_directory"] is None
    assert alice.post("consoles/", json={}).json() == {"executable": ["This field is required."]}


def test_free_console_limit(bob):
    for _attempt in range(2):
        assert bob.post("consoles/", data={"executable": "bash"}).status_code == 201
    over = bob.post("consoles/", data={"executable": "bash"})
    assert over.status_code == 429 and over.json() == {"detail": "Console limit reached."}
