#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: always_on_task
short_description: Manage a PythonAnywhere always-on task
version_added: 0.1.0
description:
  - Create, change, enable, disable, restart and delete an always-on task (a long-running command that
    PythonAnywhere keeps running and restarts whenever it exits), through the
    C(/api/v0/user/{username}/always_on/) endpoints. PythonAnywhere starts a task as soon as it is created.
  - Idempotent and never a duplicate. The module first looks for the task, and creates one only when none
    matches. A second run with the same options sends no write request.
  - How the task is found. By O(id) when given. Otherwise by O(description) when given (a non-empty
    description), else by O(command). When no task has the description asked for, a task with the same
    command and no description is taken instead, so adding a description to a task later changes that task.
    If several tasks match, the module fails and lists their ids; give O(id) or distinct descriptions.
  - A change of command (for a task found by id or description), description or O(enabled) updates the task in place.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  state:
    description:
      - V(present) creates the task if no task matches and applies the options given.
      - V(absent) stops and deletes the matching task, if any.
      - V(restarted) applies the options like V(present), then always restarts the task's command, except for a
        task it has just created (PythonAnywhere starts a new task, so it is not restarted again).
        Use it in a handler (for example after new code was uploaded), or on its own.
    type: str
    choices: [present, absent, restarted]
    default: present
  id:
    description:
      - The id of an existing task, as returned by this module or M(pythonanywhere.pythonanywhere.always_on_task_info).
      - With O(state=present) or O(state=restarted), the task must exist (the module does not create a task with a chosen id).
    type: int
  command:
    description:
      - The command to keep running, for example V(/home/alice/.virtualenvs/bot/bin/python /home/alice/bot/main.py).
      - Required to create a task. Identifies the task when neither O(id) nor O(description) is given.
    type: str
  description:
    description:
      - A free text shown on the Tasks page. Identifies the task when O(id) is not given.
    type: str
  enabled:
    description:
      - Whether the task runs. New tasks are enabled (and started) unless this is V(false).
    type: bool
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - In check mode the module reads the tasks and returns what the task would become, and sends no write request.
  - With O(state=restarted) in check mode, the module reports C(changed) without restarting.
  - Always-on tasks need a paid account, and each plan allows a fixed number of them. PythonAnywhere's
    refusal makes the module fail with a message that says what to do.
  - The task's output goes to C(/var/log/alwayson-log-<id>.log) on PythonAnywhere.
seealso:
  - module: pythonanywhere.pythonanywhere.always_on_task_info
  - module: pythonanywhere.pythonanywhere.scheduled_task
  - name: Always-on tasks
    description: PythonAnywhere's help page on always-on tasks.
    link: https://help.pythonanywhere.com/pages/AlwaysOnTasks/
  - name: PythonAnywhere API documentation
    description: The endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Keep a chat bot running
  pythonanywhere.pythonanywhere.always_on_task:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    description: chat bot
    command: /home/alice/.virtualenvs/bot/bin/python /home/alice/bot/main.py
  register: bot_task

- name: Manage the bot, connection options from module_defaults
  module_defaults:
    group/pythonanywhere.pythonanywhere.all:
      username: alice
      api_token: "{{ vault_pythonanywhere_token }}"
  block:
    - name: Run the bot with debug logging (the same task is changed in place)
      pythonanywhere.pythonanywhere.always_on_task:
        description: chat bot
        command: /home/alice/.virtualenvs/bot/bin/python /home/alice/bot/main.py --debug

    - name: Restart the bot (as a handler, or on its own)
      pythonanywhere.pythonanywhere.always_on_task:
        description: chat bot
        state: restarted

    - name: Stop the bot without deleting it
      pythonanywhere.pythonanywhere.always_on_task:
        description: chat bot
        enabled: false

- name: Delete the bot's task by id
  pythonanywhere.pythonanywhere.always_on_task:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    id: "{{ bot_task.always_on_task.id }}"
    state: absent
'''

RETURN = r'''
always_on_task:
  description:
    - The task as the server holds it after the task (as it would be, in check mode).
      C(id) and C(url) are read-only fields of PythonAnywhere (null for a new task in check mode).
    - Empty when O(state=absent).
  returned: always
  type: dict
  sample:
    id: 456
    url: /api/v0/user/alice/always_on/456/
    command: /home/alice/.virtualenvs/bot/bin/python /home/alice/bot/main.py
    description: chat bot
    enabled: true
restarted:
  description: Whether the task was restarted (or would be, in check mode); false for a task created by this run.
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._tasks import AlwaysOnTask


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent', 'restarted']),
            id=dict(type='int'),
            command=dict(type='str'),
            description=dict(type='str'),
            enabled=dict(type='bool'),
        ),
    )

    def run():
        task = AlwaysOnTask(module)
        module.exit_json(**task.ensure_and_act(module.params['state'], 'restarted', 'restarted', task.restart))

    module.run(run)


if __name__ == '__main__':
    main()
