"""The admin API under ``/__admin__/``: outside PA's URL space, no token, no throttle, never logged."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from .api_consoles import append_output, console_public, start_console
from .api_tasks import always_on_public, task_public
from .api_webapps import WEBAPP_FIELDS, mapping_public
from .api_websites import domain_public, website_public
from .app import Account, sim
from .config import ConfigError
from .faults import FaultConfigError
from .filesystem import normalise
from .simulator import AccountExists, utcnow

blueprint = Blueprint("admin", __name__)


def _error(status: int, message: str):
    return jsonify({"error": message}), status


def _json_body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _account(username: str) -> Account | None:
    simulator = sim()
    data = simulator.store.account(username)
    return Account(simulator, data) if data is not None else None


@blueprint.route("/accounts", methods=["GET"])
def list_accounts():
    """Every account: username, token, plan, region."""
    return jsonify([{key: acc[key] for key in ("username", "token", "plan", "region")} for acc in sim().store.accounts()])


@blueprint.route("/accounts", methods=["POST"])
def create_account():
    """Create an account: 201 ``{"username", "token"}``; 409 if it exists; 400 if invalid."""
    try:
        account = sim().create_account(_json_body())
    except ConfigError as exc:
        return _error(400, str(exc))
    except AccountExists as exc:
        return _error(409, str(exc))
    return jsonify({"username": account["username"], "token": account["token"]}), 201


@blueprint.route("/accounts/<username>", methods=["PATCH"])
def update_account(username):
    """Change an account's plan limits, CPU usage or MySQL database list."""
    simulator = sim()
    with simulator.store.lock:
        ctx = _account(username)
        if ctx is None:
            return _error(404, "no such account")
        body = _json_body()
        for key, value in body.get("limits", {}).items():
            if key not in ctx.data["limits"]:
                return _error(400, f"unknown limit {key}")
            if key in ("mysql", "schedule_daily_only"):
                valid = isinstance(value, bool)
            else:
                valid = value is None or _positive(value, True, allow_zero=True)
            if not valid:
                return _error(400, f"invalid value for {key}: {value!r}")
            ctx.data["limits"][key] = value
        if "cpu_usage_seconds" in body:
            ctx.data["cpu_usage_seconds"] = float(body["cpu_usage_seconds"])
        if "mysql_databases" in body:
            ctx.data["mysql_databases"] = list(body["mysql_databases"])
        if "students" in body:
            ctx.data["students"] = [str(s) for s in body["students"]]
        ctx.save()
        return jsonify(ctx.data)


@blueprint.route("/accounts/<username>/state", methods=["GET"])
def account_state(username):
    """The whole state of an account as the server holds it."""
    simulator = sim()
    with simulator.store.lock:
        ctx = _account(username)
        if ctx is None:
            return _error(404, "no such account")
        store = simulator.store
        webapps = store.list("webapp", username)
        domains = store.list("domain", username)
        static = {"static_file": {}, "static_header": {}}
        for kind, by_domain in static.items():
            for item in store.list(kind, username):
                by_domain.setdefault(item["webapp"], []).append(mapping_public(kind, item))
        ssl = {}
        for api, records in (("webapp", webapps), ("domain", domains)):
            for record in records:
                if record.get("ssl"):
                    ssl[record["domain_name"].lower()] = {"api": api, **record["ssl"]}
        data = ctx.data
        return jsonify({
            "username": username,
            "plan": data["plan"],
            "region": data["region"],
            "limits": data["limits"],
            "system_image": data["system_image"],
            "initial_system_image": data["initial_system_image"],
            "default_python_version": data["default_python_version"],
            "default_python3_version": data["default_python3_version"],
            "default_save_and_run_python_version": data["default_save_and_run_python_version"],
            "webapps": [{key: app[key] for key in WEBAPP_FIELDS} for app in webapps],
            "static_files": static["static_file"],
            "static_headers": static["static_header"],
            "ssl": ssl,
            "websites": [website_public(ctx, d) for d in domains if d["webapp"] is not None],
            "domains": [domain_public(ctx, d) for d in domains],
            "schedule": [task_public(ctx, t) for t in store.list("schedule", username)],
            "always_on": [{**always_on_public(ctx, t), "state": t.get("state"), "restarts": t.get("restarts", 0),
                           "process": _always_on_process(t)} for t in store.list("always_on", username)],
            "consoles": [{**console_public(ctx, c), "started": c["started"], "output": c.get("output", "")}
                         for c in store.list("console", username)],
            "shares": [{"path": s["path"], "url": s["url"]} for s in store.list("share", username)],
            "students": data.get("students", []),
            "reloads": data.get("reloads", {}),
            "cname": data.get("cname", {}),
            "cpu_usage_seconds": data.get("cpu_usage_seconds", 0.0),
            "mysql_databases": data.get("mysql_databases", []),
        })


def _always_on_process(task: dict) -> str | None:
    """With execution, what the task's process is doing; None without execution."""
    executor = sim().executor
    return executor.always_on_state(task["id"]) if executor is not None else None


@blueprint.route("/accounts/<username>/files", methods=["GET"])
def account_files(username):
    """A file (type, sha256, size) or a directory's recursive listing; 404 if missing."""
    if sim().store.account(username) is None:
        return _error(404, "no such account")
    path = request.args.get("path", "/")
    info = sim().fs(username).inventory(normalise(path))
    if info is None:
        return _error(404, f"no such file or directory: {path}")
    return jsonify(info)


def _console(username: str, console_id: int):
    ctx = _account(username)
    if ctx is None:
        return None, None
    return ctx, sim().store.get("console", console_id, username)


@blueprint.route("/accounts/<username>/consoles/<int:console_id>/start", methods=["POST"])
def start(username, console_id):
    """Mark a console started, as if opened in a browser."""
    with sim().store.lock:
        ctx, console = _console(username, console_id)
        if console is None:
            return _error(404, "no such console")
        console = start_console(sim(), console)
        return jsonify({**console_public(ctx, console), "started": True})


@blueprint.route("/accounts/<username>/consoles/<int:console_id>/output", methods=["POST"])
def add_output(username, console_id):
    """Append text to a console's output (what a command would have printed)."""
    with sim().store.lock:
        _ctx, console = _console(username, console_id)
        if console is None:
            return _error(404, "no such console")
        append_output(console, str(_json_body().get("output", "")))
        sim().store.update("console", console)
        return jsonify({"output": console["output"]})


@blueprint.route("/accounts/<username>/schedule/<int:task_id>/run", methods=["POST"])
def run_task(username, task_id):
    """Pretend a scheduled task ran: append ``output`` and PA's completion line to its log.

    Body: ``{"output": "text", "return_code": 0, "seconds": 1}`` (all optional).  Nothing is executed.
    """
    body = _json_body()
    with sim().store.lock:
        if sim().store.get("schedule", task_id, username) is None:
            return _error(404, "no such task")
        fs = sim().fs(username)
        path = f"/var/log/schedule-log-{task_id}.log"
        stamp = utcnow().strftime("%Y-%m-%d %H:%M:%S")
        line = (f"{stamp} -- Completed task, took {float(body.get('seconds', 1)):.2f} seconds, "
                f"return code was {int(body.get('return_code', 0))}.\n")
        output = str(body.get("output", ""))
        if output and not output.endswith("\n"):
            output += "\n"
        fs.write_text(path, (fs.read_text(path) or "") + output + line)
        return jsonify({"logfile": path})


@blueprint.route("/accounts/<username>/schedule/<int:task_id>/execute", methods=["POST"])
def execute_task(username, task_id):
    """Run a scheduled task now, for real, as if its time had come: 202; 409 without execution."""
    if sim().store.get("schedule", task_id, username) is None:
        return _error(404, "no such task")
    if sim().executor is None:
        return _error(409, "commands are not executed (--no-exec, or no sandbox)")
    sim().executor.notify("schedule", task_id, "execute")
    return jsonify({"logfile": f"/var/log/schedule-log-{task_id}.log"}), 202


@blueprint.route("/processes", methods=["GET"])
def list_processes():
    """The processes the simulator runs now (tasks, always-on tasks, consoles)."""
    executor = sim().executor
    return jsonify({"execution": executor is not None, "processes": executor.processes() if executor else []})


@blueprint.route("/accounts/<username>/domains/<domain>/cname", methods=["POST"])
def set_cname(username, domain):
    """Say whether a custom domain's CNAME points at PA (``{"ok": true|false}``)."""
    body = _json_body()
    if not isinstance(body.get("ok"), bool):
        return _error(400, "expected {\"ok\": true|false}")
    with sim().store.lock:
        ctx = _account(username)
        if ctx is None:
            return _error(404, "no such account")
        ctx.data.setdefault("cname", {})[domain.lower()] = body["ok"]
        ctx.save()
        return jsonify({"domain": domain.lower(), "ok": body["ok"]})


@blueprint.route("/log", methods=["GET"])
def read_log():
    """Request log entries after ``since`` (optionally for one ``account``)."""
    try:
        since = int(request.args.get("since", 0))
        limit = int(request.args["limit"]) if "limit" in request.args else None
    except ValueError:
        return _error(400, "since and limit must be integers")
    entries, last = sim().log.query(request.args.get("account"), since, limit)
    return jsonify({"entries": entries, "last_seq": last})


@blueprint.route("/reset", methods=["POST"])
def reset():
    """Wipe everything; the ``--config`` accounts are created again with the same tokens."""
    sim().reset()
    return jsonify({"status": "OK"})


def _config_view():
    simulator = sim()
    return {"rate_limit": simulator.limiter.settings(), "latency_ms": simulator.latency_ms,
            "execution": simulator.executor is not None, **simulator.exec_settings}


@blueprint.route("/config", methods=["GET"])
def get_config():
    """Rate limit and latency settings."""
    return jsonify(_config_view())


def _positive(value, integer: bool, allow_zero: bool = False) -> bool:
    kinds = (int,) if integer else (int, float)
    return not isinstance(value, bool) and isinstance(value, kinds) and (value >= 0 if allow_zero else value > 0)


@blueprint.route("/config", methods=["PUT", "PATCH"])
def put_config():
    """Change rate limiting and latency (keys left out keep their value)."""
    body = _json_body()
    rate = body.get("rate_limit", {})
    if not isinstance(rate, dict):
        return _error(400, "rate_limit must be an object")
    checks = {"enabled": lambda v: isinstance(v, bool), "limit": lambda v: _positive(v, True),
              "period": lambda v: _positive(v, False), "send_input_limit": lambda v: _positive(v, True)}
    for key, value in rate.items():
        if key not in checks or not checks[key](value):
            return _error(400, f"invalid rate_limit.{key}: {value!r}")
    if "latency_ms" in body and not _positive(body["latency_ms"], False, allow_zero=True):
        return _error(400, "latency_ms must be a number >= 0")
    if "fast_schedule" in body and not isinstance(body["fast_schedule"], bool):
        return _error(400, "fast_schedule must be true or false")
    if "always_on_restart_delay" in body and not _positive(body["always_on_restart_delay"], False, allow_zero=True):
        return _error(400, "always_on_restart_delay must be a number >= 0")
    if "task_time_limit" in body and body["task_time_limit"] is not None and not _positive(body["task_time_limit"], False):
        return _error(400, "task_time_limit must be a number > 0 or null (the plan's limit)")
    simulator = sim()
    for key in ("fast_schedule", "always_on_restart_delay", "task_time_limit"):
        if key in body:
            simulator.exec_settings[key] = body[key]
    simulator.limiter.configure(rate)
    if "latency_ms" in body:
        simulator.latency_ms = body["latency_ms"]
    return jsonify(_config_view())


@blueprint.route("/faults", methods=["GET"])
def get_faults():
    """The fault rules with their counters."""
    return jsonify({"rules": sim().faults.rules()})


@blueprint.route("/faults", methods=["PUT"])
def put_faults():
    """Replace the fault rules: ``{"rules": [...], "seed": optional}`` or a bare list."""
    body = request.get_json(silent=True)
    seed = None
    if isinstance(body, dict):
        seed = body.get("seed")
        body = body.get("rules", [])
    try:
        sim().faults.set_rules(body, seed)
    except FaultConfigError as exc:
        return _error(400, str(exc))
    return jsonify({"rules": sim().faults.rules()})


@blueprint.route("/faults", methods=["DELETE"])
def delete_faults():
    """Remove every fault rule."""
    sim().faults.clear()
    return jsonify({"rules": []})


@blueprint.route("/routes", methods=["GET"])
def list_routes():
    """The route names usable as ``endpoint`` in fault rules and seen in the log."""
    return jsonify(current_app.extensions["pa_simulator_routes"])
