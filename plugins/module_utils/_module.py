# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Glue between AnsibleModule and the API client: the connection options, declared once."""

from __future__ import annotations

import os
from typing import Any, Callable, Optional

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import (
    DEFAULT_HOST,
    REQUESTS_IMPORT_ERROR,
    PythonAnywhereClient,
    PythonAnywhereError,
    default_domain,
    normalize_domain,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import ResourceError


def connection_argument_spec() -> dict:
    """The connection options every module takes (documented in the ``connection`` doc fragment)."""
    return dict(
        username=dict(type='str', fallback=(env_fallback, ['PYTHONANYWHERE_USERNAME'])),
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['API_TOKEN', 'PYTHONANYWHERE_API_TOKEN'])),
        api_host=dict(type='str', aliases=['api_url']),
        allow_plain_http=dict(type='bool', default=False, fallback=(env_fallback, ['PYTHONANYWHERE_ALLOW_PLAIN_HTTP'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['PYTHONANYWHERE_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['PYTHONANYWHERE_CA_PATH'])),
        api_timeout=dict(type='float', default=30.0, fallback=(env_fallback, ['PYTHONANYWHERE_TIMEOUT'])),
        api_retries=dict(type='int', default=5, fallback=(env_fallback, ['PYTHONANYWHERE_RETRIES'])),
        api_retry_budget=dict(type='float', default=300.0, fallback=(env_fallback, ['PYTHONANYWHERE_RETRY_BUDGET'])),
        rate_limit=dict(type='int', default=40, fallback=(env_fallback, ['PYTHONANYWHERE_RATE_LIMIT'])),
        rate_limit_period=dict(type='float', default=60.0, fallback=(env_fallback, ['PYTHONANYWHERE_RATE_LIMIT_PERIOD'])),
    )


def resolve_api_host(value: Optional[str]) -> str:
    """``api_host``, else ``PYTHONANYWHERE_SITE``, else ``www.`` + ``PYTHONANYWHERE_DOMAIN`` (as PA's own tools do)."""
    if value:
        return value
    if os.environ.get('PYTHONANYWHERE_SITE'):
        return os.environ['PYTHONANYWHERE_SITE']
    if os.environ.get('PYTHONANYWHERE_DOMAIN'):
        return 'www.' + os.environ['PYTHONANYWHERE_DOMAIN']
    return DEFAULT_HOST


#: Options that name a domain: every module that takes one normalises it here, once, before anything else.
DOMAIN_OPTIONS = ('domain_name',)


class PythonAnywhereModule(AnsibleModule):
    """An AnsibleModule with the connection options merged in and an API client at hand.

    A domain option (:data:`DOMAIN_OPTIONS`) is normalised as PythonAnywhere spells domains (no surrounding
    spaces, lower case, no trailing dot), or refused, before the module sees it: ``alice.pythonanywhere.com.``
    and `` Alice.PythonAnywhere.com`` find the same web app as ``alice.pythonanywhere.com``.
    """

    def __init__(self, argument_spec: dict, **kwargs: Any) -> None:
        spec = connection_argument_spec()
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        super().__init__(argument_spec=spec, **kwargs)
        self._client = None
        token = self.params.get('api_token')
        if isinstance(token, str) and len(token.strip()) >= 4:
            self.no_log_values.add(token.strip())  # the stripped token is the one sent: mask it in any output too
        for name in DOMAIN_OPTIONS:
            if name in spec:
                try:
                    self.params[name] = normalize_domain(self.params.get(name))
                except ValueError as exc:
                    self.fail_json(msg='%s %s' % (name, exc))

    def check_connection_params(self) -> None:
        problems = []
        if not self.params['username']:
            problems.append('username is required (set it, or the environment variable PYTHONANYWHERE_USERNAME)')
        if not (self.params['api_token'] or '').strip():
            problems.append('api_token is required (set it, or the environment variable API_TOKEN)')
        for name in ('api_timeout', 'rate_limit_period'):
            if self.params[name] is not None and self.params[name] <= 0:
                problems.append('%s must be greater than 0, got %s' % (name, self.params[name]))
        for name in ('api_retries', 'rate_limit', 'api_retry_budget'):
            if self.params[name] is not None and self.params[name] < 0:
                problems.append('%s must not be negative, got %s' % (name, self.params[name]))
        if problems:
            self.fail_json(msg='; '.join(problems))

    @property
    def api_host(self) -> str:
        return resolve_api_host(self.params['api_host'])

    @property
    def client(self) -> PythonAnywhereClient:
        if self._client is None:
            if REQUESTS_IMPORT_ERROR:
                self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
            self.check_connection_params()
            params = self.params
            try:
                self._client = PythonAnywhereClient(
                    username=params['username'], api_token=params['api_token'], api_host=self.api_host,
                    validate_certs=params['validate_certs'], ca_path=params['ca_path'], timeout=params['api_timeout'],
                    retries=params['api_retries'], retry_budget=params['api_retry_budget'],
                    rate_limit=params['rate_limit'], rate_limit_period=params['rate_limit_period'],
                    allow_plain_http=params['allow_plain_http'], log=self.debug, warn=self.warn)
            except (PythonAnywhereError, ValueError) as exc:
                self.fail_json(msg=str(exc))
            for name, spec in self.argument_spec.items():
                if spec.get('no_log') and isinstance(params.get(name), str):
                    self._client.add_secret(params[name])
        return self._client

    def default_domain(self) -> str:
        self.check_connection_params()
        return default_domain(self.params['username'], self.api_host)

    def fail_api(self, error: Exception, **result: Any) -> None:
        """Fail with an API error; the message names method, path, status and the API's own words."""
        self.fail_json(msg=str(error), status=getattr(error, 'status', None), **result)

    def run(self, function: Callable[[], Any]) -> None:
        """Call ``function()``; an API or input error becomes a clean failure instead of a traceback."""
        try:
            function()
        except PythonAnywhereError as exc:
            self.fail_api(exc)
        except ResourceError as exc:
            self.fail_json(msg=str(exc))
