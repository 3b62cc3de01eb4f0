#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: webapp_check
short_description: Check that a PythonAnywhere site answers, and show its logs when it does not
version_added: 0.1.0
description:
  - Requests a URL of a deployed site (a WSGI web app or a command-based website) until it answers with an
    expected status (and, if asked, a text in its body), or until O(timeout) seconds have passed.
  - When the site does not answer as expected, the task fails with the last status, the start of the body,
    and the last lines of the domain's error log and server log (C(/var/log/<domain>.error.log) and
    C(/var/log/<domain>.server.log)), read through the files API. That is where PythonAnywhere writes the
    traceback of an app that fails to import.
  - It reports what it saw and changes nothing (it never reports C(changed)); it does not roll anything back.
  - Run it after the web app's reload, for example as the last step of a deploy. The
    P(pythonanywhere.pythonanywhere.webapp_deploy#role) and P(pythonanywhere.pythonanywhere.website_deploy#role)
    roles do.
  - The site is requested with its own connection (no API token is sent to it); only the logs are read through
    the API, so the connection options are needed when O(log_lines) is above 0.
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  domain_name:
    description:
      - The site's domain. It names the logs and makes the default O(url).
      - Defaults to the account's default domain, V(<username>.pythonanywhere.com) (or V(<username>.eu.pythonanywhere.com)).
    type: str
  url:
    description:
      - The URL to request. Defaults to V(https://<domain_name>/).
      - A value starting with V(/) is a path of the site, for example V(/health/).
    type: str
  connect_url:
    description:
      - Send the request to this base URL (scheme, host and port, no path) instead of the host in O(url). The
        host of O(url) is sent in the C(Host) header and its scheme in C(X-Forwarded-Proto), as a
        TLS-terminating proxy does.
      - For the API simulator's web front (C(--web-port)), or to reach a site before its DNS points at PythonAnywhere.
      - If not set, the environment variable E(PYTHONANYWHERE_SITE_CONNECT_URL) is used.
    type: str
  method:
    description:
      - The HTTP method. Only methods that change nothing on a well-behaved site are offered.
    type: str
    choices: [GET, HEAD]
    default: GET
  status_code:
    description:
      - The statuses that count as an answer. Redirects are not followed unless O(follow_redirects) is set,
        so a forced-HTTPS site asked for V(http://) answers V(301).
    type: list
    elements: int
    default: [200]
  contains:
    description:
      - A text the body must contain, too.
    type: str
  timeout:
    description:
      - Seconds to keep trying. V(0) makes one request.
    type: float
    default: 60
  delay:
    description:
      - Seconds between two requests.
    type: float
    default: 2
  request_timeout:
    description:
      - Seconds one request may take.
    type: float
    default: 10
  follow_redirects:
    description:
      - Follow redirects and check the final answer.
    type: bool
    default: false
  headers:
    description:
      - Extra request headers.
    type: dict
    default: {}
  url_username:
    description:
      - User name for HTTP basic authentication, for a password-protected web app.
    type: str
  url_password:
    description:
      - Password for HTTP basic authentication. Never shown in the output.
    type: str
  validate_site_certs:
    description:
      - Verify the site's TLS certificate. (O(validate_certs) is about the API.)
    type: bool
    default: true
  log_lines:
    description:
      - How many of the last lines of the error log and of the server log the failure message shows.
        V(0) reads no log (and needs no API connection).
    type: int
    default: 20
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
attributes:
  check_mode:
    support: full
    details:
      - In check mode nothing is requested (the site usually does not run the new version yet, since the
        reload before it did not happen) and the result says RV(probed=false). The module never writes;
        set C(check_mode) to V(false) on the task to request the site during a check run.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - It only reads.
seealso:
  - module: pythonanywhere.pythonanywhere.webapp
  - module: pythonanywhere.pythonanywhere.website
  - module: pythonanywhere.pythonanywhere.file_info
notes:
  - A check of a custom domain over V(https://) needs its certificate (see M(pythonanywhere.pythonanywhere.ssl_certificate)).
'''

EXAMPLES = r'''
- name: The site answers 200 with its title
  pythonanywhere.pythonanywhere.webapp_check:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: alice.pythonanywhere.com
    contains: Welcome
    timeout: 30

- name: A health URL of a password-protected site
  pythonanywhere.pythonanywhere.webapp_check:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    domain_name: www.example.com
    url: /health/
    url_username: team
    url_password: "{{ vault_site_password }}"

- name: Plain HTTP is redirected to HTTPS
  pythonanywhere.pythonanywhere.webapp_check:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    url: http://alice.pythonanywhere.com/
    status_code: [301]
    log_lines: 0
'''

RETURN = r'''
probed:
  description: Whether the site was requested (false in check mode).
  returned: always
  type: bool
  sample: true
url:
  description: The URL checked.
  returned: always
  type: str
  sample: https://alice.pythonanywhere.com/
status:
  description: The status of the last answer; absent when the site never answered (connection error).
  returned: when the site answered
  type: int
  sample: 200
body:
  description: The start of the last answer's body (up to 1000 characters).
  returned: when the site answered
  type: str
  sample: Hello from the app
headers:
  description: The headers of the last answer.
  returned: when the site answered
  type: dict
  sample: {Content-Type: text/html; charset=utf-8}
attempts:
  description: How many requests were sent.
  returned: when probed
  type: int
  sample: 1
elapsed:
  description: Seconds from the first request to the last answer.
  returned: when probed
  type: float
  sample: 0.4
logs:
  description: The last lines of the error and server logs (only read on failure).
  returned: on failure, when O(log_lines) is above 0
  type: dict
  sample:
    error:
      - "2026-01-20 10:58:33,970: Error running WSGI application"
      - "2026-01-20 10:58:33,971: ModuleNotFoundError: No module named 'flask'"
    server:
      - "2026-01-20 10:58:33 --- no python application found, check your startup logs for errors ---"
'''

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import (
    REQUESTS_IMPORT_ERROR,
    PythonAnywhereError,
    default_domain,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._site_check import (
    BODY_START,
    SiteCheckError,
    SiteProbe,
    check_connect_url,
    expectation,
    failure_message,
    log_tails,
    site_url,
)


def check_inputs(params):
    problems = []
    for code in params['status_code']:
        if not 100 <= code <= 599:
            problems.append('status_code must hold HTTP statuses (100-599), got %s' % code)
    if not params['status_code']:
        problems.append('status_code must not be empty')
    for name in ('timeout', 'delay'):
        if params[name] < 0:
            problems.append('%s must not be negative, got %s' % (name, params[name]))
    if params['request_timeout'] <= 0:
        problems.append('request_timeout must be greater than 0, got %s' % params['request_timeout'])
    if params['log_lines'] < 0:
        problems.append('log_lines must not be negative, got %s' % params['log_lines'])
    if params['url_password'] is not None and params['url_username'] is None:
        problems.append('url_password needs url_username')
    return problems


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            domain_name=dict(type='str'),
            url=dict(type='str'),
            connect_url=dict(type='str', fallback=(env_fallback, ['PYTHONANYWHERE_SITE_CONNECT_URL'])),
            method=dict(type='str', default='GET', choices=['GET', 'HEAD']),
            status_code=dict(type='list', elements='int', default=[200]),
            contains=dict(type='str'),
            timeout=dict(type='float', default=60.0),
            delay=dict(type='float', default=2.0),
            request_timeout=dict(type='float', default=10.0),
            follow_redirects=dict(type='bool', default=False),
            headers=dict(type='dict', default={}),
            url_username=dict(type='str'),
            url_password=dict(type='str', no_log=True),
            validate_site_certs=dict(type='bool', default=True),
            log_lines=dict(type='int', default=20),
        ),
    )
    params = module.params
    problems = check_inputs(params)
    domain = params['domain_name'] or (default_domain(params['username'], module.api_host) if params['username'] else None)
    if domain is None:
        problems.append('domain_name is required (or username, for the default domain)')
    try:
        url = site_url(params['url'], domain or '') if domain else None
        if params['connect_url']:
            check_connect_url(params['connect_url'])
    except SiteCheckError as exc:
        problems.append(str(exc))
    if problems:
        module.fail_json(msg='; '.join(problems))
    if params['log_lines'] > 0:
        module.check_connection_params()
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)

    if module.check_mode:
        module.exit_json(changed=False, probed=False, url=url,
                         msg='check mode: the site was not requested (set check_mode: false on the task to request it)')

    auth = (params['url_username'], params['url_password'] or '') if params['url_username'] is not None else None
    probe = SiteProbe(url, connect_url=params['connect_url'], method=params['method'], headers=params['headers'],
                      auth=auth, validate_certs=params['validate_site_certs'], request_timeout=params['request_timeout'],
                      follow_redirects=params['follow_redirects'])
    ok, seen, attempts, elapsed = probe.until(expectation(params['status_code'], params['contains']),
                                              params['timeout'], params['delay'])
    result = dict(changed=False, probed=True, url=url, attempts=attempts, elapsed=round(elapsed, 3))
    if seen.status is not None:
        result.update(status=seen.status, body=seen.text[:BODY_START], headers=seen.headers)
    if ok:
        module.exit_json(**result)
    tails = {}
    if params['log_lines'] > 0:
        try:
            tails = log_tails(module.client, domain, params['log_lines'])
        except PythonAnywhereError as exc:
            module.warn('the logs could not be read: %s' % exc)
        result['logs'] = tails
    module.fail_json(msg=failure_message(url, params['status_code'], params['contains'], seen, attempts, elapsed,
                                         tails, domain), **result)


if __name__ == '__main__':
    main()
