# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A lease on a sync's destination, carried inside its manifest: only its holder writes there.

Two syncs into one ``dest`` (two redeploys started at once, or a redeploy racing a sync whose controller was
killed) would otherwise interleave their uploads and their manifests, and the last manifest written could
claim files the other run replaced. So a sync uploads nothing into ``dest`` until it holds the lease: a
``lease`` member of the *incomplete* manifest naming its owner (the run id, host and process), a nonce and
when it expires. A complete manifest carries no lease: writing it releases the lease.

The lease costs one request over a sync without it, because it rides on requests a sync sends anyway:

1. the manifest read that planning does is the lease read: if it shows another run's live lease, planning
   waits (polling that read) until the lease is released or expires, and plans from the read that saw it free;
2. the "incomplete" manifest a run writes before its first upload is the lease write (it carries our nonce).
   It must be answered less than ``settle`` seconds after the lease read was sent. When more than 3/4 of
   that has passed before the write (the plan took long, or a second module run applies it), the manifest is
   read again first: it must still be the one the plan was made from (else plan again: another run wrote
   ``dest``, and our entries could be false). When the write itself was slow, the manifest is read again
   (ours must still be there) and written again, timed from that read;
3. after ``settle`` seconds, one read-back of the manifest: the lease is ours only if it holds our nonce.
   That read-back is the one request a sync without lease does not send (14 for 10 changed files, not 13).

A contender B that read "free" before our write landed writes within ``settle`` of that read, so before our
read-back: we see B's nonce and give way (B sees its own and wins). The read-back cannot be merged with
another request: before the first upload a run reads nothing else, and no answer of the files API to a
write shows another writer (it has no conditional write). Nor can it come later: a run that uploaded
before knowing it held the lease may already have replaced files of the run that did hold it.

A lease expires ``ttl`` seconds after it was written (by the writer's clock, checked by the reader's clock) or,
whatever the clocks say, when a waiter saw the manifest unchanged for ``ttl`` seconds. The holder renews it every
``ttl / 3`` seconds by reading the manifest (it must still hold our nonce) and rewriting its last incomplete
manifest with a new expiry; a run that finds it lost its lease writes nothing more. A run that fails releases
the lease by writing its incomplete manifest without one; a killed run leaves an incomplete manifest with a
lease that expires. A ``.lock`` file left by the 0.1.0 development scheme is ignored (never synced or deleted).
"""

from __future__ import annotations

import os
import socket
import time
import uuid

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _manifest as manifest
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import FilesError

SUFFIX = '.lock'


class LeaseError(FilesError):
    """The lease could not be taken in time, or was lost."""


def lease_name(manifest_name):
    """The separate lease file of the 0.1.0 development scheme: left alone by every sync."""
    return manifest_name + SUFFIX


def timings(client):
    """``(ttl, settle, poll)`` in seconds, scaled to the client's rate window (PA: 60 s for 40 requests)."""
    pacer = getattr(client, 'pacer', None)
    period = getattr(pacer, 'period', 0.0) or 60.0
    limit = getattr(pacer, 'limit', 0) or 40
    settle = max(4.0, 3.0 * period / limit)
    ttl = max(5.0 * period, 10.0 * settle)  # renewals (every ttl / 3) stay rare next to the settle pause
    poll = max(settle, period / 4.0)
    return ttl, settle, poll


def describe(lease):
    if not lease:
        return 'an unreadable lease'
    expires = lease.get('expires')
    return 'run %s on %s (pid %s), lease until %s' % (
        lease.get('owner'), lease.get('host'), lease.get('pid'),
        time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(expires)) if isinstance(expires, (int, float)) else '?')


def expired(lease, unchanged_for, ttl, wall):
    """A lease is over when its ``expires`` is past (reader's clock) or it was seen unchanged for ``ttl``."""
    if unchanged_for is not None and unchanged_for >= ttl:
        return True
    expires = lease.get('expires')
    return isinstance(expires, (int, float)) and not isinstance(expires, bool) and expires < wall


def wait_until_free(read, timeout, ttl, poll, clock=None, wall=None, sleep=None, should_stop=None):
    """Read the manifest (``read()`` returns a :class:`._manifest.Manifest` with ``fingerprint`` and ``sent``,
    the monotonic time the GET was sent) until it carries no live lease; return that read. Waits up to
    ``timeout`` seconds, then raises :class:`LeaseError` naming the holder."""
    clock, wall, sleep = clock or time.monotonic, wall or time.time, sleep or time.sleep
    started = clock()
    seen, unchanged_since = None, None
    while True:
        found = read()
        lease = found.lease
        if lease is None:
            return found
        if found.fingerprint != seen:
            seen, unchanged_since = found.fingerprint, clock()
        if expired(lease, clock() - unchanged_since, ttl, wall()):
            return found
        reason = should_stop() if should_stop is not None else None
        if reason:
            raise LeaseError('stopped while waiting for the lease in %s: %s' % (found.path, reason))
        if clock() - started + poll > timeout:
            raise LeaseError(
                'another sync holds %s: %s. Waited %.0f s (lock_timeout); try again when it is done, or, if no '
                'sync is running, wait for the lease to expire' % (found.path, describe(lease), clock() - started))
        sleep(poll)


class Lease:
    """This run's lease in ``<dest>/<manifest_name>`` (``owner`` is the run id). It writes the manifest:
    :meth:`record` is the only way a holder writes it."""

    def __init__(self, remote, dest, manifest_name, owner, ttl=300.0, settle=4.5, poll=15.0,
                 clock=None, wall=None, sleep=None):
        self.remote = remote
        self.dest = dest
        self.name = manifest_name
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
        self.files = {}      # the entries of the last incomplete manifest written (rewritten on renewal)
        self.run_id = owner
        self.waited = 0.0

    def read(self):
        return manifest.fetch(self.remote, self.dest, self.name, clock=self.clock)

    def _stamp(self):
        self.nonce = uuid.uuid4().hex
        return {'owner': self.owner, 'nonce': self.nonce, 'host': socket.gethostname(), 'pid': os.getpid(),
                'expires': self.wall() + self.ttl, 'ttl': self.ttl}

    def _write(self, files, complete, with_lease):
        lease = self._stamp() if with_lease else None
        written_at = self.clock()
        self.remote.upload(manifest.path_of(self.dest, self.name),
                           content=manifest.build(self.dest, files, complete, self.run_id, lease=lease))
        if with_lease:
            self.renewed_at = written_at
        if not complete:
            self.files = dict(files)

    def _ours(self, found):
        return found.lease is not None and found.lease.get('owner') == self.owner \
            and found.lease.get('nonce') == self.nonce

    # -- the protocol ---------------------------------------------------------------------------------
    def take(self, read_sent, files, fingerprint):
        """Write the incomplete manifest ``files`` with our lease, after a read sent at ``read_sent`` (monotonic)
        that saw no live lease and the manifest ``fingerprint`` the plan was made from; then, ``settle`` seconds
        later, read it back. True when the lease is ours; False when another run wrote the manifest meanwhile
        (nothing was uploaded: plan again)."""
        sent = read_sent
        if self.clock() - sent > self.settle * 0.75:
            # Too late to write on that read (the write must be answered within settle of it): read again. The
            # manifest must still be the plan's: a run that wrote dest since would make our entries false.
            again = self.read()
            if again.fingerprint != fingerprint or (again.lease is not None and not expired(
                    again.lease, None, self.ttl, self.wall())):
                return False
            sent = again.sent
        while True:
            self._write(files, False, True)
            if self.clock() - sent <= self.settle:
                break
            # The write itself was slow: read again (ours must be there) and write again, timed from that read.
            again = self.read()
            if not self._ours(again):
                return False
            sent = again.sent
        self.sleep(self.settle)
        self.waited += self.settle
        self.held = self._ours(self.read())
        return self.held

    def adopt(self):
        """Continue holding the lease taken by an earlier module run of the same sync (one run per batch):
        one read; the manifest must still carry this owner's lease."""
        current = self.read()
        if current.lease is None or current.lease.get('owner') != self.owner or not current.lease.get('nonce'):
            raise LeaseError('this sync lost its lease in %s (now: %s); nothing more is written'
                             % (current.path, describe(current.lease) if current.lease else 'no lease'))
        self.nonce = current.lease['nonce']
        self.files = dict(current.files)
        expires = current.lease.get('expires')
        left = expires - self.wall() if isinstance(expires, (int, float)) else 0.0
        self.renewed_at = self.clock() - max(0.0, self.ttl - left)
        self.held = True

    def _check(self):
        if not self.held:
            raise LeaseError('refusing to write %s without holding its lease' % manifest.path_of(self.dest, self.name))
        current = self.read()
        if not self._ours(current):
            self.held = False
            raise LeaseError('this sync lost its lease in %s (now: %s); nothing more is written'
                             % (current.path, describe(current.lease) if current.lease else 'no lease'))

    def due(self):
        return self.renewed_at is None or self.clock() - self.renewed_at >= self.ttl / 3.0

    def ensure(self):
        """Between operations: when a third of the lease is used, check it is still ours (one read) and renew
        it (the last incomplete manifest written again, with a new expiry). Raises :class:`LeaseError` if lost."""
        if not self.held:
            raise LeaseError('refusing to write %s without holding its lease' % manifest.path_of(self.dest, self.name))
        if self.due():
            self._check()
            self._write(self.files, False, True)

    def record(self, files, complete):
        """Write the manifest: incomplete with our lease (renewed), or complete, which releases the lease."""
        if not self.held:
            raise LeaseError('refusing to write %s without holding its lease' % manifest.path_of(self.dest, self.name))
        if self.due():
            self._check()
        self._write(files, complete, not complete)
        if complete:
            self.held = False

    def release(self, files=None):
        """After a failure: the incomplete manifest (``files``, or the last written) without a lease (best
        effort: an expired lease frees itself)."""
        if not self.held:
            return
        self.held = False
        try:
            self._write(self.files if files is None else files, False, False)
        except Exception:  # pylint: disable=broad-exception-caught
            pass
