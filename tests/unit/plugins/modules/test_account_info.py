# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import account_info

CPU = {'daily_cpu_limit_seconds': 4000, 'daily_cpu_total_usage_seconds': 0.064381, 'next_reset_time': '2026-11-27T03:26:37'}
INNIT = ['3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']


def expect_everything(api, databases_status=200, databases=None):
    api.expect('GET', 'cpu/', json=CPU)
    api.expect('GET', 'system_image/', json={'system_image': 'innit', 'available_system_images': ['innit']})
    api.expect('GET', 'default_python_version/', json={'default_python_version': '3.10', 'available_python_versions': INNIT})
    api.expect('GET', 'default_python3_version/', json={'default_python3_version': '3.13', 'available_python3_versions': INNIT})
    api.expect('GET', 'default_save_and_run_python_version/',
               json={'default_save_and_run_python_version': '3.12', 'available_python_versions': INNIT})
    api.expect('GET', 'databases/mysql/', status=databases_status, json=databases)


def test_gather_all_by_default(api, run_module):
    expect_everything(api, databases=[{'name': 'alice$default'}])
    result = run_module(account_info, {})
    assert result['changed'] is False
    assert result['cpu'] == CPU
    assert result['system_image'] == 'innit' and result['available_system_images'] == ['innit']
    assert result['python_versions'] == {'default': '3.10', 'default_python3': '3.13', 'default_save_and_run': '3.12'}
    assert result['available_python_versions']['default_python3'] == INNIT
    assert result['mysql_databases'] == [{'name': 'alice$default'}]  # passed through as the API gives it
    assert len(api.calls) == 6 and not api.writes


def test_gather_one_part_costs_one_request(api, run_module):
    api.expect('GET', 'cpu/', json=CPU)
    result = run_module(account_info, {'gather': ['cpu']})
    assert result['cpu'] == CPU
    assert not set(result) & {'system_image', 'python_versions', 'mysql_databases'}
    assert len(api.calls) == 1


def test_gather_system_image_and_databases(api, run_module):
    api.expect('GET', 'system_image/', json={'system_image': 'haggis', 'available_system_images': ['haggis', 'innit']})
    api.expect('GET', 'databases/mysql/', json=[])
    result = run_module(account_info, {'gather': ['mysql_databases', 'system_image']})
    assert result['system_image'] == 'haggis' and result['mysql_databases'] == []
    assert 'cpu' not in result and 'python_versions' not in result


def test_no_mysql_on_the_plan_is_a_warning_not_a_failure(api, run_module):
    expect_everything(api, databases_status=403, databases={'detail': 'MySQL is not available on free accounts.'})
    result = run_module(account_info, {'gather': ['all']})
    assert 'failed' not in result
    assert result['mysql_databases'] is None
    assert any('MySQL is not available on free accounts.' in warning for warning in result['warnings'])
    assert result['cpu'] == CPU


def test_unknown_part_fails_before_any_request(api, run_module):
    result = run_module(account_info, {'gather': ['cpu', 'disk']})
    assert result['failed'] is True and 'gather' in result['msg'] and 'disk' in result['msg']
    assert not api.calls


def test_api_error_is_clean(api, run_module):
    api.expect('GET', 'cpu/', status=401, json={'detail': 'Invalid token.'})
    result = run_module(account_info, {'gather': ['cpu']})
    assert result['failed'] is True
    assert 'GET /api/v0/user/alice/cpu/' in result['msg'] and 'HTTP 401' in result['msg'] and 'Invalid token.' in result['msg']
