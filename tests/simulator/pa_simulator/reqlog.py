"""The request log: one JSON object per line in ``<state-dir>/requests.jsonl``.

Every request in PA's URL space is logged (admin requests never are), with a
``seq`` number that only ever increases, also across restarts and resets.
"""

from __future__ import annotations

import json
import os
import threading


class RequestLog:
    """Append-only JSONL log, also kept in memory for queries."""

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        self.last_seq = 0
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue
                    self._entries.append(entry)
                    self.last_seq = max(self.last_seq, int(entry.get("seq", 0)))
        self._handle = open(path, "a", encoding="utf-8")  # pylint: disable=consider-using-with

    def add(self, entry: dict) -> int:
        """Append an entry (its ``seq`` is assigned here)."""
        with self._lock:
            self.last_seq += 1
            entry = {"seq": self.last_seq, **entry}
            self._entries.append(entry)
            self._handle.write(json.dumps(entry) + "\n")
            self._handle.flush()
            return self.last_seq

    def query(self, account: str | None = None, since: int = 0, limit: int | None = None) -> tuple[list[dict], int]:
        """Entries after ``since`` (optionally of one account): ``(entries, last_seq)``."""
        with self._lock:
            entries = [e for e in self._entries if e["seq"] > since and (account is None or e.get("account") == account)]
            last = self.last_seq
        if limit is not None:
            entries = entries[:limit]
        return entries, last

    def clear(self) -> None:
        """Empty the log; numbering continues."""
        with self._lock:
            self._entries = []
            self._handle.close()
            self._handle = open(self.path, "w", encoding="utf-8")  # pylint: disable=consider-using-with

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._handle.close()
