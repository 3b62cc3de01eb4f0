# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of ``directory_sync``: hash on the controller, plan once, apply with progress lines.

A module cannot print while it runs, and a first sync of 1,000 files takes about 25 minutes at PA's 40
requests a minute. So the controller side walks and hashes ``src`` and asks the module for a plan (reads
only). Then, with a local connection (the usual case), one module run applies the plan in a thread, writing
its progress to a small file that the plugin polls to print a line every ``batch_size`` operations; with any
other connection, the module runs once per batch of ``batch_size`` operations (their files transferred
first) and a line follows each batch. Either way the manifest is checkpointed every ``batch_size``
operations, so an interrupted sync loses at most that much work. The API is only ever spoken to by the
module, through the collection's client.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.utils.display import Display

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _sync as sync
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import FilesError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.plugin_utils._files_action import FilesActionBase

display = Display()

DEFAULT_BATCH_SIZE = 40
PROGRESS_POLL = 0.5


def batches_of(ops, size):
    return [ops[start:start + size] for start in range(0, len(ops), size)] if ops else []


def duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return '%ds' % seconds
    return '%dm%02ds' % (seconds // 60, seconds % 60)


class ActionModule(FilesActionBase):

    def prepare(self, args):
        """Everything that can fail before a request: src, the patterns, dest, batch_size; then the hashes."""
        src = self.find_source(args.get('src'), directory=True)
        ignore_lines = sync.read_ignore_file(src, to_text(args['ignore_file']) if args.get('ignore_file') else None)
        try:
            batch_size = int(args.get('batch_size', DEFAULT_BATCH_SIZE))
        except (TypeError, ValueError):
            raise FilesError('batch_size must be an integer, got %r' % (args.get('batch_size'),))
        username = args.get('username') or os.environ.get('PYTHONANYWHERE_USERNAME')
        dest, path_filter = sync.check_options(dict(args, batch_size=batch_size), username, ignore_lines)
        local = sync.scan_local(src, path_filter)
        return src, dest, ignore_lines, batch_size, local, sync.hash_local(local)

    def act(self, args, task_vars, result):
        started = time.time()
        try:
            src, dest, ignore_lines, batch_size, local, hashes = self.prepare(args)
        except (FilesError, AnsibleError) as exc:
            result.update(failed=True, msg=to_text(exc))
            return result

        module_args = dict(args, src=src)
        planned = self.run_module(
            dict(module_args, _controller={'phase': 'plan', 'local': hashes, 'ignore_patterns': ignore_lines}), task_vars)
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

        run = {
            'started': started, 'dest': dest, 'total': len(ops), 'batch_size': batch_size, 'shown': 0,
            'base': module_args, 'task_vars': task_vars, 'ignore_lines': ignore_lines,
            'apply': {'run_id': sync.new_run_id(), 'known': the_plan['known'],
                      'invalidate_first': the_plan['invalidate_first']},
        }
        if len(ops) > batch_size:
            uploads = sum(1 for kind, _rel in ops if kind == sync.UPLOAD)
            display.display('%s: %d to upload, %d to delete (manifest %s); a line every %d' % (
                dest, uploads, len(ops) - uploads, the_plan['manifest']['state'], batch_size))
        if self.is_local():
            outcome = self.apply_in_one_run(run, ops, local)
        else:
            outcome = self.apply_in_batches(run, ops, local)
        requests += outcome['requests']
        if outcome.get('failed'):
            result.update(outcome['failed'])
            result['msg'] = '%s (after %d of %d uploads and deletes; the manifest records what was done, so the next '\
                'run resumes)' % (outcome['failed'].get('msg', 'the sync failed'), outcome['done'], len(ops))
            result.update(changed=outcome['done'] > 0, uploaded_before_failure=outcome['uploaded'],
                          deleted_before_failure=outcome['removed'])
            return result
        uploaded, batches = outcome['uploaded'], outcome['runs'] if ops else 0
        result.update(sync.summarise(the_plan, dest, uploaded, True, requests, batches, changed))
        return result

    def apply_args(self, run, ops, sources, invalidate, final, **extra):
        controller = {'phase': 'apply', 'ops': ops, 'sources': sources, 'known': run['apply']['known'],
                      'invalidate': invalidate, 'final': final, 'run_id': run['apply']['run_id'],
                      'ignore_patterns': run['ignore_lines']}
        controller.update(extra)
        return dict(run['base'], _controller=controller)

    def show_progress(self, run, done, uploaded, removed, force=False):
        """A line each time another ``batch_size`` operations are done (and at the end)."""
        if run['total'] <= run['batch_size']:
            return
        if not force and done < run['shown'] + run['batch_size']:
            return
        run['shown'] = done - done % run['batch_size']
        elapsed = time.time() - run['started']
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (run['total'] - done) / rate if rate > 0 else 0.0
        display.display('%s: %d/%d done (%d uploaded, %d deleted), %s elapsed, about %s left' % (
            run['dest'], done, run['total'], uploaded, removed, duration(elapsed), duration(left)))

    def apply_in_one_run(self, run, ops, local):
        """Local connection: one module run does every operation (no restart between batches keeps the
        endpoint busy), checkpointing the manifest every ``batch_size`` operations and writing its progress
        to a file that this thread reads to print the progress lines."""
        handle, progress_file = tempfile.mkstemp(prefix='pa-sync-progress-', suffix='.json')
        os.close(handle)
        box = {}
        sources = self.remote_paths(dict((rel, local[rel]) for kind, rel in ops if kind == sync.UPLOAD))
        module_args = self.apply_args(run, ops, sources, run['apply']['invalidate_first'], True,
                                      checkpoint_every=run['batch_size'], progress_file=progress_file)

        def work():
            try:
                box['result'] = self.run_module(module_args, run['task_vars'])
            except BaseException as exc:  # pylint: disable=broad-exception-caught
                box['error'] = exc

        worker = threading.Thread(target=work, name='directory_sync', daemon=True)
        worker.start()
        counts = {}
        try:
            while worker.is_alive():
                worker.join(PROGRESS_POLL)
                counts = read_progress(progress_file) or counts
                if counts:
                    self.show_progress(run, counts['done'], counts['uploaded'], counts['removed'])
        finally:
            for path in (progress_file, progress_file + '.part'):
                if os.path.exists(path):
                    os.unlink(path)
        if 'error' in box:
            raise box['error']
        outcome = box['result']
        if outcome.get('failed'):
            return {'failed': outcome, 'done': counts.get('done', 0), 'uploaded': counts.get('uploaded', 0),
                    'removed': counts.get('removed', 0), 'requests': 0}
        batch = outcome['batch']
        removed = len(batch['deleted']) + len(batch['removed_dirs']) + len(batch['pruned'])
        self.show_progress(run, len(ops), len(batch['uploaded']), removed, force=run['shown'] < len(ops))
        return {'uploaded': len(batch['uploaded']), 'requests': outcome.get('requests', 0), 'runs': 1}

    def apply_in_batches(self, run, ops, local):
        """Other connections: one module run per batch, each with its files transferred first."""
        batches = batches_of(ops, run['batch_size']) or [[]]
        done = uploaded = removed = requests = 0
        for index, batch in enumerate(batches):
            placed = self.remote_paths(dict((rel, local[rel]) for kind, rel in batch if kind == sync.UPLOAD))
            try:
                outcome = self.run_module(
                    self.apply_args(run, batch, placed, index == 0 and run['apply']['invalidate_first'],
                                    index == len(batches) - 1), run['task_vars'])
            finally:
                self.forget_remote_paths(placed)
            if outcome.get('failed'):
                return {'failed': outcome, 'done': done, 'uploaded': uploaded, 'removed': removed,
                        'requests': requests}
            batch_done = outcome['batch']
            run['apply']['known'] = batch_done['known']
            requests += outcome.get('requests', 0)
            done += len(batch)
            uploaded += len(batch_done['uploaded'])
            removed += len(batch_done['deleted']) + len(batch_done['removed_dirs']) + len(batch_done['pruned'])
            self.show_progress(run, done, uploaded, removed, force=True)
        return {'uploaded': uploaded, 'requests': requests, 'runs': len(batches)}


def read_progress(path):
    try:
        with open(path) as stream:
            return json.loads(stream.read() or 'null')
    except (OSError, ValueError):
        return None
