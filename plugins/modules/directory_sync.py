#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: directory_sync
short_description: Sync a local directory tree to PythonAnywhere, uploading only what changed
version_added: 0.1.0
description:
  - Make the directory O(dest) on PythonAnywhere hold the files of the directory O(src), through the
    C(/api/v0/user/{username}/files/path{path}) endpoint. Only new and changed files are uploaded; with
    O(delete=true), files that are no longer in O(src) are deleted.
  - PythonAnywhere's API tells nothing about a remote file but its name (no size, date or checksum), so the
    module keeps a manifest (the SHA-256 of every file it uploaded) in O(dest), named O(manifest_name).
    A run reads it with one request; a run that changes nothing sends no other request.
  - The manifest is never trusted blindly. When it is missing, unreadable, written by another tool or
    version, for another directory, or left incomplete by a run that was interrupted, the module lists every
    folder under O(dest) (these listings see dotfiles and are not capped at 1,000 entries) and downloads the
    files present on both sides to compare their contents, then writes a new manifest. The manifest never
    claims a file that was not uploaded, so a run killed midway is repaired by the next one.
  - PythonAnywhere allows 40 requests a minute per endpoint, and every upload, listing and delete uses the
    same endpoint, so a first upload of 1,000 files takes about 25 minutes. Requests are paced to stay under
    the limit (see O(rate_limit)) and an HTTP 429 is retried after C(Retry-After).
  - The files are read on the Ansible controller (like M(ansible.builtin.copy)) and hashed there; the
    controller prints a progress line every O(batch_size) uploads or deletes at normal verbosity, so that a
    long sync shows it is alive.
  - Files and folders matching the exclude patterns are neither uploaded nor deleted. By default, version
    control folders, C(__pycache__) and C(*.pyc), virtualenvs (C(venv/), C(.venv/), and any folder holding a
    C(pyvenv.cfg)), C(.env) files and tool caches are excluded. This protects a virtualenv built on
    PythonAnywhere inside O(dest) from O(delete).
  - PythonAnywhere creates missing folders on upload; it has no way to create an empty folder, so empty
    folders in O(src) are not reproduced.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  src:
    description:
      - The local directory to upload. A relative path is looked up like M(ansible.builtin.copy) does it
        (in the role's C(files/) folder, then relative to the playbook).
      - Its content goes into O(dest) (as C(rsync src/ dest/) does), not a folder named after it.
      - With O(remote_src=true), a directory on the host the task runs on.
    type: path
    required: true
  dest:
    description:
      - The absolute path of the directory on PythonAnywhere, for example V(/home/alice/mysite). It is created
        by the first upload.
    type: str
    required: true
  delete:
    description:
      - Delete files (and folders) under O(dest) that are not in O(src).
      - Never touches anything outside O(dest), nor what the exclude patterns match, nor the manifest.
      - Refused when O(dest) is a root such as C(/home/<username>), C(/var/www) or C(/tmp).
    type: bool
    default: false
  exclude:
    description:
      - C(.gitignore)-style patterns of files and folders to leave alone, relative to O(src) and O(dest).
        A pattern without a slash matches a name at any depth (V(*.log)), one with a slash is anchored to the
        top (V(/media), V(docs/_build)), a trailing slash matches folders only (V(node_modules/)), V(**)
        matches across folders, and V(!) re-includes (V(!.env.example)). The last matching pattern wins.
      - Added after the default excludes (see O(default_excludes)), so V(!) can re-include a default.
    type: list
    elements: str
    default: []
  include:
    description:
      - If set, only files matching one of these C(.gitignore)-style patterns are synced (for example
        V(*.py) and V(templates/**)). Folders are always entered unless excluded.
      - Files that do not match are neither uploaded nor deleted.
    type: list
    elements: str
    default: []
  default_excludes:
    description:
      - Exclude, before O(exclude), V(.git/), V(.hg/), V(.svn/), V(.bzr/), V(__pycache__/), V(*.py[cod]),
        V(.env), V(.env.*) (but not V(.env.example)), V(.venv/), V(venv/), V(virtualenv/), V(.virtualenvs/),
        V(.tox/), V(.nox/), V(.mypy_cache/), V(.pytest_cache/), V(.ruff_cache/), V(.ipynb_checkpoints/),
        V(.DS_Store), V(Thumbs.db), V(*.swp), V(*~), and every folder holding a C(pyvenv.cfg) (a virtualenv).
    type: bool
    default: true
  ignore_file:
    description:
      - A C(.gitignore)-style file of more exclude patterns (for example V(.gitignore) or V(.deployignore)),
        read on the controller. A relative path is relative to O(src).
      - Its patterns come after the defaults and before O(exclude).
    type: path
  manifest_name:
    description:
      - The name of the manifest file the module keeps at the top of O(dest). It is never uploaded from
        O(src) nor deleted by O(delete).
    type: str
    default: .ansible-pythonanywhere-sync.json
  verify:
    description:
      - Do not use the manifest; list every folder and download every file present on both sides to compare
        contents, then write a fresh manifest. Use it after files were changed on PythonAnywhere by other
        means (the web editor, a console, another tool), which the manifest cannot know about.
    type: bool
    default: false
  batch_size:
    description:
      - Every so many uploads or deletes, the controller prints a progress line and the manifest records
        what was done, so an interrupted sync loses at most this much work.
      - With a local connection (a play on C(localhost), or C(delegate_to) C(localhost)), one module run does the
        whole sync and reports its progress to the controller. With any other connection, the module runs once per
        batch of this many operations, after their files were transferred to the host.
      - At PythonAnywhere's 40 requests a minute, the default is about one line a minute.
    type: int
    default: 40
  remote_src:
    description:
      - V(true) reads O(src) on the host the task runs on instead of the controller, in one run, with no
        progress lines.
    type: bool
    default: false
  transfer:
    description:
      - How the files get to PythonAnywhere. V(files) uploads them one by one (one request each, at most 40 a minute, so
        1,000 files take about 25 minutes). V(archive) uploads one gzipped tar of the files to upload (in parts of at
        most O(archive_part_size) bytes) and extracts it on PythonAnywhere with a command (the same routes as
        M(pythonanywhere.pythonanywhere.command), an always-on task, else a scheduled task at the next minute);
        deletions go in the same command. The extraction refuses absolute paths, C(..), links and folders that lead
        out of O(dest), keeps the files' permission bits, and checks each file's SHA-256 against the plan before the
        manifest records it.
      - V(auto) picks, each run, the one that takes less time by estimate (uploads at the paced rate against one
        upload plus the command's wait, up to a minute for a scheduled task), so a first deploy of many files goes by
        archive, a few changed files go one by one. An account with no command route (a new free account) falls
        back to file by file, and RV(transfer_note) says why.
    type: str
    choices: [auto, files, archive]
    default: auto
  archive_part_size:
    description:
      - The largest part of the archive, in bytes. PythonAnywhere's web UI refuses uploads over 100 MiB and the
        API's limit is not documented, so the default stays well below it.
    type: int
    default: 33554432
  archive_via:
    description:
      - The command route of the extraction (see M(pythonanywhere.pythonanywhere.command)'s O(pythonanywhere.pythonanywhere.command#module:via)).
      - V(console) runs it in the console O(archive_console_id); V(auto) tries that console last, after an always-on
        and a scheduled task.
    type: str
    choices: [auto, always_on, scheduled_task, console]
    default: auto
  archive_console_id:
    description:
      - The id of a Bash console started once in a browser, to run the extraction in. It is the only command route
        of a free account made since 2026-01-15 (see M(pythonanywhere.pythonanywhere.command)'s
        O(pythonanywhere.pythonanywhere.command#module:console_id)). Required with O(archive_via=console).
      - When a run goes by archive, the console is read first (in check mode too), and a console that does not exist
        fails the task before anything is written.
    type: int
  archive_timeout:
    description:
      - Seconds the extraction may run on PythonAnywhere.
    type: int
    default: 1800
  follow_external_symlinks:
    description:
      - Follow symbolic links in O(src) that point outside it, uploading what they point to.
      - By default they are skipped with a warning (and listed in RV(skipped_paths)), so that a link to a key,
        a home folder or C(/etc) never ships by accident. Links that stay inside O(src) are always followed.
    type: bool
    default: false
  lock:
    description:
      - Take a lease on O(dest) before writing there (see O(lock_timeout)), so that two syncs into one directory
        take turns.
      - V(false) takes none, which saves one request (the read-back of the lease), for a O(dest) that only one sync
        writes at a time (a single deploy pipeline that never runs twice at once). Such a sync still waits for one
        that holds the lease, and still never records a file before it is uploaded; but two syncs without a lease
        that run at once can interleave, and the manifest of the last one may then claim files the other replaced
        (run once with O(verify=true) to repair).
    type: bool
    default: true
  lock_timeout:
    description:
      - Seconds to wait for another sync into the same O(dest) to finish before failing.
      - A sync that writes takes a lease on O(dest), carried inside its manifest (O(manifest_name)) while the
        manifest is incomplete, held on PythonAnywhere itself and renewed while it works, so that two syncs into one
        directory (two redeploys at once, or a redeploy racing a sync whose controller was killed) take turns.
        It costs one request (the manifest read back before the first upload).
        A lease whose run died without releasing it expires after five rate-limit periods (5 minutes by default).
      - V(0) fails at once when another sync holds the lease.
    type: int
    default: 600
  _controller:
    description:
      - Internal. The action plugin of this module passes the plan and each batch here. Do not set it.
    type: dict
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - The action plugin reads and hashes O(src) on the controller and prints the progress lines.
  diff_mode:
    details:
      - The diff lists the paths added (C(+)), changed (C(~)) and deleted (C(-)).
  check_mode:
    details:
      - Reads the manifest (or lists the folders and compares contents) and reports exactly what would be
        uploaded and deleted, with no write request.
notes:
  - Two syncs to the same O(dest) at the same time take turns (see O(lock_timeout)); a sync whose
    C(ansible-playbook) is killed stops after the operation in progress and releases its lease.
  - Files changed on PythonAnywhere by other means are not noticed while the manifest is trusted; run once
    with O(verify=true) to compare contents.
  - Symbolic links in O(src) are followed when they stay inside it; see O(follow_external_symlinks) for the others.
  - Files and folders whose names PythonAnywhere's paths cannot carry faithfully (a backslash, a newline or
    another control character, bytes that are not UTF-8) are skipped with a warning, before any upload.
  - An upload that needed more than one attempt is read back once at the end of the run (an earlier attempt
    could land late), and uploaded again if the server holds other bytes.
requirements:
  - requests-toolbelt (streams uploads from disk)
seealso:
  - module: pythonanywhere.pythonanywhere.file
  - module: pythonanywhere.pythonanywhere.file_info
  - name: PythonAnywhere files API
    description: The endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Deploy the site's code, removing files deleted locally
  pythonanywhere.pythonanywhere.directory_sync:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    src: "{{ playbook_dir }}/mysite/"
    dest: /home/alice/mysite
    delete: true
    ignore_file: .gitignore
    exclude:
      - /media/
      - "*.sqlite3"
  register: deployed

- name: Reload the web app only when code changed
  pythonanywhere.pythonanywhere.webapp:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    state: reloaded
  when: deployed is changed

- name: Upload only templates and Python files of a folder
  pythonanywhere.pythonanywhere.directory_sync:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    src: app
    dest: /home/alice/mysite/app
    include:
      - "*.py"
      - templates/**

- name: A first deploy of a big tree as one archive, extracted on PythonAnywhere by an always-on task
  pythonanywhere.pythonanywhere.directory_sync:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    src: "{{ playbook_dir }}/mysite/"
    dest: /home/alice/bulk
    transfer: archive
    archive_via: always_on
  register: bulk

- name: Say how the files went
  ansible.builtin.debug:
    msg: "{{ bulk.counts.uploaded }} files by {{ bulk.transfer }}: {{ bulk.transfer_note }}"

- name: A pipeline that never runs two deploys at once can skip the lease (one request fewer)
  pythonanywhere.pythonanywhere.directory_sync:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    src: "{{ playbook_dir }}/mysite/"
    dest: /home/alice/mysite
    lock: false

- name: Compare every file after editing on PythonAnywhere by hand
  pythonanywhere.pythonanywhere.directory_sync:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    src: "{{ playbook_dir }}/mysite/"
    dest: /home/alice/mysite
    verify: true
'''

RETURN = r'''
dest:
  description: The directory synced.
  returned: always
  type: str
  sample: /home/alice/mysite
added:
  description: Files uploaded (or to upload, in check mode) that were not on PythonAnywhere, relative to O(dest).
  returned: always
  type: list
  elements: str
  sample: [app/new_view.py]
updated:
  description: Files uploaded (or to upload) whose content differed, relative to O(dest).
  returned: always
  type: list
  elements: str
  sample: [app/views.py, requirements.txt]
deleted:
  description: Files deleted (or to delete) because they are not in O(src), relative to O(dest).
  returned: always
  type: list
  elements: str
  sample: [app/old_view.py]
deleted_dirs:
  description: Folders deleted with everything in them (or to delete), relative to O(dest).
  returned: always
  type: list
  elements: str
  sample: [legacy]
counts:
  description: How many files were added, updated, deleted and left unchanged. The lists above hold at most
    1,000 paths each; the counts are always complete.
  returned: always
  type: dict
  sample: {added: 1, updated: 2, deleted: 1, unchanged: 997}
truncated:
  description: True when a list above was cut at 1,000 paths.
  returned: always
  type: bool
  sample: false
manifest:
  description: The manifest as this run found it, and whether it was written.
  returned: always
  type: dict
  contains:
    name:
      description: Its file name in O(dest).
      type: str
    state:
      description: V(trusted), V(missing), V(corrupt), V(foreign), V(incomplete) or V(ignored) (set aside because
        of O(verify) or a file/folder conflict).
      type: str
    reason:
      description: Why it was or was not used.
      type: str
    entries:
      description: Files it listed.
      type: int
    written:
      description: Whether this run wrote it.
      type: bool
  sample: {name: .ansible-pythonanywhere-sync.json, state: trusted, reason: complete manifest with 1000 files,
           entries: 1000, written: true}
skipped_paths:
  description: Paths in O(src) that were not synced, each with the reason (an unsafe name, or a symbolic link
    pointing outside O(src)). Present when there are some.
  returned: when some were skipped
  type: list
  elements: list
  sample: [["key.pem", "a symbolic link to /home/me/.ssh/id_rsa, outside src (see follow_external_symlinks)"]]
mode:
  description: V(manifest) when the manifest was the whole picture, V(inventory) when the folders were listed.
  returned: always
  type: str
  sample: manifest
requests:
  description: API requests sent by this task.
  returned: always
  type: int
  sample: 13
transfer:
  description: V(files) or V(archive), how this run sent the files (or, in check mode, would send them).
  returned: always
  type: str
  sample: archive
transfer_note:
  description: Why this transfer was chosen (estimates, or the missing command route), and how it went.
  returned: always
  type: str
  sample: an archive run through auto takes about 75s, file by file about 1480s
archive:
  description: The archive sent, when O(transfer) was V(archive).
  returned: when an archive was sent
  type: dict
  sample: {parts: 1, bytes: 183456, via: always_on, command_s: 4.2}
batches:
  description: Module runs that uploaded or deleted files (1 with a local connection).
  returned: always
  type: int
  sample: 1
'''

import json
import os

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _archive as archive
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _manifest as manifest
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _sync as sync
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import (
    TOOLBELT_IMPORT_ERROR,
    FilesError,
    RemoteFiles,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._console import Console
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def argument_spec():
    return dict(
        src=dict(type='path', required=True),
        dest=dict(type='str', required=True),
        delete=dict(type='bool', default=False),
        exclude=dict(type='list', elements='str', default=[]),
        include=dict(type='list', elements='str', default=[]),
        default_excludes=dict(type='bool', default=True),
        ignore_file=dict(type='path'),
        manifest_name=dict(type='str', default=manifest.DEFAULT_NAME),
        verify=dict(type='bool', default=False),
        batch_size=dict(type='int', default=40),
        remote_src=dict(type='bool', default=False),
        follow_external_symlinks=dict(type='bool', default=False),
        lock=dict(type='bool', default=True),
        lock_timeout=dict(type='int', default=600),
        transfer=dict(type='str', default='auto', choices=list(archive.TRANSFERS)),
        archive_part_size=dict(type='int', default=archive.DEFAULT_PART_SIZE),
        archive_via=dict(type='str', default='auto', choices=list(archive.VIAS)),
        archive_console_id=dict(type='int'),
        archive_timeout=dict(type='int', default=1800),
        _controller=dict(type='dict'),
    )


def write_progress(path, **counts):
    """Tell the action plugin how far the run got (a small JSON file it polls; replaced atomically)."""
    partial = path + '.part'
    with open(partial, 'w') as stream:
        stream.write(json.dumps(counts))
    os.replace(partial, path)


def _process_state(pid):
    """``(state letter, start time)`` of a process from ``/proc`` (Linux), or None when unknown."""
    try:
        with open('/proc/%d/stat' % pid) as stream:
            fields = stream.read().rsplit(')', 1)[1].split()
        return fields[0], fields[19]
    except (OSError, IndexError):
        return None


def controller_watch(pid):
    """A ``should_stop`` for :func:`._sync.apply_batch`: a reason once the controller process ``pid`` (the
    ``ansible-playbook`` that started this run) is gone. Ansible's worker runs in a session of its own, so a
    killed controller would otherwise leave this module uploading while a redeploy starts."""
    if not pid:
        return None
    pid = int(pid)
    first = _process_state(pid)

    def gone():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 'its controller (ansible-playbook, pid %d) is gone' % pid
        except OSError:
            pass
        now = _process_state(pid)
        if first is not None and (now is None or now[0] in ('Z', 'X') or now[1] != first[1]):
            return 'its controller (ansible-playbook, pid %d) is gone' % pid
        return None

    return gone


def apply_ops(module, remote, dest, path_filter, ops, sources, known, invalidate, final, run_id, lease, transfer,
              checkpoint_every=None, progress=None, should_stop=None):
    """File by file (:func:`._sync.apply_batch`), or through one archive when the plan chose it."""
    params = module.params
    name = params['manifest_name']

    def by_files(known_now, invalidate_now=invalidate):
        return sync.apply_batch(remote, dest, ops, sources, known_now, path_filter, manifest_name=name,
                                invalidate=invalidate_now, final=final, run_id=run_id,
                                checkpoint_every=checkpoint_every, progress=progress, lease=lease,
                                should_stop=should_stop)

    if transfer != archive.ARCHIVE:
        return by_files(known)

    def record(files, complete):
        if lease is not None:
            lease.record(files, complete)
        else:
            sync.write_manifest(remote, dest, name, files, complete, run_id)

    return archive.transfer(module.client, remote, dest, ops, sources, known, record, invalidate, run_id,
                            part_size=archive.check_part_size(params['archive_part_size']), via=params['archive_via'],
                            timeout=params['archive_timeout'], lease=lease, console_id=params['archive_console_id'],
                            console=Console(module) if params['archive_console_id'] else None,
                            fallback=(lambda known_now: by_files(known_now, False)) if params['transfer'] == archive.AUTO
                            else None)


def apply_phase(module, remote, dest, path_filter, controller):
    """One module run of the action plugin's apply phase: a batch (or the whole plan) under the lease."""
    params = module.params
    name = params['manifest_name']
    should_stop = controller_watch(controller.get('controller_pid'))
    lease, invalidate = None, False
    if not params['lock']:
        invalidate = bool(controller.get('first', True) and controller.get('invalidate'))
    elif controller.get('first', True):
        # The plan phase's manifest read was the lease read; the manifest written here carries the lease.
        lease = sync.hold_destination(remote, dest, name, controller['run_id'], controller.get('lease_read'),
                                      controller['known'], controller.get('fingerprint'))
        if lease is None:
            module.exit_json(changed=False, replan=True, requests=remote.requests)
    else:
        lease = sync.Lease(remote, dest, name, controller['run_id'], *sync.timings(remote.client))
        lease.adopt()
    progress = None
    if controller.get('progress_file'):
        def report_progress(done, uploaded, removed):
            write_progress(controller['progress_file'], done=done, uploaded=uploaded, removed=removed)
        progress = report_progress
    release = controller['final']
    try:
        done = apply_ops(module, remote, dest, path_filter, controller['ops'], controller['sources'], controller['known'],
                         invalidate, controller['final'], controller['run_id'], lease,
                         controller.get('transfer'), checkpoint_every=controller.get('checkpoint_every'),
                         progress=progress, should_stop=should_stop)
    except Exception:
        release = True
        raise
    finally:
        if release and lease is not None:
            lease.release()
    module.exit_json(changed=bool(done['uploaded'] or done['deleted'] or done['removed_dirs'] or done['pruned']),
                     batch=done, requests=remote.requests)


def sync_here(module, remote, dest, path_filter):
    """``remote_src`` (or no action plugin): the whole sync in one run, reading ``src`` where the module runs."""
    params = module.params
    skipped = []
    local = sync.scan_local(params['src'], path_filter, params['follow_external_symlinks'], skipped)
    if skipped:
        module.warn(sync.skipped_warning(skipped))
    chosen = {}

    def apply(the_plan, run_id, lease, invalidate):
        chosen['how'] = archive.decide(the_plan, params, archive.local_sizes(local, the_plan['ops']))
        return apply_ops(module, remote, dest, path_filter, the_plan['ops'], local, the_plan['known'],
                         invalidate, True, run_id, lease, chosen['how'][0])

    def vet(the_plan):
        archive.check_console(module.client, the_plan, params, archive.local_sizes(local, the_plan['ops']))

    the_plan, done = sync.sync_tree(remote, dest, local, sync.hash_local(local), path_filter, delete=params['delete'],
                                    manifest_name=params['manifest_name'], verify=params['verify'],
                                    lock_timeout=params['lock_timeout'], check_mode=module.check_mode, apply=apply,
                                    lock=params['lock'], vet=vet)
    written = done is not None
    runs = 1 if written and the_plan['ops'] else 0
    uploaded = len(done['uploaded']) if written else 0
    transfer, note, _estimates = chosen.get('how') or archive.decide(the_plan, params,
                                                                     archive.local_sizes(local, the_plan['ops']))
    module.exit_json(skipped_paths=skipped, **archive.with_transfer(
        sync.summarise(the_plan, dest, uploaded, written, remote.requests, runs, bool(the_plan['ops'])),
        done, transfer, note))


def main():
    module = PythonAnywhereModule(argument_spec=argument_spec(),
                                  required_if=[('archive_via', 'console', ('archive_console_id',))])
    params = module.params

    def run():
        controller = params['_controller']
        ignore_lines = controller.get('ignore_patterns', []) if controller else sync.read_ignore_file(params['src'], params['ignore_file'])
        dest, path_filter = sync.check_options(params, params['username'], ignore_lines)
        archive.check_part_size(params['archive_part_size'])
        if TOOLBELT_IMPORT_ERROR and not module.check_mode:
            module.fail_json(msg=missing_required_lib('requests-toolbelt'), exception=TOOLBELT_IMPORT_ERROR)
        remote = RemoteFiles(module.client)

        if controller and controller.get('phase') == 'plan':
            the_plan = sync.plan(remote, dest, controller['local'], path_filter, delete=params['delete'],
                                 manifest_name=params['manifest_name'], verify=params['verify'],
                                 lease_timeout=None if module.check_mode else params['lock_timeout'],
                                 should_stop=controller_watch(controller.get('controller_pid')))
            archive.check_console(module.client, the_plan, params, controller.get('sizes') or {})
            module.exit_json(changed=bool(the_plan['ops']), plan=the_plan)
        if controller and controller.get('phase') == 'apply':
            apply_phase(module, remote, dest, path_filter, controller)
        if controller:
            raise FilesError('_controller is internal to the action plugin')
        sync_here(module, remote, dest, path_filter)

    module.run(run)


if __name__ == '__main__':
    main()
