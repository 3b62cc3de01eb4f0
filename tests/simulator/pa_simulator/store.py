"""Persistent state in SQLite: accounts and the objects they own.

Objects are JSON documents keyed by ``(kind, id)``; ``key`` is an optional
natural key (a domain name, a shared path) that is unique per kind across all
accounts, as PA's domains are.  Ids come from one sequence per kind.  Every
access goes through one re-entrant lock, so the threaded server sees a
consistent state.
"""

from __future__ import annotations

import json
import sqlite3
import threading

# First id of each kind; distinct ranges make an id sent to the wrong
# endpoint fail with 404 instead of hitting another object by chance.
ID_START = {
    "webapp": 2_000_001,
    "static_file": 3_000_001,
    "static_header": 4_000_001,
    "v1webapp": 5_000_001,
    "domain": 5_000_001,
    "schedule": 6_000_001,
    "always_on": 7_000_001,
    "console": 8_000_001,
    "share": 9_000_001,
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    account TEXT NOT NULL,
    key TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_key ON objects (kind, key) WHERE key IS NOT NULL;
CREATE INDEX IF NOT EXISTS objects_account ON objects (account, kind);
CREATE TABLE IF NOT EXISTS sequences (
    kind TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


class Store:
    """The simulator's database."""

    def __init__(self, path: str):
        self.lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self.lock:
            self._db.close()

    def _query(self, sql: str, params=()) -> list:
        with self.lock:
            return self._db.execute(sql, params).fetchall()

    # accounts -------------------------------------------------------------

    def accounts(self) -> list[dict]:
        """Every account, by username."""
        return [json.loads(row[0]) for row in self._query("SELECT data FROM accounts ORDER BY username")]

    def account(self, username: str) -> dict | None:
        """One account, or None."""
        rows = self._query("SELECT data FROM accounts WHERE username = ?", (username,))
        return json.loads(rows[0][0]) if rows else None

    def account_by_token(self, token: str) -> dict | None:
        """The account owning an API token, or None."""
        rows = self._query("SELECT data FROM accounts WHERE token = ?", (token,))
        return json.loads(rows[0][0]) if rows else None

    def save_account(self, account: dict) -> None:
        """Insert or replace an account."""
        with self.lock:
            self._db.execute(
                "INSERT OR REPLACE INTO accounts (username, token, data) VALUES (?, ?, ?)",
                (account["username"], account["token"], json.dumps(account)),
            )

    # objects --------------------------------------------------------------

    def next_id(self, kind: str) -> int:
        """Allocate the next id of a kind."""
        with self.lock:
            rows = self._db.execute("SELECT value FROM sequences WHERE kind = ?", (kind,)).fetchall()
            value = rows[0][0] + 1 if rows else ID_START.get(kind, 1)
            self._db.execute("INSERT OR REPLACE INTO sequences (kind, value) VALUES (?, ?)", (kind, value))
            return value

    def insert(self, kind: str, account: str, data: dict, key: str | None = None, object_id: int | None = None) -> dict:
        """Store a new object; ``data["id"]`` is set to its id.  Returns ``data``."""
        with self.lock:
            if object_id is None:
                object_id = self.next_id(kind)
            data["id"] = object_id
            self._db.execute(
                "INSERT INTO objects (kind, id, account, key, data) VALUES (?, ?, ?, ?, ?)",
                (kind, object_id, account, key, json.dumps(data)),
            )
            return data

    def update(self, kind: str, data: dict) -> dict:
        """Replace an object's document (by ``data["id"]``)."""
        with self.lock:
            self._db.execute("UPDATE objects SET data = ? WHERE kind = ? AND id = ?", (json.dumps(data), kind, data["id"]))
            return data

    def get(self, kind: str, object_id: int, account: str | None = None) -> dict | None:
        """One object by id (optionally restricted to an account)."""
        if account is None:
            rows = self._query("SELECT data FROM objects WHERE kind = ? AND id = ?", (kind, object_id))
        else:
            rows = self._query("SELECT data FROM objects WHERE kind = ? AND id = ? AND account = ?", (kind, object_id, account))
        return json.loads(rows[0][0]) if rows else None

    def list_one(self, kind: str, object_id: int) -> tuple[str, dict] | None:
        """``(account, object)`` for an id, across all accounts."""
        rows = self._query("SELECT account, data FROM objects WHERE kind = ? AND id = ?", (kind, object_id))
        return (rows[0][0], json.loads(rows[0][1])) if rows else None

    def by_key(self, kind: str, key: str) -> tuple[str, dict] | None:
        """``(account, object)`` for a natural key, across all accounts."""
        rows = self._query("SELECT account, data FROM objects WHERE kind = ? AND key = ?", (kind, key))
        return (rows[0][0], json.loads(rows[0][1])) if rows else None

    def list(self, kind: str, account: str | None = None) -> list[dict]:
        """Objects of a kind (of one account, or all), by id."""
        if account is None:
            rows = self._query("SELECT data FROM objects WHERE kind = ? ORDER BY id", (kind,))
        else:
            rows = self._query("SELECT data FROM objects WHERE kind = ? AND account = ? ORDER BY id", (kind, account))
        return [json.loads(row[0]) for row in rows]

    def delete(self, kind: str, object_id: int) -> None:
        """Delete one object."""
        with self.lock:
            self._db.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (kind, object_id))

    def wipe(self) -> None:
        """Delete everything (id sequences continue, so old ids never come back)."""
        with self.lock:
            self._db.execute("DELETE FROM objects")
            self._db.execute("DELETE FROM accounts")
