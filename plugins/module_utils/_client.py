# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of the collection: URL scheme, auth, timeouts, pacing, retries, errors.

Private to the collection (leading underscore): modules reach it through ``_module.py``.
Nothing here imports Ansible, so it is unit-testable on its own.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import random
import re
import tempfile
import time
import traceback

try:
    from urllib.parse import quote, urlencode, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, this keeps sanity's import test quiet
    quote = urlencode = urlsplit = None

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows controllers are not supported by Ansible anyway
    fcntl = None

REQUESTS_IMPORT_ERROR = None
try:
    import requests
except ImportError:
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

NETWORK_ERRORS = (requests.RequestException, OSError) if requests is not None else (OSError,)

COLLECTION_VERSION = '0.1.0'
USER_AGENT = 'ansible-collection-pythonanywhere/%s' % COLLECTION_VERSION

DEFAULT_HOST = 'www.pythonanywhere.com'
REGION_HOSTS = {'www': 'www.pythonanywhere.com', 'us': 'www.pythonanywhere.com', 'eu': 'eu.pythonanywhere.com'}

#: Endpoint families served by version 1 of the API; every other family is version 0.
V1_FAMILIES = ('websites', 'domains')

#: Methods that may be repeated after a 5xx or a connection error. PATCH is included because every
#: PATCH this collection sends carries absolute values (setting a field twice gives the same result).
#: POST is never repeated blindly: a caller may mark one request idempotent (a file upload is).
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'))
RETRIABLE_STATUS = frozenset((500, 502, 503, 504))
REDACTED = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


class PythonAnywhereError(Exception):
    """An API call failed. ``str(error)`` is safe to show: it never holds a header or a secret."""

    def __init__(self, message, method=None, path=None, status=None, body=None, attempts=1, waited=0.0):
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        self.attempts = attempts
        self.waited = waited


def api_message(body):
    """Extract the API's own message from any of PA's error shapes (reference section 1.6)."""
    if isinstance(body, dict):
        parts = []
        for key in ('detail', 'message', 'error_message', 'error'):
            value = body.get(key)
            if value not in (None, ''):
                parts.append(_flatten(value))
        for key in ('code', 'error_type'):
            if body.get(key) not in (None, '') and parts:
                parts[-1] = '%s (%s)' % (parts[-1], body[key])
        for key, value in body.items():
            if key in ('detail', 'message', 'error_message', 'error', 'code', 'error_type', 'status'):
                continue
            text = _flatten(value)
            parts.append(text if key == 'non_field_errors' else '%s: %s' % (key, text))
        return '; '.join(parts)
    if isinstance(body, list):
        return '; '.join(_flatten(item) for item in body)
    if body is None:
        return ''
    text = str(body)
    if '<' in text and '>' in text:
        text = re.sub(r'<[^>]+>', ' ', text)
    return ' '.join(text.split())[:300]


def _flatten(value):
    if isinstance(value, (list, tuple)):
        return ' '.join(_flatten(item) for item in value)
    if isinstance(value, dict):
        return '; '.join('%s: %s' % (key, _flatten(item)) for key, item in value.items())
    return str(value)


def base_url_from_host(api_host):
    """``www``/``eu``, a bare host name, or a full URL (``http://127.0.0.1:8765``) -> base URL without a slash."""
    host = (api_host or DEFAULT_HOST).strip()
    host = REGION_HOSTS.get(host.lower(), host)
    if '://' not in host:
        host = 'https://' + host
    parts = urlsplit(host)
    if parts.scheme not in ('http', 'https') or not parts.netloc:
        raise ValueError('api_host must be www, eu, a host name or an http(s) URL, got %r' % api_host)
    return '%s://%s%s' % (parts.scheme, parts.netloc, parts.path.rstrip('/'))


def default_domain(username, api_host):
    """The domain PA gives an account's first web app: alice.pythonanywhere.com or alice.eu.pythonanywhere.com."""
    netloc = urlsplit(base_url_from_host(api_host)).netloc.lower()
    suffix = 'eu.pythonanywhere.com' if netloc.startswith('eu.') or '.eu.' in netloc else 'pythonanywhere.com'
    return '%s.%s' % (username.lower(), suffix)


def family_of(template):
    return template.lstrip('/').split('/', 1)[0]


class Pacer:
    """Keeps every endpoint below ``limit`` requests per ``period`` seconds.

    A sliding window per endpoint: a request may go when fewer than ``limit`` requests finished in the
    last ``period`` seconds. Requests are stamped when their response arrives (the server counted
    them no later than that), so the window holds on the server whatever the latency. The window is
    kept in a file shared (under a lock) by every module process that talks to the same account from
    this host, so that a play of many tasks is paced as a whole, not task by task.
    """

    def __init__(self, limit, period, key, state_dir=None, clock=time.time, sleep=time.sleep):
        self.limit = int(limit or 0)
        self.period = float(period or 0)
        self.clock = clock
        self.sleep = sleep
        self.waited = 0.0
        self.path = None
        self._memory = {}
        if self.enabled and fcntl is not None:
            directory = state_dir or os.path.join(tempfile.gettempdir(), 'ansible-pythonanywhere-pacing')
            try:
                os.makedirs(directory, mode=0o700, exist_ok=True)
                digest = hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]
                self.path = os.path.join(directory, digest + '.json')
            except OSError:
                self.path = None

    @property
    def enabled(self):
        return self.limit > 0 and self.period > 0

    def _update(self, change):
        """Run ``change(windows)`` on the shared windows under the lock and return its result."""
        if self.path is None:
            return change(self._memory)
        try:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            self.path = None
            return change(self._memory)
        with os.fdopen(handle, 'r+') as stream:
            fcntl.flock(stream, fcntl.LOCK_EX)
            try:
                try:
                    windows = json.loads(stream.read() or '{}')
                except ValueError:
                    windows = {}
                result = change(windows)
                stream.seek(0)
                stream.truncate()
                stream.write(json.dumps(windows))
                return result
            finally:
                fcntl.flock(stream, fcntl.LOCK_UN)

    def acquire(self, endpoint):
        """Wait until ``endpoint`` has room, then take a slot. Returns a token for :meth:`release`."""
        if not self.enabled:
            return None
        while True:
            now = self.clock()
            token = '%s-%s' % (os.getpid(), random.random())

            def take(windows):
                stamps = [s for s in windows.get(endpoint, []) if s[0] > now - self.period]
                if len(stamps) < self.limit:
                    stamps.append([now + self.period, token])  # in flight: counted until it completes
                    windows[endpoint] = stamps
                    return 0.0
                windows[endpoint] = stamps
                return min(s[0] for s in stamps) - (now - self.period)

            wait = self._update(take)
            if wait <= 0:
                return token
            wait = min(wait, self.period) + 0.01
            self.waited += wait
            self.sleep(wait)

    def release(self, endpoint, token):
        """Stamp the slot taken by ``token`` with the time its response arrived."""
        if token is None:
            return
        now = self.clock()

        def stamp(windows):
            for slot in windows.get(endpoint, []):
                if slot[1] == token:
                    slot[0] = now
                    slot[1] = None

        self._update(stamp)


class ApiResponse:
    def __init__(self, status, headers, content, method, path):
        self.status = status
        self.headers = headers
        self.content = content
        self.method = method
        self.path = path

    @property
    def json(self):
        """The body as JSON, whatever the content type says (PA sometimes answers text/json)."""
        if not self.content:
            return None
        try:
            return json.loads(self.content.decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            return None

    @property
    def text(self):
        return self.content.decode('utf-8', 'replace')


class PythonAnywhereClient:
    """Talks to one PythonAnywhere account. Every request goes through :meth:`request`."""

    def __init__(self, username, api_token, api_host=DEFAULT_HOST, validate_certs=True, ca_path=None,
                 timeout=30.0, retries=5, retry_budget=300.0, rate_limit=40, rate_limit_period=60.0,
                 pacing_state_dir=None, session=None, sleep=time.sleep, clock=time.time, log=None):
        if requests is None and session is None:
            raise PythonAnywhereError('the Python library requests is required')
        if not username:
            raise PythonAnywhereError('username is required (or set PYTHONANYWHERE_USERNAME)')
        if not api_token:
            raise PythonAnywhereError('api_token is required (or set API_TOKEN)')
        self.username = username
        self.base_url = base_url_from_host(api_host)
        self.api_host = api_host
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.retry_budget = float(retry_budget)
        self.sleep = sleep
        self.clock = clock
        self.log = log
        self._secrets = [api_token]
        self.pacer = Pacer(rate_limit, rate_limit_period, '%s|%s' % (self.base_url, username),
                           state_dir=pacing_state_dir, clock=clock, sleep=sleep)
        self.session = session or requests.Session()
        self.session.headers.update({
            'Authorization': 'Token %s' % api_token,
            'User-Agent': USER_AGENT,
            'Accept': 'application/json',
        })
        self.verify = (ca_path or True) if validate_certs else False
        self.request_count = 0

    def add_secret(self, value):
        """Register a value that must never appear in an error message."""
        if value:
            self._secrets.append(str(value))

    def redact(self, text):
        for secret in self._secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, REDACTED)
        return text

    def path_for(self, template, **params):
        """``webapps/{domain}/`` -> ``/api/v0/user/alice/webapps/alice.pythonanywhere.com/``."""
        version = 'v1' if family_of(template) in V1_FAMILIES else 'v0'
        values = {}
        for name, value in params.items():
            if name == 'path':  # files: the absolute path is appended raw (but quoted)
                values[name] = quote(str(value), safe='/')
            else:
                values[name] = quote(str(value), safe='')
        return '/api/%s/user/%s/%s' % (version, quote(self.username, safe=''), template.format(**values).lstrip('/'))

    def request(self, method, template, params=None, query=None, json_body=None, form=None, body_factory=None,
                expected=(200, 201, 204), allowed=(), idempotent=None, stream_to=None):
        """Send one request, paced and retried; return an :class:`ApiResponse` or raise :class:`PythonAnywhereError`.

        ``template`` names the endpoint (it is also the pacing bucket): ``'webapps/{domain}/reload/'``.
        ``expected`` statuses are success, ``allowed`` statuses are returned for the caller to handle (404 for
        "absent"). ``body_factory`` returns ``(data, content_type)`` anew for each attempt (streamed uploads).
        ``stream_to`` is an open binary file that a successful body is written to chunk by chunk.
        """
        method = method.upper()
        path = self.path_for(template, **(params or {}))
        shown = path + ('?' + urlencode(query) if query else '')
        url = self.base_url + shown
        retry_any = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        bucket = template
        attempts = 0
        waited = 0.0
        started = self.clock()
        while True:
            attempts += 1
            pace_before = self.pacer.waited
            token = self.pacer.acquire(bucket)
            waited += self.pacer.waited - pace_before
            kwargs = {'timeout': self.timeout, 'verify': self.verify, 'allow_redirects': False}
            if json_body is not None:
                kwargs['json'] = json_body
            elif form is not None:
                kwargs['data'] = form
            elif body_factory is not None:
                data, content_type = body_factory()
                kwargs['data'] = data
                kwargs['headers'] = {'Content-Type': content_type}
            if stream_to is not None:
                kwargs['stream'] = True
            self.request_count += 1
            failure = None
            response = None
            try:
                raw = self.session.request(method, url, **kwargs)
                content = b''
                if stream_to is not None and raw.status_code in expected:
                    for chunk in raw.iter_content(chunk_size=1024 * 1024):
                        stream_to.write(chunk)
                else:
                    content = raw.content
                response = ApiResponse(raw.status_code, raw.headers, content, method, shown)
            except NETWORK_ERRORS as exc:  # a clean failure, never a traceback
                failure = '%s: %s' % (type(exc).__name__, self.redact(str(exc)))
            finally:
                self.pacer.release(bucket, token)
            if self.log:
                self.log('%s %s -> %s' % (method, shown, response.status if response else failure))

            if response is not None and (response.status in expected or response.status in allowed):
                body = response.json
                if isinstance(body, dict) and str(body.get('status', '')).upper() == 'ERROR' and response.status == 200:
                    # Legacy shape: an error inside a 200 (reference section 1.6).
                    raise self._error(method, shown, response, attempts, waited)
                return response

            delay = None
            if response is not None and response.status == 429:
                delay = self._retry_after(response, attempts)
            elif retry_any and (failure is not None or response.status in RETRIABLE_STATUS):
                delay = self._backoff(attempts)
            elapsed = self.clock() - started
            if delay is None or attempts > self.retries or elapsed + delay > self.retry_budget:
                if response is None:
                    if stream_to is not None:
                        stream_to.truncate(0)
                    raise PythonAnywhereError(
                        '%s %s failed: %s (%d attempt%s, %.1f s waited)%s' % (
                            method, shown, failure, attempts, '' if attempts == 1 else 's', waited,
                            '' if retry_any else '; not retried because the request may have been applied'),
                        method=method, path=shown, attempts=attempts, waited=waited)
                raise self._error(method, shown, response, attempts, waited)
            if stream_to is not None:
                stream_to.seek(0)
                stream_to.truncate(0)
            self.sleep(delay)
            waited += delay

    def _retry_after(self, response, attempts):
        value = response.headers.get('Retry-After')
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(value).timestamp()
                    return max(0.0, when - time.time())
                except (TypeError, ValueError, IndexError):
                    pass
        return self._backoff(attempts)

    @staticmethod
    def _backoff(attempts, base=1.0, cap=30.0):
        """Capped exponential backoff with full jitter (at least half the step)."""
        step = min(cap, base * (2 ** (attempts - 1)))
        return step / 2 + random.uniform(0, step / 2)

    def _error(self, method, path, response, attempts, waited):
        body = response.json
        message = api_message(body if body is not None else response.text)
        reason = ''
        if requests is not None:
            reason = requests.status_codes._codes.get(response.status, ('',))[0].replace('_', ' ').title()
        text = '%s %s failed: HTTP %s%s%s (%d attempt%s, %.1f s waited)' % (
            method, path, response.status, ' ' + reason if reason else '', ': ' + message if message else '',
            attempts, '' if attempts == 1 else 's', waited)
        return PythonAnywhereError(self.redact(text), method=method, path=path, status=response.status,
                                   body=body, attempts=attempts, waited=waited)

    # Convenience wrappers -------------------------------------------------------------------------
    def get(self, template, **kwargs):
        return self.request('GET', template, **kwargs)

    def get_json(self, template, params=None, query=None, missing_ok=False):
        """GET and decode; with ``missing_ok`` a 404 returns None (the resource is absent)."""
        response = self.request('GET', template, params=params, query=query, allowed=(404,) if missing_ok else ())
        if response.status == 404:
            return None
        return response.json

    def post(self, template, **kwargs):
        return self.request('POST', template, **kwargs)

    def patch(self, template, **kwargs):
        return self.request('PATCH', template, **kwargs)

    def put(self, template, **kwargs):
        return self.request('PUT', template, **kwargs)

    def delete(self, template, **kwargs):
        return self.request('DELETE', template, **kwargs)
