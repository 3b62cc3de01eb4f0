# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import console, console_info

NOT_STARTED = {'error': 'Console not yet started. Please load it (or its iframe) in a browser first'}
WD = '/home/alice/mysite'


def remote(console_id=24036640, executable='bash', arguments='', working_directory=WD):
    return {
        'id': console_id, 'user': 'alice', 'executable': executable, 'arguments': arguments,
        'working_directory': working_directory, 'name': 'Bash console %s' % console_id,
        'console_url': '/user/alice/consoles/%s/' % console_id,
        'console_frame_url': '/user/alice/consoles/%s/frame/' % console_id,
    }


def test_create_posts_json_and_returns_the_console(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(1, working_directory=None)])
    api.expect('POST', 'consoles/', status=201, json=remote(2), body={'executable': 'bash', 'working_directory': WD})
    result = run_module(console, {'executable': 'bash', 'working_directory': WD + '/'}, diff=True)
    assert result['changed'] is True
    assert result['console']['id'] == 2 and result['console']['console_url'] == '/user/alice/consoles/2/'
    assert result['input_sent'] is False
    assert result['diff']['before'] == {} and result['diff']['after']['executable'] == 'bash'


def test_create_again_finds_it_by_executable_and_directory(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(1, working_directory=None), remote(2)])
    result = run_module(console, {'executable': 'bash', 'working_directory': WD})
    assert result['changed'] is False and result['console']['id'] == 2
    assert len(api.calls) == 1


def test_no_working_directory_matches_a_console_without_one(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(1, working_directory=''), remote(2)])
    result = run_module(console, {'executable': 'bash'})
    assert result['changed'] is False and result['console']['id'] == 1


def test_create_in_check_mode(api, run_module):
    api.expect('GET', 'consoles/', json=[])
    result = run_module(console, {'executable': 'python3.13', 'arguments': '-q'}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['console']['id'] is None and result['console']['executable'] == 'python3.13'
    assert not api.writes


def test_changed_arguments_replace_the_console(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(2)])
    api.expect('DELETE', 'consoles/2/', status=204)
    api.expect('POST', 'consoles/', status=201, json=remote(3, arguments='-l'),
               body={'executable': 'bash', 'arguments': '-l', 'working_directory': WD})
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'arguments': '-l'}, diff=True)
    assert result['changed'] is True and result['replaced'] is True
    assert result['console']['id'] == 3
    assert result['diff']['before']['arguments'] == '' and result['diff']['after']['arguments'] == '-l'


def test_replace_in_check_mode_sends_nothing(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(2)])
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'arguments': '-l'}, check_mode=True)
    assert result['changed'] is True and result['replaced'] is True
    assert not api.writes


def test_two_matching_consoles_are_ambiguous(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(2), remote(3)])
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'state': 'absent'})
    assert result['failed'] is True
    assert '2 consoles match' in result['msg'] and 'give id' in result['msg'] and '2, 3' in result['msg']
    assert not api.writes


def test_kill_by_id_and_again(api, run_module):
    api.expect('GET', 'consoles/2/', json=remote(2))
    api.expect('DELETE', 'consoles/2/', status=204)
    result = run_module(console, {'id': 2, 'state': 'absent'}, diff=True)
    assert result['changed'] is True and result['console'] == {} and result['diff']['before']['id'] == 2
    api.expect('GET', 'consoles/2/', status=404, json={'detail': 'Not found.'})
    assert run_module(console, {'id': 2, 'state': 'absent'})['changed'] is False


def test_kill_in_check_mode(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(2)])
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_an_unknown_id_is_never_created(api, run_module):
    api.expect('GET', 'consoles/9/', status=404, json={'detail': 'Not found.'})
    result = run_module(console, {'id': 9, 'executable': 'bash'})
    assert result['failed'] is True and 'there is no console with id 9' in result['msg']
    assert not api.writes


def test_send_input_to_a_started_console_presses_enter(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(2)])
    api.expect('POST', 'consoles/2/send_input/', json={'status': 'OK'}, body={'input': 'git pull\n'})
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'input': 'git pull'})
    assert result['changed'] is True and result['input_sent'] is True


def test_send_input_without_enter(api, run_module):
    api.expect('GET', 'consoles/2/', json=remote(2))
    api.expect('POST', 'consoles/2/send_input/', json={'status': 'OK'}, body={'input': 'y'})
    result = run_module(console, {'id': 2, 'input': 'y', 'press_enter': False})
    assert result['input_sent'] is True


def test_input_to_a_console_never_opened_explains_what_to_do(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(2)])
    api.expect('POST', 'consoles/2/send_input/', status=412, json=NOT_STARTED)
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'input': 'ls'})
    assert result['failed'] is True
    assert 'console 2 (Bash console 2) has not been started' in result['msg']
    assert 'Open https://www.pythonanywhere.com/user/alice/consoles/2/ once' in result['msg']
    assert 'Console not yet started' in result['msg']


def test_input_right_after_create_fails_without_sending(api, run_module):
    api.expect('GET', 'consoles/', json=[])
    api.expect('POST', 'consoles/', status=201, json=remote(5))
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'input': 'ls'})
    assert result['failed'] is True and result['changed'] is True
    assert result['console']['id'] == 5
    assert 'Open https://www.pythonanywhere.com/user/alice/consoles/5/ once' in result['msg']
    assert [c['method'] for c in api.calls] == ['GET', 'POST']


def test_input_in_check_mode_sends_nothing(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(2)])
    result = run_module(console, {'executable': 'bash', 'working_directory': WD, 'input': 'ls'}, check_mode=True)
    assert result['changed'] is True and result['input_sent'] is False and not api.writes
    api.expect('GET', 'consoles/', json=[])
    result = run_module(console, {'executable': 'bash', 'input': 'ls'}, check_mode=True)
    assert result['changed'] is True and any('opened in a browser' in w for w in result['warnings'])
    assert not api.writes


def test_console_limit_is_explained(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(1), remote(2, working_directory=None)])
    api.expect('POST', 'consoles/', status=429, json={'detail': 'Console limit reached.'})
    result = run_module(console, {'executable': 'python3.13', 'api_retries': 0})
    assert result['failed'] is True
    assert 'refused to create another console' in result['msg'] and 'Console limit reached.' in result['msg']
    assert 'state=absent' in result['msg']


def test_invalid_input_fails_before_any_request(api, run_module):
    for args, words in (({}, 'executable is required'),
                        ({'executable': 'bash', 'working_directory': 'mysite'}, 'working_directory must be an absolute'),
                        ({'executable': ' bash'}, 'executable must be a program name'),
                        ({'id': 0, 'state': 'absent'}, 'id must be a positive'),
                        ({'executable': 'bash', 'state': 'absent', 'input': 'ls'}, 'input cannot be combined')):
        result = run_module(console, args)
        assert result['failed'] is True and words in result['msg'], (args, result['msg'])
    assert not api.calls


def test_info_lists_one_and_shared(api, run_module):
    api.expect('GET', 'consoles/', json=[remote(1), remote(2)])
    assert [c['id'] for c in run_module(console_info, {})['consoles']] == [1, 2]
    api.expect('GET', 'consoles/2/', json=remote(2))
    assert run_module(console_info, {'id': 2})['consoles'][0]['working_directory'] == WD
    api.expect('GET', 'consoles/7/', status=404, json={'detail': 'Not found.'})
    assert run_module(console_info, {'id': 7})['consoles'] == []
    api.expect('GET', 'consoles/shared_with_you/', json=[dict(remote(3), user='bob')])
    assert run_module(console_info, {'shared_with_you': True})['consoles'][0]['user'] == 'bob'
    assert not api.writes


def test_info_output(api, run_module):
    api.expect('GET', 'consoles/2/', json=remote(2))
    api.expect('GET', 'consoles/2/get_latest_output/', json={'output': '12:03 ~ $ '})
    result = run_module(console_info, {'id': 2, 'output': True})
    assert result['output'] == '12:03 ~ $ '
    api.expect('GET', 'consoles/2/', json=remote(2))
    api.expect('GET', 'consoles/2/get_latest_output/', status=412, json=NOT_STARTED)
    result = run_module(console_info, {'id': 2, 'output': True})
    assert result['output'] is None and len(result['consoles']) == 1
    api.expect('GET', 'consoles/3/', status=404, json={'detail': 'Not found.'})
    assert run_module(console_info, {'id': 3, 'output': True})['output'] is None


def test_info_invalid_input(api, run_module):
    assert 'id' in run_module(console_info, {'output': True})['msg']
    assert 'shared_with_you' in run_module(console_info, {'id': 2, 'shared_with_you': True})['msg']
    assert 'positive' in run_module(console_info, {'id': -1})['msg']
    assert not api.calls
