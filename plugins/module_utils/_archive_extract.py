# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The extraction script of ``directory_sync``'s archive transfer: it runs ON PythonAnywhere.

``directory_sync`` uploads this file's source next to the archive parts and a spec (JSON), then runs
``python3 <this file> <spec>`` through the command capability (a scheduled task, an always-on task or a
started console). It needs nothing but the standard library of any Python 3.6 or newer, and it never
holds the archive in memory: the parts are read one after the other as one stream.

What it does, in order:

1. **Checks the whole archive before writing anything** (a first pass over the stream): every entry must be
   a regular file (no symbolic or hard link, device, fifo or folder entry), its name a plain relative path
   (not absolute, no ``..``, no empty or ``.`` segment, no backslash or NUL), listed in the spec with the
   SHA-256 the plan expects, and present once; every file of the spec must be in the archive. Anything
   else refuses the whole archive: nothing is written, the exit code is 3.
2. Runs the removals the plan puts first (a file where a folder must go, or the reverse).
3. Extracts each file into a temporary name beside its target, hashing the bytes as they are written, and
   moves it into place (keeping its permission bits) only when the hash is the planned one. Before writing
   it checks that the real folder it writes into is inside ``dest`` (a symbolic link on the server that
   leads out of ``dest`` is refused). Each verified file is appended to a journal at once (one JSON line),
   so that a run killed midway still tells which files are verified.
4. Deletes the files and folders the plan deletes (inside ``dest`` only; a link is removed, never followed).
5. Prints one line ``PA-SYNC-RESULT {json}`` with the counts, the failures, and a digest of the verified
   ``(path, sha256)`` pairs, and removes the archive parts. Exit code 0 only when every file was verified
   and every removal done.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import sys
import tarfile

RESULT_MARKER = 'PA-SYNC-RESULT '
UPLOAD = 'upload'
DELETE = 'delete'
RMDIR = 'rmdir'
PRUNE = 'prune'
EXIT_OK = 0
EXIT_FAILED = 2
EXIT_REFUSED = 3
CHUNK = 1024 * 1024


class Refused(Exception):
    """The archive or the spec asks for something unsafe: nothing is written."""


def safe_relative(path):
    """True for a relative path that stays inside its root (no ``..``, no empty or ``.`` segment)."""
    if not isinstance(path, str) or not path or path.startswith('/') or '\x00' in path or '\\' in path:
        return False
    return all(part not in ('', '.', '..') for part in path.split('/'))


def verified_digest(pairs):
    """One SHA-256 over sorted ``path sha256`` lines: lets the caller check the verified set exactly."""
    digest = hashlib.sha256()
    for path, sha in sorted(pairs):
        digest.update(('%s\x00%s\n' % (path, sha)).encode('utf-8'))
    return digest.hexdigest()


class PartsReader:
    """The archive parts read one after the other as one stream (only ``read`` is needed by tarfile)."""

    def __init__(self, parts):
        self.parts = list(parts)
        self.index = 0
        self.current = None

    def read(self, size=-1):
        chunks = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if self.current is None:
                if self.index >= len(self.parts):
                    break
                self.current = open(self.parts[self.index], 'rb')
                self.index += 1
            chunk = self.current.read(wanted if wanted is not None else CHUNK)
            if not chunk:
                self.current.close()
                self.current = None
                continue
            chunks.append(chunk)
            if wanted is not None:
                wanted -= len(chunk)
        return b''.join(chunks)

    def close(self):
        if self.current is not None:
            self.current.close()
            self.current = None


def open_archive(parts):
    reader = PartsReader(parts)
    return reader, tarfile.open(fileobj=reader, mode='r|*')


def inside(root, path):
    return path == root or path.startswith(root.rstrip('/') + '/')


def check_archive(parts, expected):
    """Pass 1: every entry a planned regular file with a safe name, each planned file present once."""
    seen = set()
    reader, archive = open_archive(parts)
    try:
        for member in archive:
            name = member.name
            if not safe_relative(name):
                raise Refused('entry %r: not a plain relative path (absolute, "..", empty segment)' % (name,))
            if member.issym() or member.islnk():
                raise Refused('entry %r: a link (to %r) is refused' % (name, member.linkname))
            if not member.isreg():
                raise Refused('entry %r: not a regular file' % (name,))
            if name not in expected:
                raise Refused('entry %r: not a file the plan uploads' % (name,))
            if name in seen:
                raise Refused('entry %r: twice in the archive' % (name,))
            seen.add(name)
    except tarfile.TarError as exc:
        raise Refused('the archive cannot be read: %s' % exc)
    finally:
        archive.close()
        reader.close()
    missing = sorted(set(expected) - seen)
    if missing:
        raise Refused('%d planned files are missing from the archive, first %r' % (len(missing), missing[0]))


def target_of(real_dest, relative):
    """The absolute target of ``relative``; its folder must really be inside ``dest`` (links followed)."""
    if not safe_relative(relative):
        raise Refused('%r is not a plain relative path' % (relative,))
    target = os.path.join(real_dest, *relative.split('/'))
    parent = os.path.dirname(target)
    if not inside(real_dest, os.path.realpath(parent)):
        raise Refused('%s: its folder leads outside %s through a symbolic link' % (relative, real_dest))
    return target


class Journal:
    """Verified files, one JSON line each, flushed at once."""

    def __init__(self, path):
        self.path = path
        self.stream = open(path, 'a') if path else None

    def add(self, relative, sha):
        if self.stream is not None:
            self.stream.write(json.dumps([relative, sha]) + '\n')
            self.stream.flush()

    def close(self):
        if self.stream is not None:
            self.stream.close()


def make_parents(real_dest, target):
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        os.makedirs(parent)
    if not inside(real_dest, os.path.realpath(parent)):
        raise Refused('%s leads outside %s through a symbolic link' % (parent, real_dest))


def extract_one(real_dest, member, stream, expected_sha):
    """Write one entry beside its target, hash it, and move it into place if the hash is the planned one."""
    target = target_of(real_dest, member.name)
    make_parents(real_dest, target)
    if os.path.islink(target) or os.path.isdir(target):
        raise OSError('%s exists and is %s' % (member.name, 'a link' if os.path.islink(target) else 'a folder'))
    partial = os.path.join(os.path.dirname(target), '.%s.pa-extract-%d' % (os.path.basename(target), os.getpid()))
    digest = hashlib.sha256()
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, 'wb') as out:
            for chunk in iter(lambda: stream.read(CHUNK), b''):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected_sha:
            os.unlink(partial)
            return digest.hexdigest()
        os.chmod(partial, stat.S_IMODE(member.mode) & 0o777)
        os.replace(partial, target)
    except BaseException:
        if os.path.lexists(partial):
            os.unlink(partial)
        raise
    return digest.hexdigest()


def remove(real_dest, kind, relative):
    """Delete a file, a folder with everything in it, or an empty folder; True when something went."""
    target = target_of(real_dest, relative)
    if not os.path.lexists(target):
        return False
    if kind == PRUNE:
        if os.path.isdir(target) and not os.path.islink(target) and not os.listdir(target):
            os.rmdir(target)
            return True
        return False
    if os.path.islink(target) or not os.path.isdir(target):
        os.unlink(target)
    elif kind == RMDIR:
        shutil.rmtree(target)
    else:
        raise OSError('%s is a folder, not a file' % relative)
    return True


def run(spec):
    """Apply ``spec``; return ``(exit code, result)``."""
    dest = spec['dest']
    if not isinstance(dest, str) or not dest.startswith('/'):
        raise Refused('dest must be an absolute path')
    expected = dict((rel, entry['sha256']) for rel, entry in spec['files'].items())
    ops = spec.get('ops') or []
    for kind, relative in ops:
        if kind not in (UPLOAD, DELETE, RMDIR, PRUNE) or not safe_relative(relative):
            raise Refused('operation %r on %r refused' % (kind, relative))
    parts = spec.get('parts') or []
    if expected:
        check_archive(parts, expected)
    if not os.path.isdir(dest):
        os.makedirs(dest)
    real_dest = os.path.realpath(dest)
    first = []
    for kind, relative in ops:
        if kind == UPLOAD:
            break
        first.append((kind, relative))
    later = [(kind, relative) for kind, relative in ops[len(first):] if kind != UPLOAD]

    result = {'verified': 0, 'expected': len(expected), 'mismatched': {}, 'errors': {}, 'removed': [],
              'not_removed': []}
    pairs = []
    journal = Journal(spec.get('journal'))
    try:
        for kind, relative in first:
            if remove(real_dest, RMDIR if kind == RMDIR else DELETE, relative):
                result['removed'].append([kind, relative])
        if expected:
            reader, archive = open_archive(parts)
            try:
                for member in archive:
                    stream = archive.extractfile(member)
                    sha = extract_one(real_dest, member, stream, expected[member.name])
                    if sha == expected[member.name]:
                        journal.add(member.name, sha)
                        pairs.append((member.name, sha))
                    else:
                        result['mismatched'][member.name] = sha
            finally:
                archive.close()
                reader.close()
        for kind, relative in later:
            try:
                if remove(real_dest, kind, relative):
                    result['removed'].append([kind, relative])
            except OSError as exc:
                result['not_removed'].append([kind, relative, str(exc)])
    except (OSError, tarfile.TarError, Refused) as exc:  # stops here: what was verified is in the journal
        result['errors']['extract'] = str(exc)
    finally:
        journal.close()
    result['verified'] = len(pairs)
    result['digest'] = verified_digest(pairs)
    ok = len(pairs) == len(expected) and not result['mismatched'] and not result['errors'] and not result['not_removed']
    return (EXIT_OK if ok else EXIT_FAILED), result


def main(argv):
    if len(argv) != 1:
        sys.stderr.write('usage: python3 extract.py SPEC.json\n')
        return EXIT_FAILED
    with open(argv[0]) as stream:
        spec = json.load(stream)
    try:
        code, result = run(spec)
    except Refused as exc:
        code, result = EXIT_REFUSED, {'refused': str(exc), 'verified': 0, 'digest': verified_digest([])}
    finally:
        for part in spec.get('parts') or []:
            try:
                os.unlink(part)
            except OSError:
                pass
    sys.stdout.write(RESULT_MARKER + json.dumps(result, sort_keys=True) + '\n')
    if code != EXIT_OK:
        sys.stderr.write('extraction %s\n' % ('refused: ' + result['refused'] if 'refused' in result else 'incomplete'))
    return code


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
