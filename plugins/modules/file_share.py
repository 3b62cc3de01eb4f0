#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: file_share
short_description: Share a PythonAnywhere file through a public link, or stop sharing it
version_added: 0.1.0
description:
  - Share a file of the account (anyone with the link can view it), or stop sharing it, through the
    C(/api/v0/user/{username}/files/sharing/) endpoint, and return the link.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  path:
    description:
      - The absolute path of the file on PythonAnywhere.
    type: str
    required: true
  state:
    description:
      - V(present) shares the file (and returns the link), V(absent) stops sharing it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
seealso:
  - module: pythonanywhere.pythonanywhere.file
'''

EXAMPLES = r'''
- name: Share a report
  pythonanywhere.pythonanywhere.file_share:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    path: /home/alice/reports/summary.txt
  register: share

- name: Show the link
  ansible.builtin.debug:
    msg: "{{ share.url }}"

- name: Stop sharing it
  pythonanywhere.pythonanywhere.file_share:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    path: /home/alice/reports/summary.txt
    state: absent
'''

RETURN = r'''
path:
  description: The file.
  returned: always
  type: str
  sample: /home/alice/reports/summary.txt
shared:
  description: Whether the file is shared after the task (predicted in check mode).
  returned: always
  type: bool
  sample: true
url:
  description: The full link to the shared file; unknown (null) when check mode predicts a new share.
  returned: when O(state=present)
  type: str
  sample: https://www.pythonanywhere.com/user/alice/shares/1f5b6c0e8d4a4e2f9a3b7c6d5e4f3a2b/
share_path:
  description: The link as the API gives it, relative to the site.
  returned: when O(state=present)
  type: str
  sample: /user/alice/shares/1f5b6c0e8d4a4e2f9a3b7c6d5e4f3a2b/
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import (
    SHARING_PATH,
    check_remote_path,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def full_url(client, share_path):
    if not share_path or '://' in share_path:
        return share_path
    return client.base_url + '/' + share_path.lstrip('/')


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            path=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
    )

    def run():
        path = check_remote_path(module.params['path'], 'path')
        client = module.client
        current = client.get_json(SHARING_PATH, query={'path': path}, missing_ok=True)
        share_path = current.get('url') if isinstance(current, dict) else None
        shared = current is not None
        before = {'path': path, 'shared': shared}
        if module.params['state'] == 'absent':
            if shared and not module.check_mode:
                client.request('DELETE', SHARING_PATH, query={'path': path}, expected=(200, 204), allowed=(404,))
            module.exit_json(changed=shared, path=path, shared=False,
                             diff={'before': before, 'after': {'path': path, 'shared': False}})
        if not shared and not module.check_mode:
            created = client.request('POST', SHARING_PATH, json_body={'path': path}, expected=(200, 201)).json
            share_path = created.get('url') if isinstance(created, dict) else None
        module.exit_json(changed=not shared, path=path, shared=True, share_path=share_path,
                         url=full_url(client, share_path),
                         diff={'before': before, 'after': {'path': path, 'shared': True}})

    module.run(run)


if __name__ == '__main__':
    main()
