#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: ssl_certificate_info
short_description: Read the HTTPS certificate of a PythonAnywhere web app or website
version_added: 0.1.0
description:
  - Return what the API reports about the certificate of a custom domain (one GET), its names, issuer and
    expiry, with the days left, as M(pythonanywhere.pythonanywhere.ssl_certificate) returns it.
  - Warns when it expires in fewer than O(expiry_warning_days) days, so a play can watch certificates.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The domain whose certificate is read, for example V(www.example.com).
    type: str
    required: true
  site_type:
    description:
      - V(webapp) for a WSGI web app, V(website) for a command-based website (v1 API).
    type: str
    choices: [webapp, website]
    default: webapp
  expiry_warning_days:
    description:
      - Warn when the certificate expires in fewer days than this.
    type: int
    default: 30
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.INFO_MODULE
seealso:
  - module: pythonanywhere.pythonanywhere.ssl_certificate
'''

EXAMPLES = r'''
- name: Read the certificate of www.example.com
  pythonanywhere.pythonanywhere.ssl_certificate_info:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: www.example.com
  register: tls

- name: Fail when it expires within two weeks
  ansible.builtin.assert:
    that:
      - tls.certificate.days_left is defined
      - tls.certificate.days_left | int >= 14
    fail_msg: "{{ tls.certificate.domain_name | default('www.example.com') }} needs a new certificate"
'''

RETURN = r'''
certificate:
  description:
    - The domain's certificate, normalised; empty when the domain has none (or when the web app or website does
      not exist, as the API answers both with 404).
  returned: always
  type: dict
  sample:
    domain_name: www.example.com
    site_type: webapp
    letsencrypt: true
    subject_name: www.example.com
    subject_alternate_names: [www.example.com]
    issuer_name: R11
    not_after: "2027-02-24T17:16:23+00:00"
    days_left: 62
'''

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._ssl import Certificate


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            domain_name=dict(type='str', required=True),
            site_type=dict(type='str', default='webapp', choices=['webapp', 'website']),
            expiry_warning_days=dict(type='int', default=30),
        ),
    )

    def run():
        certificate = Certificate(module)
        shape = certificate.public(certificate.project(certificate.find()))
        warning = certificate.expiry_warning(shape)
        if warning:
            module.warn(warning)
        module.exit_json(changed=False, certificate=shape)

    module.run(run)


if __name__ == '__main__':
    main()
