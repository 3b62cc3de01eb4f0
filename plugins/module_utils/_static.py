# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Static file mappings and static headers of a WSGI web app: shared by their modules and _info modules."""

from __future__ import annotations

import json
import re

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import (
    Field,
    Resource,
    ResourceError,
    strip_trailing_slash,
)

#: RFC 9110 field name: a token.
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def header_value(value):
    """Header values are strings; a server that answered with another JSON type is read as its JSON text."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


class WebAppChild(Resource):
    """An object listed under a web app (``webapps/{domain_name}/<kind>/``) and addressed by its id."""

    encoding = 'json'
    #: Parameters required with ``state=present`` besides the natural key.
    required_present = ()

    def list_params(self):
        return {'domain_name': self.params['domain_name']}

    def list_remote(self):
        """The web app's objects; a missing web app has none to remove, and nothing can be added to it.

        In check mode a missing web app counts as one without objects (with a warning), so that a check run of a
        playbook that creates the web app in an earlier task predicts the whole deploy instead of failing.
        """
        items = self.client.get_json(self.list_path, params=self.list_params(), missing_ok=True)
        if items is None:
            if self.params.get('state') == 'absent':
                return []
            if self.check_mode:
                if self.params.get(self.set_return_key) == []:
                    return []  # nothing declared (purge of an empty set): nothing to warn about
                self.module.warn('there is no web app %s yet: check mode treats it as one without %ss; a real run '
                                 'needs it created first' % (self.params['domain_name'], self.name))
                return []
            raise ResourceError('there is no web app %s: create it first with pythonanywhere.pythonanywhere.webapp '
                                '(set domain_name to choose another web app)' % self.params['domain_name'])
        if not isinstance(items, list):
            raise ResourceError('the API answered %ss of %s with %r instead of a list'
                                % (self.name, self.params['domain_name'], type(items).__name__))
        return items

    def validate(self):
        url = self.params.get('url')
        if url is not None and (not url.startswith('/') or any(char.isspace() for char in url)):
            raise ResourceError('url must be a URL path that starts with / and has no spaces, got %r' % url)
        if self.params.get('state', 'present') == 'present':
            for param in self.required_present:
                if self.params.get(param) is None:
                    raise ResourceError('%s is required for the %s %s when state=present'
                                        % (param, self.name, self.describe_key(self.params)))

    def ambiguity_hint(self):
        return 'declare the whole set with %s and purge=true to keep one and delete the others' % self.set_return_key

    def select(self, **filters):
        """Every object of the web app whose parameters equal the given (non-None) filters, as modules return them."""
        wanted = dict((param, self.fields[param].key(value)) for param, value in filters.items() if value is not None)
        shapes = [self.project(remote) for remote in self.list_remote()]
        shapes = [shape for shape in shapes if all(self.fields[k].key(shape.get(k)) == v for k, v in wanted.items())]
        return [self.public(shape) for shape, dummy in self.in_key_order([(shape, ()) for shape in shapes])]


class StaticFileMapping(WebAppChild):
    name = 'static file mapping'
    return_key = 'mapping'
    set_return_key = 'mappings'
    list_path = 'webapps/{domain_name}/static_files/'
    item_path = 'webapps/{domain_name}/static_files/{id}/'
    natural_key = ('url',)
    required_present = ('path',)
    fields = {
        'id': Field(read_only=True),
        # PythonAnywhere keeps the URL as given: /static and /static/ are two mappings.
        'url': Field(),
        'path': Field(normalize=strip_trailing_slash),
    }

    def validate(self):
        super().validate()
        path = self.params.get('path')
        if path is not None and not path.startswith('/'):
            raise ResourceError('path must be an absolute path on PythonAnywhere, got %r' % path)


class StaticHeader(WebAppChild):
    name = 'static header'
    return_key = 'header'
    set_return_key = 'headers'
    list_path = 'webapps/{domain_name}/static_headers/'
    item_path = 'webapps/{domain_name}/static_headers/{id}/'
    natural_key = ('url', 'name')
    required_present = ('value',)
    fields = {
        'id': Field(read_only=True),
        'url': Field(),
        # HTTP header names are case-insensitive: Cache-Control and cache-control are one header,
        # and changing only the case updates it in place.
        'name': Field(match=lambda value: value.lower()),
        'value': Field(normalize=header_value),
    }

    def validate(self):
        super().validate()
        name = self.params.get('name')
        if name is not None and not HEADER_NAME.match(name):
            raise ResourceError('name must be an HTTP header name (letters, digits and !#$%%&\'*+-.^_`|~), got %r' % name)
        value = self.params.get('value')
        if value is not None and ('\r' in value or '\n' in value):
            raise ResourceError('value of the header %s must be one line (no CR or LF)' % name)


def run_resource_module(module, resource_class, set_param):
    """The run of a module that manages one object (natural key parameters) or a declared set (``set_param``)."""

    def run():
        resource = resource_class(module)
        params = module.params
        if params.get('purge') and params.get(set_param) is None:
            raise ResourceError('purge=true needs %s: the whole set of %ss to keep' % (set_param, resource.name))
        if params.get('purge') and params['state'] == 'absent':
            raise ResourceError('purge=true cannot be combined with state=absent: purge removes the %ss that %s '
                                'does not declare, state=absent removes those it declares' % (resource.name, set_param))
        if params.get(set_param) is not None:
            result = resource.ensure_set(params[set_param], state=params['state'], purge=params['purge'], set_param=set_param)
        else:
            result = resource.ensure(params['state'])
        module.exit_json(**result)

    module.run(run)
