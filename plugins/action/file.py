# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of ``file``: find ``src`` on the controller (role ``files/`` included, vault decrypted) and
hand it to the module, in place for a local connection, as a transferred copy otherwise."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.pythonanywhere.pythonanywhere.plugins.plugin_utils._files_action import FilesActionBase


class ActionModule(FilesActionBase):

    def act(self, args, task_vars, result):
        if args.get('src') is not None and args.get('state', 'present') == 'present':
            if args.get('content') is not None:
                result.update(failed=True, msg='parameters are mutually exclusive: src|content')
                return result
            try:
                source = self.find_source(args['src'])
            except AnsibleError as exc:
                result.update(failed=True, msg=to_text(exc))
                return result
            args['src'] = self.remote_paths({'src': source})['src']
        result.update(self.run_module(args, task_vars))
        return result
