"""The simulator's state holder: database, file trees, request log, throttle, faults."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from .config import normalise_account
from .executor import DEFAULT_SETTINGS
from .faults import FaultInjector
from .filesystem import AccountFS
from .reqlog import RequestLog
from .store import Store
from .throttle import RateLimiter


def utcnow() -> datetime.datetime:
    """Now, timezone-aware UTC."""
    return datetime.datetime.now(datetime.timezone.utc)


class AccountExists(Exception):
    """An account with this username (or token) already exists."""


class Simulator:  # pylint: disable=too-many-instance-attributes
    """Everything one running simulator holds."""

    def __init__(self, state_dir, config_accounts: list[dict] | None = None, rate_limit: dict | None = None,
                 latency_ms: float = 0, exec_settings: dict | None = None):
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.files_root = self.state_dir / "files"
        self.uploads_dir = self.state_dir / "uploads"
        self.files_root.mkdir(exist_ok=True)
        self.uploads_dir.mkdir(exist_ok=True)
        self.store = Store(str(self.state_dir / "state.sqlite3"))
        self.log = RequestLog(str(self.state_dir / "requests.jsonl"))
        self._initial_rate = dict(rate_limit or {})
        self._initial_latency = latency_ms
        self.limiter = RateLimiter(**self._initial_rate)
        self.latency_ms = latency_ms
        self.faults = FaultInjector()
        # Execution (executor.py): None when commands are not executed (--no-exec, or no sandbox).
        self.executor = None
        self._initial_exec = {**DEFAULT_SETTINGS, **(exec_settings or {})}
        self.exec_settings = dict(self._initial_exec)
        self.config_accounts = list(config_accounts or [])
        self.seed_config_accounts()

    def remove_partial_uploads(self) -> None:
        """Delete upload temp files a previous (killed) run left behind."""
        for leftover in self.uploads_dir.iterdir():
            leftover.unlink()

    def close(self) -> None:
        """Stop every process, release the database and the log."""
        if self.executor is not None:
            self.executor.shutdown()
            self.executor = None
        self.store.close()
        self.log.close()

    # accounts -------------------------------------------------------------

    def fs(self, username: str) -> AccountFS:
        """The file tree of an account."""
        return AccountFS(self.files_root, username)

    def create_account(self, spec: dict) -> dict:
        """Create an account from a (raw) definition; raises AccountExists."""
        account = normalise_account(spec)
        with self.store.lock:
            if self.store.account(account["username"]) is not None:
                raise AccountExists(f"account {account['username']} already exists")
            if self.store.account_by_token(account["token"]) is not None:
                raise AccountExists("this token belongs to another account")
            account["created"] = utcnow().replace(microsecond=0).isoformat()
            account["reloads"] = {}
            account["cname"] = {}
            account["cpu_usage_seconds"] = 0.0
            self.store.save_account(account)
        self.fs(account["username"]).ensure(seed=True)
        return account

    def seed_config_accounts(self) -> None:
        """Create the accounts of ``--config`` that do not exist yet."""
        for spec in self.config_accounts:
            if self.store.account(spec["username"]) is None:
                self.create_account(spec)

    def reset(self) -> None:
        """Wipe all state, then recreate the ``--config`` accounts (keeping their tokens)."""
        if self.executor is not None:
            self.executor.stop_all()  # before the store lock: the supervisor may be waiting for it
        with self.store.lock:
            tokens = {acc["username"]: acc["token"] for acc in self.store.accounts()}
            for spec in self.config_accounts:
                if spec["username"] in tokens:
                    spec["token"] = tokens[spec["username"]]
            self.store.wipe()
            shutil.rmtree(self.files_root, ignore_errors=True)
            self.files_root.mkdir()
            self.log.clear()
            self.limiter = RateLimiter(**self._initial_rate)
            self.latency_ms = self._initial_latency
            self.exec_settings = dict(self._initial_exec)
            self.faults.clear()
            self.seed_config_accounts()
