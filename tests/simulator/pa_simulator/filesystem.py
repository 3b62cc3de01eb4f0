"""Each account's files: a real directory tree under the state dir.

An account sees ``/home/<user>/``, ``/var/www/``, ``/var/log/`` and ``/tmp/``
(stored under ``<state-dir>/files/<user>/``).  ``/``, ``/home`` and ``/var``
are read-only virtual directories listing just those.  Nothing else exists.
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
from pathlib import Path

SEED_FILES = {
    ".bashrc": "# ~/.bashrc: executed by bash(1) for non-login shells.\nexport PS1='\\A \\w $ '\n",
    ".gitconfig": "[core]\n    editor = nano\n",
    ".profile": "# ~/.profile: executed by the command interpreter for login shells.\n. ~/.bashrc\n",
    ".pythonstartup.py": "# This file is run when an interactive Python interpreter starts.\n",
    ".vimrc": "set nocompatible\n",
    "README.txt": (
        "# Welcome to your PythonAnywhere home directory (simulated).\n"
        "# Files you upload through the API land here.\n"
    ),
}

TREE_LIMIT = 1000


def normalise(path: str) -> str:
    """An absolute, normalised virtual path (``/a/b``), without a trailing slash."""
    if not path.startswith("/"):
        path = "/" + path
    path = posixpath.normpath(path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return path


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class AccountFS:
    """The file tree of one account."""

    def __init__(self, files_root: Path, username: str):
        self.username = username
        self.base = Path(files_root) / username
        self.roots = (f"/home/{username}", "/var/www", "/var/log", "/tmp")
        self.virtual = {"/": ["home", "tmp", "var"], "/home": [username], "/var": ["log", "www"]}

    def ensure(self, seed: bool = False) -> None:
        """Create the account's top directories (and, for a new account, PA's dotfiles)."""
        for root in self.roots:
            (self.base / root.lstrip("/")).mkdir(parents=True, exist_ok=True)
        if seed:
            home = self.real(self.roots[0])
            for name, content in SEED_FILES.items():
                target = home / name
                if not target.exists():
                    target.write_text(content, encoding="utf-8")

    def root_of(self, vpath: str) -> str | None:
        """The allowed root containing a normalised path, or None."""
        for root in self.roots:
            if vpath == root or vpath.startswith(root + "/"):
                return root
        return None

    def _mapped(self, vpath: str) -> Path | None:
        """Where a virtual path is stored, without looking at symlinks."""
        if self.root_of(vpath) is None:
            return None
        return self.base / vpath.lstrip("/")

    def resolve(self, vpath: str, follow_last: bool = True) -> str | None:
        """The virtual path with every symlink resolved *in the account's view*, or None (a loop).

        A link's target is read as the sandboxed commands see it: an absolute target is a virtual path
        (``/usr/local/bin/python3.10`` is outside the account, ``/home/<u>/x`` inside), a relative one is
        relative to the link's folder.  So no link can lead the files API to a host file.
        """
        queue = [part for part in vpath.split("/") if part]
        resolved = "/"
        hops = 0
        while queue:
            name = queue.pop(0)
            if name == ".":
                continue
            if name == "..":
                resolved = posixpath.dirname(resolved)
                continue
            candidate = posixpath.join(resolved, name)
            mapped = self._mapped(candidate)
            if mapped is not None and (queue or follow_last) and mapped.is_symlink():
                hops += 1
                if hops > 40:
                    return None
                target = os.readlink(mapped)
                if target.startswith("/"):
                    resolved = "/"
                queue = [part for part in target.split("/") if part] + queue
                continue
            resolved = candidate
        return resolved

    def real(self, vpath: str, follow_last: bool = True) -> Path | None:
        """The real path of a virtual path, symlinks resolved; None when it leads outside the account's roots."""
        resolved = self.resolve(vpath, follow_last)
        return None if resolved is None else self._mapped(resolved)

    def is_link(self, vpath: str) -> bool:
        """Whether the path itself (its folder resolved) is a symlink."""
        mapped = self.real(vpath, follow_last=False)
        return mapped is not None and mapped.is_symlink()

    def is_root(self, vpath: str) -> bool:
        """True for the allowed roots themselves and the virtual directories."""
        return vpath in self.roots or vpath in self.virtual

    def writable(self, vpath: str) -> bool:
        """Whether a path may be created, overwritten or deleted."""
        return self.root_of(vpath) is not None and not self.is_root(vpath)

    def kind(self, vpath: str) -> str | None:
        """``"file"``, ``"directory"`` or None when missing (or a link leading outside the account)."""
        resolved = self.resolve(vpath)
        if resolved is None:
            return None
        if resolved in self.virtual:
            return "directory"
        real = self._mapped(resolved)
        if real is None:
            return None
        if real.is_dir():
            return "directory"
        if real.is_file():
            return "file"
        return None

    def entries(self, vpath: str) -> list[tuple[str, str, bool]]:
        """``[(name, type, is_symlink)]`` of a directory, sorted by name.

        A symlink is listed with the type of what it leads to in the account's view: ``directory`` for a
        folder of the account, ``file`` for anything else (a file, a dangling link, or a target outside the
        account such as a virtualenv's ``bin/python``), as ``os.path.isdir`` on PA would say.
        """
        resolved = self.resolve(vpath)
        if resolved in self.virtual:
            return [(name, "directory", False) for name in self.virtual[resolved]]
        real = self._mapped(resolved) if resolved is not None else None
        if real is None:
            return []
        out = []
        with os.scandir(real) as scan:
            for entry in scan:
                if entry.is_symlink():
                    child = posixpath.join(resolved, entry.name)
                    out.append((entry.name, "directory" if self.kind(child) == "directory" else "file", True))
                else:
                    out.append((entry.name, "directory" if entry.is_dir() else "file", False))
        return sorted(out)

    def listdir(self, vpath: str) -> list[tuple[str, str]]:
        """``[(name, type)]`` of a directory, sorted by name (see ``entries`` for symlinks)."""
        return [(name, kind) for name, kind, _link in self.entries(vpath)]

    def tree(self, vpath: str, limit: int = TREE_LIMIT) -> list[str]:
        """Regular (non-dot) files and directories below a directory, recursively.

        Absolute paths, directories ending in ``/``, depth-first in name
        order, at most ``limit`` entries.
        """
        out: list[str] = []

        def walk(directory: str) -> bool:
            for name, kind, link in self.entries(directory):
                if name.startswith(".") or link:  # "regular": neither dotfiles nor symlinks
                    continue
                child = posixpath.join(directory, name)
                out.append(child + "/" if kind == "directory" else child)
                if len(out) >= limit:
                    return False
                if kind == "directory" and not walk(child):
                    return False
            return True

        walk(vpath)
        return out

    def inventory(self, vpath: str) -> dict | None:
        """The admin view of a path: type, size, sha256 (recursively for directories)."""
        kind = self.kind(vpath)
        if kind is None:
            return None
        if kind == "file":
            real = self.real(vpath)
            return {"type": "file", "sha256": sha256_of(real), "size": real.stat().st_size}
        entries = {}

        def walk(directory: str, prefix: str) -> None:
            for name, child_kind, link in self.entries(directory):
                child = posixpath.join(directory, name)
                rel = prefix + name
                if link:
                    entries[rel] = {"type": "symlink", "target": os.readlink(self.real(child, follow_last=False))}
                elif child_kind == "directory":
                    entries[rel] = {"type": "directory"}
                    walk(child, rel + "/")
                else:
                    real = self.real(child)
                    entries[rel] = {"type": "file", "sha256": sha256_of(real), "size": real.stat().st_size}

        walk(vpath, "")
        return {"type": "directory", "entries": entries}

    def write_text(self, vpath: str, content: str) -> None:
        """Write a text file (parents created): used for WSGI files and logs.  A symlink there is replaced."""
        with self.open_for_append(vpath, truncate=True) as handle:
            handle.write(content.encode("utf-8"))

    def open_for_append(self, vpath: str, truncate: bool = False):
        """A binary file object appending to the account's file ``vpath`` (created with its parents).

        Never through a symlink: a link at ``vpath`` (which a command may have made, pointing anywhere on
        the host) is removed first, and the file is opened with ``O_NOFOLLOW``.
        """
        real = self.real(normalise(vpath), follow_last=False)
        if real is None:
            raise PermissionError(f"{vpath} is not in the account's tree")
        real.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_TRUNC if truncate else 0)
        for _attempt in range(3):
            if real.is_symlink():
                real.unlink()
            try:
                return os.fdopen(os.open(real, flags, 0o644), "r+b", buffering=0)
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
        raise PermissionError(f"{vpath} keeps being replaced by a symlink")

    def read_text(self, vpath: str) -> str | None:
        """A file's text, or None."""
        real = self.real(normalise(vpath))
        if real is None or not real.is_file():
            return None
        return real.read_text(encoding="utf-8", errors="replace")
