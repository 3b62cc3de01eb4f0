# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stress of the client's pacing across processes, against the simulator (see README.md beside this file).

N processes (1, 2, 4, 8 by default) of the collection's API client share one pacing window, as the module
processes of one controller do, and each sends ``--requests`` GETs to one endpoint of one account. The
simulator throttles ``--limit`` requests per ``--period`` seconds per endpoint, and the client paces at the
same figures. For each N it prints, from the simulator's request log: the requests that arrived, the HTTP 429s
among them, the busiest window (the most requests that arrived within any ``--period`` seconds; the goal is
at most ``--limit``) and the wall time. It asserts nothing: the figures are for reading.

    python tests/benchmarks/pacing_stress.py [--processes 1 2 4 8] [--requests 20] [--limit 10] [--period 1]
    python tests/benchmarks/pacing_stress.py --collection /path/to/another/checkout   # e.g. before a fix
    python tests/benchmarks/pacing_stress.py --syncs 2 4 --files 100   # also N ansible-playbook directory_sync runs

With ``--syncs``, N ``ansible-playbook`` runs at once each sync ``--files`` files into their own folder of one
account through the real ``directory_sync`` module, the simulator and the modules at 40 requests per
``--sync-period`` seconds (the integration tests' window), and the same figures are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from files_benchmark import (  # noqa: E402  (a sibling script, not a package)
    ROOT, Simulator, admin, make_tree, playbook, stamp, sync_task,
)

WORKER = textwrap.dedent('''
    import sys, time
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereClient
    url, username, token, limit, period, state_dir, count, start = sys.argv[1:9]
    client = PythonAnywhereClient(username, token, api_host=url, rate_limit=int(limit),
                                  rate_limit_period=float(period), pacing_state_dir=state_dir, retries=50,
                                  retry_budget=600)
    time.sleep(max(0.0, float(start) - time.time()))
    for _ in range(int(count)):
        client.get('cpu/')
''')


def busiest(times, period):
    """The most entries within any half-open window [t, t + period) (the throttle's own view of a window)."""
    times = sorted(times)
    best = 0
    first = 0
    for last, when in enumerate(times):
        while times[first] <= when - period:
            first += 1
        best = max(best, last - first + 1)
    return best


def run_case(sim, collections, processes, requests, limit, period, workdir):
    username = 'stress%d' % processes
    token = admin(sim.url, '/accounts', {'username': username, 'plan': 'paid'})['token']
    state_dir = os.path.join(workdir, 'pacing-%d' % processes)
    os.makedirs(state_dir, mode=0o700)
    env = dict(os.environ, PYTHONPATH=collections)
    start = time.time() + 1.0 + 0.1 * processes  # every process imports first, then all start at once
    command = [sys.executable, '-c', WORKER, sim.url, username, token, str(limit), str(period), state_dir,
               str(requests), repr(start)]
    workers = [subprocess.Popen(command, env=env) for _worker in range(processes)]
    failed = sum(1 for worker in workers if worker.wait() != 0)
    wall = time.time() - start
    entries = admin(sim.url, '/log?account=%s&limit=100000' % username)['entries']
    times = [stamp(entry) for entry in entries]
    accepted = [stamp(entry) for entry in entries if entry['status'] != 429]
    return {'processes': processes, 'requests': len(entries), 'throttled_429': len(entries) - len(accepted),
            'busiest_all': busiest(times, period), 'busiest_accepted': busiest(accepted, period),
            'wall_s': wall, 'failed_processes': failed}


def run_syncs(sim, collections, syncs, files, period, workdir):
    """``syncs`` ansible-playbook runs at once, each a directory_sync of ``files`` files into its own folder."""
    username = 'sync%d' % syncs
    token = admin(sim.url, '/accounts', {'username': username, 'plan': 'paid'})['token']
    connection = {'username': username, 'api_token': token, 'api_host': sim.url, 'rate_limit_period': period}
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR='1',
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    runs = []
    for index in range(syncs):
        folder = os.path.join(workdir, '%s-run%d' % (username, index))
        os.makedirs(folder)
        make_tree(os.path.join(folder, 'src'), files)
        playbook(folder, connection, [sync_task(os.path.join(folder, 'src'), '/home/%s/site%d' % (username, index))])
        runs.append(folder)
    start = time.time()
    program = shutil.which('ansible-playbook') or os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    logs = [open(os.path.join(folder, 'play.log'), 'w') for folder in runs]  # pylint: disable=consider-using-with
    players = [subprocess.Popen([program, os.path.join(folder, 'play.yml')], cwd=folder, env=env, stdout=log,
                                stderr=subprocess.STDOUT) for folder, log in zip(runs, logs)]
    failed = sum(1 for player in players if player.wait() != 0)
    wall = time.time() - start
    for log in logs:
        log.close()
        if failed:
            with open(log.name) as stream:
                print(stream.read()[-3000:])
    entries = admin(sim.url, '/log?account=%s&limit=1000000' % username)['entries']
    busiest_bucket = max({entry['endpoint'] for entry in entries},
                         key=lambda name: sum(1 for entry in entries if entry['endpoint'] == name))
    times = [stamp(entry) for entry in entries if entry['endpoint'] == busiest_bucket]
    accepted = [stamp(entry) for entry in entries if entry['endpoint'] == busiest_bucket and entry['status'] != 429]
    return {'processes': syncs, 'requests': len(entries), 'throttled_429': sum(1 for e in entries if e['status'] == 429),
            'busiest_all': busiest(times, period), 'busiest_accepted': busiest(accepted, period),
            'wall_s': wall, 'failed_processes': failed}


def print_row(row):
    print('%9d %9d %9d %16d %21d %8.1f %7d' % (
        row['processes'], row['requests'], row['throttled_429'], row['busiest_all'],
        row['busiest_accepted'], row['wall_s'], row['failed_processes']))
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--processes', type=int, nargs='+', default=[1, 2, 4, 8])
    parser.add_argument('--requests', type=int, default=20, help='GET requests sent by each process')
    parser.add_argument('--limit', type=int, default=10, help='requests per period, on the simulator and the client')
    parser.add_argument('--period', type=float, default=1.0, help='the window in seconds')
    parser.add_argument('--syncs', type=int, nargs='*', default=[], help='concurrent directory_sync playbooks (e.g. 2 4)')
    parser.add_argument('--files', type=int, default=100, help='files per directory_sync')
    parser.add_argument('--sync-period', type=float, default=4.0, help='window of the directory_sync runs (40 per it)')
    parser.add_argument('--collection', default=ROOT, help='the collection checkout whose client runs (default: this one)')
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='pa-pacing-stress-')
    collections = os.path.join(workdir, 'collections')
    os.makedirs(os.path.join(collections, 'ansible_collections', 'pythonanywhere'))
    os.symlink(os.path.abspath(args.collection), os.path.join(collections, 'ansible_collections', 'pythonanywhere', 'pythonanywhere'))
    sim = Simulator(workdir, args.period, args.limit)
    try:
        print('simulator %s: %d requests per %.1f s per endpoint; client %s; %d GETs per process'
              % (sim.url, args.limit, args.period, os.path.abspath(args.collection), args.requests))
        header = ('processes', 'requests', 'HTTP 429', 'busiest window', 'busiest (accepted)', 'wall s', 'failed')
        print('%9s %9s %9s %16s %21s %8s %7s' % header)
        for processes in args.processes:
            print_row(run_case(sim, collections, processes, args.requests, args.limit, args.period, workdir))
        if args.syncs:
            admin(sim.url, '/config', {'rate_limit': {'limit': 40, 'period': args.sync_period}}, method='PUT')
            print('directory_sync: %d files per run, 40 requests per %.1f s per endpoint; busiest window of the busiest '
                  'endpoint' % (args.files, args.sync_period))
            print('%9s %9s %9s %16s %21s %8s %7s' % header)
            for syncs in args.syncs:
                print_row(run_syncs(sim, collections, syncs, args.files, args.sync_period, workdir))
    finally:
        sim.stop()
        subprocess.run(['rm', '-rf', workdir], check=False)


if __name__ == '__main__':
    main()
