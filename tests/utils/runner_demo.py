"""Run a playbook through ansible-runner against the simulator, as AWX and Automation Controller do.

Used by the `ee` stage of tests/utils/run-tests.sh (the simulator must be running: PA_SIMULATOR_URL,
PA_SIMULATOR_ADMIN_URL, PA_SIMULATOR_CERT, PA_RATE_LIMIT_PERIOD). It creates a fresh paid account,
lays out an ansible-runner private data directory (project, inventory, env/envvars with the
connection, as an AWX credential injects it), runs the playbook twice with ansible_runner.run(),
and fails unless the first run succeeds and creates the web app on the simulator, and the second
run reports no change and sends no write request.
"""

import argparse
import json
import os
import pathlib
import secrets
import shutil
import ssl
import sys
import urllib.request

import ansible_runner


def admin(method, path, body=None):
    url = os.environ['PA_SIMULATOR_ADMIN_URL'] + path
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})
    cert = os.environ.get('PA_SIMULATOR_CERT')
    context = ssl.create_default_context(cafile=cert) if cert else None
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        return json.loads(response.read().decode())


def lay_out(private, playbook, account):
    """The private data directory ansible-runner reads: project/, inventory/, env/."""
    shutil.rmtree(private, ignore_errors=True)
    shutil.copytree(playbook.parent, private / 'project')
    (private / 'inventory').mkdir(parents=True)
    (private / 'inventory' / 'hosts').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    envvars = {
        'PYTHONANYWHERE_USERNAME': account['username'],
        'API_TOKEN': account['token'],
        'PYTHONANYWHERE_SITE': os.environ['PA_SIMULATOR_URL'],
        'PYTHONANYWHERE_RATE_LIMIT_PERIOD': os.environ.get('PA_RATE_LIMIT_PERIOD', '60'),
        'ANSIBLE_COLLECTIONS_PATH': os.environ['ANSIBLE_COLLECTIONS_PATH'],
    }
    if os.environ.get('PA_SIMULATOR_CERT'):
        envvars['PYTHONANYWHERE_CA_PATH'] = os.environ['PA_SIMULATOR_CERT']
    if os.environ.get('PA_SIMULATOR_WEB_URL'):
        # The role's health check reaches the site through the simulator's web front (as demo.sh sets it).
        envvars['PYTHONANYWHERE_SITE_CONNECT_URL'] = os.environ['PA_SIMULATOR_WEB_URL']
    (private / 'env').mkdir()
    (private / 'env' / 'envvars').write_text(json.dumps(envvars))
    (private / 'env' / 'settings').write_text(json.dumps({'suppress_ansible_output': True}))


def run(private, playbook, label):
    result = ansible_runner.run(private_data_dir=str(private), playbook=playbook.name, ident=label, quiet=True)
    stats = result.stats or {}
    changed = sum((stats.get('changed') or {}).values())
    print('ansible-runner %s run: status %s, rc %s, changed %d, artifacts %s'
          % (label, result.status, result.rc, changed, private / 'artifacts' / label))
    if result.status != 'successful' or result.rc != 0:
        print(''.join(result.stdout.readlines()[-40:]))
        sys.exit('the %s run through ansible-runner failed' % label)
    return changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--private-data-dir', type=pathlib.Path, required=True)
    parser.add_argument('--playbook', type=pathlib.Path, required=True)
    args = parser.parse_args()
    playbook = args.playbook.resolve()

    username = 'r' + secrets.token_hex(6)[:11]  # PA usernames: lowercase letters and digits
    account = admin('POST', '/accounts', {'username': username, 'plan': 'paid', 'region': 'www'})
    user = account['username']
    lay_out(args.private_data_dir.resolve(), playbook, account)

    if not run(args.private_data_dir.resolve(), playbook, 'first'):
        sys.exit('the first run changed nothing on a fresh account')
    webapps = [app['domain_name'] for app in admin('GET', '/accounts/%s/state' % user).get('webapps', [])]
    if '%s.pythonanywhere.com' % user not in webapps:
        sys.exit('after the first run the simulator holds no web app %s.pythonanywhere.com (%s)' % (user, webapps))
    print('simulator: web app %s.pythonanywhere.com exists' % user)

    mark = admin('GET', '/log?account=%s&since=0' % user)['last_seq']
    changed = run(args.private_data_dir.resolve(), playbook, 'second')
    entries = admin('GET', '/log?account=%s&since=%d' % (user, mark))['entries']
    writes = ['%s %s' % (e['method'], e['path']) for e in entries if e['method'] not in ('GET', 'HEAD', 'OPTIONS')]
    print('second run: %d request(s), %d write request(s)' % (len(entries), len(writes)))
    if changed or writes:
        sys.exit('the second run was not a no-op: changed=%d, writes: %s' % (changed, writes))


if __name__ == '__main__':
    main()
