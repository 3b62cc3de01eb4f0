# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import website, website_info

DOMAIN = 'alice.pythonanywhere.com'
ITEM = 'websites/%s/' % DOMAIN
COMMAND = '/home/alice/.virtualenvs/v/bin/uvicorn --uds ${DOMAIN_SOCKET} main:app'
NEW_COMMAND = '/home/alice/.virtualenvs/v/bin/uvicorn --uds ${DOMAIN_SOCKET} --workers 2 main:app'
NOT_FOUND = {'detail': 'Not found.'}


def remote(domain=DOMAIN, command=COMMAND, enabled=True, site_id=5000001):
    return {
        'id': site_id, 'user': 'alice', 'domain_name': domain, 'enabled': enabled,
        'webapp': {'id': 5000002, 'command': command, 'domains': [{'domain_name': domain, 'enabled': enabled}]},
        'logfiles': dict((kind, '/var/log/%s.%s.log' % (domain, kind)) for kind in ('access', 'error', 'server')),
    }


def test_create_sends_the_nested_command_as_json(api, run_module):
    api.expect('GET', ITEM, status=404, json=NOT_FOUND)
    api.expect('POST', 'websites/', status=201, json=remote(),
               body={'domain_name': DOMAIN, 'enabled': True, 'webapp': {'command': COMMAND}})
    result = run_module(website, {'command': COMMAND}, diff=True)
    assert result['changed'] is True
    assert result['website']['command'] == COMMAND  # flattened from webapp.command
    assert result['website']['domain_name'] == DOMAIN  # derived from the username
    assert result['website']['logfiles']['server'] == '/var/log/%s.server.log' % DOMAIN
    assert 'webapp' not in result['website']
    assert result['diff']['before'] == {}
    assert result['diff']['after']['command'] == COMMAND and result['diff']['after']['enabled'] is True
    assert result['reloaded'] is False and 'replaced' not in result
    assert not result['warnings']


def test_create_disabled(api, run_module):
    api.expect('GET', 'websites/www.example.com/', status=404, json=NOT_FOUND)
    api.expect('POST', 'websites/', status=201, json=remote('www.example.com', enabled=False),
               body={'domain_name': 'www.example.com', 'enabled': False, 'webapp': {'command': COMMAND}})
    result = run_module(website, {'domain_name': 'WWW.Example.com', 'command': COMMAND, 'enabled': False})
    assert result['changed'] is True and result['website']['enabled'] is False


def test_create_in_check_mode_sends_no_write(api, run_module):
    api.expect('GET', ITEM, status=404, json=NOT_FOUND)
    result = run_module(website, {'command': COMMAND}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['website']['command'] == COMMAND and result['website']['enabled'] is True
    assert result['diff']['before'] == {}
    assert not api.writes


def test_unchanged_sends_one_get(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(website, {'command': '  %s ' % COMMAND, 'enabled': True})
    assert result['changed'] is False
    assert len(api.calls) == 1


def test_disable_patches_enabled_only(api, run_module):
    api.expect('GET', ITEM, json=remote())
    api.expect('PATCH', ITEM, json=remote(enabled=False), body={'enabled': False})
    result = run_module(website, {'command': COMMAND, 'enabled': False}, diff=True)
    assert result['changed'] is True and 'replaced' not in result
    before, after = result['diff']['before'], result['diff']['after']
    # the site's domain entries carry the enabled flag too
    assert sorted(key for key in after if before.get(key) != after[key]) == ['domains', 'enabled']
    assert result['website']['enabled'] is False


def test_disable_in_check_mode_and_again(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(website, {'enabled': False}, check_mode=True)
    assert result['changed'] is True and result['website']['enabled'] is False
    assert not api.writes
    api.expect('GET', ITEM, json=remote(enabled=False))
    assert run_module(website, {'enabled': False})['changed'] is False


def test_new_command_deletes_and_recreates_keeping_enabled(api, run_module):
    api.expect('GET', ITEM, json=remote(enabled=False))
    api.expect('DELETE', ITEM, status=204)
    api.expect('POST', 'websites/', status=201, json=remote(command=NEW_COMMAND, enabled=False, site_id=5000003),
               body={'domain_name': DOMAIN, 'enabled': False, 'webapp': {'command': NEW_COMMAND}})
    result = run_module(website, {'command': NEW_COMMAND}, diff=True)
    assert result['changed'] is True and result['replaced'] is True
    assert result['diff']['before']['command'] == COMMAND
    assert result['diff']['after']['command'] == NEW_COMMAND
    assert result['website']['id'] == 5000003 and result['website']['enabled'] is False


def test_replace_in_check_mode_sends_no_write(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(website, {'command': NEW_COMMAND}, check_mode=True, diff=True)
    assert result['changed'] is True and result['replaced'] is True
    assert result['diff']['before']['command'] == COMMAND and result['diff']['after']['command'] == NEW_COMMAND
    assert result['website']['id'] is None and result['website']['enabled'] is True
    assert not api.writes


def test_reload_applies_then_reloads(api, run_module):
    api.expect('GET', ITEM, json=remote())
    api.expect('POST', ITEM + 'reload/', json={'status': 'OK'})
    result = run_module(website, {'state': 'reloaded'})
    assert result['changed'] is True and result['reloaded'] is True
    assert result['website']['command'] == COMMAND


def test_reload_in_check_mode_sends_nothing(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(website, {'state': 'reloaded'}, check_mode=True)
    assert result['changed'] is True and result['reloaded'] is True
    assert not api.writes


def test_reload_of_a_missing_site_without_command_fails_before_any_write(api, run_module):
    api.expect('GET', ITEM, status=404, json=NOT_FOUND)
    result = run_module(website, {'state': 'reloaded'})
    assert result['failed'] is True
    assert result['msg'] == ('there is no website alice.pythonanywhere.com to reload: create it first '
                             '(state=present with command)')
    assert not api.writes


def test_reload_of_a_missing_site_in_check_mode_is_a_predicted_reload(api, run_module):
    # A handler run in a check run: the task that creates the site only predicted it.
    api.expect('GET', ITEM, status=404, json=NOT_FOUND)
    result = run_module(website, {'state': 'reloaded'}, check_mode=True)
    assert 'failed' not in result
    assert result['changed'] is True and result['reloaded'] is True
    assert 'there is no website alice.pythonanywhere.com yet' in result['warnings'][0]
    assert not api.writes


def test_delete_and_delete_again(api, run_module):
    api.expect('GET', ITEM, json=remote())
    api.expect('DELETE', ITEM, status=204)
    result = run_module(website, {'state': 'absent'}, diff=True)
    assert result['changed'] is True and result['website'] == {}
    assert result['diff']['before']['command'] == COMMAND and result['diff']['after'] == {}
    api.expect('GET', ITEM, status=404, json=NOT_FOUND)
    assert run_module(website, {'state': 'absent'})['changed'] is False


def test_delete_in_check_mode(api, run_module):
    api.expect('GET', ITEM, json=remote())
    result = run_module(website, {'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_empty_command_fails_before_any_request(api, run_module):
    result = run_module(website, {'command': '  '})
    assert result['failed'] is True and result['msg'] == 'command must not be empty'
    assert not api.calls


def test_command_without_the_socket_warns(api, run_module):
    api.expect('GET', ITEM, json=remote(command='python -m http.server'))
    result = run_module(website, {'command': 'python -m http.server'})
    assert result['changed'] is False
    assert any('${DOMAIN_SOCKET}' in warning for warning in result['warnings']), result['warnings']


def test_duplicate_domain_error_is_clear(api, run_module):
    api.expect('GET', ITEM, status=404, json=NOT_FOUND)
    api.expect('POST', 'websites/', status=400, json={'domain_name': ['domain with this domain name already exists.']})
    result = run_module(website, {'command': COMMAND})
    assert result['failed'] is True
    assert 'POST /api/v1/user/alice/websites/' in result['msg'] and 'already exists' in result['msg']


def test_info_lists_flat_websites(api, run_module):
    api.expect('GET', 'websites/', json=[remote(), remote('www.example.com', command=NEW_COMMAND)])
    result = run_module(website_info, {})
    assert result['changed'] is False
    assert [(w['domain_name'], w['command']) for w in result['websites']] == [(DOMAIN, COMMAND), ('www.example.com', NEW_COMMAND)]


def test_info_one_and_missing(api, run_module):
    api.expect('GET', ITEM, json=remote())
    assert [w['id'] for w in run_module(website_info, {'domain_name': DOMAIN})['websites']] == [5000001]
    api.expect('GET', 'websites/nope.example.com/', status=404, json=NOT_FOUND)
    assert run_module(website_info, {'domain_name': 'nope.example.com'})['websites'] == []
