#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: system_image
short_description: Choose the system image of a PythonAnywhere account
version_added: 0.1.0
description:
  - Set the system image of the account (the operating system, the Python versions and the preinstalled
    packages its consoles, web apps and tasks run on), through the C(system_image/) endpoint.
  - One GET; one PATCH only when the image differs. A second run with the same image sends no write request.
  - The image asked for is checked against the images the server offers this account before anything is
    changed; an image it does not offer fails, naming the images allowed.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  system_image:
    description:
      - The image to use, for example V(innit) (Python 3.7 to 3.13), V(haggis) (Python 2.7, 3.6 to 3.10) or
        V(glastonbury) (Python 2.7, 3.5 to 3.9).
      - PythonAnywhere does not let an account choose an image older than the one it started with; such an image
        is not in the list the server offers, so the module fails before changing anything.
    type: str
    required: true
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - Switching the image does not restart what runs on the old one. Reload every web app afterwards
    (M(pythonanywhere.pythonanywhere.webapp) with O(pythonanywhere.pythonanywhere.webapp#module:state=reloaded)),
    and disable then enable every always-on task, so that they start on the new image. Consoles must be
    restarted too. The module warns after a switch.
  - Virtualenvs built on another image may need rebuilding, and the default Python versions may change with the
    image (on V(glastonbury), C(python) is Python 2.7); check them with M(pythonanywhere.pythonanywhere.python_version_info).
  - In check mode the module reads the image, validates the value and returns what it would become;
    it sends no write request.
seealso:
  - module: pythonanywhere.pythonanywhere.system_image_info
  - module: pythonanywhere.pythonanywhere.python_version
  - module: pythonanywhere.pythonanywhere.webapp
  - name: Changing the system image
    description: What a switch affects and what to do after it.
    link: https://help.pythonanywhere.com/pages/ChangingSystemImage/
  - name: PythonAnywhere API documentation
    description: The system image endpoint this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Use the innit system image
  pythonanywhere.pythonanywhere.system_image:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    system_image: innit
  register: image

- name: Show the images this account may choose
  ansible.builtin.debug:
    var: image.available_system_images
'''

RETURN = r'''
system_image:
  description: The account's system image after the task (as it would be, in check mode).
  returned: always
  type: str
  sample: innit
available_system_images:
  description: The images the server offers this account.
  returned: always
  type: list
  elements: str
  sample: [haggis, innit]
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._account import AccountSettings
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule


def main():
    module = PythonAnywhereModule(argument_spec=dict(system_image=dict(type='str', required=True)))

    def run():
        result = AccountSettings(module, ['system_image']).ensure('present')
        if result['changed'] and not module.check_mode:
            module.warn('the system image is now %s: reload every web app, disable then enable every always-on task '
                        'and restart consoles so that they run on it' % result['system_image'])
        module.exit_json(**result)

    module.run(run)


if __name__ == '__main__':
    main()
