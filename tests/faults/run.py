# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fault suite: the deploy role and a large sync against the simulator, under injected faults and concurrency.

Runs ``ansible-playbook`` (never the modules in-process) against a simulator of its own, with the rate window
compressed (40 requests per ``--period`` seconds, PA: per 60 s; the modules get the same ``rate_limit_period``),
and prints one table (see docs/reliability.md):

1. ``faulted deploy``: the webapp_deploy role plus a large ``directory_sync`` on a fresh account with about 10%
   of API requests faulted (429, 500/502/503, dropped connections, slow answers), compared with the same play
   on a clean account: failed tasks, duplicate objects, files lost or stale, false manifest entries.
2. ``killed controller``: a large sync (v1 deployed, v2 being deployed) whose ``ansible-playbook`` is SIGKILLed
   at a random point, then two redeploys of v1 (a rollback) started at once, then a third run: false manifest
   entries, exact tree, whether the orphaned module stopped, and ``changed`` of the third run.
3. ``secrets``: the deploy at ``-vvvv`` and the registered results of every module the play runs, searched for
   the token and every secret value.
4. ``check mode``: the deploy with ``--check`` on a fresh account and on a deployed one after changes: write
   requests seen by the simulator.
5. ``4 processes``: four ``ansible-playbook`` processes syncing at once on one account: HTTP 429s not injected.

    python tests/faults/run.py [--period 3] [--files 200] [--seed N] [--keep]

It exits 1 when a target is missed. Nothing here is timed: the figures are counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'benchmarks'))

from files_benchmark import Simulator, admin, make_tree  # noqa: E402  pylint: disable=wrong-import-position

LIMIT = 40
MANIFEST = '.ansible-pythonanywhere-sync.json'
#: About 10% of requests, split over the kinds (rules are tried in order; the first that fires decides).
FAULT_MIX = [('429', 0.025, {'retry_after': 1}), ('500', 0.01, {}), ('502', 0.01, {}), ('503', 0.01, {}),
             ('drop', 0.025, {}), ('slow', 0.025, {'delay_ms': 1500})]
SECRETS = {'password': 'pw-Suite-7f3a9c1e', 'wsgi': 'wsgi-Suite-5b2d8e4f', 'env': 'env-Suite-9a1c3e5d'}


# --- running things ------------------------------------------------------------------------------------
class Suite:
    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix='pa-faults-')
        self.collections = os.path.join(self.workdir, 'collections')
        os.makedirs(os.path.join(self.collections, 'ansible_collections', 'pythonanywhere'))
        os.symlink(ROOT, os.path.join(self.collections, 'ansible_collections', 'pythonanywhere', 'pythonanywhere'))
        self.sim = Simulator(self.workdir, args.period, LIMIT)
        self.random = random.Random(args.seed)
        self.rows = []
        self.failures = []

    def env(self, **extra):
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='false',
                   ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_DEPRECATION_WARNINGS='false',
                   ANSIBLE_RETRY_FILES_ENABLED='false')
        env.update(extra)
        return env

    def account(self, name):
        return admin(self.sim.url, '/accounts', {'username': name, 'plan': 'paid'})

    def connection(self, account):
        return {'username': account['username'], 'api_token': account['token'], 'api_host': self.sim.url,
                'rate_limit_period': self.args.period}

    def write_play(self, name, plays):
        path = os.path.join(self.workdir, name + '.yml')
        with open(path, 'w') as stream:
            json.dump(plays, stream)
        return path

    def start_playbook(self, play, *options, log=None):
        out = open(log or os.path.join(self.workdir, os.path.basename(play) + '.%d.log' % time.time_ns()), 'w+')
        process = subprocess.Popen([shutil.which('ansible-playbook') or 'ansible-playbook', play] + list(options),
                                   cwd=self.workdir, env=self.env(), stdout=out, stderr=subprocess.STDOUT)
        process.out = out
        return process

    @staticmethod
    def finish(process, timeout=900):
        process.wait(timeout=timeout)
        process.out.seek(0)
        text = process.out.read()
        process.out.close()
        return process.returncode, text

    def playbook(self, play, *options):
        return self.finish(self.start_playbook(play, *options))

    def log_mark(self, username):
        return admin(self.sim.url, '/log?account=%s&since=0&limit=1' % username)['last_seq'] or 0

    def log_since(self, username, mark):
        entries = []
        while True:
            page = admin(self.sim.url, '/log?account=%s&since=%d&limit=5000' % (username, mark))['entries']
            if not page:
                return entries
            entries.extend(page)
            mark = page[-1]['seq']

    def faults(self, rules):
        admin(self.sim.url, '/faults', {'rules': rules, 'seed': self.args.seed}, method='PUT')

    def files(self, username, path):
        try:
            return admin(self.sim.url, '/accounts/%s/files?path=%s' % (username, path))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def api_get(self, account, path):
        request = urllib.request.Request('%s/api/v0/user/%s/files/path%s' % (self.sim.url, account['username'], path),
                                         headers={'Authorization': 'Token %s' % account['token']})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def api_upload(self, account, path, content):
        boundary = 'suiteboundary'
        body = ('--%s\r\nContent-Disposition: form-data; name="content"; filename="f"\r\n'
                'Content-Type: application/octet-stream\r\n\r\n' % boundary).encode() + content + \
            ('\r\n--%s--\r\n' % boundary).encode()
        request = urllib.request.Request(
            '%s/api/v0/user/%s/files/path%s' % (self.sim.url, account['username'], path), data=body, method='POST',
            headers={'Authorization': 'Token %s' % account['token'],
                     'Content-Type': 'multipart/form-data; boundary=%s' % boundary})
        with urllib.request.urlopen(request, timeout=30):
            pass

    def row(self, scenario, measure, value, target, ok):
        self.rows.append((scenario, measure, value, target, 'yes' if ok else 'NO'))
        if not ok:
            self.failures.append('%s: %s = %s (target %s)' % (scenario, measure, value, target))

    def close(self):
        self.sim.stop()
        if self.args.keep:
            print('work folder kept: %s' % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


# --- what is checked ------------------------------------------------------------------------------------
def local_tree(src):
    """``{relative: sha256}`` of what a sync of ``src`` with the default excludes ships."""
    found = {}
    for folder, dirs, names in os.walk(src):
        dirs[:] = [d for d in dirs if d not in ('.git', '__pycache__')]
        for name in names:
            path = os.path.join(folder, name)
            with open(path, 'rb') as stream:
                found[os.path.relpath(path, src)] = hashlib.sha256(stream.read()).hexdigest()
    return found


def tree_check(suite, account, dest, src):
    """``(lost, stale, extra, false_manifest_entries, manifest_complete)`` of ``dest`` against ``src``."""
    state = suite.files(account['username'], dest) or {'entries': {}}
    remote = dict((rel, entry['sha256']) for rel, entry in state['entries'].items()
                  if entry['type'] == 'file' and rel not in (MANIFEST, MANIFEST + '.lock'))
    local = local_tree(src)
    lost = sorted(set(local) - set(remote))
    stale = sorted(rel for rel in local if rel in remote and remote[rel] != local[rel])
    extra = sorted(set(remote) - set(local))
    raw = suite.api_get(account, dest + '/' + MANIFEST)
    false_entries, complete = 0, None
    if raw is not None:
        document = json.loads(raw)
        complete = document.get('complete')
        for rel, digest in document.get('files', {}).items():
            if remote.get(rel) != digest:
                false_entries += 1
    return lost, stale, extra, false_entries, complete


def recap(output):
    """Sums of the PLAY RECAP counters."""
    totals = {'ok': 0, 'changed': 0, 'failed': 0, 'unreachable': 0}
    for line in output.splitlines():
        if ' : ok=' in line:
            for part in line.split(':', 1)[1].split():
                key, _sep, value = part.partition('=')
                if key in totals:
                    totals[key] += int(value)
    return totals


def normalised_state(suite, username):
    """The account's objects without ids, times, the username and what is running at the moment (an always-on
    task's ``process``: the simulator runs it, and it restarts when it exits), to compare two accounts."""
    state = admin(suite.sim.url, '/accounts/%s/state' % username)
    kinds = ('webapps', 'static_files', 'static_headers', 'schedule', 'always_on', 'ssl')
    text = json.dumps({key: state.get(key) for key in kinds}, sort_keys=True)
    text = text.replace(username, 'USER')
    document = json.loads(text)

    def strip(value):
        if isinstance(value, dict):
            return dict((k, strip(v)) for k, v in value.items()
                        if k not in ('id', 'url', 'expiry', 'logfile', 'created', 'not_after', 'user', 'process')
                        and not k.endswith('_url'))
        if isinstance(value, list):
            return sorted((strip(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return value
    return strip(document)


def differences(left, right, where=''):
    """Where two JSON values differ, as ``path: left != right`` lines."""
    if isinstance(left, dict) and isinstance(right, dict):
        lines = []
        for key in sorted(set(left) | set(right)):
            lines.extend(differences(left.get(key), right.get(key), '%s.%s' % (where, key)))
        return lines
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        lines = []
        for index, (one, other) in enumerate(zip(left, right)):
            lines.extend(differences(one, other, '%s[%d]' % (where, index)))
        return lines
    return [] if left == right else ['%s: %s != %s' % (where or '.', json.dumps(left)[:200], json.dumps(right)[:200])]


def duplicates(state):
    """Objects that share their natural key (a retried POST that created twice)."""
    count = 0
    keys = [('webapps', lambda o: o.get('domain_name')), ('schedule', lambda o: (o.get('command'), o.get('description'))),
            ('always_on', lambda o: (o.get('command'), o.get('description')))]
    for name, key in keys:
        seen = [key(o) for o in state.get(name) or []]
        count += len(seen) - len(set(map(json.dumps, seen)))
    for name, key in (('static_files', lambda o: o.get('url')), ('static_headers', lambda o: (o.get('url'), o.get('name')))):
        for items in (state.get(name) or {}).values():
            seen = [json.dumps(key(o)) for o in items]
            count += len(seen) - len(set(seen))
    return count


# --- the plays ------------------------------------------------------------------------------------------
def deploy_play(suite, account, code_src, big_src, verbose_secrets=True):
    home = '/home/%s' % account['username']
    domain = '%s.pythonanywhere.com' % account['username']
    role_vars = {
        'webapp_deploy_connection': suite.connection(account),
        'webapp_deploy_domain': domain,
        # The health check reaches the site through the simulator's web front, by its Host header.
        'webapp_deploy_health_check_connect_url': suite.sim.web_url,
        'webapp_deploy_python_version': '3.13',
        'webapp_deploy_source_directory': home + '/mysite',
        'webapp_deploy_virtualenv_path': home + '/.virtualenvs/mysite',
        'webapp_deploy_password_protection_enabled': True,
        'webapp_deploy_password_protection_username': 'preview',
        'webapp_deploy_password_protection_password': SECRETS['password'],
        'webapp_deploy_code_src': code_src,
        'webapp_deploy_code_delete': True,
        'webapp_deploy_files': [{'dest': home + '/mysite/.env', 'content': 'SECRET_KEY=%s\n' % SECRETS['env']}],
        'webapp_deploy_wsgi_application': 'hello:app',
        'webapp_deploy_wsgi_environment': {'API_SECRET': SECRETS['wsgi']},
        'webapp_deploy_static_files': [{'url': '/static/', 'path': home + '/mysite/static'}],
        'webapp_deploy_static_headers': [{'url': '/static/', 'name': 'Cache-Control', 'value': 'public, max-age=60'}],
        'webapp_deploy_scheduled_tasks': [{'description': 'nightly', 'command': home + '/mysite/hello.py',
                                           'interval': 'daily', 'hour': 3, 'minute': 15}],
        'webapp_deploy_always_on_tasks': [{'description': 'worker', 'command': home + '/mysite/hello.py'}],
    }
    tasks = [
        {'name': 'Deploy with the role', 'ansible.builtin.include_role': {'name': 'pythonanywhere.pythonanywhere.webapp_deploy'}},
        {'name': 'Large sync', 'pythonanywhere.pythonanywhere.directory_sync': {
            'src': big_src, 'dest': home + '/big', 'delete': True, 'lock_timeout': 600}, 'register': 'big_sync'},
        # file shows inline content in its diff (as ansible.builtin.copy does) unless it is marked secret.
        {'name': 'A secret file', 'pythonanywhere.pythonanywhere.file': {
            'path': home + '/secret.txt', 'content': 'token=%s\n' % SECRETS['env'], 'secret': True},
         'register': 'secret_file'},
        {'name': 'Keep the registered results', 'ansible.builtin.copy': {
            'dest': os.path.join(suite.workdir, 'registered-%s.json' % account['username']), 'mode': '0600',
            'content': '{{ {"big_sync": big_sync, "secret_file": secret_file, "webapp": webapp_deploy_webapp | default(None),'
                       ' "code": webapp_deploy_code | default(None), "uploaded": webapp_deploy_uploaded | default(None)}'
                       ' | to_nice_json }}'},
         'check_mode': False, 'delegate_to': 'localhost'},
    ]
    play = {'name': 'fault suite deploy', 'hosts': 'localhost', 'gather_facts': False,
            'module_defaults': {'group/pythonanywhere.pythonanywhere.all': suite.connection(account)},
            'vars': role_vars, 'tasks': tasks}
    return suite.write_play('deploy-%s' % account['username'], [play])


def sync_play(suite, account, src, dest, name):
    play = {'name': 'fault suite sync', 'hosts': 'localhost', 'gather_facts': False,
            'module_defaults': {'group/pythonanywhere.pythonanywhere.all': suite.connection(account)},
            'tasks': [{'name': 'sync', 'pythonanywhere.pythonanywhere.directory_sync': {
                'src': src, 'dest': dest, 'delete': True, 'lock_timeout': 900}}]}
    return suite.write_play(name, [play])


def prepare_account(suite, account):
    """What a user does once outside the role: the virtualenv (the API cannot make one)."""
    suite.api_upload(account, '/home/%s/.virtualenvs/mysite/pyvenv.cfg' % account['username'],
                     b'home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.13.2\n')


def make_code(root):
    make_tree(root, 60)
    with open(os.path.join(root, 'hello.py'), 'w') as stream:
        stream.write('def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"hi"]\n')
    os.makedirs(os.path.join(root, 'static'), exist_ok=True)
    with open(os.path.join(root, 'static', 'style.css'), 'w') as stream:
        stream.write('body { color: black; }\n')


def change_tree(root, seed, changed=0.33):
    """Change a share of the files, delete a tenth, add a few: a new version of the code."""
    rng = random.Random(seed)
    paths = sorted(os.path.join(d, f) for d, _s, fs in os.walk(root) if '.git' not in d for f in fs)
    for path in paths:
        roll = rng.random()
        if roll < 0.1:
            os.unlink(path)
        elif roll < 0.1 + changed:
            with open(path, 'a') as stream:
                stream.write('# v%d\n' % seed)
    for index in range(20):
        with open(os.path.join(root, 'new_%d_%02d.py' % (seed, index)), 'w') as stream:
            stream.write('NEW = %d\n' % index)


# --- the scenarios --------------------------------------------------------------------------------------
def scenario_faulted_deploy(suite):
    code, big = os.path.join(suite.workdir, 'code'), os.path.join(suite.workdir, 'big')
    make_code(code)
    make_tree(big, suite.args.files)
    clean, faulty = suite.account('clean'), suite.account('faulty')
    for account in (clean, faulty):
        prepare_account(suite, account)
    status, output = suite.playbook(deploy_play(suite, clean, code, big))
    clean_recap = recap(output)
    if status != 0:
        print(output[-3000:])
    suite.row('clean deploy (reference)', 'failed tasks', clean_recap['failed'], '0', clean_recap['failed'] == 0)

    mark = suite.log_mark('faulty')
    suite.faults([dict(endpoint='*', account='faulty', probability=p, action=kind, **extra)
                  for kind, p, extra in FAULT_MIX])
    status, output = suite.playbook(deploy_play(suite, faulty, code, big))
    rules = admin(suite.sim.url, '/faults')['rules']
    suite.faults([])
    entries = suite.log_since('faulty', mark)
    faulted = [e for e in entries if e.get('fault')]
    per_kind = {}
    for entry in faulted:
        per_kind[entry['fault']] = per_kind.get(entry['fault'], 0) + 1
    totals = recap(output)
    if totals['failed']:
        print('\n'.join(line for line in output.splitlines() if 'FAILED' in line or 'fatal' in line)[:4000])
    share = 100.0 * len(faulted) / max(1, len(entries))
    suite.row('faulted deploy', 'requests / faulted', '%d / %d (%.1f%%)' % (len(entries), len(faulted), share),
              'about 10%', 6.0 <= share <= 14.0)
    suite.row('faulted deploy', 'faults injected per kind',
              ', '.join('%s %d' % (k, per_kind[k]) for k in sorted(per_kind)), 'all kinds', len(per_kind) >= 5)
    survived = len(faulted) if totals['failed'] == 0 else 0
    suite.row('faulted deploy', 'faults survived', '%d of %d' % (survived, len(faulted)), 'all',
              survived == len(faulted))
    suite.row('faulted deploy', 'failed tasks', totals['failed'], '0', totals['failed'] == 0 and status == 0)
    state = admin(suite.sim.url, '/accounts/faulty/state')
    dups = duplicates(state)
    suite.row('faulted deploy', 'duplicate objects', dups, '0', dups == 0)
    faulty_state, clean_state = normalised_state(suite, 'faulty'), normalised_state(suite, 'clean')
    same = faulty_state == clean_state
    if not same:
        for line in differences(clean_state, faulty_state)[:20]:
            print('end state differs: %s' % line)
    suite.row('faulted deploy', 'end state equal to a clean run', 'yes' if same else 'no', 'yes', same)
    bad = 0
    false_total = 0
    for dest, src in (('/home/faulty/mysite', code), ('/home/faulty/big', big)):
        lost, stale, _extra, false_entries, complete = tree_check(suite, faulty, dest, src)
        bad += len(lost) + len(stale)
        false_total += false_entries + (0 if complete else 1)
    suite.row('faulted deploy', 'files lost or stale', bad, '0', bad == 0)
    suite.row('faulted deploy', 'false manifest entries', false_total, '0', false_total == 0)
    throttled = sum(1 for e in entries if e['status'] == 429 and not e.get('fault'))
    suite.row('faulted deploy', '429s not injected', throttled, '0', throttled == 0)
    del rules
    return code, big, clean


def scenario_killed_controller(suite):
    account = suite.account('killed')
    dest = '/home/killed/site'
    v1 = os.path.join(suite.workdir, 'kill-v1')
    make_tree(v1, suite.args.files)
    status, output = suite.playbook(sync_play(suite, account, v1, dest, 'kill-v1'))
    assert status == 0, output[-2000:]
    v2 = os.path.join(suite.workdir, 'kill-v2')
    shutil.copytree(v1, v2)
    change_tree(v2, 2, changed=0.9)
    play = sync_play(suite, account, v2, dest, 'kill-v2')
    # Slow uploads (big files, a slow link): a sync left running by a killed controller then outlasts the
    # redeploys' planning, which only reads.
    suite.faults([{'endpoint': 'files_path', 'method': 'POST', 'account': 'killed', 'action': 'slow',
                   'delay_ms': int(suite.args.period * 200)}])
    mark = suite.log_mark('killed')
    victim = suite.start_playbook(play)
    # A random point of the sync: wait for 5 to 90% of its uploads (its files_path requests) to pass.
    before, after = local_tree(v1), local_tree(v2)
    expected_writes = sum(1 for rel, digest in after.items() if before.get(rel) != digest)
    target = suite.random.randint(max(1, expected_writes // 10), int(expected_writes * 0.6))
    while victim.poll() is None and sum(1 for e in suite.log_since('killed', mark) if e['method'] == 'POST') < target:
        time.sleep(0.2)
    killed_at = sum(1 for e in suite.log_since('killed', mark) if e['method'] == 'POST')
    victim.send_signal(signal.SIGKILL)
    suite.finish(victim)
    killed = time.time()
    module_pids = orphan_pids(suite.workdir)
    watch = {}

    def watch_orphans():
        while time.time() - killed < 120:
            if not [pid for pid in module_pids if alive(pid)]:
                watch['gone_after'] = time.time() - killed
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch_orphans, daemon=True)
    watcher.start()
    # The redeploys roll back to v1 (the deploy of v2 went wrong, so it was killed): files the orphan had not
    # reached yet are v1 when they plan, so they record them as v1; an orphan still uploading v2 then leaves
    # v2 behind a manifest that says v1.
    v3 = v1
    play = sync_play(suite, account, v3, dest, 'kill-rollback')
    redeploys = [suite.start_playbook(play) for _index in range(2)]
    outcomes = [suite.finish(process) for process in redeploys]
    watcher.join(120)
    suite.faults([])
    lost, stale, extra, false_entries, complete = tree_check(suite, account, dest, v3)
    failed = sum(recap(text)['failed'] for _rc, text in outcomes)
    suite.row('killed controller', 'killed after', '%d of about %d uploads' % (killed_at, expected_writes), '-', True)
    gone = watch.get('gone_after')
    suite.row('killed controller', 'orphaned module processes',
              '%d, gone %s' % (len(module_pids), '%.1f s after the kill' % gone if gone is not None else 'never'),
              'gone within 2 requests', gone is not None and gone < 5.0 * suite.args.period / LIMIT * 2 + 2)
    suite.row('killed controller', 'failed tasks of the 2 redeploys at once', failed, '0', failed == 0)
    suite.row('killed controller', 'false manifest entries', false_entries, '0', false_entries == 0)
    exact = not (lost or stale or extra) and complete is True
    suite.row('killed controller', 'exact tree after (lost/stale/extra)', '%d/%d/%d' % (len(lost), len(stale), len(extra)),
              '0/0/0', exact)
    status, output = suite.playbook(play)
    again = recap(output)
    suite.row('killed controller', 'changed of a third run', again['changed'], '0',
              again['changed'] == 0 and again['failed'] == 0)


def orphan_pids(workdir):
    """Module processes of this suite's directory_sync runs still running (after their controller was killed)."""
    pids = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as stream:
                cmdline = stream.read()
            with open('/proc/%s/environ' % pid, 'rb') as stream:
                environ = stream.read()
        except OSError:
            continue
        if b'AnsiballZ_directory_sync' in cmdline and workdir.encode() in environ:
            pids.append(int(pid))
    return pids


def alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as stream:
            return stream.read().rsplit(')', 1)[1].split()[0] not in ('Z', 'X')
    except OSError:
        return False


def scenario_secrets(suite, code, big):
    account = suite.account('secrets')
    prepare_account(suite, account)
    status, output = suite.playbook(deploy_play(suite, account, code, big), '-vvvv')
    with open(os.path.join(suite.workdir, 'registered-secrets.json')) as stream:
        registered = stream.read()
    needles = [account['token']] + list(SECRETS.values())
    in_output = sum(output.count(n) for n in needles)
    in_registered = sum(registered.count(n) for n in needles)
    suite.row('secrets', 'secrets in -vvvv output (%d lines)' % len(output.splitlines()), in_output, '0',
              in_output == 0 and status == 0)
    suite.row('secrets', 'secrets in registered results', in_registered, '0', in_registered == 0)


def scenario_check_mode(suite, code, big, deployed):
    fresh = suite.account('checkmode')
    prepare_account(suite, fresh)
    writes = 0
    mark = suite.log_mark('checkmode')
    status_fresh, _output = suite.playbook(deploy_play(suite, fresh, code, big), '--check')
    writes += sum(1 for e in suite.log_since('checkmode', mark) if e['method'] not in ('GET', 'HEAD'))
    change_tree(code, 7)
    change_tree(big, 7)
    mark = suite.log_mark(deployed['username'])
    status_deployed, _output = suite.playbook(deploy_play(suite, deployed, code, big), '--check')
    writes += sum(1 for e in suite.log_since(deployed['username'], mark) if e['method'] not in ('GET', 'HEAD'))
    suite.row('check mode', 'write requests (fresh account, then a changed deploy)', writes, '0',
              writes == 0)
    suite.row('check mode', 'check runs that failed', int(status_fresh != 0) + int(status_deployed != 0), '0 (-)',
              True)


def scenario_concurrent(suite):
    account = suite.account('four')
    srcs = []
    for index in range(4):
        src = os.path.join(suite.workdir, 'four-%d' % index)
        make_tree(src, max(40, suite.args.files // 3))
        srcs.append(src)
    mark = suite.log_mark('four')
    processes = [suite.start_playbook(sync_play(suite, account, src, '/home/four/site%d' % index, 'four-%d' % index))
                 for index, src in enumerate(srcs)]
    outcomes = [suite.finish(process) for process in processes]
    entries = suite.log_since('four', mark)
    throttled = sum(1 for e in entries if e['status'] == 429 and not e.get('fault'))
    failed = sum(recap(text)['failed'] for _rc, text in outcomes)
    suite.row('4 processes, one account', '429s (of %d requests)' % len(entries), throttled, '0', throttled == 0)
    suite.row('4 processes, one account', 'failed tasks', failed, '0', failed == 0)


def print_table(suite, elapsed):
    widths = [max(len(str(row[i])) for row in suite.rows + [('scenario', 'measure', 'value', 'target', 'met')])
              for i in range(5)]
    headers = ('scenario', 'measure', 'value', 'target', 'met')
    line = '| ' + ' | '.join('%-*s' % (widths[i], h) for i, h in enumerate(headers)) + ' |'
    print(line)
    print('|' + '|'.join('-' * (w + 2) for w in widths) + '|')
    for row in suite.rows:
        print('| ' + ' | '.join('%-*s' % (widths[i], row[i]) for i in range(5)) + ' |')
    print('\nrate window %.1f s for %d requests (PA: 60 s), %d files in the large syncs, seed %d, %.0f s in all'
          % (suite.args.period, LIMIT, suite.args.files, suite.args.seed, elapsed))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--period', type=float, default=3.0, help="rate-limit window in seconds (PA: 60)")
    parser.add_argument('--files', type=int, default=200, help='files in each large sync')
    parser.add_argument('--seed', type=int, default=int(os.environ.get('PA_FAULTS_SEED', '12')))
    parser.add_argument('--only', action='append', choices=['deploy', 'kill', 'secrets', 'check', 'four'],
                        help='run only these scenarios (repeatable)')
    parser.add_argument('--keep', action='store_true', help='keep the work folder (logs of every run)')
    args = parser.parse_args()
    only = set(args.only or ['deploy', 'kill', 'secrets', 'check', 'four'])
    started = time.time()
    suite = Suite(args)
    try:
        code = big = deployed = None
        if only & {'deploy', 'secrets', 'check'}:
            code, big, deployed = scenario_faulted_deploy(suite)
        if 'kill' in only:
            scenario_killed_controller(suite)
        if 'secrets' in only:
            scenario_secrets(suite, code, big)
        if 'four' in only:
            scenario_concurrent(suite)
        if 'check' in only:
            scenario_check_mode(suite, code, big, deployed)
    finally:
        suite.close()
    print_table(suite, time.time() - started)
    if suite.failures:
        print('\ntargets missed:\n  ' + '\n  '.join(suite.failures))
        sys.exit(1)


if __name__ == '__main__':
    main()
