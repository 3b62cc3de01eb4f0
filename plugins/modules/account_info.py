#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: account_info
short_description: Read a PythonAnywhere account's CPU usage, system image, Python versions and MySQL databases
version_added: 0.1.0
description:
  - One read of the account-level endpoints, the parts chosen with O(gather).
  - C(cpu) reads C(cpu/) (one request); C(system_image) reads C(system_image/) (one request); C(python_versions)
    reads the three default Python version endpoints (three requests); C(mysql_databases) reads
    C(databases/mysql/) (one request).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  gather:
    description:
      - The parts to read. V(all) reads every part (six requests).
    type: list
    elements: str
    choices: [all, cpu, system_image, python_versions, mysql_databases]
    default: [all]
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.python_version_info
  - module: pythonanywhere.pythonanywhere.system_image_info
  - name: PythonAnywhere API documentation
    description: The account endpoints this module reads.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Read everything
  pythonanywhere.pythonanywhere.account_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: account

- name: Read the CPU usage only (one request)
  pythonanywhere.pythonanywhere.account_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    gather: [cpu]
  register: usage

- name: Warn when most of today's CPU allowance is used
  ansible.builtin.debug:
    msg: >-
      {{ usage.cpu.daily_cpu_total_usage_seconds | round(1) }} of {{ usage.cpu.daily_cpu_limit_seconds }}
      CPU-seconds used; the counter resets at {{ usage.cpu.next_reset_time }}
  when: usage.cpu.daily_cpu_total_usage_seconds > 0.8 * usage.cpu.daily_cpu_limit_seconds
'''

RETURN = r'''
cpu:
  description: The CPU allowance and usage of the day, as the API gives them.
  returned: when O(gather) includes V(cpu) or V(all)
  type: dict
  contains:
    daily_cpu_limit_seconds:
      description: CPU-seconds the account may use per day.
      type: int
      sample: 4000
    daily_cpu_total_usage_seconds:
      description: CPU-seconds used since the last reset.
      type: float
      sample: 12.53
    next_reset_time:
      description: When the usage counter resets, ISO 8601 without a time zone, as the API gives it.
      type: str
      sample: "2026-11-27T03:26:37"
  sample:
    daily_cpu_limit_seconds: 4000
    daily_cpu_total_usage_seconds: 12.53
    next_reset_time: "2026-11-27T03:26:37"
system_image:
  description: The account's system image.
  returned: when O(gather) includes V(system_image) or V(all)
  type: str
  sample: innit
available_system_images:
  description: The images the server offers this account.
  returned: when O(gather) includes V(system_image) or V(all)
  type: list
  elements: str
  sample: [haggis, innit]
python_versions:
  description:
    - What C(python) (V(default)), C(python3) (V(default_python3)) and the editor's C(Save and Run) button
      (V(default_save_and_run)) start, as M(pythonanywhere.pythonanywhere.python_version) returns them.
  returned: when O(gather) includes V(python_versions) or V(all)
  type: dict
  sample:
    default: "3.10"
    default_python3: "3.13"
    default_save_and_run: "3.13"
available_python_versions:
  description: The versions the server offers for each of the three settings.
  returned: when O(gather) includes V(python_versions) or V(all)
  type: dict
  sample:
    default: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
    default_python3: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
    default_save_and_run: ["3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
mysql_databases:
  description:
    - The account's MySQL databases exactly as C(databases/mysql/) lists them. PythonAnywhere does not
      document the shape of this answer, so the module passes it through unchanged.
    - Null, with a warning, when PythonAnywhere refuses to list them (HTTP 403), as it does for accounts
      without MySQL (free accounts created since 2026-01-15).
  returned: when O(gather) includes V(mysql_databases) or V(all)
  type: list
  elements: raw
  sample: []
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._account import (
    PYTHON_VERSION_SETTINGS,
    read_cpu,
    read_mysql_databases,
    read_settings,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule

PARTS = ['cpu', 'system_image', 'python_versions', 'mysql_databases']


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            gather=dict(type='list', elements='str', default=['all'], choices=['all'] + PARTS),
        ),
    )

    def run():
        gather = set(PARTS) if 'all' in module.params['gather'] else set(module.params['gather'])
        result = dict(changed=False)
        if 'cpu' in gather:
            result['cpu'] = read_cpu(module.client)
        settings = (['system_image'] if 'system_image' in gather else []) + \
            (list(PYTHON_VERSION_SETTINGS) if 'python_versions' in gather else [])
        if settings:
            result.update(read_settings(module, settings))
        if 'mysql_databases' in gather:
            result['mysql_databases'] = read_mysql_databases(module.client, module.warn)
        module.exit_json(**result)

    module.run(run)


if __name__ == '__main__':
    main()
