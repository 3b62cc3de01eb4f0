# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import io

import pytest
import requests

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import (
    Pacer,
    PythonAnywhereClient,
    PythonAnywhereError,
    api_message,
    base_url_from_host,
    default_domain,
)
from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import TOKEN, ScriptedSession


class FakeClock:
    """time.time and time.sleep that only move when slept."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def make_client(session, clock, tmp_path, **kwargs):
    options = dict(username='alice', api_token=TOKEN, api_host='https://www.pythonanywhere.com', rate_limit=0,
                   session=session, sleep=clock.sleep, clock=clock.time, pacing_state_dir=str(tmp_path))
    options.update(kwargs)
    return PythonAnywhereClient(**options)


def test_url_scheme_v0_v1_and_trailing_slashes(clock, tmp_path):
    client = make_client(ScriptedSession(), clock, tmp_path)
    assert client.path_for('webapps/{domain}/', domain='a.b.com') == '/api/v0/user/alice/webapps/a.b.com/'
    assert client.path_for('websites/{domain}/reload/', domain='x.com') == '/api/v1/user/alice/websites/x.com/reload/'
    assert client.path_for('domains/{domain}/ssl/', domain='x.com') == '/api/v1/user/alice/domains/x.com/ssl/'
    assert client.path_for('files/path{path}', path='/home/alice/a b.txt') == '/api/v0/user/alice/files/path/home/alice/a%20b.txt'


@pytest.mark.parametrize('host, url', [
    (None, 'https://www.pythonanywhere.com'),
    ('eu', 'https://eu.pythonanywhere.com'),
    ('www.pythonanywhere.com', 'https://www.pythonanywhere.com'),
    ('http://127.0.0.1:8765/', 'http://127.0.0.1:8765'),
])
def test_base_url(host, url):
    assert base_url_from_host(host) == url


def test_bad_base_url():
    with pytest.raises(ValueError, match='api_host'):
        base_url_from_host('ftp://example.com')


def test_default_domain():
    assert default_domain('Alice', 'www') == 'alice.pythonanywhere.com'
    assert default_domain('alice', 'eu.pythonanywhere.com') == 'alice.eu.pythonanywhere.com'
    assert default_domain('alice', 'http://127.0.0.1:9') == 'alice.pythonanywhere.com'


def test_auth_header_user_agent_and_timeout(clock, tmp_path):
    session = ScriptedSession().expect('GET', 'cpu/', json={'daily_cpu_limit_seconds': 100})
    client = make_client(session, clock, tmp_path, timeout=7)
    assert client.get_json('cpu/') == {'daily_cpu_limit_seconds': 100}
    call = session.calls[0]
    assert call['headers']['Authorization'] == 'Token ' + TOKEN
    assert call['headers']['User-Agent'].startswith('ansible-collection-pythonanywhere/')
    assert call['kwargs']['timeout'] == 7.0


def test_429_honours_retry_after_for_post(clock, tmp_path):
    session = ScriptedSession()
    session.expect('POST', 'schedule/', status=429, headers={'Retry-After': '7'},
                   json={'detail': 'Request was throttled. Expected available in 7 seconds.'})
    session.expect('POST', 'schedule/', status=201, json={'id': 1})
    client = make_client(session, clock, tmp_path)
    assert client.post('schedule/', json_body={'command': 'x'}).json == {'id': 1}
    assert clock.sleeps == [7.0]


def test_429_without_retry_after_backs_off_exponentially_with_jitter(clock, tmp_path):
    session = ScriptedSession()
    for dummy in range(3):
        session.expect('GET', 'webapps/', status=429, json={'detail': 'Request was throttled.'})
    session.expect('GET', 'webapps/', json=[])
    client = make_client(session, clock, tmp_path)
    assert client.get_json('webapps/') == []
    assert len(clock.sleeps) == 3
    for attempt, slept in enumerate(clock.sleeps, start=1):
        step = 2 ** (attempt - 1)
        assert step / 2 <= slept <= step


def test_429_gives_up_after_retries_with_attempts_and_wait_in_message(clock, tmp_path):
    session = ScriptedSession()
    for dummy in range(3):
        session.expect('GET', 'webapps/', status=429, headers={'Retry-After': '2'}, json={'detail': 'Request was throttled.'})
    client = make_client(session, clock, tmp_path, retries=2)
    with pytest.raises(PythonAnywhereError) as error:
        client.get('webapps/')
    message = str(error.value)
    assert 'GET /api/v0/user/alice/webapps/ failed: HTTP 429' in message
    assert '3 attempts' in message and '4.0 s waited' in message
    assert error.value.status == 429


def test_retry_budget_is_respected(clock, tmp_path):
    session = ScriptedSession().expect('GET', 'webapps/', status=429, headers={'Retry-After': '600'}, json={})
    client = make_client(session, clock, tmp_path, retry_budget=60)
    with pytest.raises(PythonAnywhereError, match='HTTP 429'):
        client.get('webapps/')
    assert clock.sleeps == []


def test_5xx_is_retried_for_get(clock, tmp_path):
    session = ScriptedSession().expect('GET', 'webapps/', status=502, raw=b'<html>Bad gateway</html>')
    session.expect('GET', 'webapps/', json=[])
    assert make_client(session, clock, tmp_path).get_json('webapps/') == []


def test_5xx_is_never_retried_for_post(clock, tmp_path):
    session = ScriptedSession().expect('POST', 'webapps/', status=503, raw=b'<html><body>Service unavailable</body></html>')
    with pytest.raises(PythonAnywhereError) as error:
        make_client(session, clock, tmp_path).post('webapps/', form={'domain_name': 'x'})
    assert 'HTTP 503' in str(error.value) and 'Service unavailable' in str(error.value)
    assert '<' not in str(error.value)
    assert len(session.calls) == 1


def test_connection_error_on_post_is_not_retried_and_says_why(clock, tmp_path):
    session = ScriptedSession().expect('POST', 'webapps/', error=requests.ConnectionError('connection reset'))
    with pytest.raises(PythonAnywhereError) as error:
        make_client(session, clock, tmp_path).post('webapps/')
    assert 'ConnectionError' in str(error.value) and 'may have been applied' in str(error.value)


def test_idempotent_post_is_retried_after_a_dropped_connection(clock, tmp_path):
    session = ScriptedSession().expect('POST', 'files/path/home/alice/a', error=requests.ConnectionError('dropped'))
    session.expect('POST', 'files/path/home/alice/a', status=200)
    bodies = []

    def body():
        bodies.append(1)
        return io.BytesIO(b'data'), 'multipart/form-data; boundary=x'

    make_client(session, clock, tmp_path).post('files/path{path}', params={'path': '/home/alice/a'}, body_factory=body, idempotent=True)
    assert len(bodies) == 2  # the body is made anew for each attempt


def test_timeout_becomes_a_clean_error(clock, tmp_path):
    session = ScriptedSession()
    for dummy in range(2):
        session.expect('GET', 'cpu/', error=requests.Timeout('read timed out'))
    with pytest.raises(PythonAnywhereError) as error:
        make_client(session, clock, tmp_path, retries=1).get('cpu/')
    assert 'Timeout' in str(error.value) and '2 attempts' in str(error.value)


def test_token_never_in_error_messages(clock, tmp_path):
    session = ScriptedSession().expect('GET', 'cpu/', status=401, json={'detail': 'Invalid token %s.' % TOKEN})
    session.expect('GET', 'cpu/', error=requests.ConnectionError('Authorization: Token %s' % TOKEN))
    client = make_client(session, clock, tmp_path, retries=0)
    for dummy in range(2):
        with pytest.raises(PythonAnywhereError) as error:
            client.get('cpu/')
        assert TOKEN not in str(error.value)


def test_legacy_error_inside_200_is_an_error(clock, tmp_path):
    session = ScriptedSession().expect('POST', 'webapps/', json={'status': 'ERROR', 'error_type': 'quota', 'error_message': 'no more'})
    with pytest.raises(PythonAnywhereError, match='no more'):
        make_client(session, clock, tmp_path).post('webapps/')


@pytest.mark.parametrize('body, expected', [
    ({'detail': 'Not found.'}, 'Not found.'),
    ({'message': 'File does not exist', 'code': 'not_found'}, 'File does not exist (not_found)'),
    ({'status': 'error', 'error': 'cname_error'}, 'cname_error'),
    ({'error_message': 'You cannot create any more webapps'}, 'You cannot create any more webapps'),
    ({'non_field_errors': ['Hourly tasks must not have an hour.']}, 'Hourly tasks must not have an hour.'),
    ({'interval': ['This field is required.'], 'minute': ['This field is required.']},
     'interval: This field is required.; minute: This field is required.'),
    ({'error': 'Console not yet started.'}, 'Console not yet started.'),
    ('<html><h1>Server Error (500)</h1></html>', 'Server Error (500)'),
    (['a', 'b'], 'a; b'),
])
def test_every_error_shape(body, expected):
    assert api_message(body) == expected


def test_pacer_keeps_each_endpoint_under_the_limit(clock, tmp_path):
    pacer = Pacer(3, 60, 'key', state_dir=str(tmp_path), clock=clock.time, sleep=clock.sleep)
    sent = []
    for dummy in range(7):
        token = pacer.acquire('files/path{path}')
        sent.append(clock.now)
        pacer.release('files/path{path}', token)
    other = pacer.acquire('webapps/')  # another endpoint has its own window
    pacer.release('webapps/', other)
    for index in range(3, 7):
        assert sent[index] - sent[index - 3] >= 60
    assert sent[:3] == [1000.0] * 3
    assert clock.now - sent[-1] == 0


def test_pacer_window_is_shared_between_processes(clock, tmp_path):
    first = Pacer(2, 10, 'same-account', state_dir=str(tmp_path), clock=clock.time, sleep=clock.sleep)
    second = Pacer(2, 10, 'same-account', state_dir=str(tmp_path), clock=clock.time, sleep=clock.sleep)
    for pacer in (first, first, second):
        pacer.release('schedule/', pacer.acquire('schedule/'))
    assert clock.now >= 1010.0


def test_pacing_is_applied_by_the_client(clock, tmp_path):
    session = ScriptedSession()
    for dummy in range(3):
        session.expect('GET', 'webapps/', json=[])
    client = make_client(session, clock, tmp_path, rate_limit=2, rate_limit_period=5)
    for dummy in range(3):
        client.get('webapps/')
    assert clock.now >= 1005.0
