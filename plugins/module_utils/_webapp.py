# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the collection knows of WSGI web apps: shared by the webapp and webapp_info modules."""

from __future__ import annotations

import re

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import (
    SECRET,
    Field,
    Resource,
    ResourceError,
    strip_trailing_slash,
)

PYTHON_VERSION = re.compile(r'^(?:python)?(\d)\.?(\d{1,2})$')


def dotted_python_version(value):
    """``python313``, ``3.13`` -> ``3.13``; anything else is returned unchanged (and rejected by validate)."""
    match = PYTHON_VERSION.match(str(value).strip())
    return '%s.%s' % match.groups() if match else str(value)


def create_python_version(value):
    return 'python' + dotted_python_version(value).replace('.', '')


class WebApp(Resource):
    name = 'web app'
    return_key = 'webapp'
    list_path = 'webapps/'
    item_path = 'webapps/{domain_name}/'
    natural_key = ('domain_name',)
    lookup_by_item = True
    encoding = 'form'
    required_to_create = ('python_version',)
    fields = {
        'id': Field(read_only=True),
        'user': Field(read_only=True),
        'domain_name': Field(normalize=lambda value: value.lower(), update=False),
        'python_version': Field(normalize=dotted_python_version, create_encode=create_python_version),
        'source_directory': Field(normalize=strip_trailing_slash, create=False),
        'working_directory': Field(normalize=strip_trailing_slash, create=False),
        'virtualenv_path': Field(normalize=strip_trailing_slash, create=False),
        'force_https': Field(create=False),
        'password_protection_enabled': Field(create=False),
        'password_protection_username': Field(create=False),
        'password_protection_password': Field(compare=SECRET, create=False),
        'enabled': Field(create=False),
        'expiry': Field(read_only=True),
    }

    def __init__(self, module, client=None):
        super().__init__(module, client)
        if not self.params.get('domain_name'):
            self.params['domain_name'] = module.default_domain()

    def validate(self):
        version = self.params.get('python_version')
        if version is not None and not PYTHON_VERSION.match(version.strip()):
            raise ResourceError('python_version must look like 3.13 (or python313), got %r' % version)
        for param in ('source_directory', 'working_directory', 'virtualenv_path'):
            value = self.params.get(param)
            if value and not value.startswith('/'):
                raise ResourceError('%s must be an absolute path on PythonAnywhere, got %r' % (param, value))
        if self.params.get('state') == 'reloaded' and self.params.get('enabled') is False:
            raise ResourceError('state=reloaded cannot be combined with enabled=false: a disabled web app cannot be reloaded')

    def validate_target(self, current, desired):
        super().validate_target(current, desired)
        enabled = desired.get('enabled', (current or {}).get('enabled'))
        if self.params.get('state') == 'reloaded' and enabled is False:
            raise ResourceError('%s is disabled and cannot be reloaded; set enabled=true' % self.params['domain_name'])

    def update_batches(self, changes):
        changes = dict(changes)
        changes.pop('enabled', None)
        if 'python_version' in changes and 'virtualenv_path' in changes:
            return [{'python_version': changes.pop('python_version')}, changes]
        return [changes]

    def update(self, remote, changes):
        remote = super().update(remote, changes)
        if 'enabled' in changes:
            action = 'enable' if changes['enabled'] else 'disable'
            self.client.post('webapps/{domain_name}/%s/' % action, params=self.item_params(remote))
            self.did('%sd the %s' % (action, self.describe()))
            remote = self.find()
        return remote

    def reload(self, webapp=None):
        """Reload the web app; a missing CNAME (409 ``cname_error``) is a warning, since the reload happened."""
        response = self.client.post('webapps/{domain_name}/reload/', params=self.item_params(), allowed=(409,))
        body = response.json or {}
        if response.status == 409:
            if body.get('error') != 'cname_error':
                raise ResourceError('reloading %s failed: HTTP 409: %s' % (self.params['domain_name'], body))
            self.module.warn('%s was reloaded, but PythonAnywhere says its CNAME record is missing (cname_error): '
                             'point the domain at webapp-XXXX.pythonanywhere.com as the Web page shows'
                             % self.params['domain_name'])
