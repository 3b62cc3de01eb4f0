"""Execution: scheduled tasks at their time, always-on tasks at once, consoles on a terminal.

One supervisor thread starts every process (so that the kernel's "kill me when my
parent dies" request of the sandbox is tied to a thread that lives as long as the
simulator), polls them, writes the completion lines, enforces the runtime cap,
restarts always-on tasks, runs scheduled tasks when the simulator clock reaches
their time, and copies console terminal output into the console's record.
API handlers only queue events (``notify``) and write console input; they never
wait for the supervisor, so the store lock they hold cannot deadlock with it.
"""

from __future__ import annotations

import codecs
import datetime
import fcntl
import glob
import json
import os
import pty
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

from .config import python_versions
from .sandbox import SPEC_ENV

PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
TICK = 0.1
CONSOLE_ROWS, CONSOLE_COLS = 24, 80
# Runtime caps of scheduled tasks per plan, in seconds (reference 2.6: 2 h free, 12 h paid).
PLAN_TIME_LIMITS = {"free": 2 * 3600, "free_legacy": 2 * 3600, "paid": 12 * 3600}
DEFAULT_SETTINGS = {"fast_schedule": False, "always_on_restart_delay": 5.0, "task_time_limit": None}


def utcnow() -> datetime.datetime:
    """The simulator clock: now, UTC."""
    return datetime.datetime.now(datetime.timezone.utc)


def stamp(moment: datetime.datetime | None = None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (UTC), as PA's task logs write it."""
    return (moment or utcnow()).strftime("%Y-%m-%d %H:%M:%S")


def latest_due(task: dict, now: datetime.datetime) -> datetime.datetime | None:
    """The most recent time at or before ``now`` at which ``task`` was due (UTC)."""
    minute = int(task["minute"])
    if task["interval"] == "hourly":
        due = now.replace(minute=minute, second=0, microsecond=0)
        if due > now:
            due -= datetime.timedelta(hours=1)
        return due
    if task.get("hour") is None:
        return None
    due = now.replace(hour=int(task["hour"]), minute=minute, second=0, microsecond=0)
    if due > now:
        due -= datetime.timedelta(days=1)
    return due


def pyenv_root() -> str | None:
    """Where pyenv keeps its interpreters (``$(pyenv root)``), or None."""
    if os.environ.get("PYENV_ROOT") and os.path.isdir(os.environ["PYENV_ROOT"]):
        return os.environ["PYENV_ROOT"]
    exe = shutil.which("pyenv")
    if exe:
        try:
            out = subprocess.run([exe, "root"], capture_output=True, text=True, timeout=10, check=True).stdout.strip()
            if out and os.path.isdir(out):
                return out
        except (OSError, subprocess.SubprocessError):
            pass
    fallback = os.path.expanduser("~/.pyenv")
    return fallback if os.path.isdir(fallback) else None


def interpreter(root: str | None, version: str) -> tuple[str | None, str | None]:
    """``(python, pip)`` of the newest pyenv interpreter ``version.*``, or Nones when not installed."""
    if root is None:
        return None, None
    for folder in sorted(glob.glob(os.path.join(root, "versions", f"{version}.*")), reverse=True):
        python = os.path.join(folder, "bin", f"python{version}")
        if os.access(python, os.X_OK):
            pip = os.path.join(folder, "bin", f"pip{version}")
            return python, pip if os.access(pip, os.X_OK) else None
    return None, None


class Run:  # pylint: disable=too-few-public-methods,too-many-instance-attributes
    """One process the supervisor looks after."""

    def __init__(self, kind: str, obj_id: int, username: str, proc: subprocess.Popen):
        self.kind = kind
        self.obj_id = obj_id
        self.username = username
        self.proc = proc
        self.started = time.monotonic()
        self.deadline: float | None = None
        self.limit: float | None = None
        self.log = None  # the open task log (tasks)
        self.master: int | None = None  # the terminal (consoles)
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.stopping: str | None = None  # why it was killed on purpose ("deleted", "stopped", ...)
        self.capped = False
        self.cpu_seconds = 0.0  # user + system time of the sandbox and everything in it, once it ended

    def kill(self) -> None:
        """SIGKILL the sandbox holder's process group (holder and init; the init's exit ends the rest)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        """Release the log handle and the terminal."""
        if self.log is not None:
            self.log.close()
            self.log = None
        if self.master is not None:
            os.close(self.master)
            self.master = None


class Executor:  # pylint: disable=too-many-instance-attributes
    """Runs the account's commands in the sandbox (see ``sandbox.py``)."""

    def __init__(self, simulator):
        self.sim = simulator
        self.lock = threading.RLock()
        self.runs: dict[tuple[str, int], Run] = {}
        self.events: list[tuple[str, int, str]] = []
        self.handled_due: dict[int, datetime.datetime] = {}
        self.pending_runs: dict[int, bool] = {}  # task id -> forced (admin execute runs disabled tasks too)
        self.restart_at: dict[int, float] = {}
        self.pending_input: dict[int, list[str]] = {}
        self.sockets_root = Path(tempfile.mkdtemp(prefix="pa-sim-sockets-"))  # short: unix socket paths are limited
        self.started_at = utcnow()
        self.last_minute: datetime.datetime | None = None
        self.generation = 0  # bumped by stop_all: a start prepared before it is dropped
        self.pyenv_root = pyenv_root()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pa-supervisor", daemon=True)

    # life cycle -------------------------------------------------------------

    def start(self) -> None:
        """Start the supervisor; it starts the enabled always-on tasks of the stored state."""
        self._thread.start()

    def shutdown(self) -> None:
        """Stop the supervisor and kill every process it started."""
        self._stop.set()
        self._wake()
        self._thread.join(timeout=10)
        self.stop_all()
        os.close(self._wake_r)
        os.close(self._wake_w)
        shutil.rmtree(self.sockets_root, ignore_errors=True)

    def stop_all(self) -> None:
        """Kill every process (no completion lines, no restarts) and forget the schedule state."""
        with self.lock:
            runs = list(self.runs.values())
            self.runs.clear()
            self.events.clear()
            self.pending_runs.clear()
            self.restart_at.clear()
            self.pending_input.clear()
            self.handled_due.clear()
            self.generation += 1
            self.started_at = utcnow()
            for run in runs:
                run.stopping = "reset"
                run.kill()
        for run in runs:
            try:
                run.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            run.close()

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except (BlockingIOError, OSError):
            pass

    # what handlers call -------------------------------------------------------

    def notify(self, kind: str, obj_id: int, event: str) -> None:
        """Queue an event for the supervisor (never blocks on it).

        ``schedule``: ``changed`` (created, or time/command/enabled changed), ``deleted``, ``execute``.
        ``always_on``: ``start`` (created/enabled/restarted/command changed), ``stop`` (disabled/deleted).
        ``console``: ``start``, ``kill``.
        """
        with self.lock:
            self.events.append((kind, obj_id, event))
        self._wake()

    def console_input(self, console_id: int, text: str) -> None:
        """Type ``text`` into a console's terminal (kept until its process is up, if it is starting)."""
        with self.lock:
            run = self.runs.get(("console", console_id))
            if run is None or run.master is None:
                self.pending_input.setdefault(console_id, []).append(text)
                return
            self._type(run, text)

    @staticmethod
    def _type(run: Run, text: str) -> None:
        data = text.encode("utf-8")
        while data:
            try:
                written = os.write(run.master, data)
            except BlockingIOError:
                select.select([], [run.master], [], 1.0)
                continue
            data = data[written:]

    def processes(self) -> list[dict]:
        """The running processes (admin view)."""
        with self.lock:
            now = time.monotonic()
            return [{"kind": run.kind, "id": run.obj_id, "account": run.username, "pid": run.proc.pid,
                     "seconds": round(now - run.started, 2), "time_limit": run.limit}
                    for run in self.runs.values()]

    def always_on_state(self, task_id: int) -> str:
        """``starting``, ``running``, ``restarting`` (waiting for the restart delay) or ``stopped``."""
        with self.lock:
            if ("always_on", task_id, "start") in self.events:
                return "starting"
            if ("always_on", task_id) in self.runs:
                return "running"
            if task_id in self.restart_at:
                return "restarting"
            return "stopped"

    # the supervisor -------------------------------------------------------------

    def _loop(self) -> None:
        self._startup()
        while not self._stop.is_set():
            try:
                self._step()
            except Exception as exc:  # pylint: disable=broad-except
                sys.stderr.write(f"pa_simulator: supervisor error: {exc!r}\n")
            with self.lock:
                masters = {run.master: run for run in self.runs.values() if run.master is not None}
            try:
                readable = select.select([self._wake_r, *masters], [], [], TICK)[0]
            except (OSError, ValueError):
                continue
            for fd in readable:
                if fd == self._wake_r:
                    try:
                        while os.read(self._wake_r, 4096):
                            pass
                    except BlockingIOError:
                        pass
                else:
                    self._read_console(masters[fd])

    def _startup(self) -> None:
        store = self.sim.store
        for console in store.list("console"):
            if console.get("started"):
                with store.lock:
                    current = store.get("console", console["id"])
                    if current is not None:
                        current["started"] = False
                        store.update("console", current)
        for task in store.list("always_on"):
            if task.get("enabled"):
                self.notify("always_on", task["id"], "start")

    def _step(self) -> None:
        with self.lock:
            events, self.events = self.events, []
        for kind, obj_id, event in events:
            self._handle(kind, obj_id, event)
        finished = []
        with self.lock:
            for key, run in list(self.runs.items()):
                if _reaped(run):
                    finished.append(self.runs.pop(key))
                elif run.deadline is not None and time.monotonic() >= run.deadline and not run.capped:
                    run.capped = True
                    run.kill()
        for run in finished:  # outside self.lock: finishing a console takes the store lock
            self._finish(run)
        now = utcnow()
        minute = now.replace(second=0, microsecond=0)
        if minute != self.last_minute:
            self.last_minute = minute
            self._check_schedule(now)
        with self.lock:
            due = [task_id for task_id, when in self.restart_at.items() if when <= time.monotonic()]
            pending = [(task_id, forced) for task_id, forced in self.pending_runs.items()
                       if ("schedule", task_id) not in self.runs]
        for task_id in due:
            with self.lock:
                self.restart_at.pop(task_id, None)
            self._start_always_on(task_id)
        for task_id, forced in pending:
            with self.lock:
                self.pending_runs.pop(task_id, None)
            self._start_task(task_id, forced)

    def _handle(self, kind: str, obj_id: int, event: str) -> None:
        if kind == "schedule":
            if event == "deleted":
                self._kill(kind, obj_id, "deleted")
                with self.lock:
                    self.pending_runs.pop(obj_id, None)
                    self.handled_due.pop(obj_id, None)
            elif event == "execute" or (event == "changed" and self.sim.exec_settings["fast_schedule"]):
                with self.lock:
                    self.pending_runs[obj_id] = self.pending_runs.get(obj_id, False) or event == "execute"
        elif kind == "always_on":
            self._kill(kind, obj_id, "stopped")
            with self.lock:
                self.restart_at.pop(obj_id, None)
            if event == "start":
                self._start_always_on(obj_id)
        elif kind == "console":
            self._kill(kind, obj_id, "killed")
            if event == "kill":
                with self.lock:
                    self.pending_input.pop(obj_id, None)
            if event == "start":
                self._start_console(obj_id)

    def _kill(self, kind: str, obj_id: int, why: str) -> None:
        with self.lock:
            run = self.runs.pop((kind, obj_id), None)
            if run is None:
                return
            run.stopping = why
            run.kill()
        try:
            run.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        run.close()

    def _check_schedule(self, now: datetime.datetime) -> None:
        """Run every enabled task whose time has come since it was last handled (once per due time)."""
        for task in self.sim.store.list("schedule"):
            if not task.get("enabled"):
                continue
            due = latest_due(task, now)
            if due is None:
                continue
            baselines = [self.started_at]
            if task.get("changed_at"):
                baselines.append(datetime.datetime.fromisoformat(task["changed_at"]))
            with self.lock:
                if task["id"] in self.handled_due:
                    baselines.append(self.handled_due[task["id"]])
                if due <= max(baselines):
                    continue
                self.handled_due[task["id"]] = due
                if ("schedule", task["id"]) in self.runs:
                    continue  # runs of one task do not overlap: this due time is skipped
            self._start_task(task["id"])

    # starting processes -------------------------------------------------------------

    def _spec(self, account: dict, argv: list[str], cwd: str, tty: bool, extra_env: dict | None = None) -> dict:
        username = account["username"]
        root = self.sim.files_root / username
        image = account["system_image"]
        binaries = {}
        for version in python_versions(image):
            python, pip = interpreter(self.pyenv_root, version)
            if python:
                binaries[f"python{version}"] = python
                if pip:
                    binaries[f"pip{version}"] = pip
        for alias, setting in (("python3", "default_python3_version"), ("python", "default_python_version")):
            version = account.get(setting)
            if version and f"python{version}" in binaries:
                binaries[alias] = binaries[f"python{version}"]
                if alias == "python3" and f"pip{version}" in binaries:
                    binaries["pip3"] = binaries[f"pip{version}"]
        region = account.get("region", "www")
        domain = "eu.pythonanywhere.com" if region == "eu" else "pythonanywhere.com"
        env = {
            "HOME": f"/home/{username}",
            "USER": username,
            "LOGNAME": username,
            "API_TOKEN": account["token"],
            "PYTHONANYWHERE_SITE": f"{'eu' if region == 'eu' else 'www'}.pythonanywhere.com",
            "PYTHONANYWHERE_DOMAIN": domain,
            "TZ": "UTC",
            "LANG": "C.UTF-8",
            "SHELL": "/bin/bash",
            "PATH": f"/usr/local/bin:/home/{username}/.local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
        }
        if tty:
            env["TERM"] = "xterm-256color"
        env.update(extra_env or {})
        sockets = self.sockets_root / username
        sockets.mkdir(exist_ok=True)
        return {
            "user": username,
            "parent": os.getpid(),
            "mounts": {"home": str(root / "home" / username), "www": str(root / "var" / "www"),
                       "log": str(root / "var" / "log"), "tmp": str(root / "tmp"), "sockets": str(sockets)},
            "pyenv_root": self.pyenv_root,
            "bin": binaries,
            "env": env,
            "argv": argv,
            "cwd": cwd,
            "tty": tty,
        }

    def _popen(self, spec: dict, stdin, stdout, stderr=None) -> subprocess.Popen:
        env = {SPEC_ENV: json.dumps(spec), "PYTHONPATH": PACKAGE_PARENT, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        return subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "pa_simulator.sandbox"], env=env, stdin=stdin, stdout=stdout,
            stderr=stdout if stderr is None else stderr, start_new_session=True, close_fds=True, cwd="/")

    def _start_task(self, task_id: int, forced: bool = False) -> None:
        """A scheduled task (an enabled one, unless ``forced``), logging to schedule-log-<id>.log, under its cap."""
        self._start_logged("schedule", task_id, f"/var/log/schedule-log-{task_id}.log", forced)

    def _start_always_on(self, task_id: int) -> None:
        """An enabled always-on task, logging to alwayson-log-<id>.log."""
        self._start_logged("always_on", task_id, f"/var/log/alwayson-log-{task_id}.log", False)

    def _start_logged(self, kind: str, task_id: int, log: str, forced: bool) -> None:
        store = self.sim.store
        generation = self.generation
        with store.lock:
            found = store.list_one(kind, task_id)
            if found is None or not (found[1].get("enabled") or forced):
                return
            username, task = found
            account = store.account(username)
        if account is None:
            return
        with self.lock:
            if (kind, task_id) in self.runs or generation != self.generation:
                return
            fs = self.sim.fs(username)
            fs.ensure()
            handle = fs.open_for_append(log)
            spec = self._spec(account, ["bash", "-c", task["command"]], f"/home/{username}", tty=False)
            try:
                proc = self._popen(spec, subprocess.DEVNULL, handle)
            except OSError as exc:
                handle.close()
                sys.stderr.write(f"pa_simulator: cannot start {kind} {task_id}: {exc}\n")
                return
            run = Run(kind, task_id, username, proc)
            run.log = handle
            if kind == "schedule":
                limit = self.sim.exec_settings["task_time_limit"]
                if limit is None:
                    limit = PLAN_TIME_LIMITS.get(account["plan"], PLAN_TIME_LIMITS["paid"])
                run.limit = float(limit)
                run.deadline = run.started + run.limit
            self.runs[(kind, task_id)] = run

    def _start_console(self, console_id: int) -> None:
        store = self.sim.store
        generation = self.generation
        with store.lock:
            found = store.list_one("console", console_id)
            if found is None:
                return
            username, console = found
            account = store.account(username)
        if account is None:
            return
        argv = [console["executable"], *shlex.split(console.get("arguments") or "")]
        cwd = console.get("working_directory") or f"/home/{username}"
        with self.lock:
            if ("console", console_id) in self.runs or generation != self.generation:
                return
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", CONSOLE_ROWS, CONSOLE_COLS, 0, 0))
            spec = self._spec(account, argv, cwd, tty=True)
            try:
                proc = self._popen(spec, slave, slave)
            except OSError as exc:
                os.close(master)
                sys.stderr.write(f"pa_simulator: cannot start console {console_id}: {exc}\n")
                return
            finally:
                os.close(slave)
            os.set_blocking(master, False)
            run = Run("console", console_id, username, proc)
            run.master = master
            self.runs[("console", console_id)] = run
            for text in self.pending_input.pop(console_id, []):
                self._type(run, text)

    # finishing -------------------------------------------------------------

    def _finish(self, run: Run) -> None:
        """A process ended by itself (or by the runtime cap): log it, and restart always-on tasks.

        Lock order everywhere: the store lock before ``self.lock`` (handlers hold the store lock when
        they call ``notify``), so this runs without ``self.lock`` and takes it only briefly.
        """
        elapsed = time.monotonic() - run.started
        code = run.proc.returncode
        self._count_cpu(run)
        if run.kind == "console":
            self._drain_console(run)
            run.close()
            self._console_closed(run.obj_id)
            return
        lines = ""
        if run.kind == "schedule":
            if run.capped:
                lines += (f"{stamp()} -- Task ran for longer than its time limit of {run.limit:g} seconds "
                          "and was killed.\n")
            lines += f"{stamp()} -- Completed task, took {elapsed:.2f} seconds, return code was {code}.\n"
        else:
            delay = float(self.sim.exec_settings["always_on_restart_delay"])
            lines += f"{stamp()} -- Process exited with return code {code}; restarting in {delay:g} seconds.\n"
            with self.lock:
                self.restart_at[run.obj_id] = time.monotonic() + delay
        self._append_log(run, lines)
        run.close()

    def _count_cpu(self, run: Run) -> None:
        """Add the CPU seconds of a finished process (and all it waited for) to the account's daily usage."""
        if not run.cpu_seconds:
            return
        store = self.sim.store
        with store.lock:
            account = store.account(run.username)
            if account is not None:
                account["cpu_usage_seconds"] = round(float(account.get("cpu_usage_seconds", 0.0)) + run.cpu_seconds, 6)
                store.save_account(account)

    @staticmethod
    def _append_log(run: Run, text: str) -> None:
        """Append to the log through the handle the process wrote to (never a path: it may be a link now)."""
        fd = run.log.fileno()
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            text = "\n" + text
        os.write(fd, text.encode("utf-8"))

    # consoles -------------------------------------------------------------

    def _read_console(self, run: Run) -> None:
        with self.lock:
            if run.master is None:
                return
            chunks = []
            while True:
                try:
                    data = os.read(run.master, 65536)
                except BlockingIOError:
                    break
                except OSError:  # EIO: the terminal's other side is closed
                    break
                if not data:
                    break
                chunks.append(data)
            text = run.decoder.decode(b"".join(chunks))
        if text:
            self._append_console_output(run.obj_id, text)

    def _drain_console(self, run: Run) -> None:
        if run.master is not None:
            self._read_console(run)

    def _append_console_output(self, console_id: int, text: str) -> None:
        from .api_consoles import append_output  # pylint: disable=import-outside-toplevel

        store = self.sim.store
        with store.lock:
            found = store.list_one("console", console_id)
            if found is None:
                return
            console = found[1]
            append_output(console, text)
            store.update("console", console)

    def _console_closed(self, console_id: int) -> None:
        """The console's process ended: like a console that must be loaded in a browser again."""
        store = self.sim.store
        with store.lock:
            found = store.list_one("console", console_id)
            if found is not None:
                found[1]["started"] = False
                store.update("console", found[1])


def probe_sandbox(state_dir: Path) -> str | None:
    """Try the sandbox once with ``true``: None when it works, else why not (one line)."""
    if os.geteuid() != 0:
        return "not running as root"
    if not sys.platform.startswith("linux"):
        return "not Linux"
    base = Path(state_dir) / "sandbox-probe"
    mounts = {}
    for key in ("home", "www", "log", "tmp"):
        (base / key).mkdir(parents=True, exist_ok=True)
        mounts[key] = str(base / key)
    spec = {"user": "probe", "parent": os.getpid(), "mounts": mounts, "pyenv_root": pyenv_root(), "bin": {},
            "env": {"PATH": "/usr/bin:/bin"}, "argv": ["bash", "-c", "touch /home/probe/ok"], "cwd": "/home/probe",
            "tty": False}
    env = {SPEC_ENV: json.dumps(spec), "PYTHONPATH": PACKAGE_PARENT, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    try:
        result = subprocess.run([sys.executable, "-m", "pa_simulator.sandbox"], env=env, capture_output=True, text=True,
                                timeout=30, check=False, start_new_session=True)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    finally_ok = (base / "home" / "ok").exists()
    shutil.rmtree(base, ignore_errors=True)
    if result.returncode != 0 or not finally_ok:
        lines = (result.stderr or "").strip().splitlines()
        return lines[-1] if lines else f"the sandbox test exited with {result.returncode}"
    return None


def _reaped(run: Run) -> bool:
    """Whether the sandbox holder has ended; reaps it with wait4 to learn its CPU time (``run.cpu_seconds``)."""
    if run.proc.returncode is not None:
        return True
    try:
        pid, status, usage = os.wait4(run.proc.pid, os.WNOHANG)
    except ChildProcessError:  # reaped elsewhere (Popen.wait in _kill)
        return run.proc.poll() is not None
    if pid == 0:
        return False
    run.proc.returncode = os.waitstatus_to_exitcode(status)
    run.cpu_seconds = usage.ru_utime + usage.ru_stime
    return True
