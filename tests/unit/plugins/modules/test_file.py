# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import json
import tracemalloc

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import REDACTED, PythonAnywhereClient
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import RemoteFiles
from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import file as file_module
from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import file_info, file_share
from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import TOKEN, FakeResponse

PATH = '/home/alice/site/settings.py'
ITEM = 'files/path' + PATH
PARENT = 'files/path/home/alice/site'
OCTET = {'Content-Type': 'application/octet-stream'}


def listing(**entries):
    return dict((name, {'type': kind, 'url': 'https://www.pythonanywhere.com/api/v0/user/alice/files/path/x/' + name})
                for name, kind in entries.items())


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_upload_of_new_content_is_multipart_streamed_and_shown_in_the_diff(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'No such file or directory: %s' % PATH})
    api.expect('POST', ITEM, status=201)
    result = run_module(file_module, {'path': PATH, 'content': 'DEBUG = False\n'}, diff=True)
    assert result['changed'] is True
    assert result['sha256'] == sha(b'DEBUG = False\n') and result['size'] == 14
    post = api.calls[1]
    assert post['kwargs']['headers']['Content-Type'].startswith('multipart/form-data; boundary=')
    body = post['streamed']
    assert b'name="content"; filename="settings.py"' in body and b'DEBUG = False\n' in body
    # As ansible.builtin.copy: the diff shows the text, so that a generated file can be reviewed.
    assert result['diff']['before'] == ''
    assert result['diff']['after'] == 'DEBUG = False\n'


def test_changed_content_diff_shows_old_and_new_text(api, run_module):
    api.expect('GET', ITEM, raw=b'DEBUG = True\n', headers={'Content-Type': 'application/octet-stream'})
    result = run_module(file_module, {'path': PATH, 'content': 'DEBUG = False\n'}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['diff']['before'] == 'DEBUG = True\n' and result['diff']['after'] == 'DEBUG = False\n'
    assert not api.writes


@pytest.mark.parametrize('secret_args', [{'secret': True}, {'_ansible_no_log': True}], ids=['secret', 'no_log'])
def test_secret_content_is_masked_on_both_sides_and_kept_out_of_the_result(api, run_module, secret_args):
    old, new = b'SECRET_KEY=old-secret-value\n', 'SECRET_KEY=new-secret-value\n'
    api.expect('GET', ITEM, raw=old, headers={'Content-Type': 'application/octet-stream'})
    api.expect('POST', ITEM, status=200)
    args = {'path': PATH, 'content': new}
    args.update(secret_args)
    result = run_module(file_module, args, diff=True)
    assert result['changed'] is True
    assert result['diff']['before'] == '%s (old content, %d bytes)\n' % (REDACTED, len(old))
    assert result['diff']['after'] == '%s (new content, %d bytes)\n' % (REDACTED, len(new))
    dumped = json.dumps(result)
    assert 'old-secret-value' not in dumped and 'new-secret-value' not in dumped
    assert 'sha256' not in result
    assert api.calls[1]['streamed'].count(b'new-secret-value') == 1


def test_same_content_sends_one_get_and_no_write(api, run_module):
    api.expect('GET', ITEM, raw=b'x = 1\n', headers=OCTET)
    result = run_module(file_module, {'path': PATH, 'content': 'x = 1\n'})
    assert result['changed'] is False and result['sha256'] == sha(b'x = 1\n')
    assert len(api.calls) == 1


def test_changed_text_in_check_mode_shows_a_text_diff_and_writes_nothing(api, run_module, tmp_path):
    src = tmp_path / 'settings.py'
    src.write_bytes(b'x = 2\n')
    api.expect('GET', ITEM, raw=b'x = 1\n', headers=OCTET)
    result = run_module(file_module, {'path': PATH, 'src': str(src)}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['diff']['before'] == 'x = 1\n' and result['diff']['after'] == 'x = 2\n'
    assert not api.writes


def test_binary_or_large_files_diff_as_size_and_sha256(api, run_module, tmp_path):
    src = tmp_path / 'logo.png'
    src.write_bytes(b'\x89PNG\x00' * 10)
    api.expect('GET', ITEM, raw=b'old' * 30000, headers=OCTET)
    result = run_module(file_module, {'path': PATH, 'src': str(src)}, check_mode=True, diff=True)
    assert result['diff']['before'] == 'remote: 90000 bytes, sha256 %s\n' % sha(b'old' * 30000)
    assert result['diff']['after'].endswith('50 bytes, sha256 %s\n' % sha(b'\x89PNG\x00' * 10))


def test_an_upload_retried_after_429_gets_a_fresh_body(api, run_module, tmp_path):
    src = tmp_path / 'big.bin'
    src.write_bytes(b'z' * 300000)
    api.expect('GET', ITEM, status=404, json={'detail': 'missing'})
    api.expect('POST', ITEM, status=429, json={'detail': 'Request was throttled.'}, headers={'Retry-After': '0'})
    api.expect('POST', ITEM, status=200)
    result = run_module(file_module, {'path': PATH, 'src': str(src)})
    assert result['changed'] is True and result['sha256'] == sha(b'z' * 300000)
    first, second = api.calls[1], api.calls[2]
    assert first['data'] is not second['data']
    assert first['streamed'].count(b'z') == second['streamed'].count(b'z') == 300000


def test_a_folder_at_path_is_refused(api, run_module):
    api.expect('GET', ITEM, json=listing(a='file'))
    result = run_module(file_module, {'path': PATH, 'content': 'x'})
    assert result['failed'] and 'folder' in result['msg']
    assert not api.writes


def test_force_false_leaves_an_existing_file_without_downloading_it(api, run_module):
    api.expect('GET', PARENT, json=listing(**{'settings.py': 'file'}))
    result = run_module(file_module, {'path': PATH, 'content': 'x', 'force': False})
    assert result['changed'] is False and len(api.calls) == 1


def test_absent_deletes_a_file_found_in_the_parent_listing(api, run_module):
    api.expect('GET', PARENT, json=listing(**{'settings.py': 'file'}))
    api.expect('DELETE', ITEM, status=204)
    result = run_module(file_module, {'path': PATH, 'state': 'absent'}, diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'path': PATH, 'state': 'file'}, 'after': {'path': PATH, 'state': 'absent'}}


def test_absent_refuses_a_folder_unless_recurse(api, run_module):
    api.expect('GET', PARENT, json=listing(**{'settings.py': 'directory'}))
    result = run_module(file_module, {'path': PATH, 'state': 'absent'})
    assert result['failed'] and 'recurse=true' in result['msg']
    api.expect('GET', PARENT, json=listing(**{'settings.py': 'directory'}))
    api.expect('DELETE', ITEM, status=204)
    assert run_module(file_module, {'path': PATH, 'state': 'absent', 'recurse': True})['changed'] is True


def test_absent_when_missing_is_not_changed(api, run_module):
    api.expect('GET', PARENT, status=404, json={'detail': 'No such file or directory: /home/alice/site'})
    result = run_module(file_module, {'path': PATH, 'state': 'absent'})
    assert result['changed'] is False and not api.writes


def test_bad_input_fails_before_any_request(api, run_module):
    for args, word in (({'path': 'relative.txt', 'content': 'some text'}, 'path'),
                       ({'path': '/home/alice/../etc', 'content': 'some text'}, 'path'),
                       ({'path': PATH}, 'src'),
                       ({'path': PATH, 'src': '/nonexistent/file', 'content': 'some text'}, 'mutually exclusive')):
        result = run_module(file_module, args)
        assert result['failed'] and word in result['msg'], result['msg']
    assert api.calls == []


def test_streaming_keeps_memory_flat(tmp_path):
    """A 16 MiB upload, read by the session in 8 KiB blocks as http.client does, allocates far less than 16 MiB."""
    src = tmp_path / 'big.bin'
    with open(src, 'wb') as stream:
        for _megabyte in range(16):
            stream.write(b'\x01' * (1024 * 1024))

    class BlockSession:
        headers = {}

        def request(self, method, url, **kwargs):
            body = kwargs['data']
            announced = body.len  # what requests sends as Content-Length
            total = 0
            for block in iter(lambda: body.read(8192), b''):
                total += len(block)
            assert total > 16 * 1024 * 1024 and total == announced
            return FakeResponse(201)

    client = PythonAnywhereClient('alice', TOKEN, api_host='https://www.pythonanywhere.com', rate_limit=0,
                                  session=BlockSession())
    tracemalloc.start()
    try:
        digest = RemoteFiles(client).upload(PATH, source=str(src))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest == sha(b'\x01' * (16 * 1024 * 1024))
    assert peak < 2 * 1024 * 1024, 'peak %d bytes' % peak


def test_download_hashing_keeps_only_a_head(api):
    api.expect('GET', ITEM, raw=b'a' * (3 * 1024 * 1024), headers=OCTET)
    client = PythonAnywhereClient('alice', TOKEN, api_host='https://www.pythonanywhere.com', rate_limit=0)
    found = RemoteFiles(client).read(PATH)
    assert found.kind == 'file' and found.size == 3 * 1024 * 1024 and found.sha256 == sha(b'a' * (3 * 1024 * 1024))
    assert len(found.head) == 64 * 1024 and found.content is None


# --- file_info --------------------------------------------------------------------------------------
def test_info_returns_text_content(api, run_module):
    api.expect('GET', ITEM, raw=b'print("hi")\n', headers=OCTET)
    result = run_module(file_info, {'path': PATH})
    assert result['exists'] and result['type'] == 'file' and result['content'] == 'print("hi")\n'
    assert result['encoding'] == 'utf-8' and result['size'] == 12


def test_info_returns_binary_as_base64(api, run_module):
    api.expect('GET', ITEM, raw=b'\x00\xff\x10', headers=OCTET)
    result = run_module(file_info, {'path': PATH})
    assert result['encoding'] == 'base64' and result['content'] == 'AP8Q'


def test_info_refuses_content_above_max_content_size(api, run_module):
    api.expect('GET', ITEM, raw=b'x' * 100, headers=OCTET)
    result = run_module(file_info, {'path': PATH, 'max_content_size': 10})
    assert result['failed'] and 'max_content_size' in result['msg']
    api.expect('GET', ITEM, raw=b'x' * 100, headers=OCTET)
    result = run_module(file_info, {'path': PATH, 'return_content': False, 'max_content_size': 10})
    assert result['size'] == 100 and 'content' not in result


def test_info_missing(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'No such file or directory'})
    result = run_module(file_info, {'path': PATH})
    assert result['exists'] is False and result['changed'] is False and result['requests'] == 1


def test_info_walks_folders_past_any_cap_with_patterns_and_skips(api, run_module):
    root = 'files/path/home/alice/site'
    many = dict(('m%04d.py' % i, 'file') for i in range(1200))
    api.expect('GET', root, json=listing(**{'app': 'directory', '.git': 'directory', 'README.md': 'file',
                                            '.env': 'file', 'run.py': 'file'}))
    api.expect('GET', root + '/app', json=dict(listing(**many), **listing(__pycache__='directory', static='directory')))
    api.expect('GET', root + '/app/static', json=listing(**{'x.css': 'file', 'y.py': 'file'}))
    result = run_module(file_info, {'path': '/home/alice/site', 'recurse': True, 'patterns': ['*.py'],
                                    'excludes': ['.git/', '__pycache__/']})
    paths = [item['relative'] for item in result['files']]
    assert len(paths) == 1202 and paths[0] == 'app/m0000.py' and 'app/static/y.py' in paths and 'run.py' in paths
    assert result['requests'] == 3  # .git and __pycache__ never listed
    assert result['files'][0]['path'] == '/home/alice/site/app/m0000.py'


def test_info_lists_one_level_with_hidden_off_and_folders(api, run_module):
    api.expect('GET', 'files/path/home/alice', json=listing(**{'.bashrc': 'file', 'site': 'directory', 'a.txt': 'file'}))
    result = run_module(file_info, {'path': '/home/alice', 'hidden': False, 'file_type': 'any'})
    assert [(i['relative'], i['type']) for i in result['files']] == [('a.txt', 'file'), ('site', 'directory')]


# --- file_share -------------------------------------------------------------------------------------
SHARE = '/user/alice/shares/abc123/'


def test_share_creates_once_and_returns_the_full_link(api, run_module):
    api.expect('GET', 'files/sharing/', status=404, json={'detail': 'Not found.'}, query={'path': PATH})
    api.expect('POST', 'files/sharing/', status=201, json={'url': SHARE}, body={'path': PATH})
    result = run_module(file_share, {'path': PATH})
    assert result['changed'] and result['url'] == 'https://www.pythonanywhere.com' + SHARE
    api.expect('GET', 'files/sharing/', json={'url': SHARE})
    again = run_module(file_share, {'path': PATH})
    assert again['changed'] is False and again['share_path'] == SHARE
    assert len(api.writes) == 1


def test_share_check_mode_and_unshare(api, run_module):
    api.expect('GET', 'files/sharing/', status=404, json={'detail': 'Not found.'})
    result = run_module(file_share, {'path': PATH}, check_mode=True)
    assert result['changed'] and result['url'] is None and not api.writes
    api.expect('GET', 'files/sharing/', json={'url': SHARE})
    api.expect('DELETE', 'files/sharing/', status=204, query={'path': PATH})
    result = run_module(file_share, {'path': PATH, 'state': 'absent'}, diff=True)
    assert result['changed'] and result['diff']['after']['shared'] is False
    assert TOKEN not in json.dumps(result)
