"""Account-wide endpoints (v0): cpu, default Python versions, system image, students, MySQL databases."""

from __future__ import annotations

import datetime

from . import errors
from .config import IMAGE_DEFAULT_VERSIONS, IMAGE_ORDER, python_versions
from .fields import ChoiceField, parse_body, validate
from .simulator import utcnow


def cpu(ctx):
    """GET cpu/: the daily CPU allowance; ``next_reset_time`` is naive ISO (no timezone)."""
    created = datetime.datetime.fromisoformat(ctx.data["created"])
    now = utcnow()
    reset = now.replace(hour=created.hour, minute=created.minute, second=created.second, microsecond=0)
    if reset <= now:
        reset += datetime.timedelta(days=1)
    return {
        "daily_cpu_limit_seconds": ctx.limits["cpu_limit"],
        "daily_cpu_total_usage_seconds": float(ctx.data.get("cpu_usage_seconds", 0.0)),
        "next_reset_time": reset.replace(tzinfo=None).isoformat(),
    }


# The three "default Python version" endpoints: (stored key, available-list key, choices).
VERSION_SETTINGS = {
    "default_python_version": ("available_python_versions", lambda versions: versions),
    "default_python3_version": ("available_python3_versions", lambda versions: [v for v in versions if v.startswith("3.")]),
    "default_save_and_run_python_version": ("available_python_versions", lambda versions: versions),
}


def version_views(key: str):
    """GET/PATCH/PUT handlers of one default-Python-version endpoint."""
    list_key, choose = VERSION_SETTINGS[key]

    def available(ctx):
        return list(choose(python_versions(ctx.data["system_image"])))

    def get(ctx):
        return {key: ctx.data[key], list_key: available(ctx)}

    def update(ctx):
        data = validate({key: ChoiceField(available(ctx))}, parse_body())
        ctx.data[key] = data[key]
        ctx.save()
        return get(ctx)

    return {"get": get, "patch": update, "put": update}


def available_images(ctx) -> list[str]:
    """The account's image and the newer ones (an account cannot go older than it started)."""
    return list(IMAGE_ORDER[IMAGE_ORDER.index(ctx.data["initial_system_image"]):])


def get_system_image(ctx):
    """GET system_image/."""
    return {"system_image": ctx.data["system_image"], "available_system_images": available_images(ctx)}


def set_system_image(ctx):
    """PATCH system_image/ ``system_image``; default Python versions the new image lacks fall back to its defaults."""
    image = validate({"system_image": ChoiceField(available_images(ctx))}, parse_body())["system_image"]
    ctx.data["system_image"] = image
    versions = python_versions(image)
    defaults = IMAGE_DEFAULT_VERSIONS[image]
    for key, default in (("default_python_version", defaults["python"]), ("default_python3_version", defaults["python3"]),
                         ("default_save_and_run_python_version", defaults["save_and_run"])):
        if ctx.data[key] not in versions:
            ctx.data[key] = default
    if image == "glastonbury":
        ctx.data["default_python_version"] = "2.7"
    ctx.save()
    return get_system_image(ctx)


def list_students(ctx):
    """GET students/."""
    return {"students": [{"username": name} for name in ctx.data.get("students", [])]}


def delete_student(ctx, student):
    """DELETE students/{name}/: 204, or 404 when not your student."""
    students = ctx.data.get("students", [])
    if student not in students:
        raise errors.not_found()
    students.remove(student)
    ctx.save()
    return None, 204


def mysql_databases(ctx):
    """GET databases/mysql/: new free accounts have no MySQL (403); the list is empty (no create endpoint exists)."""
    if not ctx.limits.get("mysql"):
        raise errors.permission_denied("MySQL is not available on free accounts.")
    return list(ctx.data.get("mysql_databases", []))


def register(routes) -> None:
    """Add the account-wide routes."""
    base = "/api/v0/user/<username>/"
    routes.add(base + "cpu/", "cpu", get=cpu)
    for key in VERSION_SETTINGS:
        routes.add(f"{base}{key}/", key, **version_views(key))
    routes.add(base + "system_image/", "system_image", get=get_system_image, patch=set_system_image, put=set_system_image)
    routes.add(base + "students/", "students_list", get=list_students)
    routes.add(base + "students/<student>/", "student_detail", delete=delete_student)
    routes.add(base + "databases/mysql/", "databases_mysql", get=mysql_databases)
