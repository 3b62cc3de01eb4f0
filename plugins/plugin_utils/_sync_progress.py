# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The progress lines ``directory_sync`` prints on the controller while a long sync runs.

A header that says what is counted (operations: uploads plus deletes), a first line as soon as the first
operation is done (so a sync of 25 minutes shows at once that it moves), then a line every ``batch_size``
operations, and one closing "done" line. A sync of one batch or less prints nothing.
"""

from __future__ import annotations

import time


def duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return '%ds' % seconds
    return '%dm%02ds' % (seconds // 60, seconds % 60)


class Progress:
    """Prints through ``out`` (``Display.display``) the lines of one sync of ``total`` operations."""

    def __init__(self, out, dest, total, batch_size, started=None, clock=time.time):
        self.out = out
        self.dest = dest
        self.total = total
        self.batch_size = batch_size
        self.clock = clock
        self.started = clock() if started is None else started
        self.shown = 0

    @property
    def quiet(self):
        return self.total <= self.batch_size

    def header(self, uploads, deletes, manifest_state):
        if self.quiet:
            return
        self.out('%s: syncing %d operations (%d uploads, %d deletes; manifest %s); the lines below count '
                 'operations, a first one at once, then one every %d' % (
                     self.dest, self.total, uploads, deletes, manifest_state, self.batch_size))

    def update(self, done, uploaded, removed):
        """A line after the first operation, then each time another ``batch_size`` are done; not for the
        last one (:meth:`done` says it)."""
        if self.quiet or done <= 0 or done >= self.total:
            return
        if self.shown and done < self.shown + self.batch_size:
            return
        self.shown = max(1, done - done % self.batch_size)
        elapsed = self.clock() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else 0.0
        self.out('%s: %d/%d operations (%d uploaded, %d deleted), %s elapsed, about %s left' % (
            self.dest, done, self.total, uploaded, removed, duration(elapsed), duration(left)))

    def done(self, uploaded, removed):
        if self.quiet:
            return
        self.out('%s: done, %d/%d operations (%d uploaded, %d deleted) in %s' % (
            self.dest, self.total, self.total, uploaded, removed, duration(self.clock() - self.started)))
