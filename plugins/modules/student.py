#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: student
short_description: Remove a student from a PythonAnywhere teacher account
version_added: 0.1.0
description:
  - Make sure a user is no longer a student of the account (the teacher), through the C(students/) endpoints.
  - PythonAnywhere's API can list and remove students but cannot add one; a student adds a teacher from their own
    C(Account) page, C(Teacher) tab. So the only state this module manages is O(state=absent).
  - The module reads the list of students (one GET) and sends a DELETE only when the user is in it, so a second run
    sends no write request.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  name:
    description:
      - The PythonAnywhere username of the student.
    type: str
    required: true
  state:
    description:
      - V(absent) removes the student from the account. It is the only choice, and it must be written out so that
        a task never removes a student by accident.
    type: str
    choices: [absent]
    required: true
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - Removing a student ends your access to their account; only they can add you back.
  - In check mode the module reads the list of students and reports whether it would remove the student;
    it sends no write request.
seealso:
  - module: pythonanywhere.pythonanywhere.student_info
  - name: Teaching with PythonAnywhere
    description: PythonAnywhere for teachers and students.
    link: https://help.pythonanywhere.com/pages/Education/
  - name: PythonAnywhere API documentation
    description: The students endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Remove a student who finished the course
  pythonanywhere.pythonanywhere.student:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    name: bob
    state: absent
'''

RETURN = r'''
student:
  description: Always empty after the task (the student is not, or would not be in check mode, on the account).
  returned: always
  type: dict
  sample: {}
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._student import Student


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', required=True, choices=['absent']),
        ),
    )

    def run():
        module.exit_json(**Student(module).ensure('absent'))

    module.run(run)


if __name__ == '__main__':
    main()
