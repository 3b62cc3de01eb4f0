# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Account-level settings and readings: default Python versions, system image, CPU, MySQL databases.

Shared by the python_version, system_image modules, their _info counterparts and account_info.
Each setting is a singleton on the server: one endpoint whose GET returns the current value and the values
allowed (``{"system_image": "innit", "available_system_images": [...]}``) and whose PATCH sets the value.
"""

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import api_message
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import Field, Resource, ResourceError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._webapp import PYTHON_VERSION, dotted_python_version


class Setting:
    """One account setting: its endpoint, the key of its value and the key of the allowed values."""

    def __init__(self, path, value_key, available_key, normalize=None, what='value'):
        self.path = path
        self.value_key = value_key
        self.available_key = available_key
        self.normalize = normalize
        self.what = what


#: Parameter name -> setting (reference sections 2.11 and 2.12).
SETTINGS = {
    'default': Setting('default_python_version/', 'default_python_version', 'available_python_versions',
                       dotted_python_version, 'versions'),
    'default_python3': Setting('default_python3_version/', 'default_python3_version', 'available_python3_versions',
                               dotted_python_version, 'versions'),
    'default_save_and_run': Setting('default_save_and_run_python_version/', 'default_save_and_run_python_version',
                                    'available_python_versions', dotted_python_version, 'versions'),
    'system_image': Setting('system_image/', 'system_image', 'available_system_images', None, 'images'),
}
PYTHON_VERSION_SETTINGS = ('default', 'default_python3', 'default_save_and_run')


class AccountSettings(Resource):
    """Some of :data:`SETTINGS`, read with one GET each and changed with one PATCH each.

    The "remote object" is ``{param: <GET body of its endpoint>}``; the projection is ``{param: value}``.
    """

    name = 'account setting'
    return_key = 'settings'
    encoding = 'form'

    def __init__(self, module, params, client=None):
        super().__init__(module, client)
        self.settings = dict((param, SETTINGS[param]) for param in params)
        self.fields = dict((param, Field(api_name=setting.value_key, normalize=setting.normalize))
                           for param, setting in self.settings.items())
        self.remote = None

    # --- reading ----------------------------------------------------------------------------------
    def read_one(self, param):
        setting = self.settings[param]
        body = self.client.get_json(setting.path)
        if not isinstance(body, dict) or setting.value_key not in body:
            raise ResourceError('PythonAnywhere answered %s without %s: %r' % (
                self.client.path_for(setting.path), setting.value_key, body))
        return body

    def find(self):
        self.remote = dict((param, self.read_one(param)) for param in self.settings)
        return self.remote

    def project(self, remote):
        if remote is None:
            return None
        return dict((param, self.fields[param].norm(remote[param][setting.value_key]))
                    for param, setting in self.settings.items())

    def available(self):
        """``{param: [allowed values]}`` as the server listed them (normalised); None for a missing list."""
        result = {}
        for param, setting in self.settings.items():
            values = self.remote[param].get(setting.available_key)
            if isinstance(values, list):
                values = [self.fields[param].norm(value) for value in values]
            result[param] = values
        return result

    def returned(self, projection):
        """The module result keys: ``python_versions`` and ``available_python_versions`` (dicts by option),
        ``system_image`` and ``available_system_images``, for the settings this object manages."""
        available = self.available()
        result = {}
        python = [param for param in PYTHON_VERSION_SETTINGS if param in self.settings]
        if python:
            result['python_versions'] = dict((param, projection[param]) for param in python)
            result['available_python_versions'] = dict((param, available[param]) for param in python)
        if 'system_image' in self.settings:
            result['system_image'] = projection['system_image']
            result['available_system_images'] = available['system_image']
        return result

    def result(self, changed, before, after, remote, replaced=False, changed_params=()):
        result = super().result(changed, before, after, remote, replaced=replaced, changed_params=changed_params)
        del result[self.return_key]
        result.update(self.returned(after))
        return result

    # --- checking ---------------------------------------------------------------------------------
    def validate(self):
        for param in self.settings:
            value = self.params.get(param)
            if value is None:
                continue
            if not value.strip():
                raise ResourceError('%s must not be empty' % param)
            if SETTINGS[param].what == 'versions' and not PYTHON_VERSION.match(value.strip()):
                raise ResourceError('%s must be a Python version such as 3.13, got %r' % (param, value))

    def validate_target(self, current, desired):
        """Every value asked for must be in the list the server offers; checked before any PATCH."""
        available = self.available()
        for param, value in sorted(desired.items()):
            allowed = available[param]
            if allowed is None or value in allowed:
                continue
            setting = self.settings[param]
            message = '%s must be one of the %s this account offers (%s), got %r' % (
                param, setting.what, ', '.join(str(item) for item in allowed), self.params[param])
            if setting.what == 'versions' and value + '0' in allowed:
                message += ('; %s0 written without quotes in YAML is the number %s: quote it ("%s0")'
                            % (value, value, value))
            if param == 'system_image':
                message += '; PythonAnywhere does not offer images older than the one the account started with'
            raise ResourceError(message)

    # --- writing ----------------------------------------------------------------------------------
    def update(self, remote, changes):
        """One PATCH per changed setting, in the order the settings were given; the PATCH answers the new state."""
        remote = dict(remote)
        for param in self.settings:
            if param not in changes:
                continue
            setting = self.settings[param]
            body = self.send('PATCH', setting.path, {}, self.payload({param: changes[param]})).json
            self.did('set %s to %s' % (param, changes[param]))
            if not isinstance(body, dict) or setting.value_key not in body:
                body = self.read_one(param)
            remote[param] = body
        self.remote = remote
        return remote


def read_settings(module, params):
    """Read some settings (one GET each) and return them as the modules do (see :meth:`AccountSettings.returned`)."""
    settings = AccountSettings(module, params)
    return settings.returned(settings.project(settings.find()))


def read_cpu(client):
    """``{daily_cpu_limit_seconds, daily_cpu_total_usage_seconds, next_reset_time}`` as the API gives it."""
    return client.get_json('cpu/')


def read_mysql_databases(client, warn):
    """The MySQL databases as the API lists them (the reference does not know the shape: returned as given).

    None, with a warning, when PythonAnywhere refuses (403): accounts without MySQL (new free accounts).
    """
    response = client.request('GET', 'databases/mysql/', allowed=(403,))
    if response.status == 403:
        warn('PythonAnywhere refused to list MySQL databases (HTTP 403: %s); accounts created on the free plan '
             'since 2026-01-15 have no MySQL' % (api_message(response.json) or 'no message'))
        return None
    return response.json
