#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: static_header_info
short_description: Read the static file headers of a PythonAnywhere web app
version_added: 0.1.0
description:
  - Return the HTTP headers a WSGI web app adds to its static files (one GET), as
    M(pythonanywhere.pythonanywhere.static_header) returns them, sorted by URL and name.
  - Fails when the web app does not exist.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The web app whose headers are read.
      - Defaults to the account's own subdomain, C(<username>.pythonanywhere.com), or
        C(<username>.eu.pythonanywhere.com) for EU accounts.
    type: str
  url:
    description:
      - Only return the headers of this URL prefix (as written).
    type: str
  name:
    description:
      - Only return the headers of this name (compared without regard to case).
    type: str
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.static_header
'''

EXAMPLES = r'''
- name: Read the Cache-Control headers of the web app
  pythonanywhere.pythonanywhere.static_header_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    name: cache-control
  register: caching

- name: Show them
  ansible.builtin.debug:
    msg: "{{ caching.headers | items2dict(key_name='url', value_name='value') }}"
'''

RETURN = r'''
headers:
  description: The headers found, sorted by URL and name; an empty list when there are none.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 4000023
      url: /media/
      name: Cache-Control
      value: no-cache
    - id: 4000021
      url: /static/
      name: Cache-Control
      value: max-age=86400
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._static import StaticHeader


def main():
    module = PythonAnywhereModule(argument_spec=dict(domain_name=dict(type='str'), url=dict(type='str'), name=dict(type='str')))

    def run():
        headers = StaticHeader(module).select(url=module.params['url'], name=module.params['name'])
        module.exit_json(changed=False, headers=headers)

    module.run(run)


if __name__ == '__main__':
    main()
