# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write the EXAMPLES of a module, as ``ansible-doc --json`` shows them to users, to a tasks file.

Reads the JSON of ``ansible-doc -t module --json <fqcn>`` (run here: passed through a task's ``stdin``,
ansible-core 2.18 would template the JSON text into a Python dict and hand over its repr). Each example is an independent
snippet, so the handlers it notifies run right after it (as they would at the end of a play made of that
snippet): a flush_handlers task follows every top-level task.
"""

from __future__ import annotations

import json
import subprocess
import sys

import yaml


def main():
    fqcn, destination = sys.argv[1:3]
    doc = subprocess.run(['ansible-doc', '-t', 'module', '--json', fqcn], check=True, capture_output=True, text=True)
    examples = json.loads(doc.stdout)[fqcn]['examples']
    tasks = []
    for task in yaml.safe_load(examples):
        tasks.append(task)
        tasks.append({'name': 'Run the handlers of the example above', 'ansible.builtin.meta': 'flush_handlers'})
    with open(destination, 'w', encoding='utf-8') as stream:
        yaml.safe_dump(tasks, stream, sort_keys=False)


if __name__ == '__main__':
    main()
