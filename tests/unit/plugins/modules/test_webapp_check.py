# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _client, _site_check
from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import webapp_check

DOMAIN = 'alice.pythonanywhere.com'
ERROR_LOG = '/api/v0/user/alice/files/path/var/log/%s.error.log' % DOMAIN
SERVER_LOG = '/api/v0/user/alice/files/path/var/log/%s.server.log' % DOMAIN
TRACEBACK = (
    "2026-01-20 10:58:33,970: Error running WSGI application\n"
    "2026-01-20 10:58:33,971: Traceback (most recent call last):\n"
    "2026-01-20 10:58:33,971: ModuleNotFoundError: No module named 'missing_module'\n"
).encode()


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    """Retries wait on a fake clock."""
    now = [1000.0]
    monkeypatch.setattr(_site_check.time, 'time', lambda: now[0])
    monkeypatch.setattr(_site_check.time, 'sleep', lambda seconds: now.__setitem__(0, now[0] + seconds))
    return now


def site_calls(api):
    return [c for c in api.calls if not c['path'].startswith('/api/')]


def test_answers_at_once(api, run_module):
    api.expect('GET', '/', raw=b'Hello from the app', headers={'Content-Type': 'text/plain'})
    result = run_module(webapp_check, {'contains': 'Hello'})
    assert result['changed'] is False and result['probed'] is True
    assert result['status'] == 200 and result['body'] == 'Hello from the app' and result['attempts'] == 1
    assert result['url'] == 'https://%s/' % DOMAIN
    call = api.calls[0]
    assert call['kwargs']['headers']['User-Agent'].startswith('ansible-collection-pythonanywhere/')
    assert 'Authorization' not in call['kwargs']['headers']  # the API token never goes to the site
    assert call['kwargs']['allow_redirects'] is False and call['kwargs']['timeout'] == 10.0


def test_retries_until_the_expected_answer(api, run_module, no_sleep):
    api.expect('GET', '/health/', status=502, raw=b'Bad Gateway')
    api.expect('GET', '/health/', status=200, raw=b'starting')
    api.expect('GET', '/health/', status=200, raw=b'ok')
    result = run_module(webapp_check, {'url': '/health/', 'contains': 'ok', 'delay': 3, 'timeout': 30})
    assert result['status'] == 200 and result['attempts'] == 3 and result['elapsed'] == 6.0


def test_a_failure_shows_status_body_and_log_tails(api, run_module):
    api.expect('GET', '/', status=500, raw=b'<h1>Something went wrong :-(</h1>')
    api.expect('GET', ERROR_LOG, raw=TRACEBACK, headers={'Content-Type': 'application/octet-stream'})
    api.expect('GET', SERVER_LOG, raw=b'one\ntwo\nthree\n', headers={'Content-Type': 'application/octet-stream'})
    result = run_module(webapp_check, {'timeout': 0, 'log_lines': 2})
    assert result['failed'] is True and result['status'] == 500
    msg = result['msg']
    assert msg.startswith('https://%s/ did not answer 200 within 0 s (1 attempt); last answer: HTTP 500' % DOMAIN)
    assert 'body starts: <h1>Something went wrong :-(</h1>' in msg
    assert "ModuleNotFoundError: No module named 'missing_module'" in msg
    assert 'Error running WSGI application' not in msg  # only the last 2 lines
    assert 'last lines of /var/log/%s.server.log:\ntwo\nthree' % DOMAIN in msg
    assert result['logs']['server'] == ['two', 'three']


def test_missing_logs_and_connection_errors(api, run_module):
    api.expect('GET', '/', error=_client.requests.ConnectionError('refused'))
    api.expect('GET', ERROR_LOG, status=404, json={'detail': 'No such file or directory'})
    api.expect('GET', SERVER_LOG, status=404, json={'detail': 'No such file or directory'})
    result = run_module(webapp_check, {'timeout': 0})
    assert result['failed'] is True and 'last answer: no answer (ConnectionError: refused)' in result['msg']
    assert 'status' not in result and result['logs'] == {'error': [], 'server': []}
    assert '(empty)' in result['msg']


def test_connect_url_sends_host_and_scheme(api, run_module):
    api.expect('GET', '/static/app.css', raw=b'body {}')
    result = run_module(webapp_check, {'domain_name': 'www.example.com', 'url': '/static/app.css',
                                       'connect_url': 'http://127.0.0.1:8766', 'log_lines': 0})
    call = site_calls(api)[0]
    assert call['kwargs']['headers']['Host'] == 'www.example.com'
    assert call['kwargs']['headers']['X-Forwarded-Proto'] == 'https'
    assert result['url'] == 'https://www.example.com/static/app.css'


def test_redirect_status_and_basic_auth(api, run_module):
    api.expect('GET', '/', status=301, headers={'Location': 'https://%s/' % DOMAIN})
    result = run_module(webapp_check, {'url': 'http://%s/' % DOMAIN, 'status_code': [301], 'url_username': 'ann',
                                       'url_password': 's3cret', 'log_lines': 0})
    assert result['status'] == 301 and result['headers']['Location'] == 'https://%s/' % DOMAIN
    assert api.calls[0]['kwargs']['auth'] == ('ann', 's3cret')
    assert 's3cret' not in str({k: v for k, v in result.items() if k != 'invocation'})


def test_check_mode_requests_nothing(api, run_module):
    result = run_module(webapp_check, {'contains': 'x'}, check_mode=True)
    assert result['changed'] is False and result['probed'] is False and not api.calls


@pytest.mark.parametrize('args,message', [
    ({'status_code': [700]}, 'status_code must hold HTTP statuses'),
    ({'status_code': []}, 'status_code must not be empty'),
    ({'timeout': -1}, 'timeout must not be negative'),
    ({'request_timeout': 0}, 'request_timeout must be greater than 0'),
    ({'url': 'ftp://x/'}, 'url must be an http(s) URL'),
    ({'connect_url': 'http://127.0.0.1:8766/x'}, 'connect_url must be a base URL'),
    ({'url_password': 'hunter22'}, 'url_password needs url_username'),
    ({'log_lines': -2}, 'log_lines must not be negative'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(webapp_check, args)
    assert result['failed'] is True and message in result['msg'] and not api.calls


def test_logs_need_the_api_connection(api, run_module):
    result = run_module(webapp_check, {'domain_name': DOMAIN}, connection=False)
    assert result['failed'] is True and 'api_token is required' in result['msg'] and not api.calls
