# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sync manifest: the SHA-256 of every file a sync put on PythonAnywhere, kept in the synced tree.

PythonAnywhere's API gives no size, date or checksum for a remote file (reference section 2.8, Q6), so a
sync records what it uploaded in one small JSON file inside ``dest``; the next run reads it with one GET
instead of downloading every file. It is trusted only when all of these hold:

* it parses, its ``tool`` is this collection's sync and its ``format`` is :data:`FORMAT`;
* its ``checksum`` matches its content (a truncated or hand-edited manifest is refused);
* its ``dest`` is the directory it was read from (a tree copied elsewhere with its manifest is refused);
* every entry is a safe relative path with a well-formed SHA-256;
* it is ``complete``: a run writes ``complete: false`` before its first write and ``true`` only after its
  last one, so a run killed midway leaves a manifest that is not trusted as a full picture.

Even an incomplete manifest never claims a file that was not uploaded: an entry is added only after its
upload succeeded, and entries for files a run is about to replace or delete are dropped before it starts.
The next run then lists the folders and compares contents where the manifest is silent.

An incomplete manifest may carry the ``lease`` of the run writing it (see :mod:`._lease`): its owner, a nonce
and when it expires. It is outside the checksum (a renewal changes only it); a complete manifest has none.
"""

from __future__ import annotations

import hashlib
import json
import re
import time

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import join_remote, listing_entries

TOOL = 'pythonanywhere.pythonanywhere.directory_sync'
FORMAT = 1
DEFAULT_NAME = '.ansible-pythonanywhere-sync.json'

TRUSTED = 'trusted'        # complete and valid: the plan needs nothing else
INCOMPLETE = 'incomplete'  # valid, written by a run that did not finish: entries true, picture partial
MISSING = 'missing'        # no manifest at dest
CORRUPT = 'corrupt'        # not JSON, wrong shape, checksum mismatch, bad entry
FOREIGN = 'foreign'        # another tool, another format version, or another directory's manifest
IGNORED = 'ignored'        # read but set aside on request (verify)

_SHA256 = re.compile(r'^[0-9a-f]{64}$')


class Manifest:
    """The outcome of reading a manifest: its state, why, and the entries that may be relied on."""

    def __init__(self, state, files=None, reason='', run_id=None):
        self.fingerprint = None  # SHA-256 of the bytes read (None: no manifest), to notice another run's write
        self.state = state
        self.files = dict(files or {})
        self.reason = reason
        self.run_id = run_id
        self.lease = None        # an incomplete manifest's lease: a dict ({} when malformed), or None
        self.path = None
        self.sent = None         # monotonic time the GET that read it was sent

    @property
    def exists(self):
        return self.state != MISSING

    @property
    def usable_entries(self):
        """Entries that may be believed: those of a trusted or incomplete manifest."""
        return self.files if self.state in (TRUSTED, INCOMPLETE) else {}

    def summary(self):
        return {'state': self.state, 'reason': self.reason, 'entries': len(self.files)}


def safe_relative(path):
    """True for a relative path that stays inside its root (no ``..``, no empty or ``.`` segment)."""
    if not isinstance(path, str) or not path or path.startswith('/') or '\x00' in path or '\\' in path:
        return False
    return all(part not in ('', '.', '..') for part in path.split('/'))


def _checksum(dest, complete, files, run_id):
    canonical = json.dumps({'dest': dest, 'complete': complete, 'files': files, 'run': run_id},
                           sort_keys=True, separators=(',', ':'), ensure_ascii=True)
    return hashlib.sha256(canonical.encode('ascii')).hexdigest()


def build(dest, files, complete, run_id, now=None, lease=None):
    """The bytes of a manifest for ``dest`` listing ``files`` (relative path -> sha256); an incomplete one may
    carry a ``lease`` (a dict)."""
    files = dict(sorted(files.items()))
    document = {
        'tool': TOOL,
        'format': FORMAT,
        'dest': dest,
        'complete': bool(complete),
        'run': run_id,
        'written': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now)),
        'checksum': _checksum(dest, bool(complete), files, run_id),
        'files': files,
    }
    if lease is not None and not complete:
        document['lease'] = lease
    return (json.dumps(document, indent=0, sort_keys=False, ensure_ascii=True) + '\n').encode('ascii')


def parse(raw, dest):
    """Read manifest bytes (None when there is no manifest) for the tree at ``dest``."""
    if raw is None:
        return Manifest(MISSING, reason='no manifest at %s' % dest)
    try:
        document = json.loads(raw.decode('utf-8'))
    except (ValueError, UnicodeDecodeError):
        return Manifest(CORRUPT, reason='the manifest is not valid JSON')
    if not isinstance(document, dict):
        return Manifest(CORRUPT, reason='the manifest is not a JSON object')
    if document.get('tool') != TOOL:
        return Manifest(FOREIGN, reason='the manifest was written by another tool (%r)' % (document.get('tool'),))
    if document.get('format') != FORMAT:
        return Manifest(FOREIGN, reason='the manifest has format %r, this version reads format %d'
                        % (document.get('format'), FORMAT))
    files = document.get('files')
    complete = document.get('complete')
    run_id = document.get('run')
    if not isinstance(files, dict) or not isinstance(complete, bool) or not isinstance(document.get('dest'), str):
        return Manifest(CORRUPT, reason='the manifest lacks files, complete or dest')
    if document.get('checksum') != _checksum(document['dest'], complete, files, run_id):
        return Manifest(CORRUPT, reason='the manifest checksum does not match its content')
    if document['dest'] != dest:
        return Manifest(FOREIGN, reason='the manifest describes %s, not %s' % (document['dest'], dest))
    for path, digest in files.items():
        if not safe_relative(path) or not isinstance(digest, str) or not _SHA256.match(digest):
            return Manifest(CORRUPT, reason='the manifest has an invalid entry %r' % (path,))
    if not complete:
        found = Manifest(INCOMPLETE, files, reason='the run that wrote the manifest did not finish', run_id=run_id)
        if 'lease' in document:
            lease = document['lease']
            found.lease = lease if isinstance(lease, dict) else {}
        return found
    return Manifest(TRUSTED, files, reason='complete manifest with %d files' % len(files), run_id=run_id)


def path_of(dest, name):
    return join_remote(dest, name)


def fetch(remote, dest, name, clock=None):
    """One GET of the manifest; a :class:`Manifest` with the ``fingerprint`` of its bytes, its ``path`` and
    ``sent``, the monotonic time the GET was sent (the lease protocol times its write from it)."""
    path = path_of(dest, name)
    sent = (clock or time.monotonic)()
    raw, content_type = remote.fetch(path)
    found = None
    if raw is not None and 'json' in content_type:
        try:
            is_listing = listing_entries(json.loads(raw.decode('utf-8'))) is not None
        except (ValueError, UnicodeDecodeError):
            is_listing = False
        if is_listing:
            found = Manifest(CORRUPT, reason='%s is a folder' % path)
    found = found or parse(raw, dest)
    found.fingerprint = None if raw is None else hashlib.sha256(raw).hexdigest()
    found.path, found.sent = path, sent
    return found
