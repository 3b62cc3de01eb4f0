# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Requests to a deployed site (not to the API) and the tails of its logs, for the health check.

The site probe is the one place where the collection talks HTTP to something other than the API: it
sends no API token, keeps its own session, and never writes. Reading the logs goes through the API
client (files API), like every other API request.
"""

from __future__ import annotations

import time

try:
    from urllib.parse import urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    urlsplit = urlunsplit = None

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import (
    NETWORK_ERRORS,
    USER_AGENT,
    requests,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import RemoteFiles

BODY_START = 1000
LOG_KINDS = ('error', 'server')


class SiteCheckError(ValueError):
    """Bad input, found before any request."""


def site_url(url, domain):
    """The URL to check: ``https://<domain>/`` by default; a value starting with ``/`` is a path of that site."""
    if not url:
        return 'https://%s/' % domain
    if url.startswith('/'):
        return 'https://%s%s' % (domain, url)
    parts = urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.netloc:
        raise SiteCheckError('url must be an http(s) URL or a path starting with /, got %r' % url)
    return url


def check_connect_url(connect_url):
    """``connect_url`` is a base URL (scheme, host, port) without a path."""
    parts = urlsplit(connect_url)
    if parts.scheme not in ('http', 'https') or not parts.netloc or parts.path not in ('', '/') or parts.query:
        raise SiteCheckError('connect_url must be a base URL such as http://127.0.0.1:8766 (no path), got %r'
                             % connect_url)
    return connect_url


class Observation:
    """What one request saw: a status and a body, or a connection error."""

    def __init__(self, status=None, body=b'', headers=None, error=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.error = error

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    def describe(self):
        if self.error:
            return 'no answer (%s)' % self.error
        return 'HTTP %s' % self.status


class SiteProbe:
    """GETs (or other read requests to) one URL of a site until it answers as expected or time runs out.

    With ``connect_url`` the request goes to that base URL instead of the URL's host, with the URL's host
    in ``Host`` and its scheme in ``X-Forwarded-Proto``: what a TLS-terminating proxy in front of the
    site does (the API simulator's web front reads both).
    """

    def __init__(self, url, connect_url=None, method='GET', headers=None, auth=None, validate_certs=True,
                 request_timeout=10.0, follow_redirects=False, session=None, clock=None, sleep=None):
        self.url = url
        self.connect_url = connect_url
        self.method = method
        self.headers = dict(headers or {})
        self.auth = auth
        self.validate_certs = validate_certs
        self.request_timeout = request_timeout
        self.follow_redirects = follow_redirects
        self.session = session if session is not None else requests.Session()
        self.clock = clock or time.time
        self.sleep = sleep or time.sleep

    def target(self):
        """``(URL to send to, headers)``."""
        headers = {'User-Agent': USER_AGENT}
        headers.update(self.headers)
        if not self.connect_url:
            return self.url, headers
        parts = urlsplit(self.url)
        base = urlsplit(self.connect_url)
        headers['Host'] = parts.netloc
        headers['X-Forwarded-Proto'] = parts.scheme
        return urlunsplit((base.scheme, base.netloc, parts.path or '/', parts.query, '')), headers

    def once(self):
        url, headers = self.target()
        try:
            raw = self.session.request(self.method, url, headers=headers, auth=self.auth, timeout=self.request_timeout,
                                       verify=self.validate_certs, allow_redirects=self.follow_redirects)
        except NETWORK_ERRORS as exc:
            return Observation(error='%s: %s' % (type(exc).__name__, exc))
        return Observation(raw.status_code, raw.content[:BODY_START * 4], raw.headers)

    def until(self, accept, timeout, delay):
        """Request until ``accept(observation)`` or ``timeout`` seconds passed; ``(ok, last, attempts, elapsed)``."""
        started = self.clock()
        attempts = 0
        while True:
            attempts += 1
            seen = self.once()
            elapsed = self.clock() - started
            if accept(seen):
                return True, seen, attempts, elapsed
            if elapsed + delay > timeout:
                return False, seen, attempts, elapsed
            self.sleep(delay)


def expectation(status_codes, contains):
    """The acceptance test of an observation: an expected status and, if given, the text in the body."""

    def accept(seen):
        if seen.error or seen.status not in status_codes:
            return False
        return contains is None or contains in seen.text

    return accept


def log_paths(domain):
    """``{kind: /var/log/<domain>.<kind>.log}`` for the error and server logs (as the API names them)."""
    return dict((kind, '/var/log/%s.%s.log' % (domain.lower(), kind)) for kind in LOG_KINDS)


def log_tails(client, domain, lines):
    """``{kind: [last lines]}`` of the domain's error and server logs, read through the files API."""
    files = RemoteFiles(client)
    tails = {}
    for kind, path in log_paths(domain).items():
        content, _content_type = files.fetch(path)
        text = content.decode('utf-8', 'replace') if content is not None else ''
        tails[kind] = text.splitlines()[-lines:] if lines else []
    return tails


def failure_message(url, status_codes, contains, seen, attempts, elapsed, tails, domain):
    """What the user needs to see: the last answer, the body's start, the logs' last lines."""
    wanted = ' or '.join(str(code) for code in status_codes)
    if contains is not None:
        wanted += ' with %r in the body' % contains
    parts = ['%s did not answer %s within %.0f s (%d attempt%s); last answer: %s' % (
        url, wanted, elapsed, attempts, '' if attempts == 1 else 's', seen.describe())]
    if not seen.error:
        body = ' '.join(seen.text[:BODY_START].split())
        parts.append('body starts: %s' % (body or '(empty)'))
    for kind, path in log_paths(domain).items():
        lines = tails.get(kind)
        if lines is None:
            continue
        parts.append('last lines of %s:\n%s' % (path, '\n'.join(lines) if lines else '(empty)'))
    return '\n'.join(parts)
