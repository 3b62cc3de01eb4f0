# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The glue every module shares: domain names, the token, plain HTTP, pacing warnings (module_utils/_module.py)."""

from __future__ import annotations

import importlib
import json
import os

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import TOKEN, FakeResponse

MODULES = 'ansible_collections.pythonanywhere.pythonanywhere.plugins.modules.'

#: Every module that takes a domain, with the other arguments it needs to get as far as a request.
DOMAIN_MODULES = {
    'webapp': {'state': 'absent'},
    'webapp_info': {},
    'website': {'state': 'absent'},
    'website_info': {},
    'static_file_mapping': {'url': '/static/', 'state': 'absent'},
    'static_file_mapping_info': {},
    'static_header': {'url': '/static/', 'name': 'X-Frame-Options', 'state': 'absent'},
    'static_header_info': {},
    'ssl_certificate': {'state': 'absent'},
    'ssl_certificate_info': {},
    'webapp_check': {'timeout': 0, 'log_lines': 0},
}


class AnySession:
    """Answers every request with 404 "Not found." and records its path (the module's outcome does not matter)."""

    def __init__(self):
        self.headers = {}
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, dict(self.headers)))
        return FakeResponse(404, {'detail': 'Not found.'})


@pytest.fixture
def any_api(monkeypatch, tmp_path):
    session = AnySession()
    monkeypatch.setattr(
        'ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client.requests.Session',
        lambda: session)
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    return session


def test_every_module_with_a_domain_is_listed_here():
    folder = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules')
    taking_domain = set()
    for name in os.listdir(folder):
        if name.endswith('.py'):
            with open(os.path.join(folder, name)) as stream:
                if 'domain_name=dict(' in stream.read():
                    taking_domain.add(name[:-3])
    assert taking_domain == set(DOMAIN_MODULES)


@pytest.mark.parametrize('name', sorted(DOMAIN_MODULES))
def test_the_domain_is_normalised_in_every_url(any_api, capsys, name):
    from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import ModuleRunner

    args = dict(DOMAIN_MODULES[name], domain_name='  WWW.Example.COM. ')
    ModuleRunner(capsys)(importlib.import_module(MODULES + name), args)
    assert any_api.calls, 'the module sent no request'
    for call in any_api.calls:
        assert '/www.example.com/' in call[1], call[1]


@pytest.mark.parametrize('name', sorted(DOMAIN_MODULES))
@pytest.mark.parametrize('domain', ['www example.com', 'www.example.com..', ''])
def test_a_domain_that_cannot_be_is_refused_before_any_request(any_api, capsys, name, domain):
    from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import ModuleRunner

    result = ModuleRunner(capsys)(importlib.import_module(MODULES + name), dict(DOMAIN_MODULES[name], domain_name=domain))
    assert result.get('failed') and result['msg'].startswith('domain_name must be a domain name'), result
    assert any_api.calls == []


@pytest.mark.parametrize('spelling', [TOKEN + '\n', ' ' + TOKEN + ' \n'])
def test_a_token_with_a_newline_is_sent_stripped_and_never_shown(any_api, capsys, spelling):
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import webapp_info
    from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import ModuleRunner

    def leak(method, url, **kwargs):  # the server quotes the token back, as a confused proxy might
        any_api.calls.append((method, url, dict(any_api.headers)))
        return FakeResponse(401, {'detail': 'Invalid token %r (%s).' % (spelling, TOKEN)})

    any_api.request = leak
    result = ModuleRunner(capsys)(webapp_info, {'api_token': spelling, 'domain_name': 'www.example.com'})
    assert result.get('failed') and 'HTTP 401' in result['msg']
    assert any_api.calls[0][2]['Authorization'] == 'Token ' + TOKEN
    assert TOKEN not in json.dumps(result) and TOKEN[:20] not in json.dumps(result)


def test_plain_http_to_another_machine_fails_before_any_request(any_api, capsys):
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import webapp_info
    from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import ModuleRunner

    run = ModuleRunner(capsys)
    result = run(webapp_info, {'api_host': 'http://pa.example.com:8080'})
    assert result.get('failed') and 'api_host' in result['msg'] and 'allow_plain_http' in result['msg']
    assert any_api.calls == []
    run(webapp_info, {'api_host': 'http://pa.example.com:8080', 'allow_plain_http': True})
    assert any_api.calls[0][1].startswith('http://pa.example.com:8080/api/v0/user/alice/webapps/')


def test_an_untrusted_pacing_folder_is_a_warning_of_the_task(any_api, capsys, tmp_path):
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import webapp_info
    from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import ModuleRunner

    (tmp_path / 'elsewhere').mkdir()
    (tmp_path / ('ansible-pythonanywhere-pacing-%d' % os.getuid())).symlink_to(tmp_path / 'elsewhere')
    result = ModuleRunner(capsys)(webapp_info, {'rate_limit': 40})
    assert any('pacing' in warning and 'symbolic link' in warning for warning in result['warnings'])
    assert list((tmp_path / 'elsewhere').iterdir()) == []
