# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A lease on a sync's destination, held on PythonAnywhere itself: only its holder writes there.

Two syncs into one ``dest`` (two redeploys started at once, or a redeploy racing a sync whose controller was
killed) would otherwise interleave their uploads and their manifests, and the last manifest written could
claim files the other run replaced. So a sync writes nothing into ``dest`` until it holds the lease: a small
JSON file next to the manifest naming its owner (the run id, host and process) and when it expires.

The files API has no "create if absent", so taking the lease is done in a way that two contenders cannot
both win (a proof in terms of the order in which the server sees the requests):

1. read the lease file; if another owner's lease is live, wait (polling) until it is released or expires;
2. write ours, but only if the read (from the moment it was sent) and the write (until its answer) took less
   than ``settle`` seconds; otherwise start again;
3. wait ``settle`` seconds, read it back: the lease is ours only if it still holds our nonce.

A contender B that read "free" before our write landed writes within ``settle`` of that read, so before our
read-back: we see B's lease and give way (B sees its own and wins). A lease expires ``ttl`` seconds after it
was written (by the writer's clock, checked by the reader's clock) or, whatever the clocks say, when a
waiter saw it unchanged for ``ttl`` seconds. The holder renews it every ``ttl / 3`` seconds, so a live run's
lease never expires; the run checks its lease before every manifest write and stops if it lost it.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import FilesError, join_remote

TOOL = 'pythonanywhere.pythonanywhere.directory_sync'
SUFFIX = '.lock'


class LeaseError(FilesError):
    """The lease could not be taken in time, or was lost."""


def lease_name(manifest_name):
    return manifest_name + SUFFIX


def timings(client):
    """``(ttl, settle, poll)`` in seconds, scaled to the client's rate window (PA: 60 s for 40 requests)."""
    pacer = getattr(client, 'pacer', None)
    period = getattr(pacer, 'period', 0.0) or 60.0
    limit = getattr(pacer, 'limit', 0) or 40
    ttl = 5.0 * period
    settle = max(2.0, 3.0 * period / limit)
    poll = max(settle, period / 4.0)
    return ttl, settle, poll


class Lease:
    """The lease file ``<dest>/<manifest_name>.lock`` for one run (``owner`` is the run id)."""

    def __init__(self, remote, dest, manifest_name, owner, ttl=300.0, settle=4.5, poll=15.0,
                 clock=None, wall=None, sleep=None):
        self.remote = remote
        self.path = join_remote(dest, lease_name(manifest_name))
        self.owner = owner
        self.ttl = float(ttl)
        self.settle = float(settle)
        self.poll = float(poll)
        self.clock = clock or time.monotonic
        self.wall = wall or time.time
        self.sleep = sleep or time.sleep
        self.held = False
        self.renewed_at = None
        self.nonce = None
        self.waited = 0.0

    # -- reading and writing the file -----------------------------------------------------------------
    def read(self):
        """The lease document, ``None`` when there is none, ``{}`` when it cannot be read (treated as a
        foreign lease that expires after ``ttl`` seconds unchanged)."""
        raw, _content_type = self.remote.fetch(self.path)
        if raw is None:
            return None
        try:
            document = json.loads(raw.decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            return {}
        return document if isinstance(document, dict) else {}

    def _write(self):
        self.nonce = uuid.uuid4().hex
        document = {
            'tool': TOOL,
            'owner': self.owner,
            'nonce': self.nonce,
            'host': socket.gethostname(),
            'pid': os.getpid(),
            'expires': self.wall() + self.ttl,
            'ttl': self.ttl,
        }
        self.remote.upload(self.path, content=(json.dumps(document, sort_keys=True) + '\n').encode('ascii'))
        self.renewed_at = self.clock()

    def _expired(self, document, unchanged_since):
        if unchanged_since is not None and self.clock() - unchanged_since >= self.ttl:
            return True
        expires = document.get('expires')
        return isinstance(expires, (int, float)) and not isinstance(expires, bool) and expires < self.wall()

    @staticmethod
    def describe(document):
        if not document:
            return 'an unreadable lease file'
        return 'run %s on %s (pid %s), lease until %s' % (
            document.get('owner'), document.get('host'), document.get('pid'),
            time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(document['expires']))
            if isinstance(document.get('expires'), (int, float)) else '?')

    # -- the protocol ---------------------------------------------------------------------------------
    def acquire(self, timeout, should_stop=None):
        """Take the lease, waiting up to ``timeout`` seconds for another run to release it (or for it to
        expire). Raises :class:`LeaseError` when it cannot be had in time, or when ``should_stop()`` gives a
        reason while waiting."""
        started = self.clock()
        seen, unchanged_since = None, None
        while True:
            reason = should_stop() if should_stop is not None else None
            if reason:
                raise LeaseError('stopped while waiting for %s: %s' % (self.path, reason))
            sent = self.clock()
            current = self.read()
            if current is not None and current.get('owner') != self.owner:
                if current != seen:
                    seen, unchanged_since = current, self.clock()
                if not self._expired(current, unchanged_since):
                    if self.clock() - started + self.poll > timeout:
                        waited = self.clock() - started
                        raise LeaseError(
                            'another sync holds %s: %s. Waited %.0f s (lock_timeout); try again when it is done, '
                            'or delete that file if no sync is running' % (self.path, self.describe(current), waited))
                    self.sleep(self.poll)
                    self.waited += self.poll
                    continue
            self._write()
            if self.clock() - sent > self.settle:
                continue  # too slow to be sure nobody wrote in between: write and check again
            self.sleep(self.settle)
            self.waited += self.settle
            back = self.read()
            if back is not None and back.get('owner') == self.owner and back.get('nonce') == self.nonce:
                self.held = True
                return
            if back is not None:
                seen, unchanged_since = back, self.clock()
            if self.clock() - started > timeout:
                raise LeaseError('could not take %s: another sync took it at the same time (%s)'
                                 % (self.path, self.describe(back or {})))

    def adopt(self):
        """Continue holding a lease taken by an earlier module run of the same sync (one run per batch)."""
        current = self.read()
        if current is None or current.get('owner') != self.owner:
            raise LeaseError('this sync lost its lease %s (now: %s); nothing more is written'
                             % (self.path, self.describe(current) if current else 'no lease'))
        self.nonce = current.get('nonce')
        self._write()
        self.held = True

    def ensure(self):
        """Called before every manifest write (and between operations): renew when a third of the lease
        is used. Raises :class:`LeaseError` if the lease is not held."""
        if not self.held:
            raise LeaseError('refusing to write %s without holding its lease' % self.path)
        if self.renewed_at is None or self.clock() - self.renewed_at >= self.ttl / 3.0:
            current = self.read()
            if current is None or current.get('owner') != self.owner or current.get('nonce') != self.nonce:
                self.held = False
                raise LeaseError('this sync lost its lease %s (now: %s); nothing more is written'
                                 % (self.path, self.describe(current) if current else 'no lease'))
            self._write()

    def release(self):
        """Delete the lease file if this run holds it (best effort: an expired lease frees itself)."""
        if not self.held:
            return
        self.held = False
        try:
            self.remote.delete(self.path)
        except Exception:  # pylint: disable=broad-exception-caught
            pass
