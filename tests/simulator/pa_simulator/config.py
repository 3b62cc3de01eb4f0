"""Account plans, system images and the accounts file."""

from __future__ import annotations

import secrets
import string

import yaml

PLANS = ("free", "free_legacy", "paid")
REGIONS = ("www", "eu")

# Current system images, oldest first (reference section 2.12).
SYSTEM_IMAGES = {
    "glastonbury": ("2.7", "3.5", "3.6", "3.7", "3.8", "3.9"),
    "haggis": ("2.7", "3.6", "3.7", "3.8", "3.9", "3.10"),
    "innit": ("3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"),
}
IMAGE_ORDER = ("glastonbury", "haggis", "innit")

# Defaults of the three "default Python version" settings per image.  On
# glastonbury the plain ``python`` default must be 2.7 (reference 2.11).
IMAGE_DEFAULT_VERSIONS = {
    "glastonbury": {"python": "2.7", "python3": "3.8", "save_and_run": "3.8"},
    "haggis": {"python": "3.10", "python3": "3.10", "save_and_run": "3.10"},
    "innit": {"python": "3.10", "python3": "3.10", "save_and_run": "3.10"},
}

# Limits per plan.  ``None`` means unlimited.  Every key can be overridden per
# account in the accounts file or through the admin API.
PLAN_LIMITS = {
    "free": {
        "webapp_quota": 1,
        "schedule_quota": 0,  # new free accounts (after 2026-01-15): no scheduled tasks
        "schedule_daily_only": True,
        "always_on_quota": 0,
        "console_limit": 2,
        "mysql": False,
        "cpu_limit": 100,
        "webapp_expiry_days": 30,
    },
    "free_legacy": {
        "webapp_quota": 1,
        "schedule_quota": 1,  # one daily task
        "schedule_daily_only": True,
        "always_on_quota": 0,
        "console_limit": 2,
        "mysql": True,
        "cpu_limit": 100,
        "webapp_expiry_days": 91,
    },
    "paid": {
        "webapp_quota": 20,
        "schedule_quota": 20,
        "schedule_daily_only": False,
        "always_on_quota": 5,
        "console_limit": None,
        "mysql": True,
        "cpu_limit": 4000,
        "webapp_expiry_days": None,
    },
}

OVERRIDABLE = ("webapp_quota", "schedule_quota", "always_on_quota", "console_limit", "cpu_limit")

TOKEN_LENGTH = 40


class ConfigError(ValueError):
    """An account definition is not valid."""


def generate_token() -> str:
    """A new 40-character API token (lower-case hex, as PA's look)."""
    return secrets.token_hex(TOKEN_LENGTH // 2)


def python_versions(image: str) -> tuple[str, ...]:
    """The Python versions (``X.Y``) available on a system image."""
    return SYSTEM_IMAGES[image]


def normalise_account(spec: dict) -> dict:
    """Validate an account definition and fill in defaults.

    Returns the dict stored for the account (without runtime state).
    """
    if not isinstance(spec, dict):
        raise ConfigError("an account must be a mapping")
    username = spec.get("username")
    allowed = set(string.ascii_letters + string.digits + "_-.")
    if not isinstance(username, str) or not username or set(username) - allowed:
        raise ConfigError(f"invalid username: {username!r}")
    token = spec.get("token") or generate_token()
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH or set(token) - set(string.ascii_letters + string.digits):
        raise ConfigError(f"the token of {username} must be {TOKEN_LENGTH} letters or digits")
    plan = spec.get("plan", "paid")
    if plan not in PLANS:
        raise ConfigError(f"plan must be one of {', '.join(PLANS)}, not {plan!r}")
    region = spec.get("region", "www")
    if region not in REGIONS:
        raise ConfigError(f"region must be one of {', '.join(REGIONS)}, not {region!r}")
    image = spec.get("system_image", "innit")
    if image not in SYSTEM_IMAGES:
        raise ConfigError(f"system_image must be one of {', '.join(SYSTEM_IMAGES)}, not {image!r}")
    students = spec.get("students", [])
    if not isinstance(students, list) or not all(isinstance(s, str) and s for s in students):
        raise ConfigError("students must be a list of usernames")
    limits = dict(PLAN_LIMITS[plan])
    for key in OVERRIDABLE:
        if key in spec:
            value = spec[key]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ConfigError(f"{key} must be a non-negative integer or null")
            limits[key] = value
    defaults = IMAGE_DEFAULT_VERSIONS[image]
    account = {
        "username": username,
        "token": token,
        "plan": plan,
        "region": region,
        "system_image": image,
        "initial_system_image": image,
        "default_python_version": defaults["python"],
        "default_python3_version": defaults["python3"],
        "default_save_and_run_python_version": defaults["save_and_run"],
        "students": list(students),
        "limits": limits,
    }
    return account


def load_accounts_file(path: str) -> list[dict]:
    """Read an accounts YAML file: a list of account mappings.

    Returns the raw definitions (validated), each with its token filled in.
    """
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if data is None:
        return []
    if isinstance(data, dict) and "accounts" in data:
        data = data["accounts"]
    if not isinstance(data, list):
        raise ConfigError(f"{path}: expected a list of accounts")
    specs = []
    for item in data:
        normalised = normalise_account(item)  # validates
        specs.append({**item, "token": normalised["token"]})
    names = [spec["username"] for spec in specs]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: duplicate usernames")
    return specs


def pa_domain_suffix(region: str) -> str:
    """The PythonAnywhere domain of a region: ``pythonanywhere.com`` or ``eu.pythonanywhere.com``."""
    return "eu.pythonanywhere.com" if region == "eu" else "pythonanywhere.com"


def is_pa_subdomain(domain: str) -> bool:
    """Whether a domain is one of PA's own (no CNAME needed)."""
    return domain.lower().endswith(".pythonanywhere.com")
