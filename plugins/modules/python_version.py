#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: python_version
short_description: Set the default Python versions of a PythonAnywhere account
version_added: 0.1.0
description:
  - Set the versions that C(python), C(python3) and the editor's C(Save and Run) button start on
    PythonAnywhere, through the C(default_python_version/), C(default_python3_version/) and
    C(default_save_and_run_python_version/) endpoints.
  - Only the options you set are read and changed (one GET per option; one PATCH per changed option).
    A second run with the same options sends no write request.
  - Each value is checked against the versions the server lists for the account's system image before
    anything is changed; a version the image does not offer fails, naming the option and the versions allowed.
  - The versions of web apps are set per web app with M(pythonanywhere.pythonanywhere.webapp), not here.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  default:
    description:
      - The version the C(python) command starts in consoles, scheduled and always-on tasks, for example V(3.13).
      - Quote it in YAML (V("3.10")), since an unquoted C(3.10) is the number C(3.1).
      - On the C(glastonbury) system image PythonAnywhere only offers V(2.7) here.
    type: str
  default_python3:
    description:
      - The version the C(python3) command starts, for example V(3.13).
    type: str
  default_save_and_run:
    description:
      - The version the C(Save and Run) button of the in-browser editor uses, for example V(3.13).
    type: str
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - Versions are written as users write them (V(3.13)); C(python313) is accepted too and normalised.
  - In check mode the module reads the settings, validates the values and returns what they would become;
    it sends no write request.
seealso:
  - module: pythonanywhere.pythonanywhere.python_version_info
  - module: pythonanywhere.pythonanywhere.system_image
  - module: pythonanywhere.pythonanywhere.account_info
  - name: Python versions on PythonAnywhere
    description: Which versions each system image offers.
    link: https://help.pythonanywhere.com/pages/PythonVersions/
  - name: PythonAnywhere API documentation
    description: The default Python version endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Make python, python3 and Save and Run start Python 3.13
  pythonanywhere.pythonanywhere.python_version:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    default: "3.13"
    default_python3: "3.13"
    default_save_and_run: "3.13"

- name: Only change what python3 starts, connection options from module_defaults
  module_defaults:
    group/pythonanywhere.pythonanywhere.all:
      username: alice
      api_token: "{{ vault_pythonanywhere_token }}"
  block:
    - name: Set python3 to 3.12
      pythonanywhere.pythonanywhere.python_version:
        default_python3: "3.12"
      register: versions

    - name: Show the versions the system image offers
      ansible.builtin.debug:
        var: versions.available_python_versions.default_python3
'''

RETURN = r'''
python_versions:
  description:
    - The settings the task manages, as the server holds them after the task (as they would be, in check mode).
    - Only the options given are read, so only they appear.
  returned: always
  type: dict
  contains:
    default:
      description: What C(python) starts.
      returned: when O(default) is given
      type: str
      sample: "3.13"
    default_python3:
      description: What C(python3) starts.
      returned: when O(default_python3) is given
      type: str
      sample: "3.13"
    default_save_and_run:
      description: What the editor's C(Save and Run) button uses.
      returned: when O(default_save_and_run) is given
      type: str
      sample: "3.13"
  sample:
    default: "3.13"
    default_python3: "3.13"
    default_save_and_run: "3.13"
available_python_versions:
  description:
    - The versions the server offers for each setting the task manages (they depend on the system image).
  returned: always
  type: dict
  sample:
    default: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
    default_python3: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
    default_save_and_run: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._account import PYTHON_VERSION_SETTINGS, AccountSettings
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            default=dict(type='str'),
            default_python3=dict(type='str'),
            default_save_and_run=dict(type='str'),
        ),
        required_one_of=[list(PYTHON_VERSION_SETTINGS)],
    )

    def run():
        managed = [param for param in PYTHON_VERSION_SETTINGS if module.params[param] is not None]
        module.exit_json(**AccountSettings(module, managed).ensure('present'))

    module.run(run)


if __name__ == '__main__':
    main()
