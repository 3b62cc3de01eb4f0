# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import student, student_info


def students(*names):
    return {'students': [{'username': name} for name in names]}


def test_remove_a_student(api, run_module):
    api.expect('GET', 'students/', json=students('bob', 'carol'))
    api.expect('DELETE', 'students/bob/', status=204)
    result = run_module(student, {'name': 'bob', 'state': 'absent'}, diff=True)
    assert result['changed'] is True
    assert result['student'] == {}
    assert result['diff'] == {'before': {'name': 'bob'}, 'after': {}}


def test_remove_again_sends_one_get(api, run_module):
    api.expect('GET', 'students/', json=students('carol'))
    result = run_module(student, {'name': 'bob', 'state': 'absent'})
    assert result['changed'] is False
    assert len(api.calls) == 1


def test_check_mode_sends_no_delete(api, run_module):
    api.expect('GET', 'students/', json=students('bob'))
    result = run_module(student, {'name': 'bob', 'state': 'absent'}, check_mode=True, diff=True)
    assert result['changed'] is True and result['diff']['before'] == {'name': 'bob'}
    assert not api.writes


def test_a_student_removed_meanwhile_is_not_an_error(api, run_module):
    api.expect('GET', 'students/', json=students('bob'))
    api.expect('DELETE', 'students/bob/', status=404)
    assert run_module(student, {'name': 'bob', 'state': 'absent'})['changed'] is True


def test_state_must_be_written_and_only_absent_exists(api, run_module):
    result = run_module(student, {'name': 'bob'})
    assert result['failed'] is True and 'state' in result['msg']
    result = run_module(student, {'name': 'bob', 'state': 'present'})
    assert result['failed'] is True and 'absent' in result['msg']
    result = run_module(student, {'name': 'bo/b', 'state': 'absent'})
    assert result['failed'] is True and 'name must be the PythonAnywhere username' in result['msg']
    assert not api.calls


def test_an_unexpected_list_shape_is_a_clear_error(api, run_module):
    api.expect('GET', 'students/', json=[{'username': 'bob'}])
    result = run_module(student, {'name': 'bob', 'state': 'absent'})
    assert result['failed'] is True and 'without a list of students' in result['msg']


def test_info_lists_and_filters(api, run_module):
    api.expect('GET', 'students/', json=students('bob', 'carol'))
    assert run_module(student_info, {})['students'] == [{'name': 'bob'}, {'name': 'carol'}]
    api.expect('GET', 'students/', json=students('bob', 'carol'))
    assert run_module(student_info, {'name': 'carol'})['students'] == [{'name': 'carol'}]
    api.expect('GET', 'students/', json=students())
    assert run_module(student_info, {'name': 'carol'})['students'] == []
    assert not api.writes
