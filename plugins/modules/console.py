#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: console
short_description: Create, kill and type into PythonAnywhere consoles
version_added: 0.1.0
description:
  - Make sure a console exists (or does not), through the C(consoles/) endpoints, and optionally type input into it.
  - A console is found by O(id) when given, else by O(executable) and O(working_directory) (its natural key).
    Two consoles with the same executable and working directory make the module fail and list their ids;
    give O(id) to choose one.
  - PythonAnywhere has no endpoint to change a console. When O(arguments) (or, with O(id), O(executable) or
    O(working_directory)) differs from the console's, the console is killed and a new one is created; the result
    says C(replaced), and the new console has a new id.
  - O(state=present) and O(state=absent) are idempotent (a second run finds the console, or its absence,
    and sends no write request). O(input) is not, since it is typed every time the task runs, and the task then
    reports C(changed).
  - B(A new console is not running.) Creating a console through the API only records it; PythonAnywhere starts its
    process the first time someone opens it in a browser. Until then PythonAnywhere refuses input (HTTP 412), and
    the module fails with the address to open. Open it once, then run the task again. A started console keeps
    running until it is killed or PythonAnywhere restarts its server.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  state:
    description:
      - V(present) creates the console if it does not exist.
      - V(absent) kills it (any program running in it stops).
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - The id of an existing console. The module never creates a console with a given id; it fails when there is
        none with this id and O(state=present).
    type: int
  executable:
    description:
      - The program the console runs, for example V(bash) or V(python3.13).
      - Required unless O(id) is given.
    type: str
  arguments:
    description:
      - The command-line arguments of O(executable). If omitted, they are not compared.
    type: str
  working_directory:
    description:
      - The directory the console starts in. If omitted, only a console without a working directory matches.
    type: str
  input:
    description:
      - Text to type into the console after making sure it exists. Sent on every run (not idempotent).
      - The console must have been opened once in a browser (see the description).
      - Not returned and not shown in the diff, but do not put secrets here unless the task has C(no_log).
    type: str
  press_enter:
    description:
      - Add a newline to O(input) (press Enter) when it does not already end with one.
    type: bool
    default: true
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
attributes:
  idempotent:
    support: partial
    details:
      - O(state=present) and O(state=absent) are idempotent; O(input) is typed on every run.
notes:
  - Free accounts may have two consoles; PythonAnywhere refuses a third, and the module says so.
  - Read what the console shows with M(pythonanywhere.pythonanywhere.console_info) and O(pythonanywhere.pythonanywhere.console_info#module:output=true).
  - In check mode the module reads the consoles and returns what it would do; it sends no write request and
    types nothing.
seealso:
  - module: pythonanywhere.pythonanywhere.console_info
  - name: PythonAnywhere API documentation
    description: The console endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Make sure a Bash console exists in the project directory
  pythonanywhere.pythonanywhere.console:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    executable: bash
    working_directory: /home/alice/mysite
  register: shell

- name: Tell a human where to start it (once)
  ansible.builtin.debug:
    msg: "Open https://www.pythonanywhere.com{{ shell.console.console_url }} once in a browser"

- name: Pull the latest code in the (started) console
  pythonanywhere.pythonanywhere.console:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    executable: bash
    working_directory: /home/alice/mysite
    input: git pull

- name: Kill the console
  pythonanywhere.pythonanywhere.console:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    executable: bash
    working_directory: /home/alice/mysite
    state: absent
'''

RETURN = r'''
console:
  description:
    - The console after the task (as it would be, in check mode; its id is null when it would be created).
    - Empty when O(state=absent).
  returned: always
  type: dict
  sample:
    id: 24036640
    user: alice
    executable: bash
    arguments: ""
    working_directory: /home/alice/mysite
    name: Bash console 24036640
    console_url: /user/alice/consoles/24036640/
    console_frame_url: /user/alice/consoles/24036640/frame/
replaced:
  description: Present and true when the console was killed and created anew because a field changed.
  returned: when the console was replaced
  type: bool
  sample: true
input_sent:
  description: Whether O(input) was typed into the console (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._console import Console
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            id=dict(type='int'),
            executable=dict(type='str'),
            arguments=dict(type='str'),
            working_directory=dict(type='str'),
            input=dict(type='str'),
            press_enter=dict(type='bool', default=True),
        ),
    )

    def run():
        console = Console(module)
        text = module.params['input']
        if module.params['state'] == 'absent' and text is not None:
            module.fail_json(msg='input cannot be combined with state=absent')
        result = console.ensure(module.params['state'])
        result['input_sent'] = False
        if text is None:
            module.exit_json(**result)
        if module.params['press_enter'] and not text.endswith('\n'):
            text += '\n'
        is_new = result['changed']  # state=present changes a console only by creating (or replacing) it
        result['changed'] = True
        if module.check_mode:
            if is_new:
                module.warn('the console would be created now; PythonAnywhere refuses input until it has been opened in a browser')
            module.exit_json(**result)
        if is_new:
            # PythonAnywhere has not started a console created a moment ago: it would refuse the input.
            module.fail_json(msg=str(console.not_started(result['console'])), **result)
        console.send_input(result['console'], text)
        result['input_sent'] = True
        module.exit_json(**result)

    module.run(run)


if __name__ == '__main__':
    main()
