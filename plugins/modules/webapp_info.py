#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webapp_info
short_description: Read PythonAnywhere WSGI web apps
version_added: 0.1.0
description:
  - Return one WSGI web app of the account, or all of them, normalised as M(pythonanywhere.pythonanywhere.webapp)
    returns them (C(python_version) as V(3.13)), without the password-protection password.
  - Command-based websites (ASGI and others) are read with M(pythonanywhere.pythonanywhere.website_info).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The web app to read. If omitted, every web app of the account is returned.
    type: str
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.webapp
'''

EXAMPLES = r'''
- name: List every web app of the account
  pythonanywhere.pythonanywhere.webapp_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: all_webapps

- name: Read one web app
  pythonanywhere.pythonanywhere.webapp_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
  register: site

- name: Show when it expires
  ansible.builtin.debug:
    msg: "{{ site.webapps[0].expiry | default('not found') }}"
'''

RETURN = r'''
webapps:
  description: The web apps found; an empty list when O(domain_name) does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 2097234
      user: alice
      domain_name: alice.pythonanywhere.com
      python_version: "3.13"
      source_directory: /home/alice/mysite
      working_directory: /home/alice/
      virtualenv_path: ""
      force_https: false
      password_protection_enabled: false
      password_protection_username: ""
      enabled: true
      expiry: "2027-02-26"
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._webapp import WebApp


def main():
    module = PythonAnywhereModule(argument_spec=dict(domain_name=dict(type='str')))

    def run():
        one = bool(module.params['domain_name'])
        module.exit_json(changed=False, webapps=WebApp(module).info(one))

    module.run(run)


if __name__ == '__main__':
    main()
