# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The students of a teacher account: shared by the student and student_info modules.

PythonAnywhere's API can list students and remove one; it cannot add one (a student names their teacher
on their own Account page), so the only state this collection can converge to is "absent".
"""

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import Field, Resource, ResourceError


class Student(Resource):
    name = 'student'
    return_key = 'student'
    list_path = 'students/'
    item_path = 'students/{name}/'
    natural_key = ('name',)
    fields = {
        'name': Field(api_name='username'),
    }

    def list_remote(self):
        """``GET students/`` answers ``{"students": [{"username": ...}, ...]}``, not a bare list."""
        body = self.client.get_json(self.list_path)
        students = body.get('students') if isinstance(body, dict) else None
        if not isinstance(students, list):
            raise ResourceError('PythonAnywhere answered %s without a list of students: %r'
                                % (self.client.path_for(self.list_path), body))
        return students

    def validate(self):
        name = self.params.get('name')
        if name is not None and (not name.strip() or '/' in name or name != name.strip()):
            raise ResourceError('name must be the PythonAnywhere username of a student, got %r' % name)
