#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: website
short_description: Manage a PythonAnywhere command-based website (ASGI and others)
version_added: 0.1.0
description:
  - Create, enable, disable, reload and delete a website that PythonAnywhere serves by running a command
    of yours (an ASGI server such as uvicorn, or any other server that can listen on a unix socket),
    through the version 1 C(/api/v1/user/{username}/websites/) endpoints.
  - WSGI web apps (Flask, Django through WSGI) are managed with M(pythonanywhere.pythonanywhere.webapp) instead.
  - Idempotent. Only the options you set are compared and changed; a second run with the same options
    sends no write request.
  - PythonAnywhere can change only O(enabled) of an existing website. When O(command) differs from the
    server's, the module deletes the website and creates it again with the new command; the site is
    down for the moment in between. The diff shows the old and new command, and the result says
    C(replaced=true).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  state:
    description:
      - V(present) creates the website if needed and applies the options given (re-creating it when O(command) changed).
      - V(absent) deletes it.
      - V(reloaded) applies the options like V(present), then always restarts the website's command.
        Use it in a handler, or on its own to restart the site.
    type: str
    choices: [present, absent, reloaded]
    default: present
  domain_name:
    description:
      - The domain the website serves.
      - Defaults to the account's own subdomain, C(<username>.pythonanywhere.com), or
        C(<username>.eu.pythonanywhere.com) for EU accounts.
    type: str
  command:
    description:
      - The command that runs the site, for example
        C(/home/alice/.virtualenvs/app/bin/uvicorn --app-dir /home/alice/app --uds ${DOMAIN_SOCKET} main:app).
      - It must make the server listen on the unix socket C(${DOMAIN_SOCKET}), which PythonAnywhere fills in;
        the module warns when the command does not contain it.
      - Required to create a website.
      - Changing it re-creates the website (see the description), so the site is briefly down.
    type: str
  enabled:
    description:
      - Whether the website serves requests. Changed in place.
      - New websites are enabled unless this is V(false).
    type: bool
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - In check mode the module reads the website and returns what it would become, and sends no write request.
  - With O(state=reloaded) in check mode, the module reports C(changed) without reloading.
  - A website has no static file mappings; serve static files from your own server.
  - Certificates for the website's domain (Let's Encrypt or your own) are managed with
    M(pythonanywhere.pythonanywhere.ssl_certificate).
seealso:
  - module: pythonanywhere.pythonanywhere.website_info
  - module: pythonanywhere.pythonanywhere.ssl_certificate
  - module: pythonanywhere.pythonanywhere.webapp
  - name: Deploying ASGI sites through the API
    description: PythonAnywhere's help page on the websites endpoints.
    link: https://help.pythonanywhere.com/pages/ASGIAPI/
  - name: PythonAnywhere API documentation
    description: The endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Run a FastAPI app with uvicorn on the account's own subdomain
  pythonanywhere.pythonanywhere.website:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    command: >-
      /home/alice/.virtualenvs/fastapi/bin/uvicorn --app-dir /home/alice/fastapi
      --uds ${DOMAIN_SOCKET} main:app
  notify: Reload website

- name: Take the site offline without deleting it, connection options from module_defaults
  module_defaults:
    group/pythonanywhere.pythonanywhere.all:
      username: alice
      api_token: "{{ vault_pythonanywhere_token }}"
  block:
    - name: Disable the website
      pythonanywhere.pythonanywhere.website:
        domain_name: alice.pythonanywhere.com
        enabled: false

- name: Restart the website's command (as a handler, or on its own)
  pythonanywhere.pythonanywhere.website:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    state: reloaded

- name: Delete the website
  pythonanywhere.pythonanywhere.website:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    state: absent
'''

RETURN = r'''
website:
  description:
    - The website as the server holds it after the task (as it would be, in check mode), normalised;
      the command of the nested C(webapp) object of the API is returned as C(command), its domains as C(domains).
    - In check mode, the id of a website that would be created or re-created is null.
    - Empty when O(state=absent).
  returned: always
  type: dict
  sample:
    id: 42
    user: alice
    domain_name: alice.pythonanywhere.com
    command: /home/alice/.virtualenvs/fastapi/bin/uvicorn --app-dir /home/alice/fastapi --uds ${DOMAIN_SOCKET} main:app
    enabled: true
    domains:
      - domain_name: alice.pythonanywhere.com
        enabled: true
    logfiles:
      access: /var/log/alice.pythonanywhere.com.access.log
      error: /var/log/alice.pythonanywhere.com.error.log
      server: /var/log/alice.pythonanywhere.com.server.log
replaced:
  description: The website was deleted and created again because its command changed (or would be, in check mode).
  returned: when the website was replaced
  type: bool
  sample: true
reloaded:
  description: Whether the website was reloaded (or would be, in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._website import Website


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent', 'reloaded']),
            domain_name=dict(type='str'),
            command=dict(type='str'),
            enabled=dict(type='bool'),
        ),
    )

    def run():
        website = Website(module)
        module.exit_json(**website.ensure_and_act(module.params['state'], 'reloaded', 'reloaded', website.reload))

    module.run(run)


if __name__ == '__main__':
    main()
