"""Fixtures: the simulator runs as a subprocess on an ephemeral port; tests talk to it with requests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

SIM_DIR = Path(__file__).resolve().parent.parent
if str(SIM_DIR) not in sys.path:
    sys.path.insert(0, str(SIM_DIR))  # tests import helpers from pa_simulator
EXAMPLE_ACCOUNTS = SIM_DIR / "accounts.example.yml"
ALICE_TOKEN = "0123456789abcdef0123456789abcdef01234567"
BOB_TOKEN = "fedcba9876543210fedcba9876543210fedcba98"


class Server:
    """A running simulator process."""

    def __init__(self, state_dir: Path, *args: str):
        self.state_dir = Path(state_dir)
        env = dict(os.environ, PYTHONPATH=str(SIM_DIR), PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "pa_simulator", "--port", "0", "--state-dir", str(state_dir), *args]
        # pylint: disable-next=consider-using-with
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PA simulator listening on "):
            self.proc.kill()
            raise RuntimeError(f"simulator did not start: {line!r} {self.proc.stderr.read()}")
        self.url = line.split(" on ", 1)[1].strip()
        self.cert = None
        if "--tls" in args:
            self.cert = self.proc.stdout.readline().split(":", 1)[1].strip()
        self.web_url = None
        if "--no-serve" not in args:
            self.web_url = self.proc.stdout.readline().split(" on ", 1)[1].strip()

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return self.proc.returncode

    def admin(self, method: str, path: str, **kwargs) -> requests.Response:
        """Call the admin API."""
        return requests.request(method, f"{self.url}/__admin__/{path.lstrip('/')}", timeout=30, **kwargs)


class Client:
    """A token-authenticated client for one user."""

    def __init__(self, server: Server, username: str, token: str):
        self.server = server
        self.username = username
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def url(self, path: str, version: int = 0) -> str:
        """Absolute URL of ``path`` below ``/api/v<version>/user/<username>/``."""
        return f"{self.server.url}/api/v{version}/user/{self.username}/{path.lstrip('/')}"

    def request(self, method: str, path: str, version: int = 0, **kwargs) -> requests.Response:
        """One API request."""
        return self.session.request(method, self.url(path, version), timeout=30, **kwargs)

    def get(self, path, **kwargs):
        """GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        """POST."""
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        """PATCH."""
        return self.request("PATCH", path, **kwargs)

    def put(self, path, **kwargs):
        """PUT."""
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        """DELETE."""
        return self.request("DELETE", path, **kwargs)

    def state(self) -> dict:
        """The admin view of this account."""
        response = self.server.admin("GET", f"accounts/{self.username}/state")
        assert response.status_code == 200, response.text
        return response.json()

    def upload(self, path: str, content: bytes) -> requests.Response:
        """Upload a file through the files API."""
        return self.post("files/path" + path, files={"content": ("ignored-name", content)})


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One simulator for the session (rate limiting off; tests that need it switch it on)."""
    srv = Server(tmp_path_factory.mktemp("state"), "--config", str(EXAMPLE_ACCOUNTS), "--no-rate-limit")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def noexec_server(tmp_path_factory):
    """A second session simulator that never executes commands (``--no-exec``)."""
    srv = Server(tmp_path_factory.mktemp("state-noexec"), "--config", str(EXAMPLE_ACCOUNTS), "--no-rate-limit",
                 "--no-exec")
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def clean(request):
    """Reset the session simulators before each test that uses them."""
    for name in ("server", "noexec_server"):
        if name in request.fixturenames:
            srv = request.getfixturevalue(name)
            assert srv.admin("POST", "reset").status_code == 200


@pytest.fixture
def noexec_alice(noexec_server) -> Client:
    """The paid example account on the ``--no-exec`` simulator."""
    return Client(noexec_server, "alice", ALICE_TOKEN)


@pytest.fixture
def alice(server) -> Client:
    """The paid example account."""
    return Client(server, "alice", ALICE_TOKEN)


@pytest.fixture
def bob(server) -> Client:
    """The new-free example account."""
    return Client(server, "bob", BOB_TOKEN)


@pytest.fixture
def new_account(server):
    """A factory: ``new_account("carol", plan="free_legacy")`` creates an account and returns its client."""

    def make(username: str, **spec) -> Client:
        response = server.admin("POST", "accounts", json={"username": username, **spec})
        assert response.status_code == 201, response.text
        return Client(server, username, response.json()["token"])

    return make


def wait_until(predicate, timeout: float = 5.0) -> bool:
    """Poll ``predicate`` until true or timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
