# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write the EXAMPLES of a module, as ``ansible-doc --json`` shows them to users, to a tasks file.

Reads the JSON of ``ansible-doc -t module --json <fqcn>`` on standard input. Each example is an independent
snippet, so the handlers it notifies run right after it (as they would at the end of a play made of that
snippet): a flush_handlers task follows every top-level task.

In a check run (runme.sh runs the examples with --check --diff before the real run) the examples run on to the
end whatever fails, so that every prediction is compared with the real outcome: each task gets
``ignore_errors: "{{ ansible_check_mode }}"`` (a failure is still recorded and compared; in the real run
nothing is ignored). An example that checks what an earlier one did for real (an assert) fails in a check
run, as it would for a user.
"""

from __future__ import annotations

import json
import sys

import yaml


def main():
    fqcn, destination = sys.argv[1:3]
    examples = json.load(sys.stdin)[fqcn]['examples']
    tasks = []
    for task in yaml.safe_load(examples):
        task.setdefault('ignore_errors', '{{ ansible_check_mode }}')
        tasks.append(task)
        tasks.append({'name': 'Run the handlers of the example above', 'ansible.builtin.meta': 'flush_handlers'})
    with open(destination, 'w', encoding='utf-8') as stream:
        yaml.safe_dump(tasks, stream, sort_keys=False)


if __name__ == '__main__':
    main()
