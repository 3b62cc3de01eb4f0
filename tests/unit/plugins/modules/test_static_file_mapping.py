# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import static_file_mapping, static_file_mapping_info

DOMAIN = 'alice.pythonanywhere.com'
LIST = 'webapps/%s/static_files/' % DOMAIN


def item(mapping_id):
    return '%s%d/' % (LIST, mapping_id)


def mapping(mapping_id, url, path):
    return {'id': mapping_id, 'url': url, 'path': path}


STATIC = mapping(11, '/static/', '/home/alice/mysite/static')
MEDIA = mapping(12, '/media/', '/home/alice/mysite/media')
STATIC_16 = mapping(16, '/static/', '/home/alice/mysite/static')


# --- one mapping --------------------------------------------------------------------------------------

def test_create_one_mapping_posts_json_and_diffs(api, run_module):
    api.expect('GET', LIST, json=[MEDIA])
    api.expect('POST', LIST, status=201, json=STATIC, body={'url': '/static/', 'path': '/home/alice/mysite/static'})
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static/'}, diff=True)
    assert result['changed'] is True
    assert result['mapping'] == STATIC
    assert result['diff'] == {'before': {}, 'after': STATIC}


def test_create_in_check_mode_sends_no_write(api, run_module):
    api.expect('GET', LIST, json=[])
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static'},
                        check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['mapping'] == {'id': None, 'url': '/static/', 'path': '/home/alice/mysite/static'}
    assert result['diff']['before'] == {}
    assert not api.writes


def test_unchanged_mapping_costs_one_get(api, run_module):
    api.expect('GET', LIST, json=[MEDIA, STATIC])
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static/'})
    assert result['changed'] is False and result['mapping'] == STATIC
    assert len(api.calls) == 1


def test_changed_path_is_patched_in_place(api, run_module):
    api.expect('GET', LIST, json=[STATIC])
    api.expect('PATCH', item(11), json=mapping(11, '/static/', '/srv/static'), body={'path': '/srv/static'})
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/srv/static'}, diff=True)
    assert result['changed'] is True
    assert result['mapping']['id'] == 11
    assert result['diff']['before']['path'] == '/home/alice/mysite/static'
    assert result['diff']['after']['path'] == '/srv/static'


def test_update_in_check_mode_predicts_and_sends_nothing(api, run_module):
    api.expect('GET', LIST, json=[STATIC])
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/srv/static'}, check_mode=True, diff=True)
    assert result['changed'] is True and result['mapping'] == mapping(11, '/static/', '/srv/static')
    assert result['diff']['before'] == STATIC
    assert not api.writes


def test_url_is_kept_as_written(api, run_module):
    """/static and /static/ are two mappings on PythonAnywhere: no match, a new mapping."""
    api.expect('GET', LIST, json=[STATIC])
    result = run_module(static_file_mapping, {'url': '/static', 'path': '/home/alice/mysite/static'}, check_mode=True)
    assert result['changed'] is True and result['mapping']['id'] is None


def test_delete_then_delete_again(api, run_module):
    api.expect('GET', LIST, json=[STATIC, MEDIA])
    api.expect('DELETE', item(11), status=204)
    result = run_module(static_file_mapping, {'url': '/static/', 'state': 'absent'}, diff=True)
    assert result['changed'] is True and result['mapping'] == {}
    assert result['diff'] == {'before': STATIC, 'after': {}}
    api.expect('GET', LIST, json=[MEDIA])
    assert run_module(static_file_mapping, {'url': '/static/', 'state': 'absent'})['changed'] is False


def test_delete_in_check_mode(api, run_module):
    api.expect('GET', LIST, json=[STATIC])
    result = run_module(static_file_mapping, {'url': '/static/', 'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and not api.writes


def test_delete_from_a_missing_web_app_changes_nothing(api, run_module):
    api.expect('GET', 'webapps/gone.example.com/static_files/', status=404, json={'detail': 'Not found.'})
    result = run_module(static_file_mapping, {'domain_name': 'gone.example.com', 'url': '/static/', 'state': 'absent'})
    assert result['changed'] is False


def test_missing_web_app_fails_clearly(api, run_module):
    api.expect('GET', 'webapps/gone.example.com/static_files/', status=404, json={'detail': 'Not found.'})
    result = run_module(static_file_mapping, {'domain_name': 'Gone.Example.com', 'url': '/s/', 'path': '/home/alice/s'})
    assert result['failed'] is True
    assert 'there is no web app gone.example.com' in result['msg'] and 'pythonanywhere.pythonanywhere.webapp' in result['msg']


def test_missing_web_app_in_check_mode_predicts_the_mappings(api, run_module):
    """A check run of a play that creates the web app in an earlier task predicts the mappings too."""
    api.expect('GET', 'webapps/gone.example.com/static_files/', status=404, json={'detail': 'Not found.'})
    result = run_module(static_file_mapping, {'domain_name': 'gone.example.com', 'mappings': [{'url': '/s/', 'path': '/home/alice/s'}]},
                        check_mode=True)
    assert result['changed'] is True and not api.writes
    assert [m['url'] for m in result['mappings']] == ['/s/']
    assert any('there is no web app gone.example.com' in warning for warning in result['warnings'])


def test_duplicates_fail_clearly_in_single_mode(api, run_module):
    api.expect('GET', LIST, json=[STATIC, mapping(13, '/static/', '/old')])
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static'})
    assert result['failed'] is True
    assert "2 static file mappings match url='/static/' (ids: 11, 13)" in result['msg']
    assert 'declare the whole set with mappings and purge=true' in result['msg']
    assert not api.writes


def test_invalid_input_fails_before_any_request(api, run_module):
    cases = [
        ({'url': 'static/', 'path': '/home/alice/s'}, 'url must be a URL path'),
        ({'url': '/static/', 'path': 'mysite/static'}, 'path must be an absolute path'),
        ({'url': '/static/'}, 'path is required'),
        ({'url': '/static/', 'path': '/x', 'purge': True}, 'purge=true needs mappings'),
        ({'mappings': [{'url': '/a/', 'path': '/a'}], 'purge': True, 'state': 'absent'}, 'cannot be combined with state=absent'),
        ({'mappings': [{'url': '/a/', 'path': '/a'}, {'url': '/a/', 'path': '/b'}]}, 'mappings[0] and mappings[1] both declare'),
        ({'mappings': [{'url': '/a/', 'path': '/a'}, {'url': '/b/'}]}, 'mappings[1]: path is required'),
        ({'mappings': [{'url': 'a', 'path': '/a'}]}, 'mappings[0]: url must be'),
        ({'url': '/a/', 'mappings': []}, 'mutually exclusive'),
        ({'path': '/a'}, 'one of the following is required: url, mappings'),
    ]
    for args, message in cases:
        result = run_module(static_file_mapping, args)
        assert result.get('failed') is True, args
        assert message in result['msg'], (args, result['msg'])
    assert not api.calls


# --- a declared set -----------------------------------------------------------------------------------

DECLARED = [{'url': '/static/', 'path': '/home/alice/mysite/static'}, {'url': '/media/', 'path': '/home/alice/mysite/media/'}]


def test_converged_set_costs_exactly_one_get(api, run_module):
    api.expect('GET', LIST, json=[STATIC, MEDIA, mapping(14, '/other/', '/x')])
    result = run_module(static_file_mapping, {'mappings': DECLARED}, diff=True)
    assert result['changed'] is False
    assert [m['url'] for m in result['mappings']] == ['/media/', '/other/', '/static/']
    assert result['diff']['before'] == result['diff']['after']
    assert len(api.calls) == 1


def test_converged_set_with_purge_costs_exactly_one_get(api, run_module):
    api.expect('GET', LIST, json=[STATIC, MEDIA])
    result = run_module(static_file_mapping, {'mappings': DECLARED, 'purge': True})
    assert result['changed'] is False and len(api.calls) == 1


def test_set_creates_updates_and_purges_only_the_undeclared(api, run_module):
    api.expect('GET', LIST, json=[mapping(11, '/static/', '/old'), mapping(14, '/other/', '/x'), mapping(15, '/static', '/y')])
    # Updates, then creations, then purges: a failure half-way leaves the declared mappings in place.
    api.expect('PATCH', item(11), json=STATIC, body={'path': '/home/alice/mysite/static'})
    api.expect('POST', LIST, status=201, json=MEDIA, body={'url': '/media/', 'path': '/home/alice/mysite/media'})
    api.expect('DELETE', item(14), status=204)
    api.expect('DELETE', item(15), status=204)
    result = run_module(static_file_mapping, {'mappings': DECLARED, 'purge': True}, diff=True)
    assert result['changed'] is True
    assert result['mappings'] == [MEDIA, STATIC]
    assert result['diff']['before'] == {'mappings': [mapping(14, '/other/', '/x'), mapping(15, '/static', '/y'),
                                                     mapping(11, '/static/', '/old')]}
    assert result['diff']['after'] == {'mappings': [MEDIA, STATIC]}


def test_set_without_purge_keeps_undeclared(api, run_module):
    api.expect('GET', LIST, json=[mapping(14, '/other/', '/x')])
    api.expect('POST', LIST, status=201, json=STATIC)
    api.expect('POST', LIST, status=201, json=MEDIA)
    result = run_module(static_file_mapping, {'mappings': DECLARED})
    assert result['changed'] is True
    assert [m['url'] for m in result['mappings']] == ['/media/', '/other/', '/static/']


def test_set_in_check_mode_predicts_the_whole_set(api, run_module):
    api.expect('GET', LIST, json=[mapping(11, '/static/', '/old'), mapping(14, '/other/', '/x')])
    result = run_module(static_file_mapping, {'mappings': DECLARED, 'purge': True}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['mappings'] == [{'id': None, 'url': '/media/', 'path': '/home/alice/mysite/media'}, STATIC]
    assert [m['url'] for m in result['diff']['before']['mappings']] == ['/other/', '/static/']
    # The diff shows what is known: the new mapping's id is not (the server gives it), so it is left out.
    assert result['diff']['after']['mappings'] == [{'url': '/media/', 'path': '/home/alice/mysite/media'}, STATIC]
    assert not api.writes


def test_set_duplicates_fail_without_purge(api, run_module):
    api.expect('GET', LIST, json=[mapping(11, '/static/', '/a'), mapping(16, '/static/', '/b')])
    result = run_module(static_file_mapping, {'mappings': DECLARED[:1]})
    assert result['failed'] is True
    assert "2 static file mappings have url='/static/' (ids: 11, 16)" in result['msg'] and 'purge=true' in result['msg']
    assert not api.writes


def test_set_duplicates_are_repaired_with_purge_keeping_the_matching_one(api, run_module):
    api.expect('GET', LIST, json=[mapping(11, '/static/', '/a'), STATIC_16, mapping(17, '/static/', '/c')])
    api.expect('DELETE', item(11), status=204)
    api.expect('DELETE', item(17), status=204)
    result = run_module(static_file_mapping, {'mappings': DECLARED[:1], 'purge': True})
    assert result['changed'] is True and result['mappings'] == [STATIC_16]


def test_set_absent_deletes_the_declared_urls_and_their_duplicates(api, run_module):
    api.expect('GET', LIST, json=[STATIC, STATIC_16, MEDIA])
    api.expect('DELETE', item(11), status=204)
    api.expect('DELETE', item(16), status=204)
    result = run_module(static_file_mapping, {'mappings': [{'url': '/static/'}], 'state': 'absent'})
    assert result['changed'] is True and result['mappings'] == [MEDIA]
    api.expect('GET', LIST, json=[MEDIA])
    assert run_module(static_file_mapping, {'mappings': [{'url': '/static/'}], 'state': 'absent'})['changed'] is False


def test_empty_set_with_purge_deletes_everything(api, run_module):
    api.expect('GET', LIST, json=[STATIC, MEDIA])
    api.expect('DELETE', item(11), status=204)
    api.expect('DELETE', item(12), status=204)
    result = run_module(static_file_mapping, {'mappings': [], 'purge': True})
    assert result['changed'] is True and result['mappings'] == []


def test_form_of_create_answer_without_object_rereads(api, run_module):
    """If the API answered a create without the object, the module reads the list again to report it."""
    api.expect('GET', LIST, json=[])
    api.expect('POST', LIST, status=201, json={'status': 'OK'})
    api.expect('GET', LIST, json=[STATIC])
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static'})
    assert result['mapping'] == STATIC


# --- info ---------------------------------------------------------------------------------------------

def test_info_lists_sorted_and_filters(api, run_module):
    api.expect('GET', LIST, json=[STATIC, MEDIA])
    assert run_module(static_file_mapping_info, {})['mappings'] == [MEDIA, STATIC]
    api.expect('GET', LIST, json=[STATIC, MEDIA])
    result = run_module(static_file_mapping_info, {'url': '/static/'})
    assert result['changed'] is False and result['mappings'] == [STATIC]


def test_info_of_a_missing_web_app_fails(api, run_module):
    api.expect('GET', 'webapps/gone.example.com/static_files/', status=404, json={'detail': 'Not found.'})
    result = run_module(static_file_mapping_info, {'domain_name': 'gone.example.com'})
    assert result['failed'] is True and 'there is no web app gone.example.com' in result['msg']


def test_a_failure_after_a_write_reports_changed_and_what_was_done(api, run_module):
    # The declared mapping is created before the old one is purged: the refused creation leaves the old one
    # in place (never a web app without any mapping) ...
    api.expect('GET', LIST, json=[mapping(14, '/other/', '/x')])
    api.expect('POST', LIST, status=400, json={'url': ['bad url']})
    result = run_module(static_file_mapping, {'mappings': [DECLARED[0]], 'purge': True})
    assert result['failed'] is True and not result.get('changed')
    assert not [call for call in api.writes if call['method'] == 'DELETE']
    # ... and a failure after a write says changed=true and what was written.
    api.expect('GET', LIST, json=[mapping(11, '/static/', '/old'), mapping(14, '/other/', '/x')])
    api.expect('PATCH', item(11), json=STATIC, body={'path': '/home/alice/mysite/static'})
    api.expect('POST', LIST, status=400, json={'url': ['bad url']})
    result = run_module(static_file_mapping, {'mappings': DECLARED, 'purge': True})
    assert result['failed'] is True and result['changed'] is True
    assert "Before this failure the task changed path of the static file mapping /static/" in result['msg']
    assert 'bad url' in result['msg']


# --- a create that failed but may have been applied ---------------------------------------------------

def test_a_create_answered_500_that_was_applied_is_read_not_sent_again(api, run_module):
    api.expect('GET', LIST, json=[MEDIA])
    api.expect('POST', LIST, status=500, json={'detail': 'Server Error (500)'})
    api.expect('GET', LIST, json=[MEDIA, STATIC])
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static'})
    assert result['changed'] is True and result['mapping'] == STATIC
    assert len(api.writes) == 1 and len(api.calls) == 3


def test_a_create_answered_500_that_was_not_applied_is_sent_once_more(api, run_module):
    api.expect('GET', LIST, json=[MEDIA])
    api.expect('POST', LIST, status=500, json={'detail': 'Server Error (500)'})
    api.expect('GET', LIST, json=[MEDIA])
    api.expect('POST', LIST, status=201, json=STATIC, body={'url': '/static/', 'path': '/home/alice/mysite/static'})
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static'})
    assert result['changed'] is True and result['mapping'] == STATIC
    assert len(api.writes) == 2


def test_a_create_refused_with_400_is_not_sent_again(api, run_module):
    api.expect('GET', LIST, json=[MEDIA])
    api.expect('POST', LIST, status=400, json={'url': ['This field is required.']})
    result = run_module(static_file_mapping, {'url': '/static/', 'path': '/home/alice/mysite/static'})
    assert result['failed'] is True
    assert len(api.writes) == 1 and len(api.calls) == 2
