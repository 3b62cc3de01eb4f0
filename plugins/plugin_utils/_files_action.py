# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the action plugins of the file modules share: finding ``src`` on the controller and handing files
to the module, wherever it runs.

With a local connection (the usual ``hosts: localhost`` or ``delegate_to: localhost``), the module reads the
controller's files in place: nothing is copied, so a 512 MB file costs no temporary copy. With any other
connection, each file is transferred into the task's remote temporary folder first, as
``ansible.builtin.copy`` does.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase


class FilesActionBase(ActionBase):
    """An action plugin that runs a module with files that live on the controller.

    Subclasses implement :meth:`act`, called unless ``remote_src`` is set (then the module runs as it is,
    reading its files on the host); the remote temporary folder is removed in every case.
    """

    TRANSFERS_FILES = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        try:
            if boolean(args.get('remote_src', False), strict=False):
                result.update(self.run_module(args, task_vars))
                return result
            return self.act(args, task_vars, result)
        finally:
            if self._connection._shell.tmpdir:
                self._remove_tmp_path(self._connection._shell.tmpdir)

    def act(self, args, task_vars, result):
        raise NotImplementedError()

    def run_module(self, args, task_vars):
        return self._execute_module(module_name=self._task.resolved_action or self._task.action, module_args=args,
                                    task_vars=task_vars)

    def is_local(self):
        return getattr(self._connection, 'transport', None) == 'local' or \
            bool(getattr(self._connection, '_remote_is_local', False))

    def find_source(self, src, directory=False):
        """The controller path of ``src``: absolute, or looked up in the role's ``files/`` and the playbook's
        folder. A vault-encrypted file is decrypted to a temporary file (removed with the loader's cleanup)."""
        if not src:
            raise AnsibleError('src is required')
        try:
            found = self._find_needle('files', src)
        except AnsibleError as exc:
            raise AnsibleError('src %s was not found: %s' % (src, to_text(exc)))
        if directory:
            if not os.path.isdir(found):
                raise AnsibleError('src %s is not a directory' % found)
            return found
        if os.path.isdir(found):
            raise AnsibleError('src %s is a directory; use pythonanywhere.pythonanywhere.directory_sync for trees' % found)
        return self._loader.get_real_file(found, decrypt=True)

    def remote_paths(self, local_paths):
        """``{key: path the module can read}``: the same paths for a local connection, else transferred copies."""
        if self.is_local():
            return dict(local_paths)
        if not self._connection._shell.tmpdir:
            self._make_tmp_path()
        placed = {}
        for index, (key, path) in enumerate(sorted(local_paths.items())):
            target = self._connection._shell.join_path(self._connection._shell.tmpdir, 'source-%d' % index)
            self._transfer_file(path, target)
            placed[key] = target
        if placed:
            self._fixup_perms2(list(placed.values()))
        return placed

    def forget_remote_paths(self, placed):
        """Remove transferred copies once a batch is done (a long sync must not fill the remote disk)."""
        if self.is_local() or not placed:
            return
        self._low_level_execute_command('rm -f ' + ' '.join(self._connection._shell.quote(p) for p in placed.values()),
                                        sudoable=False)
