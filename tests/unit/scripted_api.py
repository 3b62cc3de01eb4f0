# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scripted HTTP calls for unit tests: each expected request (method, path, body) with its canned answer."""

from __future__ import annotations

import contextlib
import json
from urllib.parse import parse_qsl, urlsplit

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.text.converters import to_bytes

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.18 has no testing helper: set the arguments as AnsibleModule reads them there

    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

USERNAME = 'alice'
TOKEN = 'x' * 36 + 'abcd'
BASE = 'https://www.pythonanywhere.com'
CONNECTION = {'username': USERNAME, 'api_token': TOKEN, 'api_host': BASE, 'rate_limit': 0}


class FakeResponse:
    def __init__(self, status, body=None, headers=None, raw=None):
        self.status_code = status
        self.headers = dict(headers or {})
        if raw is not None:
            self.content = raw
        elif body is None:
            self.content = b''
        else:
            self.content = json.dumps(body).encode('utf-8')
            self.headers.setdefault('Content-Type', 'application/json')

    def iter_content(self, chunk_size=1):
        for start in range(0, len(self.content), chunk_size):
            yield self.content[start:start + chunk_size]


class Expectation:
    def __init__(self, method, path, status, json_body, headers, raw, body, form, error, query):
        self.method = method
        self.path = path
        self.response = FakeResponse(status, json_body, headers, raw)
        self.body = body
        self.form = form
        self.error = error
        self.query = query


class ScriptedSession:
    """Stands in for ``requests.Session``: answers the scripted requests in order, fails on anything else."""

    def __init__(self):
        self.headers = {}
        self.expected = []
        self.calls = []

    def expect(self, method, path, status=200, json=None, headers=None, raw=None, body=None, form=None,
               error=None, query=None):
        """``path`` is relative to ``/api/v0/user/alice/`` (or v1 for websites/domains) unless it starts with '/'."""
        if not path.startswith('/'):
            version = 'v1' if path.split('/', 1)[0] in ('websites', 'domains') else 'v0'
            path = '/api/%s/user/%s/%s' % (version, USERNAME, path)
        self.expected.append(Expectation(method, path, status, json, headers, raw, body, form, error, query))
        return self

    def request(self, method, url, **kwargs):
        parts = urlsplit(url)
        call = {'method': method, 'path': parts.path, 'query': dict(parse_qsl(parts.query)),
                'json': kwargs.get('json'), 'data': kwargs.get('data'), 'headers': dict(self.headers), 'kwargs': kwargs}
        data = kwargs.get('data')
        if hasattr(data, 'read'):  # a streamed body (file upload): read it as the wire would, in blocks
            call['streamed'] = b''.join(iter(lambda: data.read(8192), b''))
        self.calls.append(call)
        assert self.expected, 'unexpected request %s %s' % (method, parts.path)
        step = self.expected.pop(0)
        assert (method, parts.path) == (step.method, step.path), 'expected %s %s, got %s %s' % (
            step.method, step.path, method, parts.path)
        assert kwargs.get('timeout'), 'every request needs a timeout'
        if step.body is not None:
            assert kwargs.get('json') == step.body, 'JSON body %r != %r' % (kwargs.get('json'), step.body)
        if step.form is not None:
            assert kwargs.get('data') == step.form, 'form body %r != %r' % (kwargs.get('data'), step.form)
        if step.query is not None:
            assert call['query'] == step.query
        if step.error is not None:
            raise step.error
        return step.response

    def verify_done(self):
        assert not self.expected, 'requests not sent: %s' % ', '.join('%s %s' % (e.method, e.path) for e in self.expected)

    @property
    def writes(self):
        return [c for c in self.calls if c['method'] != 'GET']


class ModuleRunner:
    """Runs a module's ``main()`` with arguments and returns its JSON result (``failed`` set on failure)."""

    def __init__(self, capsys):
        self.capsys = capsys

    def __call__(self, module, args, check_mode=False, diff=False, connection=True):
        full = dict(CONNECTION) if connection else {}
        full.update(args)
        if check_mode:
            full['_ansible_check_mode'] = True
        if diff:
            full['_ansible_diff'] = True
        # Warnings are collected process-wide: without this, one test's warning shows up in the next result.
        module_warnings._global_warnings.clear()
        module_warnings._global_deprecations.clear()
        with patch_module_args(full):
            try:
                module.main()
            except SystemExit:
                pass
        result = json.loads(self.capsys.readouterr().out)
        # ansible-core 2.19 returns warnings as structured events: keep their messages.
        result['warnings'] = [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]
        return result
