# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark of the file modules against the simulator, rate limit on (see README.md beside this file).

It prints figures and asserts nothing about time. Sync scenarios run the real ``directory_sync`` module
through ``ansible-playbook``; the memory scenario measures the uploading process itself (the collection's
client and ``RemoteFiles.upload`` in a fresh Python process), and also the whole ``ansible-playbook`` run of
the ``file`` module.

    python tests/benchmarks/files_benchmark.py [--period 4] [--files 1000] [--big-mb 512]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PA_PERIOD = 60.0
PA_LIMIT = 40


def admin(url, path, body=None, method=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + '/__admin__' + path, data=data, method=method or ('POST' if data else 'GET'),
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


class Simulator:
    def __init__(self, workdir, period, limit):
        self.state = os.path.join(workdir, 'simulator')
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'tests', 'simulator'))
        self.log = open(os.path.join(workdir, 'simulator.log'), 'w')
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'pa_simulator', '--port', '0', '--state-dir', self.state,
             '--rate-limit', str(limit), '--rate-period', str(period)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        server = os.path.join(self.state, 'server.json')
        for _attempt in range(150):
            if os.path.exists(server) and os.path.getsize(server):
                with open(server) as stream:
                    started = json.load(stream)
                self.url = started['url'].rstrip('/')
                self.web_url = (started.get('web_url') or '').rstrip('/')  # the web front, serving the sites
                return
            if self.process.poll() is not None:
                raise SystemExit('the simulator exited: see %s' % self.log.name)
            time.sleep(0.2)
        raise SystemExit('the simulator did not start')

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def link_collection(workdir):
    """An ANSIBLE_COLLECTIONS_PATH folder in ``workdir`` whose pythonanywhere.pythonanywhere is this checkout."""
    collections = os.path.join(workdir, 'collections')
    os.makedirs(os.path.join(collections, 'ansible_collections', 'pythonanywhere'))
    os.symlink(ROOT, os.path.join(collections, 'ansible_collections', 'pythonanywhere', 'pythonanywhere'))
    return collections


def make_tree(root, count):
    """``count`` small source files in 40 folders of two levels, as a code base looks."""
    for index in range(count):
        folder = os.path.join(root, 'pkg%02d' % (index % 8), 'mod%d' % (index % 5))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, 'file%04d.py' % index), 'w') as stream:
            stream.write('# file %d\nVALUE = %d\n' % (index, index) + 'x = 1\n' * (index % 50))
    os.makedirs(os.path.join(root, '.git'), exist_ok=True)
    with open(os.path.join(root, '.git', 'HEAD'), 'w') as stream:
        stream.write('ref: refs/heads/main\n')  # excluded by default: never uploaded


def playbook(workdir, connection, tasks):
    path = os.path.join(workdir, 'play.yml')
    play = [{'name': 'files benchmark', 'hosts': 'localhost', 'gather_facts': False,
             'module_defaults': {'group/pythonanywhere.pythonanywhere.all': connection}, 'tasks': tasks}]
    with open(path, 'w') as stream:
        json.dump(play, stream)  # JSON is YAML
    return path


def run_playbook(workdir, collections, path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR='1', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    started = time.time()
    done = subprocess.run([shutil.which('ansible-playbook') or 'ansible-playbook', path], cwd=workdir, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    elapsed = time.time() - started
    if done.returncode != 0:
        print(done.stdout)
        raise SystemExit('ansible-playbook failed (rc %d)' % done.returncode)
    return elapsed, done.stdout


def log_since(url, username, mark):
    entries = admin(url, '/log?account=%s&since=%d' % (username, mark))['entries']
    return [entry for entry in entries if entry['seq'] > mark]


def stamp(entry):
    return time.mktime(time.strptime(entry['time'][:19], '%Y-%m-%dT%H:%M:%S')) + float('0.' + entry['time'][20:23])


def figures(entries, period, limit):
    """Requests, 429s, span, and the achieved rate of the busiest bucket as a share of the allowed rate.

    Under a sliding window of ``limit`` per ``period``, N requests need at least (N - limit) / (limit / period)
    seconds after the first (the first ``limit`` may go at once); the share is that minimum over the span.
    """
    throttled = sum(1 for entry in entries if entry['status'] == 429)
    buckets = {}
    for entry in entries:
        buckets.setdefault(entry['endpoint'], []).append(entry)
    busiest = max(buckets.values(), key=len) if buckets else []
    span = stamp(busiest[-1]) - stamp(busiest[0]) if len(busiest) > 1 else 0.0
    needed = max(0.0, (len(busiest) - limit) * period / limit)
    share = needed / span if span > 0 and needed > 0 else None
    # How late each request went compared with the moment the window let it go (the request `limit` places
    # before it left the window): the time the run, not the rate limit, kept the endpoint idle.
    times = [stamp(entry) for entry in busiest]
    idle = sum(max(0.0, times[i] - times[i - limit] - period) for i in range(limit, len(times))) / limit
    return {'requests': len(entries), 'throttled_429': throttled, 'bucket_requests': len(busiest),
            'span_s': span, 'share_of_allowed_rate': share, 'idle_s': idle,
            'writes': sum(1 for entry in entries if entry['method'] != 'GET')}


def sync_task(src, dest, delete=True):
    return {'name': 'sync', 'pythonanywhere.pythonanywhere.directory_sync': {'src': src, 'dest': dest, 'delete': delete}}


def scenario(sim, workdir, collections, connection, username, title, tasks, period, limit):
    mark = admin(sim.url, '/log?account=%s&since=0' % username)['last_seq'] or 0
    elapsed, output = run_playbook(workdir, collections, playbook(workdir, connection, tasks))
    entries = log_since(sim.url, username, mark)
    result = figures(entries, period, limit)
    result['wall_s'] = elapsed
    result['progress_lines'] = sum(1 for line in output.splitlines() if ' operations (' in line and ' uploaded, ' in line)
    # What the lease on dest costs (docs/files.md): requests to the .lock file next to the manifest.
    result['lease_requests'] = sum(1 for entry in entries if entry['path'].endswith('.lock'))
    share = result['share_of_allowed_rate']
    print('%-44s %5d requests (%d writes, %d for the lease) %4d x 429  %7.1f s wall%s%s' % (
        title, result['requests'], result['writes'], result['lease_requests'], result['throttled_429'], elapsed,
        '  rate %.0f%% of allowed over %.1f s (%.1f s idle)' % (100 * share, result['span_s'], result['idle_s'])
        if share else '',
        '  %d progress lines' % result['progress_lines'] if result['progress_lines'] else ''))
    return result


RSS_SCRIPT = textwrap.dedent('''
    import json, resource, sys
    sys.path.insert(0, sys.argv[1])
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereClient
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import RemoteFiles
    client = PythonAnywhereClient(sys.argv[3], sys.argv[4], api_host=sys.argv[2], rate_limit=0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    digest = RemoteFiles(client).upload(sys.argv[6], source=sys.argv[5])
    print(json.dumps({"before_kb": before, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "sha256": digest}))
''')


def make_file(path, size):
    block = os.urandom(1024 * 1024)
    with open(path, 'wb') as stream:
        for _block in range(size // len(block)):
            stream.write(block)


def rss_upload(collections, sim, username, token, path, dest):
    script = os.path.join(os.path.dirname(path), 'rss_upload.py')
    with open(script, 'w') as stream:
        stream.write(RSS_SCRIPT)
    started = time.time()
    out = subprocess.run([sys.executable, script, collections, sim.url, username, token, path, dest],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    result = json.loads(out)
    result['wall_s'] = time.time() - started
    return result


def rss_playbook(workdir, collections, connection, src, dest):
    """Max RSS over every process of an ansible-playbook run of the file module (RUSAGE_CHILDREN of a fresh child)."""
    path = playbook(workdir, connection, [{'name': 'upload', 'pythonanywhere.pythonanywhere.file': {'src': src, 'path': dest}}])
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    probe = textwrap.dedent('''
        import resource, subprocess, sys
        subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    ''')
    out = subprocess.run([sys.executable, '-c', probe, shutil.which('ansible-playbook') or 'ansible-playbook', path],
                         cwd=workdir, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return int(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--period', type=float, default=4.0, help="the simulator's rate-limit window in seconds (PA: 60)")
    parser.add_argument('--files', type=int, default=1000)
    parser.add_argument('--big-mb', type=int, default=512)
    parser.add_argument('--skip-sync', action='store_true')
    parser.add_argument('--skip-rss', action='store_true')
    parser.add_argument('--keep', action='store_true', help='keep the work folder')
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='pa-files-bench-')
    collections = link_collection(workdir)
    sim = Simulator(workdir, args.period, PA_LIMIT)
    results = {'period_s': args.period, 'compression': PA_PERIOD / args.period, 'limit': PA_LIMIT}
    try:
        account = admin(sim.url, '/accounts', {'username': 'bench', 'plan': 'paid'})
        username, token = account['username'], account['token']
        connection = {'username': username, 'api_token': token, 'api_host': sim.url, 'rate_limit_period': args.period}
        print('simulator %s: rate limit %d requests per %.1f s per endpoint, time compressed %.0fx '
              '(PA: %d per %.0f s)' % (sim.url, PA_LIMIT, args.period, PA_PERIOD / args.period, PA_LIMIT, PA_PERIOD))
        if not args.skip_sync:
            src = os.path.join(workdir, 'src')
            make_tree(src, args.files)
            dest = '/home/%s/site' % username

            def run(title, tasks):
                return scenario(sim, workdir, collections, connection, username, title, tasks, args.period, PA_LIMIT)

            results['first_upload'] = run('first upload of %d files' % args.files, [sync_task(src, dest)])
            results['noop'] = run('no-op re-run', [sync_task(src, dest)])
            every = sorted(os.path.join(dp, f) for dp, _dn, fs in os.walk(src) if '.git' not in dp for f in fs)
            changed = every[::max(1, len(every) // 10)][:10]
            for path in changed:
                with open(path, 'a') as stream:
                    stream.write('# changed\n')
            results['ten_changed'] = run('10 files changed', [sync_task(src, dest)])
            gone = every[5::max(1, len(every) // 10)][:10]
            for path in gone:
                os.unlink(path)
            results['ten_deleted'] = run('10 files deleted locally, delete: true', [sync_task(src, dest)])
            state = admin(sim.url, '/accounts/%s/files?path=%s' % (username, dest))
            remote = sorted(k for k, v in state['entries'].items() if v['type'] == 'file')
            print('%-44s %d files on the simulator (%d expected + the manifest)' % (
                'check', len(remote), args.files - 10))
            real_minutes = results['first_upload']['wall_s'] * PA_PERIOD / args.period / 60
            print('%-44s about %.0f minutes at PA\'s real 40 requests a minute' % ('first upload, real time', real_minutes))
        if not args.skip_rss:
            admin(sim.url, '/config', {'rate_limit': {'enabled': False}}, method='PUT')
            small, big = os.path.join(workdir, 'small.bin'), os.path.join(workdir, 'big.bin')
            make_file(small, 1024 * 1024)
            make_file(big, args.big_mb * 1024 * 1024)
            one = rss_upload(collections, sim, username, token, small, '/home/%s/small.bin' % username)
            many = rss_upload(collections, sim, username, token, big, '/home/%s/big.bin' % username)
            growth = (many['peak_kb'] - one['peak_kb']) / 1024.0
            print('%-44s peak RSS %.1f MB (1 MB upload) vs %.1f MB (%d MB upload, %.1f s): grows %.1f MB' % (
                'uploading process (client + RemoteFiles)', one['peak_kb'] / 1024.0, many['peak_kb'] / 1024.0,
                args.big_mb, many['wall_s'], growth))
            results['rss'] = {'small_peak_mb': one['peak_kb'] / 1024.0, 'big_peak_mb': many['peak_kb'] / 1024.0,
                              'growth_mb': growth, 'big_upload_s': many['wall_s']}
            small_all = rss_playbook(workdir, collections, connection, small, '/home/%s/small2.bin' % username)
            big_all = rss_playbook(workdir, collections, connection, big, '/home/%s/big2.bin' % username)
            print('%-44s max RSS of all processes %.1f MB (1 MB) vs %.1f MB (%d MB): grows %.1f MB' % (
                'ansible-playbook + file module', small_all / 1024.0, big_all / 1024.0, args.big_mb,
                (big_all - small_all) / 1024.0))
            results['rss_playbook'] = {'small_max_mb': small_all / 1024.0, 'big_max_mb': big_all / 1024.0,
                                       'growth_mb': (big_all - small_all) / 1024.0}
            state = admin(sim.url, '/accounts/%s/files?path=/home/%s/big2.bin' % (username, username))
            print('%-44s %d bytes on the simulator' % ('check', state.get('size', -1)))
        print('json: ' + json.dumps(results, sort_keys=True))
    finally:
        sim.stop()
        if args.keep:
            print('work folder kept: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
