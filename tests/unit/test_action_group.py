# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every module must be in the action group, or module_defaults silently skips it."""

from __future__ import annotations

import os

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def modules():
    folder = os.path.join(ROOT, 'plugins', 'modules')
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith('.py') and not name.startswith('_'))


def action_group():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as stream:
        return yaml.safe_load(stream)['action_groups']['all']


def test_every_module_is_in_the_action_group():
    missing = sorted(set(modules()) - set(action_group()))
    assert not missing, 'add to action_groups.all in meta/runtime.yml: %s' % ', '.join(missing)


def test_the_action_group_names_only_modules_that_exist():
    unknown = sorted(set(action_group()) - set(modules()))
    assert not unknown, 'action_groups.all names modules that do not exist: %s' % ', '.join(unknown)


def test_every_module_documents_the_action_group_attribute():
    for name in modules():
        with open(os.path.join(ROOT, 'plugins', 'modules', name + '.py')) as stream:
            source = stream.read()
        assert 'pythonanywhere.pythonanywhere.attributes' in source, '%s lacks the attributes fragment' % name
