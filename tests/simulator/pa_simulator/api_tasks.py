"""Scheduled tasks and always-on tasks (v0)."""

from __future__ import annotations

import datetime

from . import errors
from .fields import BooleanField, ChoiceField, CharField, IntegerField, parse_body, validate
from .simulator import utcnow

SCHEDULE_FIELDS = {
    "command": CharField(),
    "enabled": BooleanField(default=True),
    "interval": ChoiceField(["daily", "hourly"]),
    "hour": IntegerField(min_value=0, max_value=23, allow_null=True, required=False),
    "minute": IntegerField(min_value=0, max_value=59),
    "description": CharField(allow_blank=True, default=""),
}
ALWAYS_ON_FIELDS = {
    "command": CharField(),
    "description": CharField(allow_blank=True, default=""),
    "enabled": BooleanField(default=True),
}


# What makes a scheduled task "changed" for fast_schedule (and moves its schedule baseline).
RUN_FIELDS = ("command", "interval", "hour", "minute", "enabled")


def notify(ctx, kind: str, obj_id: int, event: str) -> None:
    """Tell the executor (when commands are executed) about a change; see Executor.notify."""
    if ctx.sim.executor is not None:
        ctx.sim.executor.notify(kind, obj_id, event)


# scheduled tasks -----------------------------------------------------------


def task_public(ctx, task: dict) -> dict:
    """A scheduled task as the API shows it (reference 2.6)."""
    task_id = task["id"]
    if task["interval"] == "hourly":
        printable = f"{task['minute']:02d} minutes past"
    else:
        printable = f"{task['hour']:02d}:{task['minute']:02d}"
    user = ctx.username
    return {
        "id": task_id,
        "url": f"/api/v0/user/{user}/schedule/{task_id}/",
        "user": user,
        "command": task["command"],
        "description": task["description"],
        "enabled": task["enabled"],
        "interval": task["interval"],
        "hour": task["hour"],
        "minute": task["minute"],
        "printable_time": printable,
        "can_enable": False,
        "expiry": task["expiry"],
        "extend_url": f"/user/{user}/schedule/task/{task_id}/extend",
        "logfile": f"/user/{user}/files/var/log/schedule-log-{task_id}.log",
    }


def check_schedule_available(ctx) -> None:
    """New free accounts have no scheduled tasks at all: 403 (DRF PermissionDenied)."""
    if ctx.limits["schedule_quota"] == 0:
        raise errors.permission_denied("Scheduled tasks are not available on free accounts.")


def check_task(ctx, task: dict) -> None:
    """Cross-field rules: hourly tasks have no hour, daily tasks need one; free plans are daily only."""
    if task["interval"] == "hourly" and task.get("hour") is not None:
        raise errors.non_field_error("Hourly tasks must not have an hour.")
    if task["interval"] == "daily" and task.get("hour") is None:
        raise errors.non_field_error("Daily tasks must have an hour.")
    if task["interval"] == "hourly" and ctx.limits.get("schedule_daily_only"):
        raise errors.permission_denied("Hourly tasks are only available to paid accounts.")


def list_tasks(ctx):
    """GET schedule/."""
    return [task_public(ctx, task) for task in ctx.sim.store.list("schedule", ctx.username)]


def create_task(ctx):
    """POST schedule/: 201 with the task; 403 when over the plan's quota."""
    check_schedule_available(ctx)
    data = validate(SCHEDULE_FIELDS, parse_body())
    data.setdefault("hour", None)
    check_task(ctx, data)
    quota = ctx.limits["schedule_quota"]
    if quota is not None and len(ctx.sim.store.list("schedule", ctx.username)) >= quota:
        raise errors.permission_denied("You have reached your maximum number of scheduled tasks")
    expiry = None
    if ctx.data["plan"] != "paid":
        expiry = (utcnow().date() + datetime.timedelta(days=30)).isoformat()
    changed_at = utcnow().isoformat()
    task = ctx.sim.store.insert("schedule", ctx.username, {**data, "expiry": expiry, "changed_at": changed_at})
    notify(ctx, "schedule", task["id"], "changed")
    return task_public(ctx, task), 201


def get_task(ctx, task_id):
    """GET schedule/{id}/."""
    return task_public(ctx, ctx.owned("schedule", task_id))


def update_task(ctx, task_id):
    """PUT or PATCH schedule/{id}/: any subset of the fields (reference 2.6, A); the merged task is checked again."""
    task = ctx.owned("schedule", task_id)
    data = validate(SCHEDULE_FIELDS, parse_body(), partial=True)
    merged = {**task, **data}
    check_task(ctx, merged)
    changed = any(merged.get(key) != task.get(key) for key in RUN_FIELDS)
    if changed:
        merged["changed_at"] = utcnow().isoformat()
    ctx.sim.store.update("schedule", merged)
    if changed:
        notify(ctx, "schedule", merged["id"], "changed")
    return task_public(ctx, merged)


def delete_task(ctx, task_id):
    """DELETE schedule/{id}/: 204."""
    task = ctx.owned("schedule", task_id)
    ctx.sim.store.delete("schedule", task["id"])
    notify(ctx, "schedule", task["id"], "deleted")
    return None, 204


# always-on tasks -------------------------------------------------------------


def always_on_public(ctx, task: dict) -> dict:
    """An always-on task as the API shows it: only the confirmed fields (reference 2.7)."""
    return {
        "id": task["id"],
        "url": f"/api/v0/user/{ctx.username}/always_on/{task['id']}/",
        "command": task["command"],
        "description": task["description"],
        "enabled": task["enabled"],
    }


def list_always_on(ctx):
    """GET always_on/."""
    return [always_on_public(ctx, task) for task in ctx.sim.store.list("always_on", ctx.username)]


def create_always_on(ctx):
    """POST always_on/: create and start; 201; paid accounts only (403 otherwise)."""
    quota = ctx.limits["always_on_quota"]
    if quota == 0:
        raise errors.permission_denied("Always-on tasks are only available to paid accounts.")
    data = validate(ALWAYS_ON_FIELDS, parse_body())
    if quota is not None and len(ctx.sim.store.list("always_on", ctx.username)) >= quota:
        raise errors.permission_denied("You have reached your maximum number of always-on tasks")
    task = {**data, "state": "running" if data["enabled"] else "stopped", "restarts": 0}
    task = ctx.sim.store.insert("always_on", ctx.username, task)
    if task["enabled"]:
        notify(ctx, "always_on", task["id"], "start")
    return always_on_public(ctx, task), 201


def get_always_on(ctx, task_id):
    """GET always_on/{id}/."""
    return always_on_public(ctx, ctx.owned("always_on", task_id))


def _update_always_on(ctx, task_id, partial: bool):
    task = ctx.owned("always_on", task_id)
    before = dict(task)
    task.update(validate(ALWAYS_ON_FIELDS, parse_body(), partial=partial))
    task["state"] = "running" if task["enabled"] else "stopped"
    ctx.sim.store.update("always_on", task)
    if not task["enabled"] and before["enabled"]:
        notify(ctx, "always_on", task["id"], "stop")
    elif task["enabled"] and (not before["enabled"] or task["command"] != before["command"]):
        notify(ctx, "always_on", task["id"], "start")  # enabled, or a new command: (re)start it
    return always_on_public(ctx, task)


def put_always_on(ctx, task_id):
    """PUT always_on/{id}/: full update."""
    return _update_always_on(ctx, task_id, partial=False)


def patch_always_on(ctx, task_id):
    """PATCH always_on/{id}/: partial update."""
    return _update_always_on(ctx, task_id, partial=True)


def delete_always_on(ctx, task_id):
    """DELETE always_on/{id}/: stop and delete, 204."""
    task = ctx.owned("always_on", task_id)
    ctx.sim.store.delete("always_on", task["id"])
    notify(ctx, "always_on", task["id"], "stop")
    return None, 204


def restart_always_on(ctx, task_id):
    """POST always_on/{id}/restart/: 200 with the task."""
    task = ctx.owned("always_on", task_id)
    task["restarts"] = task.get("restarts", 0) + 1
    if task["enabled"]:
        task["state"] = "running"
    ctx.sim.store.update("always_on", task)
    if task["enabled"]:
        notify(ctx, "always_on", task["id"], "start")
    return always_on_public(ctx, task)


def register(routes) -> None:
    """Add the schedule and always_on routes."""
    base = "/api/v0/user/<username>/"
    routes.add(base + "schedule/", "schedule_list", get=list_tasks, post=create_task)
    routes.add(base + "schedule/<task_id>/", "schedule_detail", get=get_task, put=update_task, patch=update_task,
               delete=delete_task)
    routes.add(base + "always_on/", "always_on_list", get=list_always_on, post=create_always_on)
    routes.add(base + "always_on/<task_id>/", "always_on_detail", get=get_always_on, put=put_always_on,
               patch=patch_always_on, delete=delete_always_on)
    routes.add(base + "always_on/<task_id>/restart/", "always_on_restart", post=restart_always_on)
