#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: static_file_mapping
short_description: Manage the static file mappings of a PythonAnywhere web app
version_added: 0.1.0
description:
  - Make a WSGI web app serve a URL prefix straight from a directory (or a file), without going through
    the Python code, through the C(/api/v0/user/{username}/webapps/{domain_name}/static_files/) endpoints.
  - A mapping is identified by its O(url) (PythonAnywhere keeps it as written, so V(/static) and V(/static/)
    are two mappings). Changing the O(path) of an existing URL updates that mapping in place, so a re-run never
    adds a duplicate.
  - Manage one mapping with O(url) and O(path), or the whole set of the web app in one task with
    O(mappings), optionally deleting the mappings it does not declare (O(purge=true)). A set that already
    matches costs exactly one request (one GET).
  - Changes take effect when the web app is reloaded. Notify a handler that runs
    M(pythonanywhere.pythonanywhere.webapp) with O(pythonanywhere.pythonanywhere.webapp#module:state=reloaded).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The web app the mappings belong to. It must exist.
      - Defaults to the account's own subdomain, C(<username>.pythonanywhere.com), or
        C(<username>.eu.pythonanywhere.com) for EU accounts.
    type: str
  state:
    description:
      - V(present) creates the mapping(s) or updates their O(path).
      - V(absent) deletes the mapping of O(url), or every mapping whose URL O(mappings) lists (O(path) is then
        not needed). Deleting a mapping of a web app that does not exist changes nothing.
    type: str
    choices: [present, absent]
    default: present
  url:
    description:
      - The URL prefix of one mapping, for example V(/static/). It must start with C(/).
      - If the web app has several mappings for O(url), the module fails and names their ids;
        O(mappings) with O(purge=true) repairs them.
      - Mutually exclusive with O(mappings); one of them is required.
    type: str
  path:
    description:
      - The absolute directory (or file) on PythonAnywhere that O(url) serves, for example V(/home/alice/mysite/static).
      - Required with O(url) when O(state=present). A trailing C(/) does not count as a difference.
    type: str
  mappings:
    description:
      - The set of mappings to manage in one task, matched with the web app's mappings by O(mappings[].url).
      - The web app's mappings are read once; missing ones are created, those with another path are updated
        in place, and with O(purge=true) those not listed are deleted.
      - Two elements with the same URL fail before any request.
      - If the web app already has several mappings for one listed URL (other tools add a new one on each
        publish), the module fails and names their ids, unless O(purge=true), which repairs them, keeping the
        first one that already has the right path (else the first one) and deleting the others.
      - An empty list with O(purge=true) deletes every mapping of the web app.
    type: list
    elements: dict
    suboptions:
      url:
        description: The URL prefix, starting with C(/).
        type: str
        required: true
      path:
        description: The absolute directory (or file) it serves. Required when O(state=present).
        type: str
  purge:
    description:
      - With O(mappings), delete the web app's mappings whose URL is not listed (and repair duplicates, see O(mappings)).
      - Only with O(mappings) and O(state=present).
    type: bool
    default: false
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - In check mode the module reads the mappings and returns what they would become, and sends no write request.
  - The diff shows the mapping (with O(url)) or the whole set of the web app's mappings (with O(mappings)),
    before and after.
seealso:
  - module: pythonanywhere.pythonanywhere.static_file_mapping_info
  - module: pythonanywhere.pythonanywhere.static_header
  - module: pythonanywhere.pythonanywhere.webapp
  - name: PythonAnywhere API documentation
    description: The static file endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
  - name: Static files on PythonAnywhere
    description: How static file mappings work.
    link: https://help.pythonanywhere.com/pages/StaticFiles/
'''

EXAMPLES = r'''
- name: Serve /static/ from the project's static directory
  pythonanywhere.pythonanywhere.static_file_mapping:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    url: /static/
    path: /home/alice/mysite/static
  notify: Reload web app

- name: Declare every mapping of the web app, deleting any other (connection options from module_defaults)
  module_defaults:
    group/pythonanywhere.pythonanywhere.all:
      username: alice
      api_token: "{{ vault_pythonanywhere_token }}"
  block:
    - name: Keep exactly these mappings
      pythonanywhere.pythonanywhere.static_file_mapping:
        domain_name: alice.pythonanywhere.com
        mappings:
          - url: /static/
            path: /home/alice/mysite/static
          - url: /media/
            path: /home/alice/mysite/media
          - url: /robots.txt
            path: /home/alice/mysite/static/robots.txt
        purge: true
      notify: Reload web app

- name: Remove the /media/ mapping
  pythonanywhere.pythonanywhere.static_file_mapping:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    url: /media/
    state: absent
  notify: Reload web app

# The handler the tasks above notify, in the play's handlers section.
- name: Reload web app
  pythonanywhere.pythonanywhere.webapp:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    state: reloaded
'''

RETURN = r'''
mapping:
  description:
    - The mapping of O(url) after the task (as it would be, in check mode). Empty when O(state=absent).
  returned: when O(url) is given
  type: dict
  contains:
    id:
      description: The server's id of the mapping; null in check mode for a mapping not created yet.
      type: int
    url:
      description: The URL prefix.
      type: str
    path:
      description: The directory or file it serves, without a trailing C(/).
      type: str
  sample:
    id: 3000017
    url: /static/
    path: /home/alice/mysite/static
mappings:
  description:
    - Every mapping of the web app after the task (as they would be, in check mode), sorted by URL,
      including those O(mappings) does not list when O(purge=false).
  returned: when O(mappings) is given
  type: list
  elements: dict
  sample:
    - id: 3000018
      url: /media/
      path: /home/alice/mysite/media
    - id: 3000017
      url: /static/
      path: /home/alice/mysite/static
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._static import StaticFileMapping, run_resource_module


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            domain_name=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            url=dict(type='str'),
            path=dict(type='str'),
            mappings=dict(type='list', elements='dict', options=dict(
                url=dict(type='str', required=True),
                path=dict(type='str'),
            )),
            purge=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('url', 'mappings'), ('path', 'mappings')],
        required_one_of=[('url', 'mappings')],
    )
    run_resource_module(module, StaticFileMapping, 'mappings')


if __name__ == '__main__':
    main()
