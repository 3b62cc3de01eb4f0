#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: system_image_info
short_description: Read the system image of a PythonAnywhere account
version_added: 0.1.0
description:
  - Return the account's system image and the images the server offers it, with one GET of C(system_image/),
    in the shape M(pythonanywhere.pythonanywhere.system_image) returns them.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options: {}
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.system_image
  - module: pythonanywhere.pythonanywhere.account_info
'''

EXAMPLES = r'''
- name: Read the system image
  pythonanywhere.pythonanywhere.system_image_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: image

- name: Show it
  ansible.builtin.debug:
    msg: "{{ image.system_image }} (may choose: {{ image.available_system_images | join(', ') }})"
'''

RETURN = r'''
system_image:
  description: The account's system image.
  returned: always
  type: str
  sample: innit
available_system_images:
  description: The images the server offers this account.
  returned: always
  type: list
  elements: str
  sample: [haggis, innit]
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._account import read_settings
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def main():
    module = PythonAnywhereModule(argument_spec={})

    def run():
        module.exit_json(changed=False, **read_settings(module, ['system_image']))

    module.run(run)


if __name__ == '__main__':
    main()
