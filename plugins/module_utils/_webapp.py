# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the collection knows of WSGI web apps: shared by the webapp and webapp_info modules."""

from __future__ import annotations

import re

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import RemoteFiles
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
        """Also in check mode, before any write: what one read can tell the real run would refuse."""
        super().validate_target(current, desired)
        current = current or {}
        version = desired.get('python_version', current.get('python_version'))
        if 'python_version' in desired and desired['python_version'] != current.get('python_version'):
            self.check_python_version(desired['python_version'])
        venv = desired.get('virtualenv_path')
        if venv and venv != current.get('virtualenv_path'):
            self.check_virtualenv(venv, version)
        enabled = desired.get('enabled', (current or {}).get('enabled'))
        if self.params.get('state') == 'reloaded' and enabled is False:
            raise ResourceError('%s is disabled and cannot be reloaded; set enabled=true' % self.params['domain_name'])

    def check_python_version(self, version):
        """The version must be one the account's system image offers (one GET of ``default_python_version/``,
        which lists them); the message names the value as the user wrote it."""
        response = self.client.request('GET', 'default_python_version/', allowed=(403, 404))
        offered = (response.json or {}).get('available_python_versions') if response.status == 200 else None
        if not isinstance(offered, list):
            return  # the list cannot be read: the server will say
        offered = [dotted_python_version(value) for value in offered]
        if version not in offered:
            raise ResourceError('python_version %s is not offered by the account\'s system image (it offers %s); '
                                'choose one of them, or change the system image with pythonanywhere.pythonanywhere.'
                                'system_image' % (self.params['python_version'], ', '.join(offered)))

    def check_virtualenv(self, path, version):
        """``virtualenv_path`` must be an existing folder (one GET through the files API); when it holds a
        ``pyvenv.cfg``, the virtualenv's Python must be the web app's (one more GET)."""
        files = RemoteFiles(self.client)
        found = files.read(path)
        if found.kind != 'directory':
            self.refuse_unless_check_mode(
                'virtualenv_path %s %s on PythonAnywhere: create the virtualenv first (for example with '
                'pythonanywhere.pythonanywhere.command and cmd=python%s -m venv %s)'
                % (path, 'is a file, not a folder' if found.exists else 'does not exist', version, path))
            return
        if 'pyvenv.cfg' not in (found.entries or {}):
            return
        content, dummy = files.fetch(path.rstrip('/') + '/pyvenv.cfg')
        built = None
        for line in (content or b'').decode('utf-8', 'replace').splitlines():
            key, sep, value = line.partition('=')
            if sep and key.strip() in ('version', 'version_info'):
                built = '.'.join(value.strip().split('.')[:2])
                break
        if built and version and built != version:
            self.refuse_unless_check_mode(
                'virtualenv_path %s was built for Python %s, but the web app %s Python %s: '
                'set python_version to %s, or build the virtualenv with Python %s'
                % (path, built, 'will use' if self.params.get('python_version') else 'uses', version, built, version))

    def refuse_unless_check_mode(self, problem):
        """A virtualenv problem fails a real run before any write. In check mode an earlier task of the play
        (the deploy roles' virtualenv step, say) may create or rebuild the virtualenv without having done so
        yet, so check mode warns instead of predicting a failure that the real run would not meet."""
        if not self.module.check_mode:
            raise ResourceError(problem)
        self.module.warn('%s. Check mode goes on, as when an earlier task creates the virtualenv; a real run '
                         'fails here if none does' % problem)

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
