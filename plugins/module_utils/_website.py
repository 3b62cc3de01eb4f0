# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the collection knows of command-based websites (v1 API): shared by website and website_info."""

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import (
    Field,
    Resource,
    ResourceError,
)

#: The placeholder PA replaces with the unix socket the site's command must listen on.
DOMAIN_SOCKET = '${DOMAIN_SOCKET}'


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class Website(Resource):
    """A v1 website: ``{"domain_name", "enabled", "webapp": {"command", "domains"}, "logfiles"}``.

    The command lives in the nested ``webapp`` object; the module's shape is flat (``command``).
    PA lets only ``enabled`` be changed in place, so a new command deletes and re-creates the site.
    """

    name = 'website'
    return_key = 'website'
    list_path = 'websites/'
    item_path = 'websites/{domain_name}/'
    natural_key = ('domain_name',)
    lookup_by_item = True
    encoding = 'json'
    required_to_create = ('command',)
    fields = {
        'id': Field(read_only=True),
        'user': Field(read_only=True),
        'domain_name': Field(normalize=_lower, update=False),
        'command': Field(normalize=_strip, update=False),
        'enabled': Field(),
        'domains': Field(read_only=True),
        'logfiles': Field(read_only=True),
    }

    def project(self, remote):
        if remote is None:
            return None
        webapp = remote.get('webapp') or {}
        flat = dict(remote, command=webapp.get('command'), domains=webapp.get('domains'))
        return super().project(flat)

    def payload(self, values, create=False):
        body = super().payload(values, create)
        if 'command' in body:
            body['webapp'] = {'command': body.pop('command')}
        return body

    def validate(self):
        command = self.params.get('command')
        if command is not None:
            if not command.strip():
                raise ResourceError('command must not be empty')
            if DOMAIN_SOCKET not in command:
                self.module.warn('command does not contain %s: PythonAnywhere passes the unix socket the site must '
                                 'listen on in it (for example uvicorn --uds %s), so the site will not answer requests'
                                 % (DOMAIN_SOCKET, DOMAIN_SOCKET))

    def create_values(self, desired):
        values = super().create_values(desired)
        values.setdefault('enabled', True)
        return values

    def predict(self, current, desired):
        predicted = super().predict(current, desired)
        if current is None and predicted.get('enabled') is None:
            predicted['enabled'] = True
        if current is not None and 'command' in desired:
            predicted['id'] = None  # re-created: the server gives it a new id
        return predicted

    def reload(self, website):
        """Restart the website's command (``website``: the object as the module returns it)."""
        self.client.post('websites/{domain_name}/reload/', params=self.item_params(website))
