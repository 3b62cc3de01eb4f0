#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: static_header
short_description: Manage the HTTP headers PythonAnywhere adds to a web app's static files
version_added: 0.1.0
description:
  - Add HTTP response headers (for example C(Cache-Control)) to the static files a WSGI web app serves
    under a URL prefix, through the C(/api/v0/user/{username}/webapps/{domain_name}/static_headers/) endpoints.
  - A header is identified by its O(url) and its O(name) (header names are compared without regard to case).
    Changing the O(value) of an existing header updates it in place, so a re-run never adds a duplicate.
  - Manage one header with O(url), O(name) and O(value), or the whole set of the web app in one task with
    O(headers), optionally deleting the headers it does not declare (O(purge=true)). A set that already
    matches costs exactly one request (one GET).
  - Changes take effect when the web app is reloaded. Notify a handler that runs
    M(pythonanywhere.pythonanywhere.webapp) with O(pythonanywhere.pythonanywhere.webapp#module:state=reloaded).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The web app the headers belong to. It must exist.
      - Defaults to the account's own subdomain, C(<username>.pythonanywhere.com), or
        C(<username>.eu.pythonanywhere.com) for EU accounts.
    type: str
  state:
    description:
      - V(present) creates the header(s) or updates their O(value).
      - V(absent) deletes the header O(name) of O(url), or every header that O(headers) lists (O(value) is then
        not needed). Deleting a header of a web app that does not exist changes nothing.
    type: str
    choices: [present, absent]
    default: present
  url:
    description:
      - The URL prefix of the static files the header is added to, for example V(/static/). It must start with C(/).
      - If the web app has several headers with O(url) and O(name), the module fails and names their ids;
        O(headers) with O(purge=true) repairs them.
      - Mutually exclusive with O(headers); one of them is required.
    type: str
  name:
    description:
      - The header name, for example V(Cache-Control). Required with O(url).
      - A name that differs from the server's only in case names the same header; the module then updates
        the name in place to the case given.
    type: str
  value:
    description:
      - The header value, for example V(max-age=86400). One line. Required with O(url) when O(state=present).
    type: str
  headers:
    description:
      - The set of headers to manage in one task, matched with the web app's headers by URL and name.
      - The web app's headers are read once; missing ones are created, those with another value are updated
        in place, and with O(purge=true) those not listed are deleted.
      - Two elements with the same URL and name fail before any request.
      - If the web app already has several headers with one listed URL and name, the module fails and names their
        ids, unless O(purge=true), which repairs them, keeping the first one that already has the right value
        (else the first one) and deleting the others.
      - An empty list with O(purge=true) deletes every static header of the web app.
    type: list
    elements: dict
    suboptions:
      url:
        description: The URL prefix, starting with C(/).
        type: str
        required: true
      name:
        description: The header name.
        type: str
        required: true
      value:
        description: The header value. Required when O(state=present).
        type: str
  purge:
    description:
      - With O(headers), delete the web app's static headers that are not listed (and repair duplicates, see O(headers)).
      - Only with O(headers) and O(state=present).
    type: bool
    default: false
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - In check mode the module reads the headers and returns what they would become, and sends no write request.
  - The diff shows the header (with O(url)) or the whole set of the web app's static headers (with O(headers)),
    before and after.
seealso:
  - module: pythonanywhere.pythonanywhere.static_header_info
  - module: pythonanywhere.pythonanywhere.static_file_mapping
  - module: pythonanywhere.pythonanywhere.webapp
  - name: PythonAnywhere API documentation
    description: The static header endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Let browsers cache the static files for a day
  pythonanywhere.pythonanywhere.static_header:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    url: /static/
    name: Cache-Control
    value: max-age=86400
  notify: Reload web app

- name: Declare every static header of the web app, deleting any other (connection options from module_defaults)
  module_defaults:
    group/pythonanywhere.pythonanywhere.all:
      username: alice
      api_token: "{{ vault_pythonanywhere_token }}"
  block:
    - name: Keep exactly these headers
      pythonanywhere.pythonanywhere.static_header:
        domain_name: alice.pythonanywhere.com
        headers:
          - url: /static/
            name: Cache-Control
            value: public, max-age=31536000, immutable
          - url: /static/
            name: X-Content-Type-Options
            value: nosniff
          - url: /media/
            name: Cache-Control
            value: no-cache
        purge: true
      notify: Reload web app

- name: Remove a header
  pythonanywhere.pythonanywhere.static_header:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    url: /media/
    name: Cache-Control
    state: absent
  notify: Reload web app
'''

RETURN = r'''
header:
  description:
    - The header of O(url) and O(name) after the task (as it would be, in check mode). Empty when O(state=absent).
  returned: when O(url) is given
  type: dict
  contains:
    id:
      description: The server's id of the header; null in check mode for a header not created yet.
      type: int
    url:
      description: The URL prefix.
      type: str
    name:
      description: The header name.
      type: str
    value:
      description: The header value.
      type: str
  sample:
    id: 4000021
    url: /static/
    name: Cache-Control
    value: max-age=86400
headers:
  description:
    - Every static header of the web app after the task (as they would be, in check mode), sorted by URL and name,
      including those O(headers) does not list when O(purge=false).
  returned: when O(headers) is given
  type: list
  elements: dict
  sample:
    - id: 4000023
      url: /media/
      name: Cache-Control
      value: no-cache
    - id: 4000021
      url: /static/
      name: Cache-Control
      value: public, max-age=31536000, immutable
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._static import StaticHeader, run_resource_module


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            domain_name=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            url=dict(type='str'),
            name=dict(type='str'),
            value=dict(type='str'),
            headers=dict(type='list', elements='dict', options=dict(
                url=dict(type='str', required=True),
                name=dict(type='str', required=True),
                value=dict(type='str'),
            )),
            purge=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('url', 'headers'), ('name', 'headers'), ('value', 'headers')],
        required_one_of=[('url', 'headers')],
        required_by={'url': 'name'},
    )
    run_resource_module(module, StaticHeader, 'headers')


if __name__ == '__main__':
    main()
