# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import email.utils
import errno
import http.server
import io
import json
import multiprocessing
import os
import re
import socket
import stat
import threading

import pytest
import requests

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _client
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import (
    Pacer,
    PythonAnywhereClient,
    PythonAnywhereError,
    api_message,
    base_url_from_host,
    default_domain,
    normalize_domain,
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


# --- pacing across processes (issue 12, defect 1) -------------------------------------------------------------
def test_the_window_is_on_disk_whenever_the_lock_is_released(tmp_path, monkeypatch):
    """Another process takes the lock the moment it is released: the file must hold the window by then."""
    real_flock = _client.fcntl.flock
    seen_at_unlock = []

    def flock(handle, operation):
        if operation == _client.fcntl.LOCK_UN:
            with open(pacer.path) as stream:  # what a second process would read now
                seen_at_unlock.append(stream.read())
        return real_flock(handle, operation)

    pacer = Pacer(5, 60, 'account', state_dir=str(tmp_path / 'pacing'))
    monkeypatch.setattr(_client.fcntl, 'flock', flock)
    pacer.release('webapps/', pacer.acquire('webapps/'))
    assert len(seen_at_unlock) == 2
    for text in seen_at_unlock:
        assert len(json.loads(text)['webapps/']) == 1


class WindowFull(Exception):
    pass


def _take_slots(state_dir, attempts, queue):
    """In a child process: take slots of a shared window until it is full; report how many were taken."""
    def full(seconds):
        raise WindowFull()

    pacer = Pacer(10, 3600, 'one-account', state_dir=state_dir, sleep=full)
    taken = 0
    for dummy in range(attempts):
        try:
            pacer.release('files/path{path}', pacer.acquire('files/path{path}'))
            taken += 1
        except WindowFull:
            pass
    queue.put(taken)


def test_processes_sharing_a_window_never_take_more_than_the_limit(tmp_path):
    context = multiprocessing.get_context('fork')
    queue = context.Queue()
    for dummy in range(3):  # a race: several rounds make a lost update all but certain to show
        state_dir = str(tmp_path / ('round%d' % dummy))
        children = [context.Process(target=_take_slots, args=(state_dir, 25, queue)) for _child in range(6)]
        for child in children:
            child.start()
        for child in children:
            child.join(60)
        assert sum(queue.get(timeout=10) for _child in children) == 10


# --- the pacer's upper bound (issue 13) ------------------------------------------------------------------------
def _send_times(pacer, clock, count, endpoint='webapps/', latency=0.0):
    sent = []
    for dummy in range(count):
        token = pacer.acquire(endpoint)
        sent.append(clock.now)
        clock.now += latency
        pacer.release(endpoint, token)
    return sent


def _waits_longer_than_needed(sent, limit, period, latency):
    """Each request may go once the request ``limit`` places before it has been answered for ``period`` seconds."""
    return [index for index in range(limit, len(sent))
            if sent[index] > max(sent[index - 1] + latency, sent[index - limit] + latency + period) + 0.02]


@pytest.mark.parametrize('latency', [0.0, 2.5])
def test_pacer_waits_no_longer_than_the_window_needs(clock, tmp_path, latency):
    pacer = Pacer(3, 60, 'key', state_dir=str(tmp_path), clock=clock.time, sleep=clock.sleep)
    sent = _send_times(pacer, clock, 10, latency=latency)
    assert _waits_longer_than_needed(sent, 3, 60, latency) == []
    assert sent[:3] == [1000.0, 1000.0 + latency, 1000.0 + 2 * latency]


def test_a_pacer_that_never_releases_slots_fails_the_upper_bound(clock, tmp_path, monkeypatch):
    """The guard above must catch a pacer that keeps its slots in flight (each request then waits two periods)."""
    monkeypatch.setattr(Pacer, 'release', lambda self, endpoint, token: None)
    pacer = Pacer(3, 60, 'key', state_dir=str(tmp_path), clock=clock.time, sleep=clock.sleep)
    assert _waits_longer_than_needed(_send_times(pacer, clock, 10), 3, 60, 0.0) != []


# --- the pacing folder (issue 12, defect 2) -------------------------------------------------------------------
def test_default_pacing_folder_is_private_to_the_user(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    pacer = Pacer(5, 60, 'account')
    pacer.release('webapps/', pacer.acquire('webapps/'))
    folder = tmp_path / ('ansible-pythonanywhere-pacing-%d' % os.getuid())
    assert pacer.path == str(folder / os.path.basename(pacer.path))
    assert stat.S_IMODE(folder.lstat().st_mode) == 0o700
    assert stat.S_IMODE(os.lstat(pacer.path).st_mode) == 0o600


def _memory_only(pacer, warnings):
    pacer.release('webapps/', pacer.acquire('webapps/'))
    assert pacer.path is None
    assert len(warnings) == 1 and 'within this task only' in warnings[0]


def test_a_symlinked_pacing_folder_is_not_followed(tmp_path, clock):
    target = tmp_path / 'victim'
    target.mkdir(mode=0o700)
    (tmp_path / 'pacing').symlink_to(target)
    warnings = []
    pacer = Pacer(5, 60, 'account', state_dir=str(tmp_path / 'pacing'), clock=clock.time, sleep=clock.sleep,
                  warn=warnings.append)
    _memory_only(pacer, warnings)
    assert 'symbolic link' in warnings[0]
    assert list(target.iterdir()) == []


def test_a_pacing_folder_open_to_others_is_not_used(tmp_path, clock):
    folder = tmp_path / 'pacing'
    folder.mkdir()
    folder.chmod(0o777)
    warnings = []
    pacer = Pacer(5, 60, 'account', state_dir=str(folder), clock=clock.time, sleep=clock.sleep, warn=warnings.append)
    _memory_only(pacer, warnings)
    assert 'open to other users' in warnings[0]
    assert list(folder.iterdir()) == []


def test_a_pacing_folder_of_another_user_is_not_used(tmp_path, clock, monkeypatch):
    folder = tmp_path / 'pacing'
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(os, 'getuid', lambda: folder.stat().st_uid + 1)  # as if someone else had made it
    warnings = []
    pacer = Pacer(5, 60, 'account', state_dir=str(folder), clock=clock.time, sleep=clock.sleep, warn=warnings.append)
    _memory_only(pacer, warnings)
    assert 'belongs to user id' in warnings[0]


def test_a_symlinked_window_file_is_not_followed(tmp_path, clock):
    folder = tmp_path / 'pacing'
    folder.mkdir(mode=0o700)
    victim = tmp_path / 'victim.txt'
    victim.write_text('precious')
    warnings = []
    pacer = Pacer(5, 60, 'account', state_dir=str(folder), clock=clock.time, sleep=clock.sleep, warn=warnings.append)
    os.symlink(str(victim), pacer.path)
    _memory_only(pacer, warnings)
    assert victim.read_text() == 'precious'


def test_times_in_the_future_do_not_make_a_run_wait(tmp_path, clock):
    warnings = []
    pacer = Pacer(2, 60, 'account', state_dir=str(tmp_path), clock=clock.time, sleep=clock.sleep, warn=warnings.append)
    with open(pacer.path, 'w') as stream:
        json.dump({'webapps/': [[clock.now + 10 ** 9, None], [clock.now + 10 ** 9, None]]}, stream)
    pacer.release('webapps/', pacer.acquire('webapps/'))
    assert clock.sleeps == []
    assert any('in the future' in warning for warning in warnings)


def test_a_window_that_asks_for_more_than_the_budget_is_reset(tmp_path, clock):
    """Whatever keeps the window full (a forged file, a stuck process), one request waits at most the budget."""
    warnings = []

    def sleep(seconds):
        clock.sleep(seconds)
        assert clock.now < 1000 + 10 * 300, 'the pacer waits without end'
        with open(pacer.path, 'w') as stream:  # someone fills the window again at once
            json.dump({'webapps/': [[clock.now, None], [clock.now, None]]}, stream)

    pacer = Pacer(2, 10, 'account', state_dir=str(tmp_path), clock=clock.time, sleep=sleep, budget=300,
                  warn=warnings.append)
    with open(pacer.path, 'w') as stream:
        json.dump({'webapps/': [[clock.now, None], [clock.now, None]]}, stream)
    pacer.release('webapps/', pacer.acquire('webapps/'))
    assert 299 <= clock.now - 1000 <= 301
    assert any('was reset' in warning and '300 s' in warning for warning in warnings)


def test_a_torn_window_file_is_reset_with_a_warning(tmp_path, clock):
    warnings = []
    pacer = Pacer(2, 60, 'account', state_dir=str(tmp_path), clock=clock.time, sleep=clock.sleep, warn=warnings.append)
    with open(pacer.path, 'w') as stream:
        stream.write('{"webapps/": [[1000')
    pacer.release('webapps/', pacer.acquire('webapps/'))
    assert any('reset' in warning for warning in warnings)
    with open(pacer.path) as stream:
        assert len(json.load(stream)['webapps/']) == 1


# --- secrets at the edges (issue 12, defect 4) ---------------------------------------------------------------
@pytest.mark.parametrize('spelling', [TOKEN + '\n', '  ' + TOKEN + '\r\n', '\t' + TOKEN])
def test_a_token_with_surrounding_whitespace_is_stripped_and_redacted(clock, tmp_path, spelling):
    session = ScriptedSession().expect('GET', 'cpu/', status=401, json={'detail': 'Invalid token %r %s.' % (spelling, spelling)})
    session.expect('GET', 'cpu/', error=requests.exceptions.InvalidHeader(
        'Invalid leading whitespace in header value: %r' % ('Token ' + spelling)))
    client = make_client(session, clock, tmp_path, api_token=spelling, retries=0)
    for dummy in range(2):
        with pytest.raises(PythonAnywhereError) as error:
            client.get('cpu/')
        assert TOKEN not in str(error.value) and TOKEN[-8:] not in str(error.value)
        assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in str(error.value)
    assert session.calls[0]['headers']['Authorization'] == 'Token ' + TOKEN


def test_a_blank_token_is_refused(clock, tmp_path):
    with pytest.raises(PythonAnywhereError, match='api_token is required'):
        make_client(ScriptedSession(), clock, tmp_path, api_token=' \n')


# --- plain HTTP (issue 12, risks) ----------------------------------------------------------------------------
@pytest.mark.parametrize('host', ['http://example.com', 'http://192.168.1.10:8765', 'http://www.pythonanywhere.com/'])
def test_plain_http_off_this_machine_is_refused(host):
    with pytest.raises(ValueError, match='allow_plain_http'):
        base_url_from_host(host)
    assert base_url_from_host(host, allow_plain_http=True) == host.rstrip('/')


@pytest.mark.parametrize('host', ['http://localhost:8765', 'http://127.0.0.1', 'http://127.1.2.3:9', 'http://[::1]:80'])
def test_plain_http_on_this_machine_is_allowed(host):
    assert base_url_from_host(host) == host


# --- 429s and Retry-After (issue 11, issue 12) ---------------------------------------------------------------
def test_a_retry_after_longer_than_the_budget_fails_at_once_saying_what_to_set(clock, tmp_path):
    session = ScriptedSession().expect('GET', 'webapps/', status=429, headers={'Retry-After': '900'},
                                       json={'detail': 'Request was throttled. Expected available in 900 seconds.'})
    with pytest.raises(PythonAnywhereError) as error:
        make_client(session, clock, tmp_path, retry_budget=300).get('webapps/')
    message = str(error.value)
    assert 'Retry-After' in message and '900 s' in message and 'api_retry_budget' in message and '300 s' in message
    assert clock.sleeps == [] and len(session.calls) == 1


@pytest.mark.parametrize('body', [{'detail': 'Console limit reached.'}, None])
def test_a_429_that_is_not_throttling_fails_at_once(clock, tmp_path, body):
    session = ScriptedSession().expect('POST', 'consoles/', status=429, json=body,
                                       raw=None if body else b'Console limit reached.')
    with pytest.raises(PythonAnywhereError) as error:
        make_client(session, clock, tmp_path).post('consoles/', json_body={'executable': 'bash'})
    assert 'Console limit reached.' in str(error.value) and 'not throttling' in str(error.value)
    assert '1 attempt,' in str(error.value)
    assert len(session.calls) == 1 and clock.sleeps == []


def test_retry_after_as_a_date_uses_the_injected_clock(clock, tmp_path):
    when = email.utils.formatdate(clock.now + 7, usegmt=True)
    session = ScriptedSession().expect('GET', 'webapps/', status=429, headers={'Retry-After': when}, json={})
    session.expect('GET', 'webapps/', json=[])
    assert make_client(session, clock, tmp_path).get_json('webapps/') == []
    assert clock.sleeps == [7.0]


# --- connection mistakes fail fast with a hint (issue 11) ----------------------------------------------------
def _free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_a_port_where_nothing_listens_fails_at_once(clock, tmp_path):
    port = _free_port()
    client = make_client(None, clock, tmp_path, api_host='http://127.0.0.1:%d' % port)
    with pytest.raises(PythonAnywhereError) as error:
        client.get('cpu/')
    assert 'nothing accepts connections at 127.0.0.1:%d' % port in str(error.value)
    assert 'api_host' in str(error.value) and '1 attempt,' in str(error.value)
    assert clock.sleeps == []


@pytest.fixture
def plain_http_server():
    server = http.server.HTTPServer(('127.0.0.1', 0), http.server.BaseHTTPRequestHandler)
    server.RequestHandlerClass.log_message = lambda *args: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_tls_to_a_plain_http_port_fails_at_once_with_the_fix(clock, tmp_path, plain_http_server):
    client = make_client(None, clock, tmp_path, api_host='127.0.0.1:%d' % plain_http_server)
    with pytest.raises(PythonAnywhereError) as error:
        client.get('cpu/')
    assert 'does not speak TLS' in str(error.value)
    assert 'http://127.0.0.1:%d' % plain_http_server in str(error.value)
    assert '1 attempt,' in str(error.value) and clock.sleeps == []


def _refused():
    error = requests.ConnectionError('Max retries exceeded')
    error.__context__ = ConnectionRefusedError(errno.ECONNREFUSED, 'Connection refused')
    return error


def test_a_refused_connection_after_the_server_has_answered_is_retried(clock, tmp_path):
    """A server that answered and then refuses is restarting: that is worth the retries."""
    session = ScriptedSession().expect('GET', 'cpu/', json={})
    session.expect('GET', 'webapps/', error=_refused())
    session.expect('GET', 'webapps/', json=[])
    client = make_client(session, clock, tmp_path)
    client.get('cpu/')
    assert client.get_json('webapps/') == []
    assert len(clock.sleeps) == 1


def test_a_host_that_does_not_resolve_fails_at_once(clock, tmp_path):
    error = requests.ConnectionError('Failed to resolve')
    error.__context__ = socket.gaierror(-2, 'Name or service not known')
    session = ScriptedSession().expect('GET', 'cpu/', error=error)
    with pytest.raises(PythonAnywhereError, match='www.pythonanywhere.com does not resolve: check api_host'):
        make_client(session, clock, tmp_path).get('cpu/')
    assert clock.sleeps == []


def test_a_403_on_the_users_urls_says_the_token_may_not_be_theirs(clock, tmp_path):
    session = ScriptedSession().expect('GET', 'cpu/', status=403,
                                       json={'detail': 'You do not have permission to perform this action.'})
    with pytest.raises(PythonAnywhereError) as error:
        make_client(session, clock, tmp_path).get('cpu/')
    assert 'HTTP 403 Forbidden' in str(error.value)
    assert 'API token may not belong to username alice' in str(error.value)


def test_other_403s_say_only_what_the_api_said(clock, tmp_path):
    session = ScriptedSession().expect('POST', 'schedule/', status=403,
                                       json={'detail': 'You have reached your maximum number of scheduled tasks'})
    with pytest.raises(PythonAnywhereError) as error:
        make_client(session, clock, tmp_path).post('schedule/')
    assert 'username' not in str(error.value)


# --- domain names (issue 12, defect 6) -----------------------------------------------------------------------
@pytest.mark.parametrize('value, expected', [
    ('alice.pythonanywhere.com', 'alice.pythonanywhere.com'),
    ('alice.pythonanywhere.com.', 'alice.pythonanywhere.com'),
    ('  Alice.PythonAnywhere.COM \n', 'alice.pythonanywhere.com'),
    ('WWW.Example.com.', 'www.example.com'),
    ('my-site.example.co.uk', 'my-site.example.co.uk'),
    (None, None),
])
def test_domains_are_normalised(value, expected):
    assert normalize_domain(value) == expected


@pytest.mark.parametrize('value, words', [
    ('', 'domain name'),
    ('   ', 'domain name'),
    ('alice pythonanywhere.com', 'domain name'),
    ('alice.pythonanywhere.com..', 'domain name'),
    ('.example.com', 'domain name'),
    ('https://www.example.com/', 'domain name'),
    ('*.example.com', 'domain name'),
    ('-bad.example.com', 'domain name'),
    ('bücher.example', 'xn--bcher-kva.example'),
])
def test_what_cannot_be_a_domain_is_refused(value, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        normalize_domain(value)


# --- the version (issue 13) ----------------------------------------------------------------------------------
def test_the_user_agent_version_is_the_collections():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
    with open(os.path.join(root, 'galaxy.yml')) as stream:
        version = re.search(r'^version:\s*(\S+)', stream.read(), re.M).group(1).strip('\'"')
    assert _client.COLLECTION_VERSION == version
    assert _client.USER_AGENT.endswith('/' + version)


def test_a_download_cut_off_every_time_leaves_no_partial_body(clock, tmp_path):
    class CutOff:
        status_code = 200
        headers = {}

        def iter_content(self, chunk_size=1):
            yield b'first half'
            raise requests.exceptions.ChunkedEncodingError('connection broken')

    class Session(ScriptedSession):
        def request(self, method, url, **kwargs):
            self.calls.append(url)
            return CutOff()

    session = Session()
    target = io.BytesIO()
    with pytest.raises(PythonAnywhereError, match='ChunkedEncodingError'):
        make_client(session, clock, tmp_path, retries=2).get('files/path{path}', params={'path': '/home/alice/a'},
                                                             stream_to=target)
    assert len(session.calls) == 3
    assert target.getvalue() == b''
