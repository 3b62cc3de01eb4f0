# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import email.utils
import json

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _command
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereClient
from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import command
from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import BASE, TOKEN, USERNAME

HOME = '/home/alice'
T0 = 1768906710.0  # 2026-01-20 10:58:30 UTC
RUN_ID = '0123456789ab'
SECRET = 'sk-live-do-not-show-9f8e7d'


class FakeTime:
    """A clock that moves only when the code sleeps."""

    def __init__(self, now=T0):
        self.now = now
        self.sleeps = []
        self.on_sleep = None

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep:
            self.on_sleep(len(self.sleeps))


@pytest.fixture
def clock(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(_command, 'time', fake)
    monkeypatch.setattr(_command.secrets, 'token_hex', lambda n: (RUN_ID + 'cdef0123456789')[:2 * n])
    return fake


def date(epoch):
    return {'Date': email.utils.formatdate(epoch, usegmt=True)}


def listing(path, names):
    return {name: {'type': kind, 'url': BASE + '/api/v0/user/alice/files/path%s/%s' % (path, name)}
            for name, kind in names.items()}


def run_dir(timeout=1800, at=T0):
    grace = _command.START_GRACE['scheduled_task'] + 60 + _command.SCHEDULE_LEAD
    deadline = int(at + 0.5 + grace + timeout + _command.END_GRACE) + 1
    return '%s/%s%d-%s' % (HOME, _command.RUN_PREFIX, deadline, RUN_ID)


def files(path):
    return 'files/path' + path


def result_file(rc=0, stdout='hello\n', stderr='', start='2026-01-20T10:58:31.250000', end='2026-01-20T10:58:33.750000'):
    out, err = stdout.encode(), stderr.encode()
    head = '%s rc=%d start=%s end=%s stdout=%d stderr=%d\n' % (_command.RESULT_HEADER, rc, start, end, len(out), len(err))
    return head.encode() + out + err


def expect_start(api, home_entries=None, at=T0):
    api.expect('GET', files(HOME), json=listing(HOME, home_entries or {'.bashrc': 'file'}), headers=date(at))
    api.expect('POST', files(run_dir(at=at) + '/run.sh'), status=201)


def expect_finish(api, rc=0, stdout='hello\n', stderr='', task='always_on/7/'):
    rd = run_dir()
    api.expect('GET', files(rd), json=listing(rd, {'run.sh': 'file', 'started': 'file', 'result': 'file',
                                                   'stdout': 'file', 'stderr': 'file'}))
    api.expect('GET', files(rd + '/result'), raw=result_file(rc, stdout, stderr),
               headers={'Content-Type': 'application/octet-stream'})
    if task:
        api.expect('DELETE', task, status=204)
    api.expect('DELETE', files(rd), status=204)


def task_body(route, path=None):
    rd = path or run_dir()
    return 'bash %s/run.sh %s' % (rd, route)


def test_always_on_runs_the_wrapper_and_returns_the_whole_output(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'always_on/', status=201, json={'id': 7, 'command': task_body('always_on')},
               body={'command': task_body('always_on'), 'enabled': True,
                     'description': _command.MARKER + run_dir().rsplit('-run-', 1)[1]})
    long_output = ''.join('line %d\n' % i for i in range(2000))
    expect_finish(api, stdout=long_output, stderr='a warning\n')
    result = run_module(command, {'cmd': 'python3.13 -m venv venv && echo done', 'chdir': HOME + '/app',
                                  'environment': {'GREETING': 'hi there'}, 'via': 'always_on'})
    assert result['changed'] is True and 'failed' not in result, result
    assert result['rc'] == 0 and result['stdout'] == long_output and len(result['stdout_lines']) == 2000
    assert result['stderr_lines'] == ['a warning']
    assert result['via'] == 'always_on'
    assert result['start'] == '2026-01-20 10:58:31.250000' and result['delta'] == '0:00:02.500000'
    assert result['wait'] == 0.8 and result['expected_wait'] == 0.0
    script = api.calls[1]['streamed'].decode()
    assert "cd -- /home/alice/app" in script and "export GREETING='hi there'" in script
    assert "bash -c 'python3.13 -m venv venv && echo done'" in script
    assert 'timeout --kill-after=10 1800' in script


def test_scheduled_task_takes_the_next_minute_by_the_servers_clock(api, run_module, clock):
    rd = run_dir()
    expect_start(api)
    body = {'command': task_body('scheduled_task'), 'enabled': True, 'interval': 'daily', 'hour': 10, 'minute': 59,
            'description': _command.MARKER + rd.rsplit('-run-', 1)[1]}
    api.expect('POST', 'schedule/', status=201, json=dict(body, id=41), body=body, headers=date(T0))
    api.expect('GET', files(rd), json=listing(rd, {'run.sh': 'file'}))
    api.expect('GET', files(rd), json=listing(rd, {'run.sh': 'file'}))
    expect_finish(api, task='schedule/41/')
    result = run_module(command, {'cmd': 'true', 'via': 'scheduled_task'})
    assert result['via'] == 'scheduled_task' and result['expected_wait'] == 29.5
    # Two early polls, growing apart, none past the expected start.
    assert clock.sleeps[0] < clock.sleeps[1] and T0 + sum(clock.sleeps) <= T0 + 30


def test_scheduled_task_too_close_to_the_minute_takes_the_one_after(api, run_module, clock):
    clock.now = T0 + 25
    rd = run_dir(at=T0 + 25)
    api.expect('GET', files(HOME), json=listing(HOME, {}), headers=date(T0 + 25))
    api.expect('POST', files(rd + '/run.sh'), status=201)
    body = {'command': task_body('scheduled_task', rd), 'enabled': True, 'interval': 'daily', 'hour': 11, 'minute': 0,
            'description': _command.MARKER + rd.rsplit('-run-', 1)[1]}
    api.expect('POST', 'schedule/', status=201, json=dict(body, id=42), body=body)
    api.expect('GET', files(rd), json=listing(rd, {'result': 'file'}))
    api.expect('GET', files(rd + '/result'),
               raw=result_file(start='2026-01-20T11:00:01.000000', end='2026-01-20T11:00:02.000000'))
    api.expect('DELETE', 'schedule/42/', status=204)
    api.expect('DELETE', files(rd), status=204)
    result = run_module(command, {'cmd': 'true', 'via': 'scheduled_task'})
    assert result['expected_wait'] == 64.5 and result['rc'] == 0


def test_auto_falls_back_to_a_scheduled_task_when_the_plan_has_no_always_on(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'always_on/', status=403,
               json={'detail': 'Always-on tasks are only available to paid accounts.'})
    api.expect('POST', 'schedule/', status=201, json={'id': 5})
    expect_finish(api, task='schedule/5/')
    result = run_module(command, {'cmd': 'echo hello'})
    assert result['via'] == 'scheduled_task' and result['stdout'] == 'hello\n'


def test_no_route_names_what_works_and_leaves_nothing(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'always_on/', status=403,
               json={'detail': 'Always-on tasks are only available to paid accounts.'})
    api.expect('POST', 'schedule/', status=403, json={'detail': 'Scheduled tasks are not available on free accounts.'})
    api.expect('DELETE', files(run_dir()), status=204)
    result = run_module(command, {'cmd': 'echo hello'})
    assert result['failed'] is True
    assert 'console_id' in result['msg'] and 'paid plan' in result['msg'] and 'in a browser' in result['msg']
    assert 'not available on free accounts' in result['msg']


def test_quota_refusal_names_the_task_that_uses_the_slot(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'schedule/', status=403,
               json={'detail': 'You have reached your maximum number of scheduled tasks'})
    api.expect('GET', 'schedule/', json=[{'id': 3, 'description': 'nightly backup', 'command': 'backup.sh'}])
    api.expect('DELETE', files(run_dir()), status=204)
    result = run_module(command, {'cmd': 'echo hello', 'via': 'scheduled_task'})
    assert result['failed'] is True
    assert 'one daily task, used by task 3 (nightly backup)' in result['msg']


def test_a_permission_error_is_not_taken_for_a_plan_limit(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'always_on/', status=403,
               json={'detail': 'You do not have permission to perform this action.'})
    api.expect('DELETE', files(run_dir()), status=204)
    result = run_module(command, {'cmd': 'echo hello'})
    assert result['failed'] is True and result['status'] == 403 and 'POST' in result['msg']


def test_console_route_waits_for_the_end_mark_then_reads_the_run_files(api, run_module, clock):
    rd = run_dir()
    expect_start(api)
    api.expect('POST', 'consoles/12/send_input/', json={'status': 'OK'})
    echoed = 'bash %s/run.sh console; echo "END-""0123"' % rd
    api.expect('GET', 'consoles/12/get_latest_output/', json={'output': echoed})
    api.expect('GET', 'consoles/12/get_latest_output/', json={'output': '...\r\nEND-0123456789abcdef\r\n12:00 ~ $ '})
    api.expect('GET', files(rd + '/result'), raw=result_file(stdout='from the console\n'))
    api.expect('DELETE', files(rd), status=204)
    result = run_module(command, {'cmd': 'echo from the console', 'via': 'console', 'console_id': 12})
    assert result['via'] == 'console' and result['stdout'] == 'from the console\n'
    sent = api.calls[2]['json']['input']
    assert sent.endswith('\n') and 'END-0123456789abcdef' not in sent and '"END-""0123456789abcdef"' in sent


def test_console_not_started_says_where_to_open_it(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'consoles/12/send_input/', status=412,
               json={'error': 'Console not yet started. Please load it (or its iframe) in a browser first'})
    api.expect('DELETE', files(run_dir()), status=204)
    result = run_module(command, {'cmd': 'true', 'via': 'console', 'console_id': 12})
    assert result['failed'] is True and 'opened in a browser' in result['msg']
    assert '/user/alice/consoles/12/' in result['msg']


def test_non_zero_rc_fails_with_the_tail_of_the_output(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'always_on/', status=201, json={'id': 7})
    expect_finish(api, rc=3, stdout=''.join('step %d\n' % i for i in range(50)), stderr='Traceback: boom\n')
    result = run_module(command, {'cmd': './deploy.sh'})
    assert result['failed'] is True and result['rc'] == 3 and result['changed'] is True
    assert 'non-zero return code 3' in result['msg'] and 'Traceback: boom' in result['msg']
    assert 'step 49' in result['msg'] and 'step 5\n' not in result['msg']
    assert len(result['stdout_lines']) == 50


def test_timeout_stops_waiting_and_cleans_up_with_the_partial_output(api, run_module, clock, monkeypatch):
    monkeypatch.setattr(_command, 'END_GRACE', 0)
    rd = run_dir(timeout=1)
    api.expect('GET', files(HOME), json=listing(HOME, {}), headers=date(T0))
    api.expect('POST', files(rd + '/run.sh'), status=201)
    api.expect('POST', 'always_on/', status=201, json={'id': 8})
    for _poll in range(3):  # at 0, 0.5 and 1.25 s: the third is past the deadline
        api.expect('GET', files(rd), json=listing(rd, {'run.sh': 'file', 'started': 'file', 'stdout': 'file'}))
    api.expect('GET', files(rd + '/stdout'), raw=b'working...\n')
    api.expect('GET', files(rd + '/stderr'), status=404, json={'detail': 'No such file or directory'})
    api.expect('DELETE', 'always_on/8/', status=204)
    api.expect('DELETE', files(rd), status=204)
    result = run_module(command, {'cmd': 'sleep 600', 'timeout': 1, 'via': 'always_on'})
    assert result['failed'] is True and 'timed out' in result['msg'] and 'timeout=1 s' in result['msg']
    assert result['stdout'] == 'working...\n' and 'working...' in result['msg']
    assert clock.sleeps == [0.5, 0.75]


def test_creates_that_exists_skips_without_any_write(api, run_module, clock):
    api.expect('GET', files(HOME + '/.virtualenvs/app/bin'),
               json=listing(HOME + '/.virtualenvs/app/bin', {'python3.13': 'file', 'pip': 'file'}))
    result = run_module(command, {'cmd': 'python3.13 -m venv .virtualenvs/app',
                                  'creates': '.virtualenvs/app/bin/python3.13'})
    assert result['changed'] is False and 'rc' not in result and 'creates' in result['msg']
    assert not api.writes and len(api.calls) == 1


def test_creates_with_a_wildcard_and_removes(api, run_module, clock):
    api.expect('GET', files(HOME + '/app'), json=listing(HOME + '/app', {'.ansible-requirements-ab12': 'file'}))
    result = run_module(command, {'cmd': 'pip install -r requirements.txt', 'chdir': HOME + '/app',
                                  'creates': '.ansible-requirements-*'})
    assert result['changed'] is False
    api.expect('GET', files(HOME + '/app/data'), status=404,
               json={'detail': 'No such file or directory: /home/alice/app/data'})
    result = run_module(command, {'cmd': 'rm old.db', 'chdir': HOME + '/app/data', 'removes': 'old.db'})
    assert result['changed'] is False and 'removes' in result['msg']
    assert not api.writes


def test_check_mode_reports_the_run_and_sends_no_write(api, run_module, clock):
    api.expect('GET', files(HOME + '/.virtualenvs/app/bin'), status=404, json={'detail': 'No such file or directory'})
    result = run_module(command, {'cmd': 'python3.13 -m venv .virtualenvs/app',
                                  'creates': '.virtualenvs/app/bin/python3.13'}, check_mode=True)
    assert result['changed'] is True and 'would run' in result['msg']
    assert not api.writes
    result = run_module(command, {'cmd': 'true'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_leftovers_of_an_expired_run_are_deleted_and_a_live_run_is_left_alone(api, run_module, clock):
    old = '%s%d-%s' % (_command.RUN_PREFIX, int(T0) - 10, 'aaaaaaaaaaaa')
    live = '%s%d-%s' % (_command.RUN_PREFIX, int(T0) + 900, 'bbbbbbbbbbbb')
    expect_start(api, home_entries={old: 'directory', live: 'directory', '.bashrc': 'file'})
    # The expected run dir comes after the cleanup: re-order the upload behind it.
    upload = api.expected.pop()
    api.expect('GET', 'schedule/', json=[
        {'id': 1, 'description': 'nightly backup', 'command': 'backup.sh'},
        {'id': 2, 'description': _command.MARKER + old.split('-run-', 1)[1], 'command': 'bash x'},
        {'id': 3, 'description': _command.MARKER + live.split('-run-', 1)[1], 'command': 'bash y'}])
    api.expect('DELETE', 'schedule/2/', status=204)
    api.expect('GET', 'always_on/', json=[
        {'id': 9, 'description': _command.MARKER + '%d-cccccccccccc' % (int(T0) - 5), 'command': 'bash z'}])
    api.expect('DELETE', 'always_on/9/', status=204)
    api.expect('DELETE', files(HOME + '/' + old), status=204)
    api.expected.append(upload)
    api.expect('POST', 'always_on/', status=201, json={'id': 7})
    expect_finish(api)
    result = run_module(command, {'cmd': 'true'})
    assert result['rc'] == 0
    assert result['cleaned_up'] == ['schedule task 2', 'always_on task 9', HOME + '/' + old]
    assert not any(live in c['path'] or c['path'].endswith('/3/') for c in api.writes)


def test_log_line_is_the_fallback_when_the_wrapper_left_no_result(api, run_module, clock):
    clock.now = T0 + 45
    rd = run_dir(at=T0 + 45)
    api.expect('GET', files(HOME), json=listing(HOME, {}), headers=date(T0 + 45))
    api.expect('POST', files(rd + '/run.sh'), status=201)
    api.expect('POST', 'schedule/', status=201, json={'id': 44})
    # Polls before the minute (45.5 s to go) at 1, 2, 4, 8, 10, 10, 9.5 s apart, then 0.5, 0.75, ... s: the log
    # is read with every fourth poll from 5 s past the expected start, the 16th poll.
    for _poll in range(16):
        api.expect('GET', files(rd), json=listing(rd, {'run.sh': 'file', 'started': 'file'}))
    api.expect('GET', files('/var/log/schedule-log-44.log'),
               raw=b'oops\n2026-01-20 11:00:01 -- Completed task, took 0.50 seconds, return code was 2.\n')
    api.expect('DELETE', 'schedule/44/', status=204)
    api.expect('DELETE', files(rd), status=204)
    result = run_module(command, {'cmd': 'true', 'via': 'scheduled_task'})
    assert result['failed'] is True and result['rc'] == 2 and 'oops' in result['stdout']
    assert any('task log' in warning for warning in result['warnings'])


def test_environment_values_stay_inside_the_wrapper(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'always_on/', status=500, raw=b'<html>Server Error</html>')
    api.expect('DELETE', files(run_dir()), status=204)
    result = run_module(command, {'cmd': 'manage.py migrate', 'environment': {'DJANGO_SECRET_KEY': SECRET}})
    assert result['failed'] is True and 'HTTP 500' in result['msg']
    assert SECRET in api.calls[1]['streamed'].decode()
    for call in api.calls[2:]:
        assert SECRET not in json.dumps(call['json']) and SECRET not in str(call['data'])
    shown = dict(result)
    shown.pop('invocation', None)
    assert SECRET not in json.dumps(shown)


def test_a_killed_run_deletes_its_task_and_run_directory(api, clock):
    client = PythonAnywhereClient(USERNAME, TOKEN, api_host=BASE, rate_limit=0)
    rd = run_dir()
    expect_start(api)
    api.expect('POST', 'always_on/', status=201, json={'id': 7})
    api.expect('GET', files(rd), json=listing(rd, {'run.sh': 'file', 'started': 'file'}))
    api.expect('DELETE', 'always_on/7/', status=204)
    api.expect('DELETE', files(rd), status=204)

    def killed(_count):
        raise command.Interrupted('stopped by signal 15')
    clock.on_sleep = killed
    with pytest.raises(command.Interrupted):
        _command.CommandRunner(client).run('sleep 100', HOME, {}, 1800, 'always_on')


@pytest.mark.parametrize('args, message', [
    ({'cmd': ' '}, 'cmd must not be empty'),
    ({'argv': []}, 'argv must not be empty'),
    ({'cmd': 'x', 'chdir': 'app'}, 'chdir must be an absolute path'),
    ({'cmd': 'x', 'environment': {'BAD-NAME': SECRET}}, "'BAD-NAME' is not a valid variable name"),
    ({'cmd': 'x', 'timeout': 0}, 'timeout must be a positive'),
    ({'cmd': 'x', 'via': 'console'}, 'via=console needs console_id'),
    ({'cmd': 'x', 'via': 'always_on', 'console_id': 3}, 'console_id is only used with'),
    ({'cmd': 'x', 'creates': '../etc/passwd'}, 'creates must not contain ".."'),
])
def test_bad_input_fails_before_any_request(api, run_module, args, message):
    result = run_module(command, args)
    assert result['failed'] is True and message in result['msg'], result['msg']
    assert SECRET not in result['msg']
    assert not api.calls


def test_argv_is_quoted_word_by_word(api, run_module, clock):
    expect_start(api)
    api.expect('POST', 'always_on/', status=201, json={'id': 7})
    expect_finish(api)
    result = run_module(command, {'argv': ['echo', 'two words', '$HOME']})
    assert result['cmd'] == "echo 'two words' '$HOME'"


def test_wrapper_script_runs_a_command_once_and_records_it(tmp_path):
    """The wrapper itself, run by the local bash: result file, environment, chdir, and a second start does nothing."""
    import subprocess
    rd = tmp_path / 'run'
    rd.mkdir()
    (tmp_path / 'work').mkdir()
    script = _command.wrapper_script(str(rd), 'echo "$GREETING from $(pwd)"; echo oops >&2; exit 3',
                                     str(tmp_path / 'work'), {'GREETING': "it's me"}, 30)
    (rd / 'run.sh').write_bytes(script)
    assert subprocess.run(['bash', str(rd / 'run.sh'), 'scheduled_task'], check=False).returncode == 3
    parsed = _command.parse_result((rd / 'result').read_bytes())
    assert parsed['rc'] == 3 and parsed['stdout'] == "it's me from %s\n" % (tmp_path / 'work')
    assert parsed['stderr'] == 'oops\n' and parsed['end'] >= parsed['start']
    (rd / 'result').unlink()
    assert subprocess.run(['bash', str(rd / 'run.sh'), 'scheduled_task'], check=False).returncode == 0
    assert not (rd / 'result').exists()
