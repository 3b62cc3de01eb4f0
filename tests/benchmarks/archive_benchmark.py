# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark of ``directory_sync``'s archive transfer against file by file (see README.md beside this file).

Against the executing simulator, with PythonAnywhere's real rate limit (40 requests per 60 s per endpoint, not
a compressed window) and the scheduled-task route's real latency (the task runs at the next minute boundary
of the simulator's clock): a first deploy of 1,000 and of 10,000 small files, and 10 changed files of the
10,000, each way. It prints figures and asserts nothing about time.

File by file's first deploys are not run by default (25 minutes and 4 hours): their time is computed from
the request count they need at the paced rate, (N - 40) x 60 s / 40, which the files benchmark measured at
96% of the allowed rate. ``--run-files-first`` runs the 1,000-file one for real.

    python tests/benchmarks/archive_benchmark.py [--period 60] [--sim-arg=--some-flag ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from files_benchmark import (  # noqa: E402  pylint: disable=wrong-import-position
    PA_LIMIT,
    PA_PERIOD,
    ROOT,
    Simulator,
    admin,
    figures,
    make_tree,
    playbook,
    run_playbook,
    log_since,
)

TARGETS = {'first_1000': 180.0, 'first_10000': 360.0, 'changed_10': 13}
#: What the lease on ``dest`` (issue 12) adds to a sync that writes: the read-back of the lease.
LEASE_READ_BACK = 1


def start_simulator(workdir, period, extra):
    """The files benchmark's simulator, with ``extra`` arguments appended to its command line."""
    if not extra:
        return Simulator(workdir, period, PA_LIMIT)
    original = subprocess.Popen

    def popen(args, *rest, **kwargs):
        return original(list(args) + list(extra), *rest, **kwargs)

    subprocess.Popen = popen
    try:
        return Simulator(workdir, period, PA_LIMIT)
    finally:
        subprocess.Popen = original


def sync_task(src, dest, transfer, via, lock=True):
    args = {'src': src, 'dest': dest, 'delete': True, 'transfer': transfer, 'lock': lock}
    if via:
        args['archive_via'] = via
    return {'name': 'sync', 'register': 'synced', 'pythonanywhere.pythonanywhere.directory_sync': args}


def save_result_task(path):
    copy = {'content': '{{ synced | to_json }}', 'dest': path, 'mode': '0600'}
    return {'name': 'save the result', 'ansible.builtin.copy': copy}


def read_result(path):
    with open(path) as stream:
        return json.load(stream)


def files_by_count(requests, period, limit=PA_LIMIT):
    """Least time file by file needs for ``requests`` to one endpoint under the sliding window."""
    return max(0.0, (requests - limit) * period / limit)


def file_by_file_requests(count):
    """A first deploy file by file: 2 reads (manifest, dest listing), the manifest invalidated (carrying the
    lease) and read back, one upload per file, a manifest checkpoint every 40 operations, the final manifest."""
    return 2 + 1 + LEASE_READ_BACK + count + (count - 1) // 40 + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--period', type=float, default=PA_PERIOD, help="the rate-limit window (PA: 60)")
    parser.add_argument('--via', default='scheduled_task', help='archive_via (default: the scheduled task)')
    parser.add_argument('--small', type=int, default=1000)
    parser.add_argument('--large', type=int, default=10000)
    parser.add_argument('--run-files-first', action='store_true', help='run the small first deploy file by file')
    parser.add_argument('--sim-arg', action='append', default=[], help='extra simulator argument (repeatable)')
    parser.add_argument('--keep', action='store_true')
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='pa-archive-bench-')
    if args.keep:
        print('work folder (kept): %s' % workdir)
    collections = os.path.join(workdir, 'collections')
    os.makedirs(os.path.join(collections, 'ansible_collections', 'pythonanywhere'))
    os.symlink(ROOT, os.path.join(collections, 'ansible_collections', 'pythonanywhere', 'pythonanywhere'))
    sim = start_simulator(workdir, args.period, args.sim_arg)
    rows = []
    results = {'period_s': args.period, 'limit': PA_LIMIT, 'via': args.via}
    try:
        account = admin(sim.url, '/accounts', {'username': 'bench', 'plan': 'paid'})
        username = account['username']
        connection = {'username': username, 'api_token': account['token'], 'api_host': sim.url,
                      'rate_limit_period': args.period}
        print('simulator %s: %d requests per %.0f s per endpoint; archive extracted through %s' % (
            sim.url, PA_LIMIT, args.period, args.via))

        def run(title, src, dest, transfer, lock=True):
            mark = admin(sim.url, '/log?account=%s&since=0' % username)['last_seq'] or 0
            saved = os.path.join(workdir, 'result.json')
            tasks = [sync_task(src, dest, transfer, args.via, lock), save_result_task(saved)]
            elapsed, _output = run_playbook(workdir, collections, playbook(workdir, connection, tasks))
            entries = log_since(sim.url, username, mark)
            measured = figures(entries, args.period, PA_LIMIT)
            result = read_result(saved)
            tree = admin(sim.url, '/accounts/%s/files?path=%s' % (username, dest))
            files = sum(1 for entry in tree['entries'].values() if entry['type'] == 'file')
            row = {'title': title, 'transfer': result.get('transfer'), 'requests': measured['requests'],
                   'files_requests': sum(1 for e in entries if e['endpoint'] == 'files_path'),
                   'throttled_429': measured['throttled_429'], 'wall_s': round(elapsed, 1), 'files_on_server': files,
                   'note': result.get('transfer_note', '')}
            print('%-40s %-8s %6d requests (%d files endpoint) %3d x 429 %8.1f s wall  %d files on the server' % (
                title, row['transfer'], row['requests'], row['files_requests'], row['throttled_429'], elapsed, files))
            return row

        small_src, large_src = os.path.join(workdir, 'small'), os.path.join(workdir, 'large')
        make_tree(small_src, args.small)
        make_tree(large_src, args.large)

        archive_small = run('first deploy, %d files' % args.small, small_src, '/home/%s/small' % username, 'archive')
        if args.run_files_first:
            files_small = run('first deploy, %d files' % args.small, small_src, '/home/%s/small_files' % username,
                              'files')
        else:
            count = file_by_file_requests(args.small)
            files_small = {'requests': count, 'wall_s': round(files_by_count(count, args.period), 1), 'computed': True}
        archive_large = run('first deploy, %d files' % args.large, large_src, '/home/%s/large' % username, 'archive')
        count = file_by_file_requests(args.large)
        files_large = {'requests': count, 'wall_s': round(files_by_count(count, args.period), 1), 'computed': True}

        every = sorted(os.path.join(dp, f) for dp, _dn, fs in os.walk(large_src) if '.git' not in dp for f in fs)
        changed = every[::max(1, len(every) // 10)][:10]

        def change_ten(mark):
            for path in changed:
                with open(path, 'a') as stream:
                    stream.write('# %s\n' % mark)

        change_ten('changed')
        auto_changed = run('10 changed of %d, auto' % args.large, large_src, '/home/%s/large' % username, 'auto')
        change_ten('changed again')
        unlocked_changed = run('10 changed of %d, auto, lock=false' % args.large, large_src,
                               '/home/%s/large' % username, 'auto', lock=False)
        change_ten('changed a third time')
        archive_changed = run('10 changed of %d, archive' % args.large, large_src, '/home/%s/large' % username,
                              'archive')
        rows = [
            ('first deploy of %d files' % args.small, archive_small, files_small, 'archive <= 3 min'),
            ('first deploy of %d files' % args.large, archive_large, files_large, 'archive <= 6 min'),
            ('10 changed of %d files, lease (default)' % args.large, archive_changed, auto_changed,
             'auto <= 13 + %d (the lease\'s read-back)' % LEASE_READ_BACK),
            ('10 changed of %d files, `lock: false`' % args.large, archive_changed, unlocked_changed,
             'auto <= 13 requests'),
        ]
        print()
        print('| scenario | archive: requests | archive: wall time | file by file: requests | file by file: time | target |')
        print('|---|---|---|---|---|---|')
        for title, by_archive, by_files, target in rows:
            print('| %s | %d | %s | %d%s | %s%s | %s |' % (
                title, by_archive['requests'], minutes(by_archive['wall_s']), by_files['requests'],
                ' (computed)' if by_files.get('computed') else '', minutes(by_files['wall_s']),
                ' (computed at the paced rate)' if by_files.get('computed') else ' (measured)', target))
        met = {
            'first_1000': archive_small['wall_s'] <= TARGETS['first_1000'],
            'first_10000': archive_large['wall_s'] <= TARGETS['first_10000'],
            'changed_10': unlocked_changed['requests'] <= TARGETS['changed_10']
            and unlocked_changed['transfer'] == 'files',
            'changed_10_lease': auto_changed['requests'] <= TARGETS['changed_10'] + LEASE_READ_BACK
            and auto_changed['transfer'] == 'files',
        }
        print()
        print('targets: 1,000 files <= 3 min: %s; 10,000 files <= 6 min: %s; 10 changed <= 13 requests (auto, file by '
              'file, lock=false): %s; with the lease <= 13 + its read-back: %s' % tuple(
                  'met' if met[key] else 'NOT met' for key in ('first_1000', 'first_10000', 'changed_10',
                                                               'changed_10_lease')))
        results.update(archive_small=archive_small, files_small=files_small, archive_large=archive_large,
                       files_large=files_large, auto_changed=auto_changed, unlocked_changed=unlocked_changed,
                       archive_changed=archive_changed, met=met)
        print('json: ' + json.dumps(results, sort_keys=True))
    finally:
        sim.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def minutes(seconds):
    seconds = int(round(seconds))
    if seconds >= 3600:
        return '%dh%02dm' % (seconds // 3600, seconds % 3600 // 60)
    return '%dm%02ds' % (seconds // 60, seconds % 60)


if __name__ == '__main__':
    main()
