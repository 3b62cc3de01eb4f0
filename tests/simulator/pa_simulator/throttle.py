"""Rate limiting per (user, endpoint), as DRF's SimpleRateThrottle does it.

A sliding window: each bucket keeps the times of the requests it let
through during the last ``period`` seconds.  A request over the limit is not
recorded and gets 429 with ``Retry-After`` = the seconds until the oldest
recorded request leaves the window (rounded up, at least 1).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

SEND_INPUT_ENDPOINT = "console_send_input"


class RateLimiter:
    """Per (user, endpoint) sliding-window throttle."""

    def __init__(self, enabled: bool = True, limit: int = 40, period: float = 60.0, send_input_limit: int = 120):
        self.enabled = enabled
        self.limit = limit
        self.period = period
        self.send_input_limit = send_input_limit
        self._history: dict[tuple[str, str], deque] = {}
        self._lock = threading.Lock()

    def settings(self) -> dict:
        """The current configuration."""
        return {"enabled": self.enabled, "limit": self.limit, "period": self.period, "send_input_limit": self.send_input_limit}

    def configure(self, settings: dict) -> None:
        """Change the configuration (validated by the caller)."""
        with self._lock:
            for key in ("enabled", "limit", "period", "send_input_limit"):
                if key in settings:
                    setattr(self, key, settings[key])

    def reset(self) -> None:
        """Forget every bucket."""
        with self._lock:
            self._history.clear()

    def check(self, user: str, endpoint: str) -> int | None:
        """Record a request; None when allowed, else the seconds to wait."""
        if not self.enabled:
            return None
        limit = self.send_input_limit if endpoint == SEND_INPUT_ENDPOINT else self.limit
        now = time.monotonic()
        with self._lock:
            history = self._history.setdefault((user, endpoint), deque())
            while history and history[0] <= now - self.period:
                history.popleft()
            if len(history) >= limit:
                wait = self.period - (now - history[0]) if history else self.period
                return max(1, math.ceil(wait))
            history.append(now)
            return None
