#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: file_info
short_description: Read a file or list a directory tree on PythonAnywhere
version_added: 0.1.0
description:
  - For a file, return its size, SHA-256 and content (text, or base64 for binary files).
  - For a folder, list the files (and folders) under it, recursively if asked, filtered with
    C(.gitignore)-style glob patterns and skip patterns. The listing walks folder by folder with
    C(files/path) listings, so it sees dotfiles and is not capped at 1,000 entries as C(files/tree/) is.
  - Each folder listed and each file read is one request; PythonAnywhere allows 40 a minute, and requests are
    paced to stay under that.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  path:
    description:
      - The absolute path on PythonAnywhere of a file or a folder.
    type: str
    required: true
  recurse:
    description:
      - For a folder, list everything below it, not only its own entries.
    type: bool
    default: false
  patterns:
    description:
      - Return only the entries matching one of these C(.gitignore)-style patterns, relative to O(path). A
        pattern without a slash matches a name at any depth (V(*.py)), one with a slash is anchored to O(path)
        (V(static/**/*.css)), V(**) crosses folders.
      - Folders are still walked when they do not match, since entries below them may.
    type: list
    elements: str
    default: []
  excludes:
    description:
      - C(.gitignore)-style patterns of entries to skip; a skipped folder is not walked (saving its requests).
        For example V(.git/), V(__pycache__/) or V(node_modules/).
    type: list
    elements: str
    default: []
  hidden:
    description:
      - Include entries whose name starts with a dot (and walk such folders).
    type: bool
    default: true
  file_type:
    description:
      - Which entries of a folder to return.
    type: str
    choices: [file, directory, any]
    default: file
  return_content:
    description:
      - For a file, return its content in RV(content).
    type: bool
    default: true
  max_content_size:
    description:
      - The largest file, in bytes, whose content is returned; a larger file fails the task (its size and
        SHA-256 are computed without keeping it in memory when O(return_content=false)).
    type: int
    default: 1048576
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.file
  - module: pythonanywhere.pythonanywhere.directory_sync
'''

EXAMPLES = r'''
- name: Read the WSGI file of the web app
  pythonanywhere.pythonanywhere.file_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    path: /var/www/alice_pythonanywhere_com_wsgi.py
  register: wsgi

- name: Show it
  ansible.builtin.debug:
    msg: "{{ wsgi.content }}"

- name: List the deployed Python files, skipping caches and the virtualenv
  pythonanywhere.pythonanywhere.file_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    path: /home/alice/mysite
    recurse: true
    patterns:
      - "*.py"
    excludes:
      - __pycache__/
      - venv/
  register: code

- name: Show how many there are
  ansible.builtin.debug:
    msg: "{{ code.files | length }} Python files"
'''

RETURN = r'''
exists:
  description: Whether O(path) exists.
  returned: always
  type: bool
  sample: true
type:
  description: V(file) or V(directory); absent when O(path) does not exist.
  returned: when O(path) exists
  type: str
  sample: file
size:
  description: The size of the file in bytes.
  returned: when O(path) is a file
  type: int
  sample: 702
sha256:
  description: The SHA-256 of the file.
  returned: when O(path) is a file
  type: str
  sample: 3b4c2f9c2d0a6e7b4b1f0a8d9e6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c
content:
  description: The content of the file, as text when it is UTF-8 without NUL bytes, else base64.
  returned: when O(path) is a file and O(return_content=true)
  type: str
  sample: "import sys\n"
encoding:
  description: V(utf-8) when RV(content) is text, V(base64) when it is base64.
  returned: when O(path) is a file and O(return_content=true)
  type: str
  sample: utf-8
files:
  description: The entries found under the folder, in name order, each with its absolute C(path), its
    C(relative) path and its C(type) (V(file) or V(directory)).
  returned: when O(path) is a folder
  type: list
  elements: dict
  sample:
    - {path: /home/alice/mysite/manage.py, relative: manage.py, type: file}
    - {path: /home/alice/mysite/mysite/settings.py, relative: mysite/settings.py, type: file}
examined:
  description: How many entries were looked at under the folder (before O(patterns) and O(file_type)).
  returned: when O(path) is a folder
  type: int
  sample: 214
requests:
  description: API requests sent.
  returned: always
  type: int
  sample: 12
'''

import base64

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import (
    FilesError,
    RemoteFiles,
    check_remote_path,
    join_remote,
    looks_like_text,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._patterns import PathFilter, PatternError


def walk(remote, root, entries, path_filter, select, recurse, hidden):
    """Entries under ``root`` (listing already read), folder by folder, breadth first; returns (found, examined)."""
    found = []
    examined = 0
    pending = [('', entries)]
    while pending:
        prefix, listing = pending.pop(0)
        for name in sorted(listing):
            if not hidden and name.startswith('.'):
                continue
            relative = prefix + name
            is_dir = listing[name] == 'directory'
            if path_filter.excluded(relative, is_dir):
                continue
            examined += 1
            if select(relative, is_dir):
                found.append({'path': join_remote(root, relative), 'relative': relative,
                              'type': 'directory' if is_dir else 'file'})
            if is_dir and recurse:
                children = remote.list_dir(join_remote(root, relative))
                if children:
                    pending.append((relative + '/', children))
    found.sort(key=lambda item: item['relative'])
    return found, examined


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            path=dict(type='str', required=True),
            recurse=dict(type='bool', default=False),
            patterns=dict(type='list', elements='str', default=[]),
            excludes=dict(type='list', elements='str', default=[]),
            hidden=dict(type='bool', default=True),
            file_type=dict(type='str', default='file', choices=['file', 'directory', 'any']),
            return_content=dict(type='bool', default=True),
            max_content_size=dict(type='int', default=1024 * 1024),
        ),
    )
    params = module.params

    def run():
        path = check_remote_path(params['path'], 'path')
        if params['max_content_size'] < 0:
            raise FilesError('max_content_size must not be negative, got %d' % params['max_content_size'])
        try:
            skip = PathFilter(exclude=params['excludes'], default_excludes=False)
            wanted = PathFilter(include=params['patterns'], default_excludes=False)
        except PatternError as exc:
            raise FilesError('patterns/excludes: %s' % exc)
        remote = RemoteFiles(module.client)
        keep = params['max_content_size'] + 1 if params['return_content'] else 0
        found = remote.read(path, keep=keep)
        if not found.exists:
            module.exit_json(changed=False, exists=False, requests=remote.requests)
        if found.kind == 'file':
            result = dict(changed=False, exists=True, type='file', size=found.size, sha256=found.sha256,
                          requests=remote.requests)
            if params['return_content']:
                if found.size > params['max_content_size']:
                    raise FilesError('%s is %d bytes, more than max_content_size (%d); raise it or set return_content=false'
                                     % (path, found.size, params['max_content_size']))
                data = found.head
                if looks_like_text(data):
                    result.update(content=data.decode('utf-8'), encoding='utf-8')
                else:
                    result.update(content=base64.b64encode(data).decode('ascii'), encoding='base64')
            module.exit_json(**result)

        kinds = {'file': (False,), 'directory': (True,), 'any': (False, True)}[params['file_type']]

        def select(relative, is_dir):
            if is_dir not in kinds:
                return False
            if not params['patterns']:
                return True
            return any(pattern.matches(relative, is_dir) for pattern in wanted.include)

        files, examined = walk(remote, path, found.entries, skip, select, params['recurse'], params['hidden'])
        module.exit_json(changed=False, exists=True, type='directory', files=files, examined=examined,
                         requests=remote.requests)

    module.run(run)


if __name__ == '__main__':
    main()
