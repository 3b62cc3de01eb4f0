# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every module (the argument spec is in module_utils/_module.py)."""

    DOCUMENTATION = r'''
options:
  username:
    description:
      - The PythonAnywhere account name that owns O(api_token).
      - If not set, the environment variable E(PYTHONANYWHERE_USERNAME) is used.
    type: str
  api_token:
    description:
      - The API token of the account, from the C(Account) page, C(API token) tab.
      - If not set, the environment variable E(API_TOKEN) (preset on PythonAnywhere itself) or
        E(PYTHONANYWHERE_API_TOKEN) is used.
      - Never shown in output, diffs or error messages.
    type: str
  api_host:
    description:
      - Where the API lives. V(www) or V(www.pythonanywhere.com) for US accounts, V(eu) or
        V(eu.pythonanywhere.com) for EU accounts, or any base URL such as V(http://127.0.0.1:8765)
        (for example the simulator shipped in C(tests/simulator)).
      - A bare host name means HTTPS.
      - If not set, the environment variable E(PYTHONANYWHERE_SITE) is used, else C(www.) followed by
        E(PYTHONANYWHERE_DOMAIN) (the variables PythonAnywhere's own tools read), else V(www.pythonanywhere.com).
    type: str
    aliases: [api_url]
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Only turn it off for a test server you trust.
      - If not set, the environment variable E(PYTHONANYWHERE_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM bundle of certificate authorities to verify the server with, instead of the system's.
      - If not set, the environment variable E(PYTHONANYWHERE_CA_PATH) is used.
    type: path
  api_timeout:
    description:
      - Seconds to wait for the server to answer one request.
      - If not set, the environment variable E(PYTHONANYWHERE_TIMEOUT) is used.
    type: float
    default: 30
  api_retries:
    description:
      - How many times a request is retried after HTTP 429 (any method, honouring C(Retry-After)),
        or after HTTP 500/502/503/504 or a connection error (only requests that are safe to repeat;
        a POST that may have been applied is never repeated).
      - If not set, the environment variable E(PYTHONANYWHERE_RETRIES) is used.
    type: int
    default: 5
  api_retry_budget:
    description:
      - The longest time, in seconds, spent waiting between retries of one request before giving up.
      - If not set, the environment variable E(PYTHONANYWHERE_RETRY_BUDGET) is used.
    type: float
    default: 300
  rate_limit:
    description:
      - Requests allowed per endpoint in O(rate_limit_period). PythonAnywhere allows 40 a minute per
        endpoint. Requests are paced to stay under it, across all tasks run from the same host for the
        same account, so that long runs do not meet HTTP 429. V(0) turns pacing off.
      - If not set, the environment variable E(PYTHONANYWHERE_RATE_LIMIT) is used.
    type: int
    default: 40
  rate_limit_period:
    description:
      - The length, in seconds, of the window O(rate_limit) counts in.
      - If not set, the environment variable E(PYTHONANYWHERE_RATE_LIMIT_PERIOD) is used.
    type: float
    default: 60
requirements:
  - requests
notes:
  - All modules of this collection are in the action group C(pythonanywhere.pythonanywhere.all), so
    the connection options can be set once for a play with C(module_defaults).
'''
