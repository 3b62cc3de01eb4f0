# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write the EXAMPLES of a module (read from its source, not imported) to a tasks file.

Each example is an independent snippet, so the handlers it notifies run right after it (as they would at the
end of a play made of that snippet): a flush_handlers task follows every top-level task.
"""

from __future__ import annotations

import ast
import sys

import yaml


def examples_of(module_path):
    with open(module_path, encoding='utf-8') as stream:
        tree = ast.parse(stream.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'EXAMPLES' for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit('%s has no EXAMPLES' % module_path)


def main():
    module_path, destination = sys.argv[1:3]
    tasks = []
    for task in yaml.safe_load(examples_of(module_path)):
        tasks.append(task)
        tasks.append({'name': 'Run the handlers of the example above', 'ansible.builtin.meta': 'flush_handlers'})
    with open(destination, 'w', encoding='utf-8') as stream:
        yaml.safe_dump(tasks, stream, sort_keys=False)


if __name__ == '__main__':
    main()
