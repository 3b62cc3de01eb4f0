# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import static_header, static_header_info

DOMAIN = 'alice.pythonanywhere.com'
LIST = 'webapps/%s/static_headers/' % DOMAIN


def item(header_id):
    return '%s%d/' % (LIST, header_id)


def header(header_id, url, name, value):
    return {'id': header_id, 'url': url, 'name': name, 'value': value}


CACHE = header(21, '/static/', 'Cache-Control', 'max-age=86400')
NOSNIFF = header(22, '/static/', 'X-Content-Type-Options', 'nosniff')
MEDIA = header(23, '/media/', 'Cache-Control', 'no-cache')
ONE = {'url': '/static/', 'name': 'Cache-Control', 'value': 'max-age=86400'}


def test_create_posts_json_and_diffs(api, run_module):
    api.expect('GET', LIST, json=[NOSNIFF])
    api.expect('POST', LIST, status=201, json=CACHE, body=ONE)
    result = run_module(static_header, ONE, diff=True)
    assert result['changed'] is True and result['header'] == CACHE
    assert result['diff'] == {'before': {}, 'after': CACHE}


def test_create_in_check_mode(api, run_module):
    api.expect('GET', LIST, json=[])
    result = run_module(static_header, ONE, check_mode=True)
    assert result['changed'] is True and result['header'] == dict(ONE, id=None)
    assert not api.writes


def test_same_url_other_name_is_another_header(api, run_module):
    api.expect('GET', LIST, json=[NOSNIFF])
    result = run_module(static_header, ONE, check_mode=True)
    assert result['changed'] is True and result['header']['id'] is None


def test_unchanged_costs_one_get_and_names_match_without_case(api, run_module):
    api.expect('GET', LIST, json=[CACHE, NOSNIFF])
    result = run_module(static_header, dict(ONE, name='Cache-Control'))
    assert result['changed'] is False and len(api.calls) == 1


def test_changed_value_is_patched_in_place(api, run_module):
    api.expect('GET', LIST, json=[CACHE])
    api.expect('PATCH', item(21), json=dict(CACHE, value='no-store'), body={'value': 'no-store'})
    result = run_module(static_header, dict(ONE, value='no-store'), diff=True)
    assert result['changed'] is True and result['header']['value'] == 'no-store'
    assert (result['diff']['before']['value'], result['diff']['after']['value']) == ('max-age=86400', 'no-store')


def test_name_in_other_case_updates_the_same_header(api, run_module):
    api.expect('GET', LIST, json=[CACHE])
    api.expect('PATCH', item(21), json=dict(CACHE, name='cache-control'), body={'name': 'cache-control'})
    result = run_module(static_header, dict(ONE, name='cache-control'))
    assert result['changed'] is True and result['header']['id'] == 21


def test_update_in_check_mode(api, run_module):
    api.expect('GET', LIST, json=[CACHE])
    result = run_module(static_header, dict(ONE, value='no-store'), check_mode=True, diff=True)
    assert result['changed'] is True and result['header'] == dict(CACHE, value='no-store')
    assert result['diff']['before'] == CACHE and not api.writes


def test_empty_value_is_a_value(api, run_module):
    api.expect('GET', LIST, json=[CACHE])
    api.expect('PATCH', item(21), json=dict(CACHE, value=''), body={'value': ''})
    assert run_module(static_header, dict(ONE, value=''))['header']['value'] == ''


def test_non_string_value_from_the_server_is_compared_as_json_text(api, run_module):
    api.expect('GET', LIST, json=[header(21, '/static/', 'X-Max', 5)])
    result = run_module(static_header, {'url': '/static/', 'name': 'X-Max', 'value': '5'})
    assert result['changed'] is False and result['header']['value'] == '5'


def test_delete_then_again(api, run_module):
    api.expect('GET', LIST, json=[CACHE, NOSNIFF])
    api.expect('DELETE', item(21), status=204)
    result = run_module(static_header, {'url': '/static/', 'name': 'cache-control', 'state': 'absent'}, diff=True)
    assert result['changed'] is True and result['diff'] == {'before': CACHE, 'after': {}}
    api.expect('GET', LIST, json=[NOSNIFF])
    assert run_module(static_header, {'url': '/static/', 'name': 'Cache-Control', 'state': 'absent'})['changed'] is False


def test_delete_in_check_mode(api, run_module):
    api.expect('GET', LIST, json=[CACHE])
    result = run_module(static_header, {'url': '/static/', 'name': 'Cache-Control', 'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_invalid_input_fails_before_any_request(api, run_module):
    cases = [
        (dict(ONE, name='Cache Control'), 'name must be an HTTP header name'),
        (dict(ONE, value='a\r\nSet-Cookie: x=1'), 'must be one line'),
        (dict(ONE, url='static'), 'url must be a URL path'),
        ({'url': '/static/', 'name': 'X-A'}, 'value is required'),
        ({'url': '/static/', 'value': 'x'}, 'missing parameter(s) required by \'url\': name'),
        ({'headers': [ONE, dict(ONE, name='cache-control', value='x')]}, 'headers[0] and headers[1] both declare'),
        ({'headers': [{'url': '/a/', 'name': 'X-A'}]}, 'headers[0]: value is required'),
        ({'headers': [ONE], 'value': 'x'}, 'mutually exclusive'),
    ]
    for args, message in cases:
        result = run_module(static_header, args)
        assert result.get('failed') is True, args
        assert message in result['msg'], (args, result['msg'])
    assert not api.calls


DECLARED = [ONE, {'url': '/static/', 'name': 'X-Content-Type-Options', 'value': 'nosniff'},
            {'url': '/media/', 'name': 'Cache-Control', 'value': 'no-cache'}]


def test_converged_set_costs_exactly_one_get(api, run_module):
    api.expect('GET', LIST, json=[NOSNIFF, MEDIA, CACHE])
    result = run_module(static_header, {'headers': DECLARED, 'purge': True}, diff=True)
    assert result['changed'] is False and len(api.calls) == 1
    assert result['headers'] == [MEDIA, CACHE, NOSNIFF]
    assert result['diff']['before'] == result['diff']['after'] == {'headers': [MEDIA, CACHE, NOSNIFF]}


def test_set_purges_only_the_undeclared(api, run_module):
    other = header(24, '/static/', 'X-Frame-Options', 'DENY')
    api.expect('GET', LIST, json=[CACHE, other, dict(MEDIA, value='max-age=1')])
    api.expect('PATCH', item(23), json=MEDIA, body={'value': 'no-cache'})
    api.expect('POST', LIST, status=201, json=NOSNIFF, body=DECLARED[1])
    api.expect('DELETE', item(24), status=204)
    result = run_module(static_header, {'headers': DECLARED, 'purge': True}, diff=True)
    assert result['changed'] is True and result['headers'] == [MEDIA, CACHE, NOSNIFF]
    assert result['diff']['before']['headers'] == [dict(MEDIA, value='max-age=1'), CACHE, other]


def test_set_without_purge_in_check_mode_keeps_the_undeclared(api, run_module):
    other = header(24, '/static/', 'X-Frame-Options', 'DENY')
    api.expect('GET', LIST, json=[other])
    result = run_module(static_header, {'headers': DECLARED}, check_mode=True)
    assert result['changed'] is True
    assert [(h['url'], h['name'], h['id']) for h in result['headers']] == [
        ('/media/', 'Cache-Control', None), ('/static/', 'Cache-Control', None),
        ('/static/', 'X-Content-Type-Options', None), ('/static/', 'X-Frame-Options', 24)]
    assert not api.writes


def test_set_duplicates_fail_without_purge_and_are_repaired_with_it(api, run_module):
    duplicate = header(25, '/static/', 'cache-control', 'max-age=86400')
    api.expect('GET', LIST, json=[dict(CACHE, value='old'), duplicate])
    result = run_module(static_header, {'headers': [ONE]})
    assert result['failed'] is True and 'ids: 21, 25' in result['msg']
    api.expect('GET', LIST, json=[dict(CACHE, value='old'), duplicate])
    api.expect('PATCH', item(21), json=CACHE, body={'value': 'max-age=86400'})
    api.expect('DELETE', item(25), status=204)
    result = run_module(static_header, {'headers': [ONE], 'purge': True})
    assert result['changed'] is True and result['headers'] == [CACHE]
    # when one of them already matches, that one is kept
    api.expect('GET', LIST, json=[dict(CACHE, value='old'), header(26, '/static/', 'Cache-Control', 'max-age=86400')])
    api.expect('DELETE', item(21), status=204)
    result = run_module(static_header, {'headers': [ONE], 'purge': True})
    assert result['headers'] == [header(26, '/static/', 'Cache-Control', 'max-age=86400')]


def test_info_filters_by_url_and_name(api, run_module):
    api.expect('GET', LIST, json=[CACHE, NOSNIFF, MEDIA])
    result = run_module(static_header_info, {'name': 'cache-control'})
    assert result['headers'] == [MEDIA, CACHE]
    api.expect('GET', LIST, json=[CACHE, NOSNIFF, MEDIA])
    assert run_module(static_header_info, {'url': '/static/'})['headers'] == [CACHE, NOSNIFF]


def test_purging_an_empty_set_of_a_webapp_check_mode_predicts_gives_no_warning(api, run_module):
    # The role purges an empty header list by default; in a check run the web app is only predicted.
    api.expect('GET', LIST, status=404, json={'detail': 'Not found.'})
    result = run_module(static_header, {'headers': [], 'purge': True}, check_mode=True, diff=True)
    assert result['changed'] is False
    assert result['warnings'] == []
