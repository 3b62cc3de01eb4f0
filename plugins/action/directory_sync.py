# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of ``directory_sync``: hash on the controller, plan once, upload in batches with progress.

A module cannot print while it runs, and a first sync of 1,000 files takes about 25 minutes at PA's 40
requests a minute. So the controller side walks and hashes ``src``, asks the module for a plan (reads
only), then runs the module once per batch of ``batch_size`` uploads or deletes and prints a progress line
after each batch. Each batch records its uploads in the manifest, so an interrupted sync loses at most one
batch of work. The API is only ever spoken to by the module, through the collection's client.
"""

from __future__ import annotations

import os
import time

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.utils.display import Display

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _sync as sync
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import FilesError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._patterns import parse_lines
from ansible_collections.pythonanywhere.pythonanywhere.plugins.plugin_utils._files_action import FilesActionBase

display = Display()

DEFAULT_BATCH_SIZE = 40


def batches_of(ops, size):
    return [ops[start:start + size] for start in range(0, len(ops), size)] if ops else []


def duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return '%ds' % seconds
    return '%dm%02ds' % (seconds // 60, seconds % 60)


class ActionModule(FilesActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        try:
            if boolean(args.get('remote_src', False), strict=False):
                result.update(self._execute_module(module_name=self.module_name(), module_args=args, task_vars=task_vars))
                return result
            return self.sync(args, task_vars, result)
        finally:
            self.cleanup_tmp()

    def prepare(self, args):
        """Everything that can fail before a request: src, the patterns, dest, batch_size; then the hashes."""
        src = self.find_source(args.get('src'), directory=True)
        ignore_lines = []
        if args.get('ignore_file'):
            path = os.path.expanduser(to_text(args['ignore_file']))
            if not os.path.isabs(path):
                path = os.path.join(src, path)
            try:
                with open(path, 'r', encoding='utf-8') as stream:
                    ignore_lines = parse_lines(stream.read().splitlines())
            except (OSError, UnicodeDecodeError) as exc:
                raise FilesError('ignore_file %s cannot be read: %s' % (path, exc))
        try:
            batch_size = int(args.get('batch_size', DEFAULT_BATCH_SIZE))
        except (TypeError, ValueError):
            raise FilesError('batch_size must be an integer, got %r' % (args.get('batch_size'),))
        username = args.get('username') or os.environ.get('PYTHONANYWHERE_USERNAME')
        dest, path_filter = sync.check_options(dict(args, batch_size=batch_size), username, ignore_lines)
        local = sync.scan_local(src, path_filter)
        return src, dest, ignore_lines, batch_size, local, sync.hash_local(local)

    def sync(self, args, task_vars, result):
        started = time.time()
        try:
            src, dest, ignore_lines, batch_size, local, hashes = self.prepare(args)
        except (FilesError, AnsibleError) as exc:
            result.update(failed=True, msg=to_text(exc))
            return result

        module_args = dict(args, src=src)
        planned = self._execute_module(
            module_name=self.module_name(), task_vars=task_vars,
            module_args=dict(module_args, _controller={'phase': 'plan', 'local': hashes, 'ignore_patterns': ignore_lines}))
        if planned.get('failed'):
            result.update(planned)
            return result
        the_plan = planned['plan']
        requests = the_plan['requests']
        ops = the_plan['ops']
        changed = bool(ops)

        if self._task.check_mode or (not ops and not sync.needs_manifest_write(the_plan)):
            result.update(sync.summarise(the_plan, dest, 0, False, requests, 0, changed))
            return result

        batches = batches_of(ops, batch_size) or [[]]
        total = len(ops)
        uploads = sum(1 for kind, _rel in ops if kind == sync.UPLOAD)
        removals = total - uploads
        run_id = sync.new_run_id()
        known = the_plan['known']
        done_ops = uploaded = removed = 0
        show = len(batches) > 1
        if show:
            display.display('%s: %d to upload, %d to delete, in %d batches of %d (manifest %s)' % (
                dest, uploads, removals, len(batches), batch_size, the_plan['manifest']['state']))
        for index, batch in enumerate(batches):
            sources = dict((rel, local[rel]) for kind, rel in batch if kind == sync.UPLOAD)
            placed = self.remote_paths(sources)
            try:
                outcome = self._execute_module(
                    module_name=self.module_name(), task_vars=task_vars,
                    module_args=dict(module_args, _controller={
                        'phase': 'apply', 'ops': batch, 'sources': placed, 'known': known,
                        'invalidate': index == 0 and the_plan['invalidate_first'],
                        'final': index == len(batches) - 1, 'run_id': run_id, 'ignore_patterns': ignore_lines}))
            finally:
                self.forget_remote_paths(placed)
            if outcome.get('failed'):
                result.update(outcome)
                result['msg'] = '%s (after %d of %d uploads and deletes; the manifest records what was done, so the next run '\
                    'resumes)' % (outcome.get('msg', 'batch failed'), done_ops, total)
                result.update(changed=done_ops > 0, uploaded_before_failure=uploaded, deleted_before_failure=removed)
                return result
            batch_done = outcome['batch']
            known = batch_done['known']
            requests += outcome.get('requests', 0)
            done_ops += len(batch)
            uploaded += len(batch_done['uploaded'])
            removed += len(batch_done['deleted']) + len(batch_done['removed_dirs'])
            if show:
                elapsed = time.time() - started
                rate = done_ops / elapsed if elapsed > 0 else 0.0
                left = (total - done_ops) / rate if rate > 0 else 0.0
                display.display('%s: %d/%d done (%d uploaded, %d deleted), %s elapsed, about %s left' % (
                    dest, done_ops, total, uploaded, removed, duration(elapsed), duration(left)))
        result.update(sync.summarise(the_plan, dest, uploaded, True, requests, len(batches) if ops else 0, changed))
        return result
