#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: student_info
short_description: List the students of a PythonAnywhere teacher account
version_added: 0.1.0
description:
  - Return the users who have added the account as their teacher, with one GET of C(students/).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  name:
    description:
      - Return only this student (an empty list when the user is not a student of the account).
    type: str
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.student
'''

EXAMPLES = r'''
- name: List the students
  pythonanywhere.pythonanywhere.student_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
  register: class_list

- name: Show their usernames
  ansible.builtin.debug:
    msg: "{{ class_list.students | map(attribute='name') | list }}"
'''

RETURN = r'''
students:
  description: The students, in the order the API lists them.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The student's PythonAnywhere username.
      type: str
      sample: bob
  sample:
    - name: bob
    - name: carol
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._student import Student


def main():
    module = PythonAnywhereModule(argument_spec=dict(name=dict(type='str')))

    def run():
        student = Student(module)
        student.validate()
        module.exit_json(changed=False, students=student.info(one=module.params['name'] is not None))

    module.run(run)


if __name__ == '__main__':
    main()
