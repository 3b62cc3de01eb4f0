#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: scheduled_task_info
short_description: Read PythonAnywhere scheduled tasks
version_added: 0.1.0
description:
  - Return the scheduled tasks of the account, all of them or those that match the options given, in the
    shape M(pythonanywhere.pythonanywhere.scheduled_task) returns them.
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
  - module: pythonanywhere.pythonanywhere.scheduled_task
'''

EXAMPLES = r'''
- name: List every scheduled task of the account
  pythonanywhere.pythonanywhere.scheduled_task_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: all_tasks

- name: Find the backup task by its description
  pythonanywhere.pythonanywhere.scheduled_task_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    description: nightly backup
  register: backup

- name: Show when it runs
  ansible.builtin.debug:
    msg: "{{ backup.scheduled_tasks[0].printable_time | default('no such task') }}"
'''

RETURN = r'''
scheduled_tasks:
  description: The tasks found, by id; an empty list when none matches.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 123
      user: alice
      url: /api/v0/user/alice/schedule/123/
      command: /home/alice/.virtualenvs/app/bin/python /home/alice/app/backup.py
      description: nightly backup
      enabled: true
      interval: daily
      hour: 3
      minute: 15
      printable_time: "03:15"
      logfile: /user/alice/files/var/log/schedule-log-123.log
      expiry: null
      can_enable: false
      extend_url: /user/alice/schedule/task/123/extend
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._tasks import ScheduledTask


def main():
    module = PythonAnywhereModule(argument_spec=dict(id=dict(type='int'), description=dict(type='str'), command=dict(type='str')))
    module.run(lambda: module.exit_json(changed=False, scheduled_tasks=ScheduledTask(module).select()))


if __name__ == '__main__':
    main()
