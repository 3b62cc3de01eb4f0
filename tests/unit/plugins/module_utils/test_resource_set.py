# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The set mode of the resource base class (Resource.ensure_set) on a made-up resource: the parts the
static modules do not reach (re-creation of fields that cannot be updated, secrets in the set's diff)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import REDACTED, PythonAnywhereClient
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import (
    SECRET,
    Field,
    Resource,
    ResourceError,
)
from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import BASE, TOKEN, USERNAME, ScriptedSession

LIST = 'things/'


class FakeModule:
    def __init__(self, check_mode=False):
        self.params = {}
        self.check_mode = check_mode


class Thing(Resource):
    name = 'thing'
    return_key = 'thing'
    set_return_key = 'things'
    list_path = 'things/'
    item_path = 'things/{id}/'
    natural_key = ('name',)
    item_by_id = True
    fields = {
        'id': Field(read_only=True),
        'name': Field(match=lambda value: value.lower()),
        'kind': Field(update=False),
        'password': Field(compare=SECRET),
    }


@pytest.fixture
def session():
    scripted = ScriptedSession()
    yield scripted
    scripted.verify_done()


def thing(session, check_mode=False):
    client = PythonAnywhereClient(USERNAME, TOKEN, api_host=BASE, rate_limit=0, session=session)
    return Thing(FakeModule(check_mode), client)


def test_a_field_that_cannot_be_updated_is_recreated_and_secrets_are_redacted(session):
    session.expect('GET', LIST, json=[{'id': 1, 'name': 'A', 'kind': 'x', 'password': 'old-pw'},
                                      {'id': 2, 'name': 'b', 'kind': 'y', 'password': 'same-pw'}])
    session.expect('DELETE', 'things/1/', status=204)
    session.expect('POST', LIST, status=201, json={'id': 3, 'name': 'a', 'kind': 'z', 'password': 'new-pw'},
                   body={'name': 'a', 'kind': 'z', 'password': 'new-pw'})
    result = thing(session).ensure_set([{'name': 'a', 'kind': 'z', 'password': 'new-pw'},
                                        {'name': 'b', 'kind': 'y', 'password': 'same-pw'}])
    assert result['changed'] is True
    assert result['things'] == [{'id': 3, 'name': 'a', 'kind': 'z'}, {'id': 2, 'name': 'b', 'kind': 'y'}]
    after = result['diff']['after']['things']
    assert after[0]['password'] == REDACTED + ' (changed)' and after[1]['password'] == REDACTED
    assert result['diff']['before']['things'][0]['password'] == REDACTED
    dumped = json.dumps(result)
    assert 'old-pw' not in dumped and 'new-pw' not in dumped and 'same-pw' not in dumped


def test_check_mode_predicts_the_recreation(session):
    session.expect('GET', LIST, json=[{'id': 1, 'name': 'a', 'kind': 'x'}])
    result = thing(session, check_mode=True).ensure_set([{'name': 'a', 'kind': 'z'}])
    assert result['changed'] is True and result['things'] == [{'id': 1, 'name': 'a', 'kind': 'z'}]
    assert not session.writes


def test_the_key_is_required_in_each_element(session):
    with pytest.raises(ResourceError, match=r'things\[1\]: name is required'):
        thing(session).ensure_set([{'name': 'a'}, {'kind': 'x'}])
    assert not session.calls


def test_keys_match_by_the_match_function(session):
    with pytest.raises(ResourceError, match=r"things\[0\] and things\[1\] both declare the thing name='A'"):
        thing(session).ensure_set([{'name': 'a'}, {'name': 'A'}])
