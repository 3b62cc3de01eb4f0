#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: file
short_description: Upload or delete one file on PythonAnywhere
version_added: 0.1.0
description:
  - Put one file at an absolute path on PythonAnywhere, from a file on the controller (O(src), found as
    M(ansible.builtin.copy) finds it) or from O(content); or delete a file (O(state=absent)). Uses the
    C(/api/v0/user/{username}/files/path{path}) endpoint.
  - Idempotent by content. The remote file is read once and hashed on the fly (PythonAnywhere's API gives no
    checksum), and the file is uploaded only when its SHA-256 differs.
  - Uploads are streamed from disk, so memory does not grow with the size of the file.
  - Missing parent folders are created by PythonAnywhere.
  - Uploading the WSGI file of a web app (C(/var/www/<domain_with_underscores>_wsgi.py)) is how its
    configuration is set from outside PythonAnywhere; reload the web app afterwards.
  - For whole directory trees, use M(pythonanywhere.pythonanywhere.directory_sync).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  path:
    description:
      - The absolute path of the file on PythonAnywhere, for example V(/home/alice/mysite/settings.py).
    type: str
    required: true
    aliases: [dest]
  src:
    description:
      - The file to upload. A relative path is looked up in the role's C(files/) folder, then relative to the
        playbook, as M(ansible.builtin.copy) does; a vault-encrypted file is decrypted.
      - With O(remote_src=true), a file on the host the task runs on.
      - Mutually exclusive with O(content).
    type: path
  content:
    description:
      - The content of the file, as text (written as UTF-8).
      - In diff mode the diff shows the old and the new text, as M(ansible.builtin.copy) does, so that a
        generated file (a WSGI file from a template) can be reviewed with C(--check --diff). For a file that
        holds a secret, set O(secret=true) (or C(no_log) on the task).
      - Mutually exclusive with O(src).
    type: str
  secret:
    description:
      - The file holds a secret (a C(.env) file, a key), so its content, old and new, is never shown. Both sides
        of the diff are masked (only their sizes are shown), O(content) is kept out of the result and the logs
        at any verbosity, and no SHA-256 is returned (a hash of a short secret can be guessed).
      - A task with C(no_log) is treated the same whatever this option says.
    type: bool
    default: false
  state:
    description:
      - V(present) uploads the file if it is missing or differs.
      - V(absent) deletes it. A folder is deleted only with O(recurse=true), because PythonAnywhere deletes
        folders with everything in them.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With V(false), an existing file is left as it is, whatever its content (it is not even downloaded);
        only a missing file is uploaded.
    type: bool
    default: true
  recurse:
    description:
      - With O(state=absent), allow O(path) to be a folder, deleted with everything in it.
    type: bool
    default: false
  remote_src:
    description:
      - V(true) reads O(src) on the host the task runs on instead of the controller.
    type: bool
    default: false
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - The action plugin finds O(src) on the controller.
  diff_mode:
    details:
      - A text diff for text files up to 64 KiB; size and SHA-256 otherwise.
      - With O(secret=true) or C(no_log), both sides are masked and only their sizes are shown.
requirements:
  - requests-toolbelt (streams uploads from disk)
seealso:
  - module: pythonanywhere.pythonanywhere.directory_sync
  - module: pythonanywhere.pythonanywhere.file_info
  - module: ansible.builtin.copy
'''

EXAMPLES = r'''
- name: Upload the WSGI file of the web app
  pythonanywhere.pythonanywhere.file:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    src: wsgi.py
    path: /var/www/alice_pythonanywhere_com_wsgi.py
  notify: Reload the web app

- name: Write a settings file that holds a secret (masked in diffs and results)
  pythonanywhere.pythonanywhere.file:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    path: /home/alice/mysite/.env
    content: |
      DJANGO_SECRET_KEY={{ vault_django_secret_key }}
      DEBUG=false
    secret: true

- name: Create a file only if it does not exist yet
  pythonanywhere.pythonanywhere.file:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    path: /home/alice/mysite/local_settings.py
    content: "# local overrides\n"
    force: false

- name: Delete an old folder with everything in it
  pythonanywhere.pythonanywhere.file:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    path: /home/alice/oldsite
    state: absent
    recurse: true
'''

RETURN = r'''
path:
  description: The path on PythonAnywhere.
  returned: always
  type: str
  sample: /var/www/alice_pythonanywhere_com_wsgi.py
state:
  description: What is at O(path) after the task (predicted in check mode), V(file), V(directory) or V(absent).
  returned: always
  type: str
  sample: file
sha256:
  description: The SHA-256 of the file as uploaded or found.
  returned: when O(state=present) and the content was compared or uploaded, unless O(secret=true) or C(no_log)
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
size:
  description: The size of the file in bytes.
  returned: when O(state=present) and the content was compared or uploaded
  type: int
  sample: 1024
'''

import os

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import (
    DIFF_MAX_BYTES,
    TOOLBELT_IMPORT_ERROR,
    FilesError,
    RemoteFiles,
    check_remote_path,
    describe_for_diff,
    local_file_summary,
    sha256_of_bytes,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import REDACTED
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def ensure_absent(module, remote, path):
    kind = remote.kind_of(path)
    if kind == 'directory' and not module.params['recurse']:
        raise FilesError('%s is a folder; set recurse=true to delete it with everything in it' % path)
    if kind is not None and not module.check_mode:
        remote.delete(path)
    diff = {'before': {'path': path, 'state': kind or 'absent'}, 'after': {'path': path, 'state': 'absent'}}
    return dict(changed=kind is not None, path=path, state='absent', diff=diff)


def is_secret(module):
    """The content must not be shown: ``secret=true``, or a task with ``no_log``."""
    return bool(module.params['secret'] or module.no_log)


def masked_for_diff(which, size):
    """A diff side of a secret file: neither its text nor its hash, only its size."""
    return '%s (%s content, %d bytes)\n' % (REDACTED, which, size or 0)


def present_result(module, changed, path, sha256=None, size=None, diff=None):
    result = dict(changed=changed, path=path, state='file')
    if sha256 is not None:
        result.update(size=size)
        if not is_secret(module):
            result.update(sha256=sha256)
    if diff is not None:
        result.update(diff=diff)
    return result


def ensure_present(module, remote, path):
    params = module.params
    secret = is_secret(module)
    if params['src'] is not None:
        source = params['src']
        if not os.path.isfile(source):
            raise FilesError('src %s is not a readable file' % source)
        sha256, size, head = local_file_summary(source)
        data = None
    else:
        data = to_bytes(params['content'], errors='surrogate_or_strict')
        source = None
        sha256, size, head = sha256_of_bytes(data), len(data), data[:DIFF_MAX_BYTES]
    label = params['src'] if source is not None else 'content'

    if not params['force']:
        kind = remote.kind_of(path)
        if kind == 'directory':
            raise FilesError('%s is a folder on PythonAnywhere, not a file' % path)
        if kind == 'file':
            return present_result(module, False, path)
        found = None
    else:
        found = remote.read(path)
        if found.kind == 'directory':
            raise FilesError('%s is a folder on PythonAnywhere, not a file' % path)
        if found.kind == 'file' and found.sha256 == sha256:
            return present_result(module, False, path, sha256, size)

    exists = found is not None and found.exists
    if secret:
        before = masked_for_diff('old', found.size) if exists else ''
        after = masked_for_diff('new', size)
    else:
        before = describe_for_diff('remote', found.sha256, found.size, found.head) if exists else ''
        after = describe_for_diff(label, sha256, size, head if size <= DIFF_MAX_BYTES else None)
    diff = {
        'before_header': path if exists else '%s (absent)' % path,
        'after_header': label,
        'before': before,
        'after': after,
    }
    if not module.check_mode:
        sha256 = remote.upload(path, source=source, content=data)
    return present_result(module, True, path, sha256, size, diff)


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            path=dict(type='str', required=True, aliases=['dest']),
            src=dict(type='path'),
            content=dict(type='str'),
            secret=dict(type='bool', default=False, no_log=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            force=dict(type='bool', default=True),
            recurse=dict(type='bool', default=False),
            remote_src=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('src', 'content')],
        required_if=[('state', 'present', ('src', 'content'), True)],
    )

    if is_secret(module) and module.params['content']:
        # Kept out of everything the module returns (the invocation included), as no_log options are.
        module.no_log_values.add(module.params['content'])

    def run():
        path = check_remote_path(module.params['path'], 'path')
        if path == '/' or path.count('/') < 2:
            raise FilesError('path must be a file or folder below a top folder, got %s' % path)
        if module.params['state'] == 'absent':
            module.exit_json(**ensure_absent(module, RemoteFiles(module.client), path))
        if TOOLBELT_IMPORT_ERROR and not module.check_mode:
            module.fail_json(msg=missing_required_lib('requests-toolbelt'), exception=TOOLBELT_IMPORT_ERROR)
        module.exit_json(**ensure_present(module, RemoteFiles(module.client), path))

    module.run(run)


if __name__ == '__main__':
    main()
