# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import system_image, system_image_info

PATH = 'system_image/'


def image(name, available=('haggis', 'innit')):
    return {'system_image': name, 'available_system_images': list(available)}


def test_unchanged_sends_one_get(api, run_module):
    api.expect('GET', PATH, json=image('innit'))
    result = run_module(system_image, {'system_image': 'innit'}, diff=True)
    assert result['changed'] is False
    assert result['system_image'] == 'innit'
    assert result['available_system_images'] == ['haggis', 'innit']
    assert result['diff'] == {'before': {'system_image': 'innit'}, 'after': {'system_image': 'innit'}}
    assert result['warnings'] == []
    assert len(api.calls) == 1


def test_switch_patches_and_warns_about_reloads(api, run_module):
    api.expect('GET', PATH, json=image('haggis'))
    api.expect('PATCH', PATH, json=image('innit'), form={'system_image': 'innit'})
    result = run_module(system_image, {'system_image': 'innit'}, diff=True)
    assert result['changed'] is True
    assert result['system_image'] == 'innit'
    assert result['diff'] == {'before': {'system_image': 'haggis'}, 'after': {'system_image': 'innit'}}
    assert any('reload every web app' in warning and 'always-on' in warning for warning in result['warnings'])


def test_check_mode_predicts_without_writing_or_warning(api, run_module):
    api.expect('GET', PATH, json=image('haggis'))
    result = run_module(system_image, {'system_image': 'innit'}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['system_image'] == 'innit'
    assert result['diff']['after'] == {'system_image': 'innit'}
    assert result['warnings'] == []
    assert not api.writes


def test_an_image_not_offered_fails_before_the_patch_naming_the_choices(api, run_module):
    api.expect('GET', PATH, json=image('haggis'))
    result = run_module(system_image, {'system_image': 'glastonbury'})
    assert result['failed'] is True
    assert 'system_image must be one of the images this account offers (haggis, innit)' in result['msg']
    assert "'glastonbury'" in result['msg'] and 'older' in result['msg']
    assert not api.writes


def test_empty_image_fails_before_any_request(api, run_module):
    result = run_module(system_image, {'system_image': ''})
    assert result['failed'] is True and 'system_image must not be empty' in result['msg']
    assert not api.calls


def test_server_refusal_is_reported(api, run_module):
    api.expect('GET', PATH, json={'system_image': 'haggis'})  # no list: the server decides
    api.expect('PATCH', PATH, status=400, json={'system_image': ['"earlgrey" is not a valid choice.']})
    result = run_module(system_image, {'system_image': 'earlgrey'})
    assert result['failed'] is True
    assert 'PATCH /api/v0/user/alice/system_image/' in result['msg'] and 'not a valid choice' in result['msg']


def test_info(api, run_module):
    api.expect('GET', PATH, json=image('innit', ['innit']))
    result = run_module(system_image_info, {})
    result.pop('invocation', None)  # ansible-core 2.21 no longer returns it
    assert result == {'changed': False, 'system_image': 'innit', 'available_system_images': ['innit'], 'warnings': []}
