# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The progress lines of directory_sync (printed by its action plugin)."""

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.plugin_utils._sync_progress import Progress


def lines_of_a_sync(total, batch_size, polls):
    shown = []
    now = [100.0]
    progress = Progress(shown.append, '/home/alice/site', total, batch_size, clock=lambda: now[0])
    progress.header(total - 2, 2, 'missing')
    for done in polls:
        now[0] += 1.5
        progress.update(done, min(done, total - 2), max(0, done - total + 2))
    progress.done(total - 2, 2)
    return shown


def test_header_says_what_is_counted_first_line_comes_early_one_done_line():
    shown = lines_of_a_sync(100, 40, [1, 2, 5, 39, 41, 42, 79, 80, 99, 100])
    assert shown[0].startswith('/home/alice/site: syncing 100 operations (98 uploads, 2 deletes; manifest missing)')
    assert 'the lines below count operations' in shown[0]
    progress = [line.split(': ', 1)[1].split(' ', 1)[0] for line in shown[1:-1]]
    assert progress == ['1/100', '41/100', '80/100']  # the first within the first batch, then every 40
    assert shown[-1] == '/home/alice/site: done, 100/100 operations (98 uploaded, 2 deleted) in 15s'
    assert sum(1 for line in shown if 'done' in line) == 1


def test_a_sync_of_one_batch_prints_nothing():
    assert lines_of_a_sync(30, 40, [1, 30]) == []
