# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each resource's Field list, its module's argument_spec and its DOCUMENTATION options agree.

A field that is not a parameter would never be sent; a parameter that is neither a field nor one of the
module's own controls (state, id, purge...) would be silently ignored; an undocumented one is invisible.
"""

from __future__ import annotations

import importlib
import os
import re

import pytest
import yaml

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import (
    _account,
    _console,
    _ssl,
    _static,
    _student,
    _tasks,
    _webapp,
    _website,
)

#: module -> (resource class or AccountSettings parameter list, the module's control options (not fields),
#:            fields derived from other options rather than given, the parameter of a declared set)
RESOURCES = {
    'webapp': (_webapp.WebApp, {'state'}, set(), None),
    'website': (_website.Website, {'state'}, set(), None),
    'static_file_mapping': (_static.StaticFileMapping, {'state', 'domain_name', 'purge', 'mappings'}, set(), 'mappings'),
    'static_header': (_static.StaticHeader, {'state', 'domain_name', 'purge', 'headers'}, set(), 'headers'),
    'scheduled_task': (_tasks.ScheduledTask, {'state', 'id'}, set(), None),
    'always_on_task': (_tasks.AlwaysOnTask, {'state', 'id'}, set(), None),
    'console': (_console.Console, {'state', 'id', 'input', 'press_enter'}, set(), None),
    'student': (_student.Student, {'state'}, set(), None),
    # The certificate is compared by the identity the module reads from the PEM it is given.
    'ssl_certificate': (_ssl.Certificate, {'state', 'domain_name', 'site_type', 'certificate', 'private_key',
                                           'expiry_warning_days'}, set(_ssl.IDENTITY), None),
    'python_version': (list(_account.PYTHON_VERSION_SETTINGS), set(), set(), None),
    'system_image': (['system_image'], set(), set(), None),
}


class Captured(Exception):
    def __init__(self, spec):
        super().__init__('captured')
        self.spec = spec


def argument_spec(module):
    """The module's own argument_spec, as main() builds it (without the connection options)."""
    class Capture:
        def __init__(self, argument_spec, **kwargs):
            raise Captured(argument_spec)

    original = module.PythonAnywhereModule
    module.PythonAnywhereModule = Capture
    try:
        module.main()
    except Captured as captured:
        return captured.spec
    finally:
        module.PythonAnywhereModule = original
    raise AssertionError('main() of %s built no PythonAnywhereModule' % module.__name__)


def field_names(resource):
    if isinstance(resource, list):
        return set(resource)  # AccountSettings: one field per setting parameter
    return set(param for param, field in resource.fields.items() if not field.read_only)


@pytest.mark.parametrize('name', sorted(RESOURCES))
def test_fields_argument_spec_and_documentation_agree(name):
    module = importlib.import_module('ansible_collections.pythonanywhere.pythonanywhere.plugins.modules.' + name)
    resource, controls, derived, set_param = RESOURCES[name]
    spec = argument_spec(module)
    documented = yaml.safe_load(module.DOCUMENTATION)['options']
    assert set(spec) == set(documented), 'argument_spec and DOCUMENTATION options differ'
    fields = field_names(resource) - derived
    assert fields - set(spec) == set(), 'fields that are not parameters (never sent)'
    assert set(spec) - fields == controls, 'parameters that are neither fields nor controls (ignored)'
    if set_param:
        assert set(spec[set_param]['options']) == fields
        assert set(documented[set_param]['suboptions']) == fields


def test_every_resource_module_is_checked():
    """A module whose code uses a Resource must be listed above (the _info modules read, with the same fields)."""
    modules = os.path.join(os.path.dirname(_webapp.__file__), '..', 'modules')
    ensured = set()
    for filename in os.listdir(modules):
        with open(os.path.join(modules, filename), encoding='utf-8') as stream:
            text = stream.read()
        # A resource's own calls (on a new object, with the state, or through the helpers), not any object's
        # ensure(): directory_sync's lease has one.
        if re.search(r'\)\.ensure\(|\.ensure\(module\.params|\.ensure_and_act\(|run_resource_module\(', text):
            ensured.add(filename[:-3])
    assert ensured == set(RESOURCES)


@pytest.mark.parametrize('name', sorted(f[:-3] for f in os.listdir(os.path.join(os.path.dirname(_webapp.__file__), '..', 'modules'))
                                        if f.endswith('.py') and not f.startswith('_')))
def test_module_documentation_parses(name):
    """DOCUMENTATION, EXAMPLES and RETURN are YAML (ansible-doc and the module_examples target read them)."""
    module = importlib.import_module('ansible_collections.pythonanywhere.pythonanywhere.plugins.modules.' + name)
    for block in ('DOCUMENTATION', 'EXAMPLES', 'RETURN'):
        assert yaml.safe_load(getattr(module, block)), block
