"""Measure how long each route that runs a command takes on the simulator, and print the figures.

    PYTHONPATH=tests/simulator python tests/simulator/measure_latency.py [--runs N] [--clock]

Starts its own simulator (root needed for execution) and, polling every 50 ms through the API as a client would:
- scheduled task with fast_schedule: POST schedule/ -> the completion line is in the log (files API);
- scheduled task on the clock (--clock, waits for the next minute): POST schedule/ for the next minute -> completion;
- always-on task: POST always_on/ -> its first output line is in its log;
- console: admin start -> first prompt; send_input -> its output in get_latest_output;
- web front: the first request after a reload (starts the WSGI worker), and one to a running worker.
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
TOKEN = "0123456789abcdef0123456789abcdef01234567"
POLL = 0.05


def poll(check, timeout: float = 120.0):
    """Call ``check`` every POLL seconds until it returns truthy; returns the elapsed seconds."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(POLL)
    raise SystemExit(f"timed out waiting for {check}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clock", action="store_true", help="also time one task on the clock (waits for a minute)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "pa_simulator", "--port", "0", "--state-dir", state, "--no-rate-limit",
             "--config", str(HERE / "accounts.example.yml"), "--fast-schedule"],
            stdout=subprocess.PIPE, text=True, env={"PYTHONPATH": str(HERE), "PATH": "/usr/local/bin:/usr/bin:/bin"})
        try:
            url = proc.stdout.readline().split(" on ", 1)[1].strip()
            web_url = proc.stdout.readline().split(" on ", 1)[1].strip()
            return measure(url, web_url, args)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def measure(url: str, web_url: str, args) -> int:
    """Time each route ``args.runs`` times and print a table."""
    api = f"{url}/api/v0/user/alice/"
    session = requests.Session()
    session.headers["Authorization"] = f"Token {TOKEN}"
    if not session.get(f"{url}/__admin__/config").json()["execution"]:
        print("commands are not executed here (not root?): nothing to measure")
        return 1

    def log_has(path, text):
        return lambda: text in session.get(f"{api}files/path{path}").text

    results = {}
    minute = (datetime.datetime.now(datetime.timezone.utc).minute + 30) % 60
    for _run in range(args.runs):
        task = session.post(f"{api}schedule/", json={"command": "echo hi", "interval": "hourly", "minute": minute}).json()
        start = time.monotonic()
        poll(log_has(f"/var/log/schedule-log-{task['id']}.log", "Completed task"))
        results.setdefault("scheduled task (fast_schedule): create -> completion line", []).append(time.monotonic() - start)
        session.delete(f"{api}schedule/{task['id']}/")
    for _run in range(args.runs):
        start = time.monotonic()
        task = session.post(f"{api}always_on/", json={"command": "echo up; sleep 60"}).json()
        poll(log_has(f"/var/log/alwayson-log-{task['id']}.log", "up\n"))
        results.setdefault("always-on task: create -> first output", []).append(time.monotonic() - start)
        session.delete(f"{api}always_on/{task['id']}/")
    for run in range(args.runs):
        console = session.post(f"{api}consoles/", json={"executable": "bash"}).json()
        out = f"{api}consoles/{console['id']}/get_latest_output/"
        start = time.monotonic()
        session.post(f"{url}/__admin__/accounts/alice/consoles/{console['id']}/start")
        poll(lambda: session.get(out).json().get("output", "").endswith("$ "))
        results.setdefault("console: start -> first prompt", []).append(time.monotonic() - start)
        start = time.monotonic()
        session.post(f"{api}consoles/{console['id']}/send_input/", json={"input": f"echo $((40+{run}))\n"})
        poll(lambda: re.search(f"[\r\n]{40 + run}\r\n", session.get(out).json()["output"]))
        results.setdefault("console: send_input -> output", []).append(time.monotonic() - start)
        session.delete(f"{api}consoles/{console['id']}/")
    if web_url:
        session.post(f"{api}webapps/", data={"domain_name": "alice.pythonanywhere.com", "python_version": "python310"})
        host = {"Host": "alice.pythonanywhere.com"}
        for run in range(args.runs):
            if run:
                session.post(f"{api}webapps/alice.pythonanywhere.com/reload/")
            start = time.monotonic()
            assert requests.get(web_url, headers=host, timeout=60).status_code == 200
            results.setdefault("web front: first request after a reload (worker start)", []).append(time.monotonic() - start)
            start = time.monotonic()
            assert requests.get(web_url, headers=host, timeout=60).status_code == 200
            results.setdefault("web front: request to a running worker", []).append(time.monotonic() - start)
    if args.clock:
        session.patch(f"{url}/__admin__/config", json={"fast_schedule": False})
        now = datetime.datetime.now(datetime.timezone.utc)
        if now.second > 55:
            time.sleep(61 - now.second)
            now = datetime.datetime.now(datetime.timezone.utc)
        start = time.monotonic()
        task = session.post(f"{api}schedule/", json={"command": "echo hi", "interval": "hourly",
                                                     "minute": (now.minute + 1) % 60}).json()
        poll(log_has(f"/var/log/schedule-log-{task['id']}.log", "Completed task"), timeout=130)
        results["scheduled task on the clock: create -> completion (1 run)"] = [time.monotonic() - start]
        boundary = (now + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
        late = datetime.datetime.now(datetime.timezone.utc) - boundary
        results["scheduled task on the clock: minute boundary -> completion seen"] = [late.total_seconds()]
    width = max(len(name) for name in results)
    print(f"{'route':<{width}}  runs   min s  median s   max s   (polling every {POLL} s)")
    for name, values in results.items():
        print(f"{name:<{width}}  {len(values):>4}  {min(values):>6.2f}  {statistics.median(values):>8.2f}  {max(values):>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
