#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: python_version_info
short_description: Read the default Python versions of a PythonAnywhere account
version_added: 0.1.0
description:
  - Return the versions that C(python), C(python3) and the editor's C(Save and Run) button start, and the
    versions the account's system image offers for each, in the shape
    M(pythonanywhere.pythonanywhere.python_version) returns them.
  - Sends three GET requests, one per setting.
  - M(pythonanywhere.pythonanywhere.account_info) returns the same data together with other account readings.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options: {}
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.python_version
  - module: pythonanywhere.pythonanywhere.account_info
'''

EXAMPLES = r'''
- name: Read the default Python versions
  pythonanywhere.pythonanywhere.python_version_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: versions

- name: Fail when python3 does not start 3.12
  ansible.builtin.assert:
    that:
      - versions.python_versions.default_python3 == "3.12"
'''

RETURN = r'''
python_versions:
  description: The three settings as the server holds them.
  returned: always
  type: dict
  contains:
    default:
      description: What C(python) starts.
      returned: always
      type: str
      sample: "3.10"
    default_python3:
      description: What C(python3) starts.
      returned: always
      type: str
      sample: "3.13"
    default_save_and_run:
      description: What the editor's C(Save and Run) button uses.
      returned: always
      type: str
      sample: "3.13"
  sample:
    default: "3.10"
    default_python3: "3.13"
    default_save_and_run: "3.13"
available_python_versions:
  description: The versions the server offers for each setting (they depend on the system image).
  returned: always
  type: dict
  sample:
    default: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
    default_python3: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
    default_save_and_run: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._account import PYTHON_VERSION_SETTINGS, read_settings
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def main():
    module = PythonAnywhereModule(argument_spec={})

    def run():
        module.exit_json(changed=False, **read_settings(module, PYTHON_VERSION_SETTINGS))

    module.run(run)


if __name__ == '__main__':
    main()
