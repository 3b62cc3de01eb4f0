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
      - Surrounding whitespace (the newline a YAML block scalar or C(echo | ansible-vault encrypt_string) leaves)
        is stripped.
      - Never shown in output, diffs or error messages, in any spelling.
    type: str
  api_host:
    description:
      - Where the API lives. V(www) or V(www.pythonanywhere.com) for US accounts, V(eu) or
        V(eu.pythonanywhere.com) for EU accounts, or any base URL such as V(http://127.0.0.1:8765)
        (for example the simulator shipped in C(tests/simulator)).
      - A bare host name means HTTPS. A plain C(http://) URL is refused for any host but this machine's own
        (V(localhost), V(127.0.0.1), V(::1)), because the token would cross the network unencrypted; see
        O(allow_plain_http).
      - If not set, the environment variable E(PYTHONANYWHERE_SITE) is used, else C(www.) followed by
        E(PYTHONANYWHERE_DOMAIN) (the variables PythonAnywhere's own tools read), else V(www.pythonanywhere.com).
    type: str
    aliases: [api_url]
  allow_plain_http:
    description:
      - Allow an C(http://) O(api_host) on another machine than this one, which sends the API token unencrypted.
        Only for a test server on a network you trust.
      - If not set, the environment variable E(PYTHONANYWHERE_ALLOW_PLAIN_HTTP) is used.
    type: bool
    default: false
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
      - Some failures are not retried, because another attempt would only fail again. They fail at once, with
        a hint at the cause. They are an HTTP 429 that is not rate limiting (no C(Retry-After) and no
        C(throttled) in the message, such as the free plan's C(Console limit reached.)), a TLS failure, and,
        before the server has answered once, a refused connection or a host name that does not resolve.
      - If not set, the environment variable E(PYTHONANYWHERE_RETRIES) is used.
    type: int
    default: 5
  api_retry_budget:
    description:
      - The longest time, in seconds, spent waiting between retries of one request before giving up.
        An HTTP 429 whose C(Retry-After) asks for longer fails at once, saying so.
      - It also bounds the wait for a slot of the pacing window (see O(rate_limit)). A window that asks for
        more than this (or for more than twice O(rate_limit_period)) cannot be right, and is reset with a warning.
      - If not set, the environment variable E(PYTHONANYWHERE_RETRY_BUDGET) is used.
    type: float
    default: 300
  rate_limit:
    description:
      - Requests allowed per endpoint in O(rate_limit_period). PythonAnywhere allows 40 a minute per
        endpoint. Requests are paced to stay under it, across all tasks run from the same host for the
        same account, so that long runs do not meet HTTP 429. V(0) turns pacing off.
      - The shared window is kept in C(ansible-pythonanywhere-pacing-<uid>) under the temporary directory, a
        folder private to the user (mode 0700). If that folder is a symbolic link, belongs to another user or is
        open to others, pacing holds within each task only, with a warning.
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
  - A domain name option (C(domain_name)) is read as PythonAnywhere spells domains. Surrounding spaces and
    one trailing dot are removed and letters are lower-cased, so V(Alice.PythonAnywhere.com.) names
    V(alice.pythonanywhere.com). Anything else that is not a host name is refused before any request.
  - All modules of this collection are in the action group C(pythonanywhere.pythonanywhere.all), so
    the connection options can be set once for a play with C(module_defaults).
'''
