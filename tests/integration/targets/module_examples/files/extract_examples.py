# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write the EXAMPLES of a module, as ``ansible-doc --json`` shows them to users, to a tasks file.

Reads the JSON of ``ansible-doc -t module --json <fqcn>`` on standard input. Each example is an independent
snippet, so the handlers it notifies run right after it (as they would at the end of a play made of that
snippet): a flush_handlers task follows every top-level task.

Plan equals apply: every task of the collection's modules (inside blocks too) is preceded by its twin in
check mode (``check_mode: true``, ``diff: true``, named ``<name> (check)``, its failures ignored but recorded),
which meets exactly the state the real task then meets. runme.sh compares the twins' outcomes with the real
ones (the plan_record callback records both). The twin registers nothing and notifies nothing.
"""

from __future__ import annotations

import json
import sys

import yaml

PREFIX = 'pythonanywhere.pythonanywhere.'
#: Keywords the check twin does not take from the real task.
NOT_COPIED = ('register', 'notify', 'ignore_errors', 'check_mode', 'diff', 'name', 'changed_when', 'failed_when')


def is_collection_task(task):
    return any(key.startswith(PREFIX) for key in task)


def check_twin(task):
    twin = {'name': '%s (check)' % task.get('name', 'unnamed')}
    twin.update((key, value) for key, value in task.items() if key not in NOT_COPIED)
    twin.update(check_mode=True, diff=True, ignore_errors=True)
    return twin


def with_twins(tasks):
    result = []
    for task in tasks:
        if 'block' in task:
            task = dict(task)
            for section in ('block', 'rescue', 'always'):
                if section in task:
                    task[section] = with_twins(task[section])
        elif is_collection_task(task):
            result.append(check_twin(task))
        result.append(task)
    return result


def main():
    fqcn, destination = sys.argv[1:3]
    examples = json.load(sys.stdin)[fqcn]['examples']
    tasks = []
    for task in with_twins(yaml.safe_load(examples)):
        tasks.append(task)
        tasks.append({'name': 'Run the handlers of the example above', 'ansible.builtin.meta': 'flush_handlers'})
    with open(destination, 'w', encoding='utf-8') as stream:
        yaml.safe_dump(tasks, stream, sort_keys=False)


if __name__ == '__main__':
    main()
