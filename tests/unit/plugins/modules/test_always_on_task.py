# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import always_on_task, always_on_task_info

COMMAND = '/home/alice/.virtualenvs/bot/bin/python /home/alice/bot/main.py'
DEBUG = COMMAND + ' --debug'
BOT = {'description': 'chat bot', 'command': COMMAND}


def task(task_id=7000001, command=COMMAND, description='chat bot', enabled=True):
    return {'id': task_id, 'url': '/api/v0/user/alice/always_on/%d/' % task_id, 'command': command,
            'description': description, 'enabled': enabled}


def test_create(api, run_module):
    api.expect('GET', 'always_on/', json=[])
    api.expect('POST', 'always_on/', status=201, json=task(), body={'description': 'chat bot', 'command': COMMAND})
    result = run_module(always_on_task, BOT, diff=True)
    assert result['changed'] is True and result['restarted'] is False
    assert result['always_on_task'] == task()
    assert result['diff']['before'] == {} and result['diff']['after']['command'] == COMMAND


def test_create_in_check_mode_sends_no_write(api, run_module):
    api.expect('GET', 'always_on/', json=[])
    result = run_module(always_on_task, BOT, check_mode=True)
    assert result['changed'] is True and result['always_on_task']['id'] is None
    assert not api.writes


def test_rerun_is_one_get(api, run_module):
    api.expect('GET', 'always_on/', json=[task(7000002, command='other', description=''), task()])
    result = run_module(always_on_task, dict(BOT, enabled=True))
    assert result['changed'] is False and result['always_on_task']['id'] == 7000001
    assert len(api.calls) == 1


def test_new_command_is_patched_in_place(api, run_module):
    api.expect('GET', 'always_on/', json=[task()])
    api.expect('PATCH', 'always_on/7000001/', json=task(command=DEBUG), body={'command': DEBUG})
    result = run_module(always_on_task, {'description': 'chat bot', 'command': DEBUG}, diff=True)
    assert result['changed'] is True and 'replaced' not in result
    before, after = result['diff']['before'], result['diff']['after']
    assert [key for key in after if before.get(key) != after[key]] == ['command']


def test_update_in_check_mode(api, run_module):
    api.expect('GET', 'always_on/', json=[task()])
    result = run_module(always_on_task, {'description': 'chat bot', 'enabled': False}, check_mode=True, diff=True)
    assert result['changed'] is True and result['always_on_task']['enabled'] is False
    assert result['diff']['before']['enabled'] is True
    assert not api.writes


def test_restart_applies_then_restarts(api, run_module):
    api.expect('GET', 'always_on/', json=[task()])
    api.expect('PATCH', 'always_on/7000001/', json=task(command=DEBUG), body={'command': DEBUG})
    api.expect('POST', 'always_on/7000001/restart/', json=task(command=DEBUG))
    result = run_module(always_on_task, {'description': 'chat bot', 'command': DEBUG, 'state': 'restarted'})
    assert result['changed'] is True and result['restarted'] is True


def test_restart_by_id_on_its_own(api, run_module):
    api.expect('GET', 'always_on/7000001/', json=task())
    api.expect('POST', 'always_on/7000001/restart/', json=task())
    result = run_module(always_on_task, {'id': 7000001, 'state': 'restarted'})
    assert result['changed'] is True and result['restarted'] is True


def test_restart_in_check_mode_sends_nothing(api, run_module):
    api.expect('GET', 'always_on/', json=[task()])
    result = run_module(always_on_task, {'description': 'chat bot', 'state': 'restarted'}, check_mode=True)
    assert result['changed'] is True and result['restarted'] is True
    assert not api.writes


def test_restart_of_a_missing_id_fails(api, run_module):
    api.expect('GET', 'always_on/9/', status=404, json={'detail': 'Not found.'})
    result = run_module(always_on_task, {'id': 9, 'state': 'restarted'})
    assert result['failed'] is True and 'there is no always-on task with id 9' in result['msg']
    assert not api.writes


def test_ambiguous_description_fails(api, run_module):
    api.expect('GET', 'always_on/', json=[task(), task(7000002, command=DEBUG)])
    result = run_module(always_on_task, BOT)
    assert result['failed'] is True and "2 always-on tasks match description='chat bot'" in result['msg']
    assert '7000001, 7000002' in result['msg']


def test_new_task_needs_a_command(api, run_module):
    api.expect('GET', 'always_on/', json=[])
    result = run_module(always_on_task, {'description': 'chat bot'}, check_mode=True)
    assert result['failed'] is True and result['msg'] == "command is required to create the always-on task 'chat bot'"


def test_empty_command_fails_before_any_request(api, run_module):
    result = run_module(always_on_task, {'command': ''})
    assert result['failed'] is True and result['msg'] == 'command must not be empty'
    assert not api.calls


def test_free_account_answer_becomes_a_clear_error(api, run_module):
    api.expect('GET', 'always_on/', json=[])
    api.expect('POST', 'always_on/', status=403, json={'detail': 'Always-on tasks are only available to paid accounts.'})
    result = run_module(always_on_task, BOT)
    assert result['failed'] is True
    assert 'only available to paid accounts' in result['msg'] and 'need a paid account' in result['msg']


def test_quota_answer_becomes_a_clear_error(api, run_module):
    api.expect('GET', 'always_on/', json=[task(7000002, command='/home/alice/other.sh', description='other')])
    api.expect('POST', 'always_on/', status=403, json={'detail': 'You have reached your maximum number of always-on tasks'})
    result = run_module(always_on_task, BOT)
    assert result['failed'] is True and 'maximum number of always-on tasks' in result['msg']
    assert 'Delete an always-on task you no longer need' in result['msg'] and 'paid account' not in result['msg']


def test_delete_and_again(api, run_module):
    api.expect('GET', 'always_on/', json=[task()])
    api.expect('DELETE', 'always_on/7000001/', status=204)
    result = run_module(always_on_task, {'description': 'chat bot', 'state': 'absent'}, diff=True)
    assert result['changed'] is True and result['diff']['after'] == {}
    api.expect('GET', 'always_on/', json=[])
    assert run_module(always_on_task, {'description': 'chat bot', 'state': 'absent'})['changed'] is False


def test_delete_in_check_mode(api, run_module):
    api.expect('GET', 'always_on/', json=[task()])
    result = run_module(always_on_task, {'command': COMMAND, 'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_info(api, run_module):
    api.expect('GET', 'always_on/', json=[task(), task(7000002, command=DEBUG, description='')])
    assert [t['id'] for t in run_module(always_on_task_info, {})['always_on_tasks']] == [7000001, 7000002]
    api.expect('GET', 'always_on/', json=[task(), task(7000002, command=DEBUG, description='')])
    assert [t['id'] for t in run_module(always_on_task_info, {'command': DEBUG})['always_on_tasks']] == [7000002]
    api.expect('GET', 'always_on/7000001/', json=task())
    assert run_module(always_on_task_info, {'id': 7000001})['always_on_tasks'] == [task()]


def test_restart_of_a_missing_task_fails_in_a_real_run_and_is_predicted_in_check_mode(api, run_module):
    api.expect('GET', 'always_on/', json=[])
    result = run_module(always_on_task, {'description': 'chat bot', 'state': 'restarted'})
    assert result['failed'] is True
    assert result['msg'] == "there is no always-on task 'chat bot' to restart: create it first (state=present with command)"
    api.expect('GET', 'always_on/', json=[])
    result = run_module(always_on_task, {'description': 'chat bot', 'state': 'restarted'}, check_mode=True)
    assert result['changed'] is True and result['restarted'] is True
    assert not api.writes


def test_quota_answer_without_any_task_says_the_plan_has_none(api, run_module):
    api.expect('GET', 'always_on/', json=[])
    api.expect('POST', 'always_on/', status=403, json={'detail': 'You have reached your maximum number of always-on tasks'})
    result = run_module(always_on_task, BOT)
    assert result['failed'] is True
    assert "The account's plan allows no always-on task" in result['msg'] and 'need a paid account' in result['msg']
    assert 'Delete' not in result['msg']


def test_restarted_creates_a_missing_task_without_restarting_it(api, run_module):
    # Creating an always-on task starts it: a restart right after would only bounce it.
    for check_mode in (True, False):
        api.expect('GET', 'always_on/', json=[])
        if not check_mode:
            api.expect('POST', 'always_on/', status=201, json=task())
        result = run_module(always_on_task, dict(BOT, state='restarted'), check_mode=check_mode)
        assert result['changed'] is True and result['restarted'] is False
    assert [call['method'] for call in api.writes] == ['POST']
