# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``.gitignore``-style path patterns: which files a sync or a listing takes, which it leaves alone.

Paths are relative, with ``/`` separators and no leading slash (``app/views.py``). A pattern follows
gitignore's rules: a pattern without a slash matches a name at any depth (``*.pyc``), a pattern with a
slash is anchored to the top (``/build``, ``docs/_build``), a trailing slash matches directories only
(``venv/``), ``*`` and ``?`` never cross a slash, ``**`` does (``**/migrations``, ``logs/**``), ``!``
re-includes what an earlier pattern excluded, and the last matching pattern wins. A path inside an
excluded directory is excluded (the walk never enters the directory), as in git.

Nothing here talks to the API or imports Ansible.
"""

from __future__ import annotations

import re

#: Never shipped by a sync and never deleted by one, unless ``default_excludes`` is turned off:
#: version control, byte code, virtualenvs (also recognised by their ``pyvenv.cfg``), secrets, tool caches.
DEFAULT_EXCLUDES = (
    '.git/', '.hg/', '.svn/', '.bzr/',
    '__pycache__/', '*.py[cod]',
    '.env', '.env.*', '!.env.example', '.venv/', 'venv/', 'virtualenv/', '.virtualenvs/',
    '.tox/', '.nox/', '.mypy_cache/', '.pytest_cache/', '.ruff_cache/', '.ipynb_checkpoints/',
    '.DS_Store', 'Thumbs.db', '*.swp', '*~',
)

#: A directory holding this file is a virtualenv (PEP 405), whatever its name.
VIRTUALENV_MARKER = 'pyvenv.cfg'


class PatternError(ValueError):
    """A pattern that cannot be understood."""


def _translate(glob):
    """Glob (already stripped of ``!``, anchors and trailing slash) -> regular expression source."""
    out = []
    i = 0
    n = len(glob)
    while i < n:
        char = glob[i]
        if char == '*':
            if glob[i:i + 2] == '**':
                before_ok = i == 0 or glob[i - 1] == '/'
                after = glob[i + 2:i + 3]
                if before_ok and after == '/':
                    out.append('(?:.*/)?')  # "**/" : zero or more directories
                    i += 3
                    continue
                if before_ok and after == '':
                    out.append('.*')        # trailing "/**" (or a lone "**"): everything inside
                    i += 2
                    continue
                out.append('[^/]*')         # "a**b" is just two stars
                i += 2
                continue
            out.append('[^/]*')
        elif char == '?':
            out.append('[^/]')
        elif char == '[':
            end = i + 1
            if end < n and glob[end] in '!^':
                end += 1
            if end < n and glob[end] == ']':
                end += 1
            while end < n and glob[end] != ']':
                end += 1
            if end >= n:
                out.append(re.escape(char))  # no closing bracket: a literal "["
            else:
                body = glob[i + 1:end]
                if body[:1] in ('!', '^'):
                    body = '^' + body[1:]
                out.append('[' + body.replace('\\', '\\\\') + ']')
                i = end
        elif char == '\\' and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return ''.join(out)


class Pattern:
    """One compiled pattern line."""

    def __init__(self, text):
        self.text = text
        line = text
        self.negate = line.startswith('!')
        if self.negate:
            line = line[1:]
        elif line.startswith('\\!') or line.startswith('\\#'):
            line = line[1:]
        self.dir_only = line.endswith('/')
        line = line.rstrip('/')
        if not line:
            raise PatternError('empty pattern %r' % text)
        self.anchored = '/' in line
        line = line.lstrip('/')
        try:
            source = _translate(line)
            self.regex = re.compile(('^' if self.anchored else '^(?:.*/)?') + source + '$', re.DOTALL)
        except re.error as exc:
            raise PatternError('invalid pattern %r: %s' % (text, exc))

    def matches(self, path, is_dir):
        if self.dir_only and not is_dir:
            return False
        return self.regex.match(path) is not None

    def __repr__(self):
        return 'Pattern(%r)' % self.text


def parse_lines(lines):
    """The patterns of a ``.gitignore``-style text: blank lines and ``#`` comments are skipped."""
    patterns = []
    for raw in lines:
        line = raw.rstrip('\r\n')
        if not line.strip() or line.startswith('#'):
            continue
        # Trailing spaces are ignored unless escaped, as in git.
        stripped = line.rstrip(' ')
        if stripped.endswith('\\') and len(stripped) < len(line):
            stripped += ' '
        patterns.append(stripped.replace('\\ ', ' '))
    return patterns


class PathFilter:
    """Decides which relative paths are taken.

    ``exclude``: gitignore-style patterns (last match wins, ``!`` re-includes). ``include``: if given, a
    *file* is taken only when one of these patterns matches it (directories are always entered, unless
    excluded, because a file deeper down may match). ``default_excludes`` adds :data:`DEFAULT_EXCLUDES`
    before the user's patterns (so that the user can re-include with ``!``) and treats any directory
    holding a ``pyvenv.cfg`` as a virtualenv to skip. ``always_exclude`` names (the sync manifest) are
    skipped whatever the patterns say.
    """

    def __init__(self, exclude=(), include=(), default_excludes=True, always_exclude=()):
        self.default_excludes = default_excludes
        texts = (list(DEFAULT_EXCLUDES) if default_excludes else []) + list(exclude or ())
        self.exclude = [Pattern(text) for text in texts]
        self.include = [Pattern(text) for text in (include or ())]
        self.always_exclude = frozenset(always_exclude or ())

    def excluded(self, path, is_dir):
        """True when ``path`` itself is excluded (its parents are the walker's business)."""
        if path in self.always_exclude:
            return True
        verdict = False
        for pattern in self.exclude:
            if pattern.matches(path, is_dir):
                verdict = not pattern.negate
        return verdict

    def is_virtualenv(self, names):
        """True when a directory whose entries are ``names`` is a virtualenv that defaults exclude."""
        return self.default_excludes and VIRTUALENV_MARKER in names

    def takes_file(self, path):
        """True when a file (whose parents were all entered) is part of the sync."""
        if self.excluded(path, False):
            return False
        if not self.include:
            return True
        return any(pattern.matches(path, False) for pattern in self.include)

    def enters_dir(self, path):
        """True when the walk goes into a directory."""
        return not self.excluded(path, True)

    def manages(self, path):
        """True when the file ``path`` is taken and every folder above it is entered (no walk needed)."""
        parts = path.split('/')
        return all(self.enters_dir('/'.join(parts[:i])) for i in range(1, len(parts))) and self.takes_file(path)

    def describe(self):
        return {
            'exclude': [p.text for p in self.exclude],
            'include': [p.text for p in self.include],
        }
