# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import webapp, webapp_info
from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import TOKEN

DOMAIN = 'alice.pythonanywhere.com'
ITEM = 'webapps/%s/' % DOMAIN


VERSIONS = {'default_python_version': '3.10', 'available_python_versions': ['3.10', '3.11', '3.12', '3.13']}
VENV = '/home/alice/.virtualenvs/v'


def venv_listing(*names):
    url = 'https://www.pythonanywhere.com/api/v0/user/alice/files/path%s/%%s' % VENV
    return dict((name, {'type': 'file', 'url': url % name}) for name in names)


def remote(**changes):
    app = {
        'id': 7, 'user': 'alice', 'domain_name': DOMAIN, 'python_version': '3.13',
        'source_directory': '/home/alice/mysite', 'working_directory': '/home/alice/', 'virtualenv_path': '',
        'expiry': None, 'force_https': False, 'password_protection_enabled': False,
        'password_protection_username': '', 'password_protection_password': '', 'enabled': True,
    }
    app.update(changes)
    return app


def test_create_sends_python_xy_then_patches_the_rest(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    api.expect('POST', 'webapps/', status=201, json={'status': 'OK'},
               form={'domain_name': DOMAIN, 'python_version': 'python313'})
    api.expect('GET', ITEM, json=remote(source_directory='/home/alice/'))
    api.expect('PATCH', ITEM, json=remote(), form={'source_directory': '/home/alice/mysite'})
    result = run_module(webapp, {'python_version': '3.13', 'source_directory': '/home/alice/mysite/'}, diff=True)
    assert result['changed'] is True
    assert result['webapp']['source_directory'] == '/home/alice/mysite'
    assert result['webapp']['domain_name'] == DOMAIN  # derived from the username
    assert 'password_protection_password' not in result['webapp']
    assert result['diff']['before'] == {}
    assert result['diff']['after']['python_version'] == '3.13'


def test_create_in_check_mode_sends_no_write(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    result = run_module(webapp, {'python_version': 'python313', 'force_https': True}, check_mode=True)
    assert result['changed'] is True
    assert result['webapp']['python_version'] == '3.13'
    assert result['webapp']['force_https'] is True
    assert not api.writes


def test_unchanged_sends_one_get(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(webapp, {'python_version': '3.13', 'source_directory': '/home/alice/mysite', 'enabled': True})
    assert result['changed'] is False
    assert len(api.calls) == 1


def test_update_diff_shows_only_the_change_and_redacts_the_password(api, run_module):
    api.expect('GET', ITEM, json=remote(password_protection_password='old-secret'))
    result = run_module(webapp, {'force_https': True, 'password_protection_password': 'new-secret'},
                        check_mode=True, diff=True)
    assert result['changed'] is True
    before, after = result['diff']['before'], result['diff']['after']
    assert before['force_https'] is False and after['force_https'] is True
    changed = [key for key in after if before.get(key) != after[key]]
    assert sorted(changed) == ['force_https', 'password_protection_password']
    dumped = json.dumps(result)
    assert 'new-secret' not in dumped and 'old-secret' not in dumped and TOKEN not in dumped


def test_python_version_is_patched_before_the_virtualenv(api, run_module):
    api.expect('GET', ITEM, json=remote(python_version='3.10'))
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    api.expect('GET', 'files/path' + VENV, json=venv_listing('bin'))
    api.expect('PATCH', ITEM, json=remote(python_version='3.13'), form={'python_version': '3.13'})
    api.expect('PATCH', ITEM, json=remote(python_version='3.13', virtualenv_path='/home/alice/.virtualenvs/v'),
               form={'virtualenv_path': '/home/alice/.virtualenvs/v'})
    result = run_module(webapp, {'python_version': '3.13', 'virtualenv_path': '/home/alice/.virtualenvs/v'})
    assert result['changed'] is True
    assert result['webapp']['virtualenv_path'] == '/home/alice/.virtualenvs/v'


def test_empty_virtualenv_path_clears_it(api, run_module):
    api.expect('GET', ITEM, json=remote(virtualenv_path='/home/alice/.virtualenvs/v'))
    api.expect('PATCH', ITEM, json=remote(), form={'virtualenv_path': ''})
    assert run_module(webapp, {'virtualenv_path': ''})['changed'] is True


def test_disable_uses_the_disable_endpoint(api, run_module):
    api.expect('GET', ITEM, json=remote())
    api.expect('POST', ITEM + 'disable/', json={'status': 'OK'})
    api.expect('GET', ITEM, json=remote(enabled=False))
    result = run_module(webapp, {'enabled': False})
    assert result['changed'] is True and result['webapp']['enabled'] is False


def test_reload_warns_on_cname_error(api, run_module):
    api.expect('GET', 'webapps/www.example.com/', json=remote(domain_name='www.example.com'))
    api.expect('POST', 'webapps/www.example.com/reload/', status=409, json={'status': 'error', 'error': 'cname_error'})
    result = run_module(webapp, {'domain_name': 'www.example.com', 'state': 'reloaded'})
    assert result['changed'] is True and result['reloaded'] is True
    assert any('cname_error' in warning for warning in result['warnings']), result


def test_reload_in_check_mode_sends_nothing(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(webapp, {'state': 'reloaded'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_delete_and_delete_again(api, run_module):
    api.expect('GET', ITEM, json=remote())
    api.expect('DELETE', ITEM, status=204)
    assert run_module(webapp, {'state': 'absent'})['changed'] is True
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    assert run_module(webapp, {'state': 'absent'})['changed'] is False


def test_delete_in_check_mode(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(webapp, {'state': 'absent'}, check_mode=True, diff=True)
    assert result['changed'] is True and result['diff']['after'] == {} and not api.writes


def test_invalid_input_fails_before_any_request(api, run_module):
    result = run_module(webapp, {'python_version': 'three'})
    assert result['failed'] is True and 'python_version' in result['msg']
    result = run_module(webapp, {'source_directory': 'mysite'})
    assert 'source_directory' in result['msg']
    assert not api.calls


def test_create_without_python_version_fails_clearly(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    result = run_module(webapp, {'source_directory': '/home/alice/x'})
    assert result['failed'] is True and 'python_version is required' in result['msg']
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    result = run_module(webapp, {'source_directory': '/home/alice/x'}, check_mode=True)
    assert result['failed'] is True and 'python_version is required' in result['msg']


def test_api_error_names_method_path_status_and_message(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    api.expect('POST', 'webapps/', status=400,
               json={'error_message': 'You cannot create any more webapps - your account only allows 1'})
    result = run_module(webapp, {'python_version': '3.13'})
    assert result['failed'] is True
    assert 'POST /api/v0/user/alice/webapps/' in result['msg']
    assert 'HTTP 400' in result['msg'] and 'only allows 1' in result['msg']
    assert TOKEN not in result['msg']


def test_eu_default_domain(api, run_module):
    api.expect('GET', '/api/v0/user/alice/webapps/alice.eu.pythonanywhere.com/', json=remote(domain_name='alice.eu.pythonanywhere.com'))
    result = run_module(webapp, {'api_host': 'eu'})
    assert result['webapp']['domain_name'] == 'alice.eu.pythonanywhere.com'


def test_info_lists_without_passwords(api, run_module):
    api.expect('GET', 'webapps/', json=[remote(password_protection_password='pw'), remote(domain_name='b.example.com')])
    result = run_module(webapp_info, {})
    assert [w['domain_name'] for w in result['webapps']] == [DOMAIN, 'b.example.com']
    assert 'pw' not in json.dumps(result)


def test_info_missing_domain_is_empty(api, run_module):
    api.expect('GET', 'webapps/nope.example.com/', status=404, json={'detail': 'Not found.'})
    assert run_module(webapp_info, {'domain_name': 'nope.example.com'})['webapps'] == []


def test_reload_of_a_missing_webapp_fails_saying_it_does_not_exist(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    result = run_module(webapp, {'state': 'reloaded'})
    assert result['failed'] is True
    assert result['msg'] == ('there is no web app alice.pythonanywhere.com to reload: create it first '
                             '(state=present with python_version)')
    assert not api.writes


def test_reload_of_a_missing_webapp_in_check_mode_is_a_predicted_reload(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    result = run_module(webapp, {'state': 'reloaded'}, check_mode=True, diff=True)
    assert 'failed' not in result
    assert result['changed'] is True and result['reloaded'] is True
    assert result['diff'] == {'before': {}, 'after': {}}
    assert 'check mode predicts the reload' in result['warnings'][0]
    assert not api.writes


def test_create_without_a_password_shows_no_password_in_the_diff(api, run_module):
    # The server answers an empty password for a new web app: nothing the user set, nothing to show.
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    api.expect('POST', 'webapps/', status=201, json={'status': 'OK'},
               form={'domain_name': DOMAIN, 'python_version': 'python313'})
    api.expect('GET', ITEM, json=remote(source_directory='/home/alice/'))
    result = run_module(webapp, {'python_version': '3.13'}, diff=True)
    assert result['changed'] is True
    assert 'password_protection_password' not in result['diff']['after']


def test_check_mode_diff_of_a_new_webapp_shows_known_values_only(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    result = run_module(webapp, {'python_version': '3.13', 'force_https': True,
                                 'password_protection_password': 'pw-secret'}, check_mode=True, diff=True)
    after = result['diff']['after']
    assert None not in after.values()
    assert after['python_version'] == '3.13' and after['force_https'] is True
    assert after['password_protection_password'].endswith('(changed)')
    assert 'pw-secret' not in json.dumps(result)


def test_create_then_refused_patch_reports_changed_and_that_the_webapp_exists(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    api.expect('GET', 'files/path/home/alice/.virtualenvs/old', json=venv_listing('bin'))
    api.expect('POST', 'webapps/', status=201, json={'status': 'OK'},
               form={'domain_name': DOMAIN, 'python_version': 'python313'})
    api.expect('GET', ITEM, json=remote(source_directory='/home/alice/'))
    api.expect('PATCH', ITEM, status=400,
               json={'virtualenv_path': ['The virtualenv was built for Python 3.10, not 3.13']},
               form={'virtualenv_path': '/home/alice/.virtualenvs/old'})
    result = run_module(webapp, {'python_version': '3.13', 'virtualenv_path': '/home/alice/.virtualenvs/old'})
    assert result['failed'] is True and result['changed'] is True
    assert 'created the web app alice.pythonanywhere.com, which now exists' in result['msg']
    assert 'Python 3.10' in result['msg']


def test_python_version_the_image_does_not_offer_fails_before_any_write_also_in_check_mode(api, run_module):
    for check_mode in (True, False):
        api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
        api.expect('GET', 'default_python_version/', json=VERSIONS)
        result = run_module(webapp, {'python_version': 'python399'}, check_mode=check_mode)
        assert result['failed'] is True
        assert result['msg'].startswith('python_version python399 is not offered by the account')
        assert '3.10, 3.11, 3.12, 3.13' in result['msg']
    assert not api.writes


def test_missing_virtualenv_fails_a_real_run_before_any_write(api, run_module):
    api.expect('GET', ITEM, json=remote())
    api.expect('GET', 'files/path' + VENV, status=404, json={'detail': 'No such file or directory'})
    result = run_module(webapp, {'virtualenv_path': VENV})
    assert result['failed'] is True
    assert result['msg'].startswith('virtualenv_path %s does not exist on PythonAnywhere' % VENV)
    assert not api.writes


def test_missing_virtualenv_is_a_warning_in_check_mode(api, run_module):
    # An earlier task of the play (the deploy roles' virtualenv step) creates it in the real run, and has not in
    # check mode: predicting a failure there would break the promise that check mode predicts the real run.
    api.expect('GET', ITEM, json=remote())
    api.expect('GET', 'files/path' + VENV, status=404, json={'detail': 'No such file or directory'})
    result = run_module(webapp, {'virtualenv_path': VENV}, check_mode=True)
    assert not result.get('failed') and result['changed'] is True
    assert any(w.startswith('virtualenv_path %s does not exist on PythonAnywhere' % VENV) and 'a real run fails' in w
               for w in result['warnings'])
    assert not api.writes


def test_virtualenv_of_another_python_fails_before_the_webapp_is_created(api, run_module):
    api.expect('GET', ITEM, status=404, json={'detail': 'Not found.'})
    api.expect('GET', 'default_python_version/', json=VERSIONS)
    api.expect('GET', 'files/path' + VENV, json=venv_listing('bin', 'pyvenv.cfg'))
    api.expect('GET', 'files/path' + VENV + '/pyvenv.cfg', raw=b'home = /usr/bin\nversion = 3.10.12\n',
               headers={'Content-Type': 'application/octet-stream'})
    result = run_module(webapp, {'python_version': '3.13', 'virtualenv_path': VENV})
    assert result['failed'] is True
    assert 'was built for Python 3.10, but the web app will use Python 3.13' in result['msg']
    assert not api.writes
