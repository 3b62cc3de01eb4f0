#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: static_file_mapping_info
short_description: Read the static file mappings of a PythonAnywhere web app
version_added: 0.1.0
description:
  - Return the static file mappings of a WSGI web app (one GET), normalised as
    M(pythonanywhere.pythonanywhere.static_file_mapping) returns them, sorted by URL.
  - Fails when the web app does not exist.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The web app whose mappings are read.
      - Defaults to the account's own subdomain, C(<username>.pythonanywhere.com), or
        C(<username>.eu.pythonanywhere.com) for EU accounts.
    type: str
  url:
    description:
      - Only return the mapping(s) of this URL prefix (as written, so V(/static) and V(/static/) differ).
        More than one means duplicates, which M(pythonanywhere.pythonanywhere.static_file_mapping) with
        O(pythonanywhere.pythonanywhere.static_file_mapping#module:purge=true) repairs.
    type: str
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.static_file_mapping
'''

EXAMPLES = r'''
- name: Read every static file mapping of the web app
  pythonanywhere.pythonanywhere.static_file_mapping_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
  register: static_files

- name: Show where /static/ points
  ansible.builtin.debug:
    msg: "{{ static_files.mappings | selectattr('url', 'equalto', '/static/') | map(attribute='path') | first | default('not mapped') }}"
'''

RETURN = r'''
mappings:
  description: The mappings found, sorted by URL; an empty list when there are none.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3000018
      url: /media/
      path: /home/alice/mysite/media
    - id: 3000017
      url: /static/
      path: /home/alice/mysite/static
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._static import StaticFileMapping


def main():
    module = PythonAnywhereModule(argument_spec=dict(domain_name=dict(type='str'), url=dict(type='str')))

    def run():
        mappings = StaticFileMapping(module).select(url=module.params['url'])
        module.exit_json(changed=False, mappings=mappings)

    module.run(run)


if __name__ == '__main__':
    main()
