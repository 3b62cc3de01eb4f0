"""Helpers of the execution tests: a hand-made wheel, log polling."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import time
import zipfile

COMPLETED = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) -- Completed task, took (\d+\.\d\d) seconds, return code was (-?\d+)\.$", re.M)


def build_wheel(name: str = "tinypkg", version: str = "1.0", value: str = "tiny-ok") -> tuple[str, bytes]:
    """A minimal pure-Python wheel, written by hand (no build tool, no index): ``(file name, bytes)``."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f"VALUE = {value!r}\n".encode(),
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


def read_file(client, path: str) -> str | None:
    """A file's text through the files API, or None when it does not exist."""
    response = client.get("files/path" + path)
    return response.text if response.status_code == 200 else None


def wait_for(predicate, timeout: float, interval: float = 0.1):
    """Poll until ``predicate()`` returns something truthy; returns it (or fails after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
        time.sleep(interval)


def wait_for_completion(client, task_id: int, timeout: float = 30, count: int = 1) -> tuple[str, list]:
    """Wait until the task log holds ``count`` completion lines: ``(log text, [(stamp, seconds, rc), ...])``."""
    path = f"/var/log/schedule-log-{task_id}.log"

    def done():
        text = read_file(client, path)
        if text is None:
            return None
        found = COMPLETED.findall(text)
        return (text, found) if len(found) >= count else None

    return wait_for(done, timeout)


def processes(server) -> list[dict]:
    """The simulator's running processes (admin view)."""
    response = server.admin("GET", "processes")
    assert response.status_code == 200, response.text
    return response.json()["processes"]


def pids_running(marker: str) -> list[int]:
    """Pids of host processes whose command line contains ``marker`` (to find leaked sandbox processes)."""
    import os  # pylint: disable=import-outside-toplevel

    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != b"Z" and int(entry) != os.getpid():
            found.append(int(entry))
    return found
