# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import python_version, python_version_info

INNIT = ['3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
PY = 'default_python_version/'
PY3 = 'default_python3_version/'
SAR = 'default_save_and_run_python_version/'


def py(value, available=None):
    return {'default_python_version': value, 'available_python_versions': available or INNIT}


def py3(value, available=None):
    return {'default_python3_version': value, 'available_python3_versions': available or INNIT}


def sar(value, available=None):
    return {'default_save_and_run_python_version': value, 'available_python_versions': available or INNIT}


def test_unchanged_reads_only_the_settings_given(api, run_module):
    api.expect('GET', PY3, json=py3('3.13'))
    result = run_module(python_version, {'default_python3': '3.13'}, diff=True)
    assert result['changed'] is False
    assert result['python_versions'] == {'default_python3': '3.13'}
    assert result['available_python_versions'] == {'default_python3': INNIT}
    assert result['diff'] == {'before': {'default_python3': '3.13'}, 'after': {'default_python3': '3.13'}}
    assert len(api.calls) == 1


def test_changes_patch_only_what_differs_with_the_dotted_form(api, run_module):
    api.expect('GET', PY, json=py('3.10'))
    api.expect('GET', PY3, json=py3('3.13'))
    api.expect('GET', SAR, json=sar('3.10'))
    api.expect('PATCH', PY, json=py('3.13'), form={'default_python_version': '3.13'})
    api.expect('PATCH', SAR, json=sar('3.12'), form={'default_save_and_run_python_version': '3.12'})
    result = run_module(python_version, {'default': 'python313', 'default_python3': '3.13',
                                         'default_save_and_run': '3.12'}, diff=True)
    assert result['changed'] is True
    assert result['python_versions'] == {'default': '3.13', 'default_python3': '3.13', 'default_save_and_run': '3.12'}
    assert result['diff']['before'] == {'default': '3.10', 'default_python3': '3.13', 'default_save_and_run': '3.10'}
    assert result['diff']['after'] == result['python_versions']


def test_check_mode_predicts_and_sends_no_write(api, run_module):
    api.expect('GET', PY, json=py('3.10'))
    result = run_module(python_version, {'default': '3.12'}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['python_versions'] == {'default': '3.12'}
    assert result['diff'] == {'before': {'default': '3.10'}, 'after': {'default': '3.12'}}
    assert not api.writes


def test_a_version_the_image_does_not_offer_fails_before_any_patch(api, run_module):
    api.expect('GET', PY, json=py('3.10'))
    api.expect('GET', PY3, json=py3('3.10'))
    result = run_module(python_version, {'default': '3.12', 'default_python3': '3.6'})
    assert result['failed'] is True
    assert 'default_python3 must be one of' in result['msg']
    assert '3.7, 3.8, 3.9, 3.10, 3.11, 3.12, 3.13' in result['msg'] and "'3.6'" in result['msg']
    assert not api.writes


def test_unavailable_version_fails_in_check_mode_too(api, run_module):
    api.expect('GET', SAR, json=sar('3.8', ['2.7', '3.6', '3.7', '3.8', '3.9', '3.10']))
    result = run_module(python_version, {'default_save_and_run': '3.13'}, check_mode=True)
    assert result['failed'] is True and 'default_save_and_run' in result['msg'] and '2.7' in result['msg']


def test_an_unquoted_yaml_version_gets_a_hint(api, run_module):
    api.expect('GET', PY, json=py('3.13'))
    result = run_module(python_version, {'default': 3.1})
    assert result['failed'] is True
    assert 'quote it ("3.10")' in result['msg']


def test_bad_syntax_fails_before_any_request(api, run_module):
    result = run_module(python_version, {'default_python3': 'latest'})
    assert result['failed'] is True and 'default_python3' in result['msg'] and 'latest' in result['msg']
    result = run_module(python_version, {'default': ' '})
    assert result['failed'] is True and 'default must not be empty' in result['msg']
    result = run_module(python_version, {})
    assert result['failed'] is True and 'one of the following is required' in result['msg']
    assert not api.calls


def test_patch_answer_without_the_value_is_followed_by_a_get(api, run_module):
    api.expect('GET', PY3, json=py3('3.10'))
    api.expect('PATCH', PY3, json={'status': 'OK'}, form={'default_python3_version': '3.11'})
    api.expect('GET', PY3, json=py3('3.11'))
    result = run_module(python_version, {'default_python3': '3.11'})
    assert result['changed'] is True and result['python_versions'] == {'default_python3': '3.11'}


def test_api_error_names_method_path_status_and_message(api, run_module):
    api.expect('GET', PY, json=py('3.10'))
    api.expect('PATCH', PY, status=400, json={'default_python_version': ['"3.12" is not a valid choice.']})
    result = run_module(python_version, {'default': '3.12'})
    assert result['failed'] is True
    assert 'PATCH /api/v0/user/alice/default_python_version/' in result['msg']
    assert 'HTTP 400' in result['msg'] and 'not a valid choice' in result['msg']


def test_an_unexpected_answer_is_a_clear_error(api, run_module):
    api.expect('GET', PY, json={'detail': 'something else'})
    result = run_module(python_version, {'default': '3.12'})
    assert result['failed'] is True
    assert 'without default_python_version' in result['msg']


def test_info_reads_all_three(api, run_module):
    api.expect('GET', PY, json=py('3.10'))
    api.expect('GET', PY3, json=py3('3.13'))
    api.expect('GET', SAR, json=sar('3.12'))
    result = run_module(python_version_info, {})
    assert result['changed'] is False
    assert result['python_versions'] == {'default': '3.10', 'default_python3': '3.13', 'default_save_and_run': '3.12'}
    assert set(result['available_python_versions']) == {'default', 'default_python3', 'default_save_and_run'}
    assert not api.writes
