# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Latency and request count of each route of the command module, against the executing simulator.

It prints figures and asserts nothing about time. The simulator runs at PA's pace (40 requests per 60 s per
endpoint, scheduled tasks at their minute: no fast_schedule), and the collection's own runner (the code the
``command`` module runs) starts ``echo`` through each route a few times:

    python tests/benchmarks/command_routes.py [--runs 2] [--period 60]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

from files_benchmark import Simulator, admin, link_collection


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=2, help='runs per route')
    parser.add_argument('--period', type=float, default=60.0, help='rate-limit window in seconds (PA: 60)')
    parser.add_argument('--keep', action='store_true', help='keep the work folder')
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='pa-command-bench-')
    sys.path.insert(0, link_collection(workdir))
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereClient
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._command import CommandRunner

    sim = Simulator(workdir, args.period, 40)
    try:
        account = admin(sim.url, '/accounts', {'username': 'bench', 'plan': 'paid'})
        client = PythonAnywhereClient('bench', account['token'], api_host=sim.url, rate_limit=40,
                                      rate_limit_period=args.period, pacing_state_dir=os.path.join(workdir, 'pacing'))
        console = client.request('POST', 'consoles/', json_body={'executable': 'bash'}).json
        admin(sim.url, '/accounts/bench/consoles/%d/start' % console['id'], {})

        class Console:  # what the runner needs of the console resource
            @staticmethod
            def send_input(remote, text):
                client.request('POST', 'consoles/{id}/send_input/', params={'id': remote['id']}, json_body={'input': text})

            @staticmethod
            def latest_output(remote):
                return client.request('GET', 'consoles/{id}/get_latest_output/', params={'id': remote['id']}).json['output']

        print('command routes against the executing simulator: 40 requests per %g s per endpoint, %d runs per route'
              % (args.period, args.runs))
        print('%-15s %9s %9s %9s %9s %9s' % ('route', 'wall s', 'wait s', 'expect s', 'requests', 'writes'))
        for route in ('always_on', 'scheduled_task', 'console'):
            rows = []
            for _run in range(args.runs):
                mark = admin(sim.url, '/log?account=bench&since=0')['last_seq'] or 0
                started = time.time()
                result = CommandRunner(client).run('echo hello', '/home/bench', {}, 600, route,
                                                   console_id=console['id'], console=Console())
                wall = time.time() - started
                entries = [e for e in admin(sim.url, '/log?account=bench&since=%d' % mark)['entries'] if e['seq'] > mark]
                assert result['rc'] == 0 and result['stdout'] == 'hello\n', result
                rows.append((wall, result['wait'], result['expected_wait'], len(entries),
                             sum(1 for e in entries if e['method'] != 'GET')))
                print('%-15s %9.1f %9.1f %9.1f %9d %9d' % ((route,) + rows[-1]))
            print('%-15s %9.1f %9.1f %9.1f %9.1f %9.1f   (mean)' % (
                route, *[statistics.mean(row[i] for row in rows) for i in range(5)]))
        state = admin(sim.url, '/accounts/bench/state')
        print('left on the account: %d scheduled, %d always-on tasks' % (len(state['schedule']), len(state['always_on'])))
    finally:
        sim.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
