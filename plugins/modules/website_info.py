#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: website_info
short_description: Read PythonAnywhere command-based websites (ASGI and others)
version_added: 0.1.0
description:
  - Return one command-based website of the account, or all of them, in the shape
    M(pythonanywhere.pythonanywhere.website) returns them (the command as C(command)).
  - WSGI web apps are read with M(pythonanywhere.pythonanywhere.webapp_info).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The website to read. If omitted, every website of the account is returned.
    type: str
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.website
  - module: pythonanywhere.pythonanywhere.webapp_info
'''

EXAMPLES = r'''
- name: List every website of the account
  pythonanywhere.pythonanywhere.website_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: all_websites

- name: Read one website
  pythonanywhere.pythonanywhere.website_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
  register: site

- name: Show where its server log is
  ansible.builtin.debug:
    msg: "{{ site.websites[0].logfiles.server | default('no such website') }}"
'''

RETURN = r'''
websites:
  description: The websites found; an empty list when O(domain_name) does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 42
      user: alice
      domain_name: alice.pythonanywhere.com
      command: /home/alice/.virtualenvs/fastapi/bin/uvicorn --app-dir /home/alice/fastapi --uds ${DOMAIN_SOCKET} main:app
      enabled: true
      domains:
        - domain_name: alice.pythonanywhere.com
          enabled: true
      logfiles:
        access: /var/log/alice.pythonanywhere.com.access.log
        error: /var/log/alice.pythonanywhere.com.error.log
        server: /var/log/alice.pythonanywhere.com.server.log
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._website import Website


def main():
    module = PythonAnywhereModule(argument_spec=dict(domain_name=dict(type='str')))

    def run():
        one = bool(module.params['domain_name'])  # read before Website() fills in the default domain
        module.exit_json(changed=False, websites=Website(module).info(one))

    module.run(run)


if __name__ == '__main__':
    main()
