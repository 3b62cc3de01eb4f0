"""Each account's files: a real directory tree under the state dir.

An account sees ``/home/<user>/``, ``/var/www/``, ``/var/log/`` and ``/tmp/``
(stored under ``<state-dir>/files/<user>/``).  ``/``, ``/home`` and ``/var``
are read-only virtual directories listing just those.  Nothing else exists.
"""

from __future__ import annotations

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

    def real(self, vpath: str) -> Path | None:
        """The real path of a normalised virtual path inside an allowed root."""
        if self.root_of(vpath) is None:
            return None
        return self.base / vpath.lstrip("/")

    def is_root(self, vpath: str) -> bool:
        """True for the allowed roots themselves and the virtual directories."""
        return vpath in self.roots or vpath in self.virtual

    def writable(self, vpath: str) -> bool:
        """Whether a path may be created, overwritten or deleted."""
        return self.root_of(vpath) is not None and not self.is_root(vpath)

    def kind(self, vpath: str) -> str | None:
        """``"file"``, ``"directory"`` or None when missing."""
        if vpath in self.virtual:
            return "directory"
        real = self.real(vpath)
        if real is None:
            return None
        if real.is_dir():
            return "directory"
        if real.is_file():
            return "file"
        return None

    def listdir(self, vpath: str) -> list[tuple[str, str]]:
        """``[(name, type)]`` of a directory, sorted by name."""
        if vpath in self.virtual:
            return [(name, "directory") for name in self.virtual[vpath]]
        real = self.real(vpath)
        entries = []
        with os.scandir(real) as scan:
            for entry in scan:
                entries.append((entry.name, "directory" if entry.is_dir() else "file"))
        return sorted(entries)

    def tree(self, vpath: str, limit: int = TREE_LIMIT) -> list[str]:
        """Regular (non-dot) files and directories below a directory, recursively.

        Absolute paths, directories ending in ``/``, depth-first in name
        order, at most ``limit`` entries.
        """
        out: list[str] = []

        def walk(directory: str) -> bool:
            for name, kind in self.listdir(directory):
                if name.startswith("."):
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
            for name, child_kind in self.listdir(directory):
                child = posixpath.join(directory, name)
                rel = prefix + name
                if child_kind == "directory":
                    entries[rel] = {"type": "directory"}
                    walk(child, rel + "/")
                else:
                    real = self.real(child)
                    entries[rel] = {"type": "file", "sha256": sha256_of(real), "size": real.stat().st_size}

        walk(vpath, "")
        return {"type": "directory", "entries": entries}

    def write_text(self, vpath: str, content: str) -> None:
        """Write a text file (parents created): used for WSGI files and logs."""
        real = self.real(normalise(vpath))
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_text(content, encoding="utf-8")

    def read_text(self, vpath: str) -> str | None:
        """A file's text, or None."""
        real = self.real(normalise(vpath))
        if real is None or not real.is_file():
            return None
        return real.read_text(encoding="utf-8", errors="replace")
