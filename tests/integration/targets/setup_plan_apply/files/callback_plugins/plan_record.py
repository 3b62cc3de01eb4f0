# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Record the outcome of every task of the collection's modules, one JSON line each, for plan_apply.py.

Enabled with ``ANSIBLE_CALLBACKS_ENABLED=plan_record``; writes to the file named by ``PLAN_RECORD``.
A task with a loop is recorded per item. Nothing of the result is kept but its status and message.
"""

from __future__ import annotations

DOCUMENTATION = r'''
name: plan_record
type: aggregate
short_description: Record task outcomes for the plan-equals-apply test
description:
  - Writes one JSON line per task result of a pythonanywhere.pythonanywhere module to the file in E(PLAN_RECORD).
'''

import json
import os

from ansible.plugins.callback import CallbackBase

PREFIX = 'pythonanywhere.pythonanywhere.'
#: The name of a task's twin in check mode, when one playbook holds both (see plan_apply.py).
CHECK_SUFFIX = ' (check)'


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'plan_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.path = os.environ.get('PLAN_RECORD')

    def write(self, result, status, item=None):
        task = result._task
        action = task.resolved_action or task.action or ''
        if not self.path or not action.startswith(PREFIX):
            return
        body = result._result
        name = task.get_name()
        check = bool(task.check_mode)
        if check and name.endswith(CHECK_SUFFIX):
            name = name[:-len(CHECK_SUFFIX)]
        entry = {
            'task': name,
            'check': check,
            'module': action[len(PREFIX):],
            'handler': bool(getattr(task, 'implicit', False)) or type(task).__name__ == 'Handler',
            'item': item,
            'status': status,
            'changed': bool(body.get('changed')),
            'failed': status == 'failed',
            'msg': str(body.get('msg', ''))[:300] if status == 'failed' else '',
            'warnings': [str(w)[:300] for w in body.get('warnings') or []],
        }
        with open(self.path, 'a', encoding='utf-8') as stream:
            stream.write(json.dumps(entry, sort_keys=True) + '\n')

    @staticmethod
    def label(result):
        body = result._result
        label = body.get('_ansible_item_label', body.get('item'))
        return json.dumps(label, sort_keys=True, default=str)

    def loop(self, result):
        return 'results' in result._result

    def v2_runner_on_ok(self, result):
        if not self.loop(result):
            self.write(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not self.loop(result):
            self.write(result, 'failed')

    def v2_runner_on_skipped(self, result):
        if not self.loop(result):
            self.write(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self.write(result, 'failed')

    def v2_runner_item_on_ok(self, result):
        self.write(result, 'ok', self.label(result))

    def v2_runner_item_on_failed(self, result):
        self.write(result, 'failed', self.label(result))

    def v2_runner_item_on_skipped(self, result):
        self.write(result, 'skipped', self.label(result))
