"""Consoles (v0).  Creating one does not start it: only an admin "start" (a browser, on PA) does."""

from __future__ import annotations

import re

from . import errors
from .fields import CharField, RawCharField, parse_body, validate
from .simulator import utcnow

NOT_STARTED = "Console not yet started. Please load it (or its iframe) in a browser first"
OUTPUT_CHARS = 500
BUFFER_CHARS = 20_000

CONSOLE_FIELDS = {
    "executable": CharField(),
    "arguments": CharField(allow_blank=True, default=""),
    "working_directory": CharField(allow_blank=True, allow_null=True, default=None),
}


def console_name(executable: str, console_id: int) -> str:
    """"Bash console 42", "Python3.10 console 42", "IPython3.10 console 42"."""
    label = executable.rsplit("/", 1)[-1]
    if label.lower().startswith("ipython"):
        label = "IPython" + label[len("ipython"):]
    else:
        label = label[:1].upper() + label[1:]
    return f"{label} console {console_id}"


def prompt(console: dict) -> str:
    """The prompt shown after each line: bash's ``HH:MM ~ $ ``, Python's ``>>> ``."""
    if re.match(r"^(i?python|pypy)", console["executable"].rsplit("/", 1)[-1].lower()):
        return ">>> "
    return utcnow().strftime("%H:%M") + " ~ $ "


def console_public(ctx, console: dict) -> dict:
    """A console as the API shows it (relative URLs)."""
    console_id = console["id"]
    return {
        "id": console_id,
        "user": ctx.username,
        "executable": console["executable"],
        "arguments": console["arguments"],
        "working_directory": console["working_directory"],
        "name": console["name"],
        "console_url": f"/user/{ctx.username}/consoles/{console_id}/",
        "console_frame_url": f"/user/{ctx.username}/consoles/{console_id}/frame/",
    }


def append_output(console: dict, text: str) -> None:
    """Add terminal output (kept bounded)."""
    console["output"] = (console.get("output", "") + text)[-BUFFER_CHARS:]


def list_consoles(ctx):
    """GET consoles/."""
    return [console_public(ctx, c) for c in ctx.sim.store.list("console", ctx.username)]


def shared_with_you(_ctx):
    """GET consoles/shared_with_you/: the simulator has no console sharing, so always empty."""
    return []


def create_console(ctx):
    """POST consoles/: 201; free plans are limited to 2 consoles (429 "Console limit reached.")."""
    data = validate(CONSOLE_FIELDS, parse_body())
    limit = ctx.limits.get("console_limit")
    if limit is not None and len(ctx.sim.store.list("console", ctx.username)) >= limit:
        raise errors.detail(429, "Console limit reached.")
    console_id = ctx.sim.store.next_id("console")
    console = {**data, "name": console_name(data["executable"], console_id), "started": False, "output": ""}
    console = ctx.sim.store.insert("console", ctx.username, console, object_id=console_id)
    return console_public(ctx, console), 201


def get_console(ctx, console_id):
    """GET consoles/{id}/."""
    return console_public(ctx, ctx.owned("console", console_id))


def delete_console(ctx, console_id):
    """DELETE consoles/{id}/: kill it, 204."""
    console = ctx.owned("console", console_id)
    ctx.sim.store.delete("console", console["id"])
    if ctx.sim.executor is not None:
        ctx.sim.executor.notify("console", console["id"], "kill")
    return None, 204


def latest_output(ctx, console_id):
    """GET consoles/{id}/get_latest_output/: the last ~500 characters; 412 until started."""
    console = ctx.owned("console", console_id)
    if not console["started"]:
        return {"error": NOT_STARTED}, 412
    return {"output": console["output"][-OUTPUT_CHARS:]}


def send_input(ctx, console_id):
    """POST consoles/{id}/send_input/ ``input``: 200 ``{"status": "OK"}``; 412 until started.

    When commands are executed, the input is typed into the console's terminal.  Otherwise (``--no-exec``)
    it is echoed, with a prompt after each newline.
    """
    console = ctx.owned("console", console_id)
    if not console["started"]:
        return {"error": NOT_STARTED}, 412
    text = validate({"input": RawCharField()}, parse_body())["input"]
    if ctx.sim.executor is not None:
        ctx.sim.executor.console_input(console["id"], text)
        return {"status": "OK"}
    lines = text.split("\n")
    for line in lines[:-1]:
        append_output(console, line + "\r\n" + prompt(console))
    append_output(console, lines[-1])
    ctx.sim.store.update("console", console)
    return {"status": "OK"}


def start_console(simulator, console: dict) -> dict:
    """Mark a console started, as if opened in a browser (admin API); with execution its process starts."""
    if not console["started"]:
        console["started"] = True
        if simulator.executor is None:
            append_output(console, prompt(console))
        simulator.store.update("console", console)
        if simulator.executor is not None:
            simulator.executor.notify("console", console["id"], "start")
    return console


def register(routes) -> None:
    """Add the consoles routes."""
    base = "/api/v0/user/<username>/consoles/"
    routes.add(base, "consoles_list", get=list_consoles, post=create_console)
    routes.add(base + "shared_with_you/", "consoles_shared_with_you", get=shared_with_you)
    routes.add(base + "<console_id>/", "console_detail", get=get_console, delete=delete_console)
    routes.add(base + "<console_id>/get_latest_output/", "console_get_latest_output", get=latest_output)
    routes.add(base + "<console_id>/send_input/", "console_send_input", post=send_input)
