#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webapp
short_description: Manage a PythonAnywhere WSGI web app
version_added: 0.1.0
description:
  - Create, configure, enable, disable, reload and delete a WSGI web app (Flask, Django, any WSGI
    framework) on PythonAnywhere, through the C(/api/v0/user/{username}/webapps/) endpoints.
  - Idempotent. Only the options you set are compared and changed; a second run with the same
    options sends no write request.
  - Configuration changes take effect on the next reload. Notify a handler that uses O(state=reloaded)
    so that the web app is reloaded once, only when something changed.
  - Creating a web app makes PythonAnywhere write a default WSGI file at
    C(/var/www/<domain_with_underscores>_wsgi.py); upload your own after this module has run
    (see M(pythonanywhere.pythonanywhere.file)).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  state:
    description:
      - V(present) creates the web app if needed and applies the options given.
      - V(absent) deletes it (PythonAnywhere keeps a backup of its configuration in C(/var/www); your code is not touched).
      - V(reloaded) applies the options like V(present), then always reloads the web app. Use it in a handler.
        A reload of a custom domain without a CNAME record answers C(cname_error); the reload still happens,
        so the module warns instead of failing.
    type: str
    choices: [present, absent, reloaded]
    default: present
  domain_name:
    description:
      - The domain the web app serves.
      - Defaults to the account's own subdomain, C(<username>.pythonanywhere.com), or
        C(<username>.eu.pythonanywhere.com) for EU accounts.
    type: str
  python_version:
    description:
      - The Python version, written as users write it, for example V(3.13). C(python313) is accepted too.
      - Required to create a web app.
      - When O(python_version) and O(virtualenv_path) change together, the version is changed first,
        because PythonAnywhere rejects a virtualenv built for another Python.
    type: str
  source_directory:
    description:
      - The directory that holds the code, shown as C(Source code) on the Web page.
    type: str
  working_directory:
    description:
      - The working directory of the web app's processes.
    type: str
  virtualenv_path:
    description:
      - The virtualenv the web app runs in. It must already exist on PythonAnywhere.
      - Set to an empty string to stop using a virtualenv.
    type: str
  force_https:
    description:
      - Redirect HTTP requests to HTTPS. Only switch it on for a custom domain once it has a certificate.
    type: bool
  password_protection_enabled:
    description:
      - Ask visitors for a user name and password (HTTP basic authentication).
    type: bool
  password_protection_username:
    description:
      - The user name visitors must give when O(password_protection_enabled=true).
    type: str
  password_protection_password:
    description:
      - The password visitors must give when O(password_protection_enabled=true).
      - Compared with the server's value, but never returned, logged or shown in a diff.
    type: str
  enabled:
    description:
      - Whether the web app serves requests. A disabled web app cannot be reloaded.
    type: bool
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - In check mode the module reads the web app and returns what it would become, and sends no write request.
  - With O(state=reloaded) in check mode, the module reports C(changed) without reloading.
seealso:
  - module: pythonanywhere.pythonanywhere.webapp_info
  - module: pythonanywhere.pythonanywhere.file
  - name: PythonAnywhere API documentation
    description: The web app endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Create and configure a Flask web app
  pythonanywhere.pythonanywhere.webapp:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    python_version: "3.13"
    source_directory: /home/alice/mysite
    working_directory: /home/alice/mysite
    force_https: true
  notify: Reload web app

- name: Protect a staging site with a password, connection options from module_defaults
  module_defaults:
    group/pythonanywhere.pythonanywhere.all:
      username: alice
      api_token: "{{ vault_pythonanywhere_token }}"
  block:
    - name: Turn on password protection
      pythonanywhere.pythonanywhere.webapp:
        domain_name: alice.pythonanywhere.com
        password_protection_enabled: true
        password_protection_username: preview
        password_protection_password: "{{ vault_preview_password }}"

- name: Reload the web app (as a handler, or on its own)
  pythonanywhere.pythonanywhere.webapp:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    state: reloaded

- name: Delete the web app
  pythonanywhere.pythonanywhere.webapp:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    state: absent
'''

RETURN = r'''
webapp:
  description:
    - The web app as the server holds it after the task (as it would be, in check mode), normalised.
    - Empty when O(state=absent). Never holds the password.
  returned: always
  type: dict
  sample:
    id: 2097234
    user: alice
    domain_name: alice.pythonanywhere.com
    python_version: "3.13"
    source_directory: /home/alice/mysite
    working_directory: /home/alice/mysite
    virtualenv_path: ""
    force_https: true
    password_protection_enabled: false
    password_protection_username: ""
    enabled: true
    expiry: "2027-02-26"
reloaded:
  description: Whether the web app was reloaded (or would be, in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._webapp import WebApp


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent', 'reloaded']),
            domain_name=dict(type='str'),
            python_version=dict(type='str'),
            source_directory=dict(type='str'),
            working_directory=dict(type='str'),
            virtualenv_path=dict(type='str'),
            force_https=dict(type='bool'),
            password_protection_enabled=dict(type='bool', no_log=False),
            password_protection_username=dict(type='str', no_log=False),
            password_protection_password=dict(type='str', no_log=True),
            enabled=dict(type='bool'),
        ),
    )

    def run():
        webapp = WebApp(module)
        module.exit_json(**webapp.ensure_and_act(module.params['state'], 'reloaded', 'reloaded', webapp.reload))

    module.run(run)


if __name__ == '__main__':
    main()
