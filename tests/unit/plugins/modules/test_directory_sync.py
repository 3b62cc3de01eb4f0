# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import json
import time

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _lease
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _manifest as manifest
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _sync as sync
from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import directory_sync
from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import TOKEN

DEST = '/home/alice/site'
BASE = 'files/path' + DEST
MANIFEST = BASE + '/' + manifest.DEFAULT_NAME
OCTET = {'Content-Type': 'application/octet-stream'}


def sha(data):
    return hashlib.sha256(data).hexdigest()


def tree(tmp_path):
    src = tmp_path / 'src'
    (src / 'pkg').mkdir(parents=True)
    (src / 'app.py').write_bytes(b'print(1)\n')
    (src / 'pkg' / 'mod.py').write_bytes(b'x = 1\n')
    (src / '.env').write_bytes(b'SECRET=hunter2\n')
    return src


def manifest_bytes(files, complete=True):
    return manifest.build(DEST, files, complete, 'r1')


@pytest.fixture
def lease(monkeypatch):
    """Fixed run id and nonce, no real waiting: ``lease(api, known)`` scripts the two requests that take it
    (the planning read of the manifest was the lease read): the incomplete manifest with our lease, read back."""
    monkeypatch.setattr(_lease.time, 'sleep', lambda seconds: None)
    monkeypatch.setattr(_lease.uuid, 'uuid4', type('U', (), {'hex': 'nonce1'}))
    monkeypatch.setattr(sync, 'new_run_id', lambda: 'run1')

    def expect(api, known, owner='run1'):
        api.expect('POST', MANIFEST, status=201)
        back = manifest.build(DEST, known, False, owner,
                              lease={'owner': owner, 'nonce': 'nonce1', 'expires': time.time() + 60})
        api.expect('GET', MANIFEST, raw=back, headers=OCTET)
    return expect


def test_first_sync_in_one_run(api, run_module, tmp_path, lease):
    src = tree(tmp_path)
    api.expect('GET', MANIFEST, status=404, json={'detail': 'No such file or directory'})
    api.expect('GET', BASE, status=404, json={'detail': 'No such file or directory'})
    lease(api, {})
    api.expect('POST', BASE + '/app.py', status=201)
    api.expect('POST', BASE + '/pkg/mod.py', status=201)
    api.expect('POST', MANIFEST, status=201)  # complete: it releases the lease
    result = run_module(directory_sync, {'src': str(src), 'dest': DEST + '/'}, diff=True)
    assert result['changed'] is True
    assert result['added'] == ['app.py', 'pkg/mod.py'] and result['counts']['uploaded'] == 2
    assert result['manifest']['state'] == 'missing' and result['manifest']['written'] is True
    assert result['requests'] == 7
    assert '+ %s/app.py' % DEST in result['diff']['prepared']
    first = json.loads(api.calls[2]['streamed'].split(b'\r\n\r\n', 1)[1].rsplit(b'\r\n--', 1)[0])
    assert first['complete'] is False and first['lease']['owner'] == 'run1' and first['lease']['nonce'] == 'nonce1'
    written = json.loads(api.calls[-1]['streamed'].split(b'\r\n\r\n', 1)[1].rsplit(b'\r\n--', 1)[0])
    assert written['files'] == {'app.py': sha(b'print(1)\n'), 'pkg/mod.py': sha(b'x = 1\n')} and written['complete']
    assert 'lease' not in written
    assert 'hunter2' not in json.dumps(result) and TOKEN not in json.dumps(result)


def test_rerun_with_a_trusted_manifest_is_one_get(api, run_module, tmp_path):
    src = tree(tmp_path)
    api.expect('GET', MANIFEST, raw=manifest_bytes({'app.py': sha(b'print(1)\n'), 'pkg/mod.py': sha(b'x = 1\n')}),
               headers=OCTET)
    result = run_module(directory_sync, {'src': str(src), 'dest': DEST})
    assert result['changed'] is False and result['requests'] == 1 and result['manifest']['written'] is False
    assert result['counts'] == {'added': 0, 'updated': 0, 'deleted': 0, 'unchanged': 2, 'uploaded': 0}


def test_check_mode_reports_changes_and_deletions_without_writing(api, run_module, tmp_path):
    src = tree(tmp_path)
    api.expect('GET', MANIFEST, raw=manifest_bytes({'app.py': sha(b'old'), 'pkg/mod.py': sha(b'x = 1\n'),
                                                    'gone.txt': sha(b'g')}), headers=OCTET)
    result = run_module(directory_sync, {'src': str(src), 'dest': DEST, 'delete': True}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['updated'] == ['app.py'] and result['deleted'] == ['gone.txt']
    assert result['diff']['prepared'].splitlines()[1:] == ['~ %s/app.py' % DEST, '- %s/gone.txt' % DEST]
    assert not api.writes


def test_controller_phases(api, run_module, tmp_path, lease):
    src = tree(tmp_path)
    api.expect('GET', MANIFEST, status=404, json={'detail': 'missing'})
    api.expect('GET', BASE, json={'app.py': {'type': 'file', 'url': 'u'}})
    api.expect('GET', BASE + '/app.py', raw=b'print(1)\n', headers=OCTET)
    local = {'app.py': sha(b'print(1)\n'), 'pkg/mod.py': sha(b'x = 1\n')}
    planned = run_module(directory_sync, {'src': str(src), 'dest': DEST,
                                          '_controller': {'phase': 'plan', 'local': local}})
    the_plan = planned['plan']
    assert the_plan['ops'] == [['upload', 'pkg/mod.py']] and the_plan['known'] == {'app.py': local['app.py']}
    assert the_plan['invalidate_first'] is True  # app.py was verified by download: record it before writing

    lease(api, the_plan['known'], owner='r2')  # the lease write records app.py (verified by download)
    api.expect('POST', BASE + '/pkg/mod.py', status=201)
    api.expect('POST', MANIFEST, status=200)
    applied = run_module(directory_sync, {'src': str(src), 'dest': DEST, '_controller': {
        'phase': 'apply', 'ops': the_plan['ops'], 'sources': {'pkg/mod.py': str(src / 'pkg' / 'mod.py')},
        'known': the_plan['known'], 'invalidate': True, 'final': True, 'run_id': 'r2',
        'fingerprint': the_plan['fingerprint'], 'lease_read': the_plan['lease_read']}})
    assert applied['batch']['uploaded'] == {'pkg/mod.py': local['pkg/mod.py']}
    assert applied['batch']['known'] == local


def test_without_lock_the_manifest_is_invalidated_without_a_lease_and_not_read_back(api, run_module, tmp_path):
    src = tree(tmp_path)
    api.expect('GET', MANIFEST, raw=manifest_bytes({'app.py': sha(b'old'), 'pkg/mod.py': sha(b'x = 1\n')}),
               headers=OCTET)
    api.expect('POST', MANIFEST, status=200)  # invalidated: app.py is about to change
    api.expect('POST', BASE + '/app.py', status=200)
    api.expect('POST', MANIFEST, status=200)
    result = run_module(directory_sync, {'src': str(src), 'dest': DEST, 'lock': False})
    assert result['changed'] is True and result['updated'] == ['app.py'] and result['requests'] == 4
    first = json.loads(api.calls[1]['streamed'].split(b'\r\n\r\n', 1)[1].rsplit(b'\r\n--', 1)[0])
    assert first['complete'] is False and first['files'] == {'pkg/mod.py': sha(b'x = 1\n')} and 'lease' not in first
    written = json.loads(api.calls[-1]['streamed'].split(b'\r\n\r\n', 1)[1].rsplit(b'\r\n--', 1)[0])
    assert written['complete'] and 'lease' not in written


def test_without_lock_the_batches_of_the_apply_phase_take_no_lease(api, run_module, tmp_path):
    src = tree(tmp_path)
    known = {'app.py': sha(b'print(1)\n')}
    common = {'known': known, 'run_id': 'r3', 'fingerprint': 'f', 'lease_read': 0.0}
    api.expect('POST', MANIFEST, status=200)  # the first batch invalidates the manifest
    api.expect('POST', BASE + '/pkg/mod.py', status=201)
    api.expect('POST', MANIFEST, status=200)  # checkpoint: incomplete
    first = run_module(directory_sync, {'src': str(src), 'dest': DEST, 'lock': False, '_controller': dict(
        common, phase='apply', ops=[['upload', 'pkg/mod.py']], invalidate=True, final=False, first=True,
        sources={'pkg/mod.py': str(src / 'pkg' / 'mod.py')})})
    assert first['batch']['known'] == dict(known, **{'pkg/mod.py': sha(b'x = 1\n')})
    api.expect('POST', BASE + '/app.py', status=200)
    api.expect('POST', MANIFEST, status=200)  # final: complete, no adoption read of a lease before it
    second = run_module(directory_sync, {'src': str(src), 'dest': DEST, 'lock': False, '_controller': dict(
        common, phase='apply', ops=[['upload', 'app.py']], known=first['batch']['known'], invalidate=False,
        final=True, first=False, sources={'app.py': str(src / 'app.py')})})
    assert second['changed'] is True
    assert [call['method'] for call in api.calls] == ['POST'] * 5
    last = json.loads(api.calls[-1]['streamed'].split(b'\r\n\r\n', 1)[1].rsplit(b'\r\n--', 1)[0])
    assert last['complete'] and 'lease' not in last and set(last['files']) == {'app.py', 'pkg/mod.py'}


@pytest.mark.parametrize('check_mode', [True, False])
def test_a_missing_archive_console_fails_before_any_write_and_in_check_mode_too(api, run_module, tmp_path, check_mode):
    src = tree(tmp_path)
    api.expect('GET', MANIFEST, status=404, json={'detail': 'No such file or directory'})
    api.expect('GET', BASE, status=404, json={'detail': 'No such file or directory'})
    api.expect('GET', 'consoles/99/', status=404, json={'detail': 'Not found.'})
    result = run_module(directory_sync, {'src': str(src), 'dest': DEST, 'transfer': 'archive', 'archive_via': 'console',
                                         'archive_console_id': 99}, check_mode=check_mode)
    assert result['failed'] and 'archive_console_id 99: there is no such console' in result['msg']
    assert not api.writes


def test_the_console_is_not_read_when_the_run_goes_file_by_file(api, run_module, tmp_path):
    src = tree(tmp_path)
    api.expect('GET', MANIFEST, raw=manifest_bytes({'app.py': sha(b'old'), 'pkg/mod.py': sha(b'x = 1\n')}),
               headers=OCTET)
    result = run_module(directory_sync, {'src': str(src), 'dest': DEST, 'archive_console_id': 99}, check_mode=True)
    assert result['changed'] and result['transfer'] == 'files' and len(api.calls) == 1


def test_bad_input_fails_before_any_request(api, run_module, tmp_path):
    src = tree(tmp_path)
    for args, word in (({'dest': 'site'}, 'dest'),
                       ({'dest': '/home/alice', 'delete': True}, 'delete=true is refused'),
                       ({'dest': DEST, 'exclude': ['/']}, 'exclude'),
                       ({'dest': DEST, 'batch_size': 0}, 'batch_size'),
                       ({'dest': DEST, 'ignore_file': 'missing.ignore'}, 'ignore_file'),
                       ({'dest': DEST, 'archive_via': 'console'}, 'archive_console_id'),
                       ({'dest': DEST, 'archive_console_id': 0}, 'archive_console_id must be a positive')):
        result = run_module(directory_sync, dict(args, src=str(src)))
        assert result['failed'] and word in result['msg'], result['msg']
    assert api.calls == []


def test_ignore_file_patterns_apply(api, run_module, tmp_path):
    src = tree(tmp_path)
    (src / '.deployignore').write_text('# local only\npkg/\n')
    api.expect('GET', MANIFEST, status=404, json={'detail': 'missing'})
    api.expect('GET', BASE, status=404, json={'detail': 'missing'})
    result = run_module(directory_sync, {'src': str(src), 'dest': DEST, 'ignore_file': '.deployignore'},
                        check_mode=True)
    assert result['added'] == ['.deployignore', 'app.py']
