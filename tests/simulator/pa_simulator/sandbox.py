"""The command sandbox: run one command where the account's files are what it sees.

Run as ``python -m pa_simulator.sandbox`` (as root) with the JSON spec in the
environment variable ``PA_SANDBOX_SPEC`` (kept out of ``argv``, where ``ps``
would show the API token).  Three processes:

* the *holder* (this process, in the simulator's namespaces): it makes a new
  mount namespace and a new PID namespace, forks the init, waits for it and
  exits the way the command did (same exit code, or killed by the same signal);
* the *init* (PID 1 of the new PID namespace): it lays the account's tree over
  the host's (see ``setup_mounts``), forks the command, reaps every orphan, and
  reports the command's wait status to the holder.  When it exits the kernel
  kills everything left in the namespace, so nothing a command starts (daemons,
  ``setsid``, ``nohup``) outlives it;
* the *command*: ``execvpe`` of ``argv`` (``bash -c <command>`` for tasks, the
  console's executable on a terminal for consoles), in ``cwd``, with ``env``.

Both the holder and the init ask the kernel for SIGKILL when their parent dies,
so a simulator killed with SIGKILL leaves nothing running.  The simulator stops
a run by killing the holder's process group (the holder and the init).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import signal
import struct
import sys
import termios

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
SYS_MOUNT_SETATTR = 442  # the same number on x86_64 and aarch64
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
SPEC_ENV = "PA_SANDBOX_SPEC"
SETUP_FAILED = 126

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


class SandboxError(OSError):
    """A namespace or mount call failed."""


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise SandboxError(err, f"{what}: {os.strerror(err)}")


def _enc(text: str | None) -> bytes | None:
    return None if text is None else text.encode()


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    """mount(2)."""
    enc = _enc
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def set_readonly(path: str, readonly: bool, recursive: bool) -> None:
    """mount_setattr(2): make the mount at ``path`` (and below, if recursive) read-only or writable."""
    attr = struct.pack("QQQQ", MOUNT_ATTR_RDONLY if readonly else 0, 0 if readonly else MOUNT_ATTR_RDONLY, 0, 0)
    buf = ctypes.create_string_buffer(attr, len(attr))
    flags = AT_RECURSIVE if recursive else 0
    result = _libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, buf, len(attr))
    _check(result, f"mount_setattr {path}")


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent dies (and die now if it already has).

    In a new PID namespace the parent lies outside it and ``getppid()`` is 0 (``parent`` 0).
    """
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    if os.getppid() != parent:
        os._exit(SETUP_FAILED)


def _bind(fd: int, target: str, writable: bool) -> None:
    mount(f"/proc/self/fd/{fd}", target, None, MS_BIND)
    # The source was opened after the whole tree was made read-only, so the bind inherits it.
    set_readonly(target, not writable, recursive=False)


def _tmpfs(target: str, mode: str = "755") -> None:
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"mode={mode}")


def setup_mounts(spec: dict, fds: dict) -> None:
    """Inside the new namespaces: the host read-only, the account's tree writable on top.

    * ``/`` and everything below it: read-only (``mount_setattr`` recursive);
    * ``/home``: an empty tmpfs holding only ``/home/<user>`` (the account's home, writable);
    * ``/var``: a tmpfs holding ``www`` and ``log`` (the account's, writable), ``sockets`` (the
      account's socket folder, shared with the web front), ``tmp`` (empty, writable), ``run`` and
      ``lock`` (links into ``/run``);
    * ``/tmp``: the account's private tmp (writable);
    * ``/root``: a tmpfs holding only the pyenv interpreters (read-only), when pyenv lives there;
    * ``/usr/local/bin``: a tmpfs with ``python3.X``/``pip3.X`` links to the real interpreters;
    * ``/dev/shm``: a fresh tmpfs; ``/proc``: the new PID namespace's.
    """
    user = spec["user"]
    set_readonly("/", True, recursive=True)
    _tmpfs("/home")
    os.mkdir(f"/home/{user}", 0o755)
    _bind(fds["home"], f"/home/{user}", True)
    _tmpfs("/var")
    for name, mode in (("www", 0o755), ("log", 0o755), ("tmp", 0o1777), ("sockets", 0o755)):  # mount points
        os.mkdir(f"/var/{name}", mode)
        os.chmod(f"/var/{name}", mode)
    os.symlink("/run", "/var/run")
    os.symlink("/run/lock", "/var/lock")
    _bind(fds["www"], "/var/www", True)
    _bind(fds["log"], "/var/log", True)
    _bind(fds["tmp"], "/tmp", True)
    if "sockets" in fds:
        _bind(fds["sockets"], "/var/sockets", True)
    if "pyenv" in fds:
        _tmpfs("/root", "700")
        versions = os.path.join(spec["pyenv_root"], "versions")
        os.makedirs(versions)
        _bind(fds["pyenv"], versions, False)
    _tmpfs("/usr/local/bin")
    for name, target in spec.get("bin", {}).items():
        os.symlink(target, f"/usr/local/bin/{name}")
    _tmpfs("/dev/shm", "1777")
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount("/proc/sys", "/proc/sys", None, MS_BIND)
    set_readonly("/proc/sys", True, recursive=False)


def open_sources(spec: dict) -> dict:
    """O_PATH descriptors of the folders to bind (taken before anything covers them)."""
    fds = {}
    sources = dict(spec["mounts"])
    pyenv_root = spec.get("pyenv_root")
    if pyenv_root and pyenv_root.startswith("/root/") and os.path.isdir(os.path.join(pyenv_root, "versions")):
        sources["pyenv"] = os.path.join(pyenv_root, "versions")
    for key, path in sources.items():
        fds[key] = os.open(path, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    return fds


def run_command(spec: dict) -> None:
    """In the init's child: become the command (never returns)."""
    try:
        if spec.get("tty"):
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        try:
            os.chdir(spec["cwd"])
        except OSError as exc:  # a console's working_directory that does not exist: start at home, say why
            sys.stderr.write(f"cd: {spec['cwd']}: {exc.strerror}\n")
            sys.stderr.flush()
            os.chdir(spec["env"].get("HOME", "/"))
        os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
    except FileNotFoundError:
        sys.stderr.write(f"{spec['argv'][0]}: command not found\n")
        sys.stderr.flush()
        os._exit(127)
    except OSError as exc:
        sys.stderr.write(f"{spec['argv'][0]}: {exc.strerror}\n")
        sys.stderr.flush()
        os._exit(126)


def init(spec: dict, fds: dict, holder: int, report: int) -> None:
    """PID 1 of the sandbox: mounts, the command, reaping; reports the command's wait status."""
    try:
        die_with_parent(0)
        setup_mounts(spec, fds)
        for fd in fds.values():
            os.close(fd)
    except OSError as exc:
        sys.stderr.write(f"pa_simulator sandbox: {exc}\n")
        sys.stderr.flush()
        os._exit(SETUP_FAILED)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    child = os.fork()
    if child == 0:
        os.close(report)
        run_command(spec)
    status = None
    while status is None:
        try:
            pid, wait_status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        if pid == child:
            status = wait_status
    os.write(report, str(status if status is not None else 0).encode())
    os._exit(0)


def reproduce(status: int) -> None:
    """Exit as a process with wait status ``status`` did (never returns)."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


def main() -> None:
    """The holder: namespaces, the init, and the command's exit status."""
    spec = json.loads(os.environ.pop(SPEC_ENV))
    die_with_parent(int(spec["parent"]))
    try:
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID), "unshare")
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        fds = open_sources(spec)
    except OSError as exc:
        sys.stderr.write(f"pa_simulator sandbox: {exc}\n")
        sys.stderr.flush()
        os._exit(SETUP_FAILED)
    read_end, write_end = os.pipe()
    holder = os.getpid()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        init(spec, fds, holder, write_end)
    os.close(write_end)
    for fd in fds.values():
        os.close(fd)

    def stop(_signum, _frame):
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    while True:
        try:
            _pid, init_status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    reported = b""
    while True:
        chunk = os.read(read_end, 64)
        if not chunk:
            break
        reported += chunk
    if reported:
        reproduce(int(reported))
    if os.WIFEXITED(init_status) and os.WEXITSTATUS(init_status) == SETUP_FAILED:
        os._exit(SETUP_FAILED)
    reproduce(init_status)


if __name__ == "__main__":
    main()
