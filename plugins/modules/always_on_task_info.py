#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: always_on_task_info
short_description: Read PythonAnywhere always-on tasks
version_added: 0.1.0
description:
  - Return the always-on tasks of the account, all of them or those that match the options given, in the
    shape M(pythonanywhere.pythonanywhere.always_on_task) returns them.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  id:
    description:
      - Return only the task with this id (an empty list if there is none).
    type: int
  description:
    description:
      - Return only the tasks with this description. Ignored when O(id) is given.
    type: str
  command:
    description:
      - Return only the tasks with this command. Ignored when O(id) is given.
    type: str
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.always_on_task
'''

EXAMPLES = r'''
- name: List every always-on task of the account
  pythonanywhere.pythonanywhere.always_on_task_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: all_always_on

- name: Find the bot's task by its description
  pythonanywhere.pythonanywhere.always_on_task_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    description: chat bot
  register: bot

- name: Show whether it is enabled
  ansible.builtin.debug:
    msg: "{{ bot.always_on_tasks[0].enabled | default('no such task') }}"
'''

RETURN = r'''
always_on_tasks:
  description: The tasks found, by id; an empty list when none matches.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 456
      url: /api/v0/user/alice/always_on/456/
      command: /home/alice/.virtualenvs/bot/bin/python /home/alice/bot/main.py
      description: chat bot
      enabled: true
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._tasks import AlwaysOnTask


def main():
    module = PythonAnywhereModule(argument_spec=dict(id=dict(type='int'), description=dict(type='str'), command=dict(type='str')))
    module.run(lambda: module.exit_json(changed=False, always_on_tasks=AlwaysOnTask(module).select()))


if __name__ == '__main__':
    main()
