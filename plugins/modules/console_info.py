#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: console_info
short_description: Read PythonAnywhere consoles and what they show
version_added: 0.1.0
description:
  - Return the consoles of the account (C(consoles/)), one console (C(consoles/{id}/)), or the consoles other users
    share with the account (C(consoles/shared_with_you/)), in the shape M(pythonanywhere.pythonanywhere.console)
    returns them.
  - With O(output=true), also the last few hundred characters the console shows (C(get_latest_output/)), as raw
    terminal text with C(\r\n) line ends and ANSI escape sequences.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  id:
    description:
      - The console to read. If omitted, every console of the account is returned.
    type: int
  shared_with_you:
    description:
      - Return the consoles other users share with the account instead of the account's own.
    type: bool
    default: false
  output:
    description:
      - Also return what the console O(id) shows (one more request). Requires O(id).
    type: bool
    default: false
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.console
'''

EXAMPLES = r'''
- name: List the consoles
  pythonanywhere.pythonanywhere.console_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: consoles

- name: Read what the first Bash console shows
  pythonanywhere.pythonanywhere.console_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    id: "{{ (consoles.consoles | selectattr('executable', 'eq', 'bash') | first).id }}"
    output: true
  register: bash
  when: consoles.consoles | selectattr('executable', 'eq', 'bash') | list | length > 0

- name: Show it
  ansible.builtin.debug:
    msg: "{{ bash.output }}"
  when: bash is not skipped
'''

RETURN = r'''
consoles:
  description: The consoles found; an empty list when O(id) does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 24036640
      user: alice
      executable: bash
      arguments: ""
      working_directory: /home/alice/mysite
      name: Bash console 24036640
      console_url: /user/alice/consoles/24036640/
      console_frame_url: /user/alice/consoles/24036640/frame/
output:
  description:
    - The last few hundred characters the console shows, as PythonAnywhere gives them.
    - Null when the console does not exist or has not been started (opened in a browser) yet.
  returned: when O(output=true)
  type: str
  sample: "\r\n12:03 ~/mysite (main)$ git pull\r\nAlready up to date.\r\n12:03 ~/mysite (main)$ "
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._console import Console
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            id=dict(type='int'),
            shared_with_you=dict(type='bool', default=False),
            output=dict(type='bool', default=False),
        ),
        required_if=[('output', True, ['id'])],
    )

    def run():
        console = Console(module)
        console_id = module.params['id']
        if console_id is not None and module.params['shared_with_you']:
            module.fail_json(msg='id cannot be combined with shared_with_you=true')
        console.validate_id()
        if module.params['shared_with_you']:
            consoles = [console.public(console.project(remote)) for remote in console.shared_with_you()]
        else:
            consoles = console.info(one=console_id is not None)
        result = dict(changed=False, consoles=consoles)
        if module.params['output']:
            result['output'] = console.latest_output(consoles[0]) if consoles else None
        module.exit_json(**result)

    module.run(run)


if __name__ == '__main__':
    main()
