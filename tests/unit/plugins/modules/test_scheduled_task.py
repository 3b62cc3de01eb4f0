# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import scheduled_task, scheduled_task_info

COMMAND = '/home/alice/.virtualenvs/app/bin/python /home/alice/app/backup.py'
READ_ONLY = ('user', 'url', 'printable_time', 'logfile', 'expiry', 'can_enable', 'extend_url')


def task(task_id=6000001, command=COMMAND, description='nightly backup', interval='daily', hour=3, minute=15,
         enabled=True):
    printable = '%02d minutes past' % minute if interval == 'hourly' else '%02d:%02d' % (hour, minute)
    return {
        'id': task_id, 'url': '/api/v0/user/alice/schedule/%d/' % task_id, 'user': 'alice', 'command': command,
        'description': description, 'enabled': enabled, 'interval': interval, 'hour': hour, 'minute': minute,
        'printable_time': printable, 'can_enable': False, 'expiry': None,
        'extend_url': '/user/alice/schedule/task/%d/extend' % task_id,
        'logfile': '/user/alice/files/var/log/schedule-log-%d.log' % task_id,
    }


BACKUP = {'description': 'nightly backup', 'command': COMMAND, 'interval': 'daily', 'hour': 3, 'minute': 15}


def test_create_daily_task(api, run_module):
    api.expect('GET', 'schedule/', json=[])
    api.expect('POST', 'schedule/', status=201, json=task(),
               body={'description': 'nightly backup', 'command': COMMAND, 'interval': 'daily', 'hour': 3, 'minute': 15})
    result = run_module(scheduled_task, BACKUP, diff=True)
    assert result['changed'] is True
    created = result['scheduled_task']
    assert created['id'] == 6000001 and created['printable_time'] == '03:15'
    assert created['logfile'] == '/user/alice/files/var/log/schedule-log-6000001.log'
    assert all(key in created for key in READ_ONLY)
    assert result['diff']['before'] == {} and result['diff']['after']['hour'] == 3


def test_create_in_check_mode_sends_no_write(api, run_module):
    api.expect('GET', 'schedule/', json=[task(6000009, command='other', description='')])
    result = run_module(scheduled_task, BACKUP, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['scheduled_task']['id'] is None and result['scheduled_task']['hour'] == 3
    assert result['diff']['before'] == {}
    assert not api.writes


def test_rerun_is_one_get_and_no_duplicate(api, run_module):
    api.expect('GET', 'schedule/', json=[task(6000009, command='other', description=''), task()])
    result = run_module(scheduled_task, dict(BACKUP, enabled=True))
    assert result['changed'] is False and result['scheduled_task']['id'] == 6000001
    assert len(api.calls) == 1


def test_new_time_is_patched_in_place(api, run_module):
    api.expect('GET', 'schedule/', json=[task()])
    api.expect('PATCH', 'schedule/6000001/', json=task(hour=4, minute=30), body={'hour': 4, 'minute': 30})
    result = run_module(scheduled_task, dict(BACKUP, hour=4, minute=30), diff=True)
    assert result['changed'] is True and 'replaced' not in result
    before, after = result['diff']['before'], result['diff']['after']
    assert sorted(key for key in after if before.get(key) != after[key]) == ['hour', 'minute', 'printable_time']
    assert result['scheduled_task']['id'] == 6000001 and result['scheduled_task']['printable_time'] == '04:30'


def test_new_time_in_check_mode(api, run_module):
    api.expect('GET', 'schedule/', json=[task()])
    result = run_module(scheduled_task, {'description': 'nightly backup', 'hour': 4}, check_mode=True, diff=True)
    assert result['changed'] is True and result['scheduled_task']['hour'] == 4
    assert result['diff']['before']['hour'] == 3 and result['diff']['after']['hour'] == 4
    assert not api.writes


def test_daily_to_hourly_clears_the_hour(api, run_module):
    api.expect('GET', 'schedule/', json=[task()])
    api.expect('PATCH', 'schedule/6000001/', json=task(interval='hourly', hour=None),
               body={'interval': 'hourly', 'hour': None})
    result = run_module(scheduled_task, {'description': 'nightly backup', 'interval': 'hourly'})
    assert result['changed'] is True and result['scheduled_task']['hour'] is None


def test_hourly_task_found_by_command(api, run_module):
    api.expect('GET', 'schedule/', json=[task(command='/home/alice/feed.sh', description='', interval='hourly',
                                              hour=None, minute=5)])
    result = run_module(scheduled_task, {'command': '/home/alice/feed.sh', 'interval': 'hourly', 'minute': 5})
    assert result['changed'] is False


def test_description_finds_the_task_and_its_command_changes_in_place(api, run_module):
    api.expect('GET', 'schedule/', json=[task()])
    api.expect('PATCH', 'schedule/6000001/', json=task(command='/home/alice/backup.sh'),
               body={'command': '/home/alice/backup.sh'})
    result = run_module(scheduled_task, {'description': 'nightly backup', 'command': '/home/alice/backup.sh'})
    assert result['changed'] is True and result['scheduled_task']['id'] == 6000001


def test_a_description_added_later_adopts_the_task_with_that_command(api, run_module):
    api.expect('GET', 'schedule/', json=[task(description='')])
    api.expect('PATCH', 'schedule/6000001/', json=task(), body={'description': 'nightly backup'})
    result = run_module(scheduled_task, BACKUP)
    assert result['changed'] is True and result['scheduled_task']['id'] == 6000001


def test_ambiguous_command_fails_listing_the_ids(api, run_module):
    api.expect('GET', 'schedule/', json=[task(description='a'), task(6000002, description='b', hour=5)])
    result = run_module(scheduled_task, {'command': COMMAND, 'interval': 'daily', 'hour': 3, 'minute': 15})
    assert result['failed'] is True
    assert '2 scheduled tasks match' in result['msg'] and '6000001, 6000002' in result['msg'] and 'id' in result['msg']
    assert not api.writes


@pytest.mark.parametrize('args, message', [
    ({'interval': 'hourly', 'hour': 3, 'minute': 0}, 'hour must not be set for an hourly task'),
    ({'interval': 'daily', 'hour': 3, 'minute': 60}, 'minute must be between 0 and 59, got 60'),
    ({'interval': 'daily', 'hour': 3, 'minute': -1}, 'minute must be between 0 and 59, got -1'),
    ({'interval': 'daily', 'hour': 24, 'minute': 0}, 'hour must be between 0 and 23, got 24'),
    ({'command': ' '}, 'command must not be empty'),
])
def test_invalid_input_fails_before_any_request(api, run_module, args, message):
    args = dict({'command': COMMAND}, **args)
    result = run_module(scheduled_task, args)
    assert result['failed'] is True and message in result['msg'], result['msg']
    assert not api.calls


def test_nothing_to_find_the_task_by_fails_before_any_request(api, run_module):
    result = run_module(scheduled_task, {'interval': 'daily', 'hour': 1, 'minute': 0})
    assert result['failed'] is True and 'give id, description or command' in result['msg']
    assert not api.calls


@pytest.mark.parametrize('check_mode', [False, True])
def test_new_daily_task_without_hour_fails_before_any_write(api, run_module, check_mode):
    api.expect('GET', 'schedule/', json=[])
    result = run_module(scheduled_task, {'command': COMMAND, 'interval': 'daily', 'minute': 0}, check_mode=check_mode)
    assert result['failed'] is True and 'hour is required for a daily task' in result['msg']
    assert not api.writes


@pytest.mark.parametrize('missing', ['interval', 'minute'])
def test_new_task_needs_interval_and_minute(api, run_module, missing):
    api.expect('GET', 'schedule/', json=[])
    args = dict(BACKUP)
    del args[missing]
    result = run_module(scheduled_task, args)
    assert result['failed'] is True
    assert result['msg'].startswith('%s is required to create the scheduled task' % missing)


def test_hour_for_an_existing_hourly_task_fails_before_any_write(api, run_module):
    api.expect('GET', 'schedule/', json=[task(interval='hourly', hour=None)])
    result = run_module(scheduled_task, {'description': 'nightly backup', 'hour': 4})
    assert result['failed'] is True and 'hour must not be set' in result['msg'] and 'hourly' in result['msg']
    assert not api.writes


def test_quota_answer_becomes_a_clear_error(api, run_module):
    api.expect('GET', 'schedule/', json=[task(6000002, command='/home/alice/other.sh', description='other')])
    api.expect('POST', 'schedule/', status=403, json={'detail': 'You have reached your maximum number of scheduled tasks'})
    result = run_module(scheduled_task, BACKUP)
    assert result['failed'] is True
    assert 'You have reached your maximum number of scheduled tasks' in result['msg']
    assert 'Delete a scheduled task you no longer need' in result['msg'] and 'POST /api/v0/user/alice/schedule/' in result['msg']


def test_free_account_answer_becomes_a_clear_error(api, run_module):
    api.expect('GET', 'schedule/', json=[])
    api.expect('POST', 'schedule/', status=403, json={'detail': 'Scheduled tasks are not available on free accounts.'})
    result = run_module(scheduled_task, BACKUP)
    assert result['failed'] is True
    assert 'not available on free accounts' in result['msg'] and 'need a paid account' in result['msg']
    assert 'Delete' not in result['msg']


def test_generic_permission_error_is_not_called_a_plan_limit(api, run_module):
    api.expect('GET', 'schedule/', json=[])
    api.expect('POST', 'schedule/', status=403, json={'detail': 'You do not have permission to perform this action.'})
    result = run_module(scheduled_task, BACKUP)
    assert result['failed'] is True and 'plan' not in result['msg'] and 'HTTP 403' in result['msg']


def test_server_validation_error_names_the_field(api, run_module):
    api.expect('GET', 'schedule/', json=[task()])
    api.expect('PATCH', 'schedule/6000001/', status=400, json={'non_field_errors': ['Hourly tasks must not have an hour.']})
    result = run_module(scheduled_task, {'description': 'nightly backup', 'minute': 0})
    assert result['failed'] is True and 'Hourly tasks must not have an hour.' in result['msg']


def test_delete_by_id_and_again(api, run_module):
    api.expect('GET', 'schedule/6000001/', json=task())
    api.expect('DELETE', 'schedule/6000001/', status=204)
    result = run_module(scheduled_task, {'id': 6000001, 'state': 'absent'}, diff=True)
    assert result['changed'] is True and result['scheduled_task'] == {}
    assert result['diff']['before']['description'] == 'nightly backup' and result['diff']['after'] == {}
    api.expect('GET', 'schedule/6000001/', status=404, json={'detail': 'Not found.'})
    assert run_module(scheduled_task, {'id': 6000001, 'state': 'absent'})['changed'] is False


def test_delete_by_description_in_check_mode(api, run_module):
    api.expect('GET', 'schedule/', json=[task()])
    result = run_module(scheduled_task, {'description': 'nightly backup', 'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_unknown_id_with_state_present_fails(api, run_module):
    api.expect('GET', 'schedule/42/', status=404, json={'detail': 'Not found.'})
    result = run_module(scheduled_task, {'id': 42, 'minute': 5})
    assert result['failed'] is True and 'there is no scheduled task with id 42' in result['msg']


def test_null_description_is_no_description(api, run_module):
    api.expect('GET', 'schedule/', json=[task(description=None)])
    result = run_module(scheduled_task, {'command': COMMAND})
    assert result['changed'] is False and result['scheduled_task']['description'] == ''


def test_info_filters(api, run_module):
    tasks = [task(), task(6000002, description='', command='/home/alice/feed.sh', interval='hourly', hour=None)]
    api.expect('GET', 'schedule/', json=tasks)
    assert len(run_module(scheduled_task_info, {})['scheduled_tasks']) == 2
    api.expect('GET', 'schedule/', json=tasks)
    found = run_module(scheduled_task_info, {'description': 'nightly backup'})['scheduled_tasks']
    assert [t['id'] for t in found] == [6000001] and found[0]['logfile'].endswith('schedule-log-6000001.log')
    api.expect('GET', 'schedule/', json=tasks)
    assert [t['id'] for t in run_module(scheduled_task_info, {'command': '/home/alice/feed.sh'})['scheduled_tasks']] == [6000002]
    api.expect('GET', 'schedule/6000002/', json=tasks[1])
    assert [t['id'] for t in run_module(scheduled_task_info, {'id': 6000002})['scheduled_tasks']] == [6000002]
    api.expect('GET', 'schedule/7/', status=404, json={'detail': 'Not found.'})
    assert run_module(scheduled_task_info, {'id': 7})['scheduled_tasks'] == []


def test_quota_answer_without_any_task_says_the_plan_has_none(api, run_module):
    # A new free account: its quota is 0, so "delete a task you no longer need" would send the user nowhere.
    api.expect('GET', 'schedule/', json=[])
    api.expect('POST', 'schedule/', status=403, json={'detail': 'You have reached your maximum number of scheduled tasks'})
    result = run_module(scheduled_task, BACKUP)
    assert result['failed'] is True
    assert "The account's plan allows no scheduled task" in result['msg'] and 'need a paid account' in result['msg']
    assert 'Delete' not in result['msg']
