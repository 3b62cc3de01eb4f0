#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: scheduled_task
short_description: Manage a PythonAnywhere scheduled task
version_added: 0.1.0
description:
  - Create, change, enable, disable and delete a scheduled task (a command PythonAnywhere runs every day or
    every hour), through the C(/api/v0/user/{username}/schedule/) endpoints.
  - Idempotent and never a duplicate. The module first looks for the task, and creates one only when none
    matches. A second run with the same options sends no write request.
  - How the task is found. By O(id) when given. Otherwise by O(description) when given (a non-empty
    description), else by O(command). When no task has the description asked for, a task with the same
    command and no description is taken instead, so adding a description to a task later changes that task.
    If several tasks match, the module fails and lists their ids; give O(id) or distinct descriptions.
  - To run the same command at several times, give each task its own O(description).
  - A change of time, interval, command (for a task found by id or description), description or O(enabled)
    updates the task in place; its id and log file stay the same.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  state:
    description:
      - V(present) creates the task if no task matches and applies the options given.
      - V(absent) deletes the matching task, if any.
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - The id of an existing task, as returned by this module or M(pythonanywhere.pythonanywhere.scheduled_task_info).
      - With O(state=present), the task must exist (the module does not create a task with a chosen id).
    type: int
  command:
    description:
      - The command to run, for example V(/home/alice/.virtualenvs/app/bin/python /home/alice/app/backup.py).
      - Required to create a task. Identifies the task when neither O(id) nor O(description) is given.
    type: str
  description:
    description:
      - A free text shown on the Tasks page. Identifies the task when O(id) is not given.
    type: str
  interval:
    description:
      - V(daily) runs the task once a day at O(hour):O(minute), V(hourly) every hour at O(minute).
      - Required to create a task.
    type: str
    choices: [daily, hourly]
  hour:
    description:
      - The hour (0-23, UTC) of a daily task. Required for a daily task, not allowed for an hourly one.
      - When an existing daily task becomes hourly, its hour is cleared.
    type: int
  minute:
    description:
      - The minute (0-59) of the hour at which the task runs. Required to create a task.
    type: int
  enabled:
    description:
      - Whether the task runs. New tasks are enabled unless this is V(false).
    type: bool
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - In check mode the module reads the tasks and returns what the task would become, and sends no write request.
  - Scheduled tasks need a paid account. Free accounts created since January 2026 have none, older free
    accounts one daily task; PythonAnywhere's refusal (and the quota of a paid account) makes the module
    fail with a message that says what to do.
  - Invalid combinations (an O(hour) for an hourly task, a minute or hour out of range, a new daily task
    without O(hour)) fail before any write request, naming the option.
seealso:
  - module: pythonanywhere.pythonanywhere.scheduled_task_info
  - module: pythonanywhere.pythonanywhere.always_on_task
  - name: Scheduled tasks
    description: PythonAnywhere's help page on scheduled tasks (times are UTC, run time limits).
    link: https://help.pythonanywhere.com/pages/ScheduledTasks/
  - name: PythonAnywhere API documentation
    description: The endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Back up the database every night at 03:15 UTC
  pythonanywhere.pythonanywhere.scheduled_task:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    description: nightly backup
    command: /home/alice/.virtualenvs/app/bin/python /home/alice/app/backup.py
    interval: daily
    hour: 3
    minute: 15
  register: backup_task

- name: Manage several tasks, connection options from module_defaults
  module_defaults:
    group/pythonanywhere.pythonanywhere.all:
      username: alice
      api_token: "{{ vault_pythonanywhere_token }}"
  block:
    - name: Refresh the feed every hour at minute 5 (found by its command)
      pythonanywhere.pythonanywhere.scheduled_task:
        command: /home/alice/app/refresh_feed.sh
        interval: hourly
        minute: 5

    - name: Move the backup to 04:30 UTC (the same task is changed in place)
      pythonanywhere.pythonanywhere.scheduled_task:
        description: nightly backup
        hour: 4
        minute: 30

    - name: Pause the backup
      pythonanywhere.pythonanywhere.scheduled_task:
        description: nightly backup
        enabled: false

- name: Delete a task by id
  pythonanywhere.pythonanywhere.scheduled_task:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    id: "{{ backup_task.scheduled_task.id }}"
    state: absent
'''

RETURN = r'''
scheduled_task:
  description:
    - The task as the server holds it after the task (as it would be, in check mode).
      C(id), C(user), C(url), C(printable_time), C(logfile), C(expiry), C(can_enable) and C(extend_url)
      are read-only fields of PythonAnywhere (in check mode, unknown values of a new task are null).
    - Empty when O(state=absent).
  returned: always
  type: dict
  sample:
    id: 123
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
    module = PythonAnywhereModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            id=dict(type='int'),
            command=dict(type='str'),
            description=dict(type='str'),
            interval=dict(type='str', choices=['daily', 'hourly']),
            hour=dict(type='int'),
            minute=dict(type='int'),
            enabled=dict(type='bool'),
        ),
    )
    module.run(lambda: module.exit_json(**ScheduledTask(module).ensure()))


if __name__ == '__main__':
    main()
