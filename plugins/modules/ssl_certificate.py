#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: ssl_certificate
short_description: Manage the HTTPS certificate of a PythonAnywhere web app or website
version_added: 0.1.0
description:
  - Give the custom domain of a WSGI web app (C(/api/v0/user/{username}/webapps/{domain_name}/ssl/)) or of a
    command-based website (C(/api/v1/user/{username}/domains/{domain_name}/ssl/)) an HTTPS certificate,
    either one that PythonAnywhere gets from Let's Encrypt and renews itself (O(letsencrypt=true)), or your own
    (O(certificate) and O(private_key)). O(state=absent) removes it.
  - "Idempotent by certificate identity. The API never returns the certificate itself, only its subject name,
    alternate names, issuer and expiry (C(not_after)). The module reads the same four fields from the certificate
    you give and sends it only when one of them differs, so an unchanged certificate sends nothing and a renewed
    one (new expiry) is installed."
  - With O(letsencrypt=true), a certificate the server reports as Let's Encrypt's (by C(cert_type) if the API gives
    it, else by an issuer named C(Let's Encrypt), C(R3), C(R10), C(E5) and so on) counts as present. PythonAnywhere
    may issue it a little after the request; until the API reports it, a re-run asks again.
  - The result reports the expiry (C(not_after)) and the days left; the module warns when fewer than
    O(expiry_warning_days) remain.
  - A new certificate takes effect when the web app or website is reloaded. Notify a handler that runs
    M(pythonanywhere.pythonanywhere.webapp) with O(pythonanywhere.pythonanywhere.webapp#module:state=reloaded)
    (or M(pythonanywhere.pythonanywhere.website) for a website).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
requirements:
  - cryptography (only to give a custom O(certificate); it reads the certificate's identity and checks that
    O(private_key) belongs to it)
options:
  domain_name:
    description:
      - The custom domain, for example V(www.example.com). The web app (or website) must exist.
      - C(*.pythonanywhere.com) subdomains have PythonAnywhere's own certificate and are refused with O(state=present).
    type: str
    required: true
  site_type:
    description:
      - V(webapp) for a WSGI web app (M(pythonanywhere.pythonanywhere.webapp)), V(website) for a command-based
        website such as an ASGI app (M(pythonanywhere.pythonanywhere.website)).
    type: str
    choices: [webapp, website]
    default: webapp
  state:
    description:
      - V(present) makes the domain serve the certificate described by O(letsencrypt) or O(certificate).
      - V(absent) removes the domain's certificate.
    type: str
    choices: [present, absent]
    default: present
  letsencrypt:
    description:
      - Have PythonAnywhere get a Let's Encrypt certificate for the domain and renew it automatically.
        The domain's DNS must already point at PythonAnywhere.
      - With O(state=present), either O(letsencrypt=true) or O(certificate) is required; they are mutually exclusive.
    type: bool
  certificate:
    description:
      - Your certificate in PEM, with the full chain (the domain's certificate first, then the intermediates),
        for example from C(lookup('ansible.builtin.file', 'fullchain.pem')).
      - Requires O(private_key).
    type: str
  private_key:
    description:
      - The unencrypted PEM private key of O(certificate). It must belong to it (checked before any request).
      - Sent to PythonAnywhere only when the certificate is installed; never returned, logged, or shown in a diff,
        a warning or an error message.
    type: str
  expiry_warning_days:
    description:
      - Warn when the certificate expires in fewer days than this. V(0) warns only about an expired certificate.
    type: int
    default: 30
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
  - pythonanywhere.pythonanywhere.attributes.RESOURCE
notes:
  - In check mode the module reads the certificate and returns what it would become, and sends no write request.
  - The diff shows the certificate's identity (names, issuer, expiry) before and after, never the key.
seealso:
  - module: pythonanywhere.pythonanywhere.ssl_certificate_info
  - module: pythonanywhere.pythonanywhere.webapp
  - module: pythonanywhere.pythonanywhere.website
  - name: HTTPS on PythonAnywhere
    description: Certificates for custom domains, Let's Encrypt and your own.
    link: https://help.pythonanywhere.com/pages/HTTPSSetup/
  - name: PythonAnywhere API documentation
    description: The ssl endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Let PythonAnywhere get and renew a Let's Encrypt certificate
  pythonanywhere.pythonanywhere.ssl_certificate:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: www.example.com
    letsencrypt: true
  notify: Reload web app

- name: Install your own certificate (sent only when it differs from the installed one)
  pythonanywhere.pythonanywhere.ssl_certificate:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: www.example.com
    certificate: "{{ lookup('ansible.builtin.file', 'certs/www.example.com/fullchain.pem') }}"
    private_key: "{{ vault_www_example_com_private_key }}"
    expiry_warning_days: 21
  register: tls
  notify: Reload web app

- name: Show when it expires
  ansible.builtin.debug:
    msg: "{{ tls.certificate.not_after }} ({{ tls.certificate.days_left }} days left)"

- name: Remove the certificate of a website (v1 API)
  pythonanywhere.pythonanywhere.ssl_certificate:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: api.example.com
    site_type: website
    state: absent

# The handler the tasks above notify, in the play's handlers section.
- name: Reload web app
  pythonanywhere.pythonanywhere.webapp:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: www.example.com
    state: reloaded
'''

RETURN = r'''
certificate:
  description:
    - The domain's certificate after the task (as it would be, in check mode), as the API reports it, normalised.
      Empty when there is none.
    - For a Let's Encrypt certificate not issued yet, the names, issuer and dates are null.
  returned: always
  type: dict
  contains:
    domain_name:
      description: The domain.
      type: str
    site_type:
      description: V(webapp) or V(website), as given.
      type: str
    letsencrypt:
      description: Whether it is PythonAnywhere's auto-renewed Let's Encrypt certificate.
      type: bool
    subject_name:
      description: The certificate's subject (its common name).
      type: str
    subject_alternate_names:
      description: The DNS names it is valid for, lower case, sorted.
      type: list
      elements: str
    issuer_name:
      description: Who issued it.
      type: str
    not_after:
      description: When it expires, ISO 8601 in UTC (the API's compact form C(20180824T171623Z) is converted).
      type: str
    days_left:
      description: Whole days until it expires, negative once expired.
      type: int
  sample:
    domain_name: www.example.com
    site_type: webapp
    letsencrypt: false
    subject_name: www.example.com
    subject_alternate_names: [example.com, www.example.com]
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
            state=dict(type='str', default='present', choices=['present', 'absent']),
            letsencrypt=dict(type='bool'),
            certificate=dict(type='str'),
            private_key=dict(type='str', no_log=True),
            expiry_warning_days=dict(type='int', default=30),
        ),
        required_together=[('certificate', 'private_key')],
    )

    def run():
        certificate = Certificate(module)
        result = certificate.ensure(module.params['state'])
        warning = certificate.expiry_warning(result['certificate'])
        if warning and module.params['state'] == 'present':
            module.warn(warning)
        module.exit_json(**result)

    module.run(run)


if __name__ == '__main__':
    main()
