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
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.utils.display import Display

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _archive as archive
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _sync as sync
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import FilesError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.plugin_utils._files_action import FilesActionBase
from ansible_collections.pythonanywhere.pythonanywhere.plugins.plugin_utils._sync_progress import Progress

display = Display()

DEFAULT_BATCH_SIZE = 40
PROGRESS_POLL = 0.5
#: Plans made again when another sync wrote dest between a plan and its lease.
REPLANS = 3


def batches_of(ops, size):
    return [ops[start:start + size] for start in range(0, len(ops), size)] if ops else []


class ActionModule(FilesActionBase):

    def prepare(self, args):
        """Everything that can fail before a request: src, the patterns, dest, batch_size; then the hashes."""
        src = self.find_source(args.get('src'), directory=True)
        ignore_lines = sync.read_ignore_file(src, to_text(args['ignore_file']) if args.get('ignore_file') else None)
        try:
            batch_size = int(args.get('batch_size', DEFAULT_BATCH_SIZE))
            lock_timeout = int(args.get('lock_timeout', 600))
        except (TypeError, ValueError):
            raise FilesError('batch_size and lock_timeout must be integers, got %r and %r'
                             % (args.get('batch_size'), args.get('lock_timeout')))
        username = args.get('username') or os.environ.get('PYTHONANYWHERE_USERNAME')
        dest, path_filter = sync.check_options(dict(args, batch_size=batch_size, lock_timeout=lock_timeout),
                                               username, ignore_lines)
        try:
            archive.check_part_size(args.get('archive_part_size'))
        except (TypeError, ValueError):
            raise FilesError('archive_part_size must be an integer, got %r' % (args.get('archive_part_size'),))
        skipped = []
        local = sync.scan_local(src, path_filter, boolean(args.get('follow_external_symlinks', False), strict=False),
                                skipped)
        return src, dest, ignore_lines, batch_size, local, sync.hash_local(local), skipped

    def act(self, args, task_vars, result):
        started = time.time()
        try:
            src, dest, ignore_lines, batch_size, local, hashes, skipped = self.prepare(args)
        except (FilesError, AnsibleError) as exc:
            result.update(failed=True, msg=to_text(exc))
            return result
        if skipped:
            result['skipped_paths'] = skipped
            result.setdefault('warnings', []).append(sync.skipped_warning(skipped))

        module_args = dict(args, src=src)
        # for the plan phase's check of archive_console_id, made only when the run goes by archive
        sizes = archive.local_sizes(local, [['upload', rel] for rel in local]) if args.get('archive_console_id') else None
        requests = 0
        for _attempt in range(REPLANS):
            planned = self.run_module(
                dict(module_args, _controller={'phase': 'plan', 'local': hashes, 'ignore_patterns': ignore_lines,
                                               'sizes': sizes,
                                               'controller_pid': os.getppid() if self.is_local() else None}),
                task_vars)
            if planned.get('failed'):
                result.update(planned)
                return result
            the_plan = planned['plan']
            requests += the_plan['requests']
            ops = the_plan['ops']
            changed = bool(ops)
            chosen, note, _estimates = archive.decide(the_plan, dict(args, batch_size=batch_size),
                                                      archive.local_sizes(local, ops))

            if self._task.check_mode or (not ops and not sync.needs_manifest_write(the_plan)):
                result.update(archive.with_transfer(sync.summarise(the_plan, dest, 0, False, requests, 0, changed),
                                                    None, chosen, note))
                return result

            uploads = sum(1 for kind, _rel in ops if kind == sync.UPLOAD)
            run = {
                'progress': Progress(display.display, dest, len(ops), batch_size, started=started),
                'base': module_args, 'task_vars': task_vars, 'ignore_lines': ignore_lines,
                'apply': {'run_id': sync.new_run_id(), 'known': the_plan['known'],
                          'invalidate_first': the_plan['invalidate_first'], 'lease_read': the_plan['lease_read'],
                          'fingerprint': the_plan['fingerprint'],
                          'transfer': chosen},
            }
            if chosen == archive.ARCHIVE:
                display.display('%s: %s' % (dest, note))
                # one archive, one command: one module run
                run['progress'] = Progress(display.display, dest, len(ops), max(batch_size, len(ops)), started=started)
            run['progress'].header(uploads, len(ops) - uploads, the_plan['manifest']['state'])
            if self.is_local():
                outcome = self.apply_in_one_run(run, ops, local)
            else:
                outcome = self.apply_in_batches(run, ops, local)
            requests += outcome['requests']
            if not outcome.get('replan'):
                break
        else:
            result.update(failed=True, changed=False, msg=sync.KEPT_CHANGING % dest)
            return result
        if outcome.get('failed'):
            result.update(outcome['failed'])
            result['msg'] = '%s (after %d of %d uploads and deletes; the manifest records what was done, so the next '\
                'run resumes)' % (outcome['failed'].get('msg', 'the sync failed'), outcome['done'], len(ops))
            if chosen == archive.ARCHIVE:  # its message says what the extraction verified
                result['msg'] = outcome['failed'].get('msg', 'the sync failed')
            result.update(changed=outcome['done'] > 0, uploaded_before_failure=outcome['uploaded'],
                          deleted_before_failure=outcome['removed'])
            return result
        uploaded, batches = outcome['uploaded'], outcome['runs'] if ops else 0
        run['progress'].done(outcome['uploaded'], outcome['removed'])
        result.update(archive.with_transfer(sync.summarise(the_plan, dest, uploaded, True, requests, batches, changed),
                                            outcome.get('transfer'), chosen, note))
        return result

    def apply_args(self, run, ops, sources, invalidate, final, first, **extra):
        controller = {'phase': 'apply', 'ops': ops, 'sources': sources, 'known': run['apply']['known'],
                      'invalidate': invalidate, 'final': final, 'run_id': run['apply']['run_id'],
                      'transfer': run['apply'].get('transfer'),
                      'ignore_patterns': run['ignore_lines'], 'first': first,
                      'lease_read': run['apply']['lease_read'], 'fingerprint': run['apply']['fingerprint'],
                      # The worker's parent is ansible-playbook: a module on this machine stops if it dies (a
                      # module on another host ends with its connection).
                      'controller_pid': os.getppid() if self.is_local() else None}
        controller.update(extra)
        return dict(run['base'], _controller=controller)

    def apply_in_one_run(self, run, ops, local):
        """Local connection: one module run does every operation (no restart between batches keeps the
        endpoint busy), checkpointing the manifest every ``batch_size`` operations and writing its progress
        to a file that this thread reads to print the progress lines."""
        handle, progress_file = tempfile.mkstemp(prefix='pa-sync-progress-', suffix='.json')
        os.close(handle)
        box = {}
        sources = self.remote_paths(dict((rel, local[rel]) for kind, rel in ops if kind == sync.UPLOAD))
        module_args = self.apply_args(run, ops, sources, run['apply']['invalidate_first'], True, True,
                                      checkpoint_every=run['progress'].batch_size, progress_file=progress_file)

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
                    run['progress'].update(counts['done'], counts['uploaded'], counts['removed'])
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
        if outcome.get('replan'):
            return {'replan': True, 'requests': outcome.get('requests', 0)}
        batch = outcome['batch']
        removed = len(batch['deleted']) + len(batch['removed_dirs']) + len(batch['pruned'])
        return {'uploaded': len(batch['uploaded']), 'removed': removed, 'requests': outcome.get('requests', 0),
                'runs': 1, 'transfer': batch}

    def apply_in_batches(self, run, ops, local):
        """Other connections: one module run per batch, each with its files transferred first."""
        batches = batches_of(ops, run['progress'].batch_size) or [[]]
        done = uploaded = removed = requests = 0
        controller = os.getppid()
        for index, batch in enumerate(batches):
            if os.getppid() != controller:  # ansible-playbook died: this worker lives on in its own session
                return {'failed': {'failed': True, 'msg': 'stopped: ansible-playbook is gone'}, 'done': done,
                        'uploaded': uploaded, 'removed': removed, 'requests': requests}
            placed = self.remote_paths(dict((rel, local[rel]) for kind, rel in batch if kind == sync.UPLOAD))
            try:
                outcome = self.run_module(
                    self.apply_args(run, batch, placed, index == 0 and run['apply']['invalidate_first'],
                                    index == len(batches) - 1, index == 0), run['task_vars'])
            finally:
                self.forget_remote_paths(placed)
            if outcome.get('failed'):
                return {'failed': outcome, 'done': done, 'uploaded': uploaded, 'removed': removed,
                        'requests': requests}
            if outcome.get('replan'):
                return {'replan': True, 'requests': requests + outcome.get('requests', 0)}
            batch_done = outcome['batch']
            run['apply']['known'] = batch_done['known']
            requests += outcome.get('requests', 0)
            done += len(batch)
            uploaded += len(batch_done['uploaded'])
            removed += len(batch_done['deleted']) + len(batch_done['removed_dirs']) + len(batch_done['pruned'])
            run['progress'].update(done, uploaded, removed)
        return {'uploaded': uploaded, 'removed': removed, 'requests': requests, 'runs': len(batches),
                'transfer': batch_done if ops else None}


def read_progress(path):
    try:
        with open(path) as stream:
            return json.loads(stream.read() or 'null')
    except (OSError, ValueError):
        return None
