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
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from files_benchmark import ROOT, Simulator, admin, stamp  # noqa: E402  (a sibling script, not a package)

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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--processes', type=int, nargs='+', default=[1, 2, 4, 8])
    parser.add_argument('--requests', type=int, default=20, help='GET requests sent by each process')
    parser.add_argument('--limit', type=int, default=10, help='requests per period, on the simulator and the client')
    parser.add_argument('--period', type=float, default=1.0, help='the window in seconds')
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
            row = run_case(sim, collections, processes, args.requests, args.limit, args.period, workdir)
            print('%9d %9d %9d %16d %21d %8.1f %7d' % (
                row['processes'], row['requests'], row['throttled_429'], row['busiest_all'],
                row['busiest_accepted'], row['wall_s'], row['failed_processes']))
            sys.stdout.flush()
    finally:
        sim.stop()
        subprocess.run(['rm', '-rf', workdir], check=False)


if __name__ == '__main__':
    main()
