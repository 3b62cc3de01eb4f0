# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Compare what a ``--check --diff`` run predicted with what the real run did, task by task.

Usage: ``plan_apply.py TITLE CHECK.jsonl REAL.jsonl`` (files written by the plan_record callback during a
``--check --diff`` run and a real run), or ``plan_apply.py TITLE RECORD.jsonl`` for one run in which every task
is preceded by its twin in check mode (``check_mode: true``, named ``<name> (check)``). Tasks are matched by
handler flag, name, module and loop item, in the order they ran. Prints one line per task (the prediction, the
outcome, and ``DIFFERS`` where they disagree) and exits 1 when any task differs, ran in one run only, or when
the real run recorded no task at all.
"""

from __future__ import annotations

import json
import sys


def outcome(entry):
    if entry is None:
        return 'not run'
    if entry['status'] == 'failed':
        return 'failed'
    if entry['status'] == 'skipped':
        return 'skipped'
    return 'changed' if entry['changed'] else 'ok'


def read(path, check=None):
    """``[(key, entry)]`` in run order; key = (handler, task, module, item, occurrence). ``check``: keep only
    the entries of tasks run with (True) or without (False) ``check_mode: true``; None keeps all."""
    seen = {}
    entries = []
    with open(path, encoding='utf-8') as stream:
        for line in stream:
            entry = json.loads(line)
            if check is not None and entry['check'] != check:
                continue
            base = (entry['handler'], entry['task'], entry['module'], entry['item'])
            seen[base] = seen.get(base, 0) + 1
            entries.append((base + (seen[base],), entry))
    return entries


def main():
    title = sys.argv[1]
    twins = len(sys.argv) == 3
    if twins:
        check, real = read(sys.argv[2], check=True), read(sys.argv[2], check=False)
    else:
        check, real = read(sys.argv[2]), read(sys.argv[3])
    check_by_key = dict(check)
    real_keys = set(key for key, dummy in real)
    if twins:
        # Tasks that have no twin at all (the harness's own preparations) are not part of the plan.
        planned = set(key[:4] for key in check_by_key)
        unplanned = [entry['task'] for key, entry in real if key[:4] not in planned]
        real = [(key, entry) for key, entry in real if key[:4] in planned]
        if unplanned:
            print('not compared (no check-mode twin): %s' % '; '.join(unplanned))
    rows = [(key, check_by_key.get(key), entry) for key, entry in real]
    rows += [(key, entry, None) for key, entry in check if key not in real_keys]
    differing = 0
    print('plan equals apply: %s (%d tasks in the check run, %d in the real run)' % (title, len(check), len(real)))
    print('%-8s %-9s %-9s %-22s %s' % ('verdict', 'check', 'real', 'module', 'task'))
    for key, predicted, applied in rows:
        handler, task, module, item, occurrence = key
        verdict = 'same' if outcome(predicted) == outcome(applied) else 'DIFFERS'
        differing += verdict != 'same'
        name = ('handler: ' if handler else '') + task + ('' if item is None else ' [%s]' % item)
        if occurrence > 1:
            name += ' (#%d)' % occurrence
        print('%-8s %-9s %-9s %-22s %s' % (verdict, outcome(predicted), outcome(applied), module, name))
        if verdict != 'same':
            for side, entry in (('check', predicted), ('real', applied)):
                if entry and entry['msg']:
                    print('         %s: %s' % (side, entry['msg']))
    print('%s: %d tasks, %d differ' % (title, len(rows), differing))
    if not real:
        print('the real run recorded no task of the collection: nothing was compared')
        return 1
    return 1 if differing else 0


if __name__ == '__main__':
    sys.exit(main())
