"""Fault injection: make chosen requests fail the way a busy or broken service does.

A rule matches requests by ``endpoint`` (a route name, or ``"*"``), and
optionally ``method`` and ``account``.  It fires either with a
``probability`` (0..1), or on a scripted sequence: let ``after`` matching
requests through, then fire on the next ``count`` (``count`` omitted: every
one after that).  A rule with neither fires on every matching request.
Rules are tried in order; the first that fires decides and later rules do not
see the request.
"""

from __future__ import annotations

import random
import threading

ACTIONS = ("429", "500", "502", "503", "drop", "slow")

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
NGINX_503 = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class FaultConfigError(ValueError):
    """A fault rule is not valid."""


def _number(rule: dict, key: str, minimum: float, maximum: float | None = None, integer: bool = True):
    value = rule.get(key)
    if value is None:
        return None
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum or (maximum is not None and value > maximum):
        raise FaultConfigError(f"{key} must be a number in [{minimum}, {maximum if maximum is not None else 'inf'}]")
    return value


def parse_rule(rule: dict) -> dict:
    """Validate one rule and return its normalised form (with counters at 0)."""
    if not isinstance(rule, dict):
        raise FaultConfigError("a rule must be an object")
    known = {"endpoint", "method", "account", "probability", "after", "count", "action", "delay_ms", "retry_after"}
    unknown = set(rule) - known
    if unknown:
        raise FaultConfigError(f"unknown keys: {', '.join(sorted(unknown))}")
    action = str(rule.get("action", ""))
    if action not in ACTIONS:
        raise FaultConfigError(f"action must be one of {', '.join(ACTIONS)}")
    endpoint = rule.get("endpoint", "*")
    if not isinstance(endpoint, str) or not endpoint:
        raise FaultConfigError("endpoint must be a route name or '*'")
    method = rule.get("method")
    if method is not None and not isinstance(method, str):
        raise FaultConfigError("method must be a string")
    probability = _number(rule, "probability", 0, 1, integer=False)
    after = _number(rule, "after", 0)
    count = _number(rule, "count", 0)
    if probability is not None and (after is not None or count is not None):
        raise FaultConfigError("use either probability or after/count, not both")
    delay_ms = _number(rule, "delay_ms", 0, integer=False)
    if action == "slow" and delay_ms is None:
        raise FaultConfigError("a slow rule needs delay_ms")
    return {
        "endpoint": endpoint,
        "method": method.upper() if method else None,
        "account": rule.get("account"),
        "probability": probability,
        "after": after,
        "count": count,
        "action": action,
        "delay_ms": delay_ms,
        "retry_after": _number(rule, "retry_after", 1) or 1,
        "seen": 0,
        "fired": 0,
    }


class FaultInjector:
    """The active fault rules and their counters."""

    def __init__(self):
        self._rules: list[dict] = []
        self._random = random.Random()
        self._lock = threading.Lock()

    def set_rules(self, rules: list, seed=None) -> None:
        """Replace all rules (validated first; nothing changes on error)."""
        if not isinstance(rules, list):
            raise FaultConfigError("rules must be a list")
        parsed = [parse_rule(rule) for rule in rules]
        with self._lock:
            self._rules = parsed
            self._random = random.Random(seed)

    def rules(self) -> list[dict]:
        """The rules with their counters (``seen``: matching requests, ``fired``: faults applied)."""
        with self._lock:
            return [dict(rule) for rule in self._rules]

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules = []

    def pick(self, endpoint: str | None, method: str, account: str | None) -> dict | None:
        """The rule that fires for this request, if any."""
        with self._lock:
            for rule in self._rules:
                if rule["endpoint"] != "*" and rule["endpoint"] != endpoint:
                    continue
                if rule["method"] and rule["method"] != method:
                    continue
                if rule["account"] and rule["account"] != account:
                    continue
                rule["seen"] += 1
                if rule["probability"] is not None:
                    fire = self._random.random() < rule["probability"]
                else:
                    after = rule["after"] or 0
                    fire = rule["seen"] > after and (rule["count"] is None or rule["seen"] <= after + rule["count"])
                if fire:
                    rule["fired"] += 1
                    return dict(rule)
            return None
