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
import errno
import hashlib
import http
import ipaddress
import json
import math
import os
import random
import re
import socket
import ssl
import stat
import tempfile
import time
import traceback

from typing import Any, Callable, Iterable, Optional

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
#: Failures that a second attempt may cure (a dropped or reset connection, a timeout). The others (an invalid
#: header, a bad URL, a TLS failure) fail the same way every time.
TRANSIENT_ERRORS = ((requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError, OSError)
                    if requests is not None else (OSError,))

#: The version of this collection, for the User-Agent. galaxy.yml holds the same value; a unit test keeps them equal
#: (a module runs from an AnsiballZ payload that carries neither galaxy.yml nor MANIFEST.json to read it from).
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

#: DRF's answer to a request on a URL of a user the token does not belong to (reference section 1.1).
PERMISSION_DENIED = 'You do not have permission to perform this action.'


class PythonAnywhereError(Exception):
    """An API call failed. ``str(error)`` is safe to show: it never holds a header or a secret."""

    def __init__(self, message: str, method: Optional[str] = None, path: Optional[str] = None,
                 status: Optional[int] = None, body: Any = None, attempts: int = 1, waited: float = 0.0,
                 maybe_applied: Optional[bool] = None) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        self.attempts = attempts
        self.waited = waited
        #: The server may have applied the request although it failed (a 5xx, or a connection cut off after
        #: the request went out): a caller re-reads before it sends a write again.
        self.maybe_applied = bool(status is not None and status >= 500) if maybe_applied is None else maybe_applied


def api_message(body: Any) -> str:
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


def _flatten(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ' '.join(_flatten(item) for item in value)
    if isinstance(value, dict):
        return '; '.join('%s: %s' % (key, _flatten(item)) for key, item in value.items())
    return str(value)


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.x.y.z`` or ``::1``: a server on this machine."""
    host = (host or '').strip('[]').lower()
    if host == 'localhost' or host.endswith('.localhost'):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_from_host(api_host: Optional[str], allow_plain_http: bool = False) -> str:
    """``www``/``eu``, a bare host name, or a full URL (``http://127.0.0.1:8765``) -> base URL without a slash.

    Plain HTTP would send the API token unencrypted: it is refused for any host but this machine's own
    (the simulator's), unless ``allow_plain_http`` says the user means it.
    """
    host = (api_host or DEFAULT_HOST).strip()
    host = REGION_HOSTS.get(host.lower(), host)
    if '://' not in host:
        host = 'https://' + host
    parts = urlsplit(host)
    if parts.scheme not in ('http', 'https') or not parts.netloc:
        raise ValueError('api_host must be www, eu, a host name or an http(s) URL, got %r' % api_host)
    if parts.scheme == 'http' and not allow_plain_http and not is_loopback(parts.hostname or ''):
        raise ValueError('api_host %s is plain HTTP: the API token would cross the network unencrypted. Use https://, '
                         'or set allow_plain_http=true (environment variable PYTHONANYWHERE_ALLOW_PLAIN_HTTP) if '
                         'you mean it' % api_host)
    return '%s://%s%s' % (parts.scheme, parts.netloc, parts.path.rstrip('/'))


def default_domain(username: str, api_host: Optional[str]) -> str:
    """The domain PA gives an account's first web app: alice.pythonanywhere.com or alice.eu.pythonanywhere.com."""
    netloc = urlsplit(base_url_from_host(api_host, allow_plain_http=True)).netloc.lower()
    suffix = 'eu.pythonanywhere.com' if netloc.startswith('eu.') or '.eu.' in netloc else 'pythonanywhere.com'
    return '%s.%s' % (username.lower(), suffix)


DOMAIN_LABEL = re.compile(r'^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$')


def normalize_domain(value: Optional[str]) -> Optional[str]:
    """A domain name as PythonAnywhere spells it: no surrounding spaces, lower case, no trailing dot.

    ``None`` stays ``None`` (the module picks its default). Anything that cannot be a host name raises
    ``ValueError`` with the reason, before any request is sent.
    """
    if value is None:
        return None
    domain = str(value).strip().lower()
    if domain.endswith('.') and not domain.endswith('..'):
        domain = domain[:-1]  # the fully qualified spelling names the same domain
    if not domain:
        raise ValueError('must be a domain name such as www.example.com, got %r' % value)
    try:
        domain.encode('ascii')
    except UnicodeEncodeError:
        try:
            ascii_form = domain.encode('idna').decode('ascii')
        except UnicodeError:
            ascii_form = None
        raise ValueError('must be written in ASCII, got %r%s' % (
            value, ' (its ASCII form is %s)' % ascii_form if ascii_form else ''))
    labels = domain.split('.')
    if len(domain) > 253 or any(not DOMAIN_LABEL.match(label) for label in labels):
        raise ValueError('must be a domain name such as www.example.com (letters, digits, hyphens and dots), got %r'
                         % value)
    return domain


def family_of(template: str) -> str:
    return template.lstrip('/').split('/', 1)[0]


class PacingStateError(Exception):
    """The shared pacing folder or file cannot be trusted."""


def default_pacing_dir() -> str:
    """A folder of the current user's own under the temporary directory."""
    return os.path.join(tempfile.gettempdir(), 'ansible-pythonanywhere-pacing-%d' % os.getuid())


def open_private_directory(path: str) -> int:
    """Open (creating it, mode 0700, when missing) a folder that only the current user controls; return its fd.

    A symbolic link, a folder of another user or one that others may write to is refused: whoever controls
    the folder controls the pacing (and, through a link, which file a run would write).
    """
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise PacingStateError('cannot create %s: %s' % (path, exc.strerror or exc))
    flags = os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise PacingStateError('%s is not a folder (a symbolic link or a file)' % path)
        raise PacingStateError('cannot open %s: %s' % (path, exc.strerror or exc))
    info = os.fstat(handle)
    problem = None
    if not stat.S_ISDIR(info.st_mode):
        problem = '%s is not a folder' % path
    elif info.st_uid != os.getuid():
        problem = '%s belongs to user id %d, not to you (%d)' % (path, info.st_uid, os.getuid())
    elif stat.S_IMODE(info.st_mode) & 0o077:
        problem = '%s is open to other users (mode %04o, must be 0700)' % (path, stat.S_IMODE(info.st_mode))
    if problem:
        os.close(handle)
        raise PacingStateError(problem)
    return handle


def _valid_slot(slot: Any) -> bool:
    if not (isinstance(slot, list) and len(slot) == 2):
        return False
    stamp = slot[0]
    return isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and math.isfinite(stamp)


class Pacer:
    """Keeps every endpoint below ``limit`` requests per ``period`` seconds.

    A sliding window per endpoint: a request may go when fewer than ``limit`` requests finished in the
    last ``period`` seconds. Requests are stamped when their response arrives (the server counted
    them no later than that), so the window holds on the server whatever the latency. The window is
    kept in a file shared (under a lock) by every module process that talks to the same account from
    this host, so that a play of many tasks is paced as a whole, not task by task.

    The file lives in a folder private to the user (see :func:`open_private_directory`); when it cannot be
    trusted, pacing holds within this process only, with a warning. No wait is unbounded: a window that asks
    one request to wait longer than ``budget`` seconds (or holds a time more than a period ahead) cannot
    come from a pacer and is reset, with a warning.
    """

    def __init__(self, limit: int, period: float, key: str, state_dir: Optional[str] = None,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 budget: Optional[float] = None, warn: Optional[Callable[[str], None]] = None) -> None:
        self.limit = int(limit or 0)
        self.period = float(period or 0)
        self.clock = clock
        self.sleep = sleep
        self.budget = max(float(budget), 2 * self.period) if budget is not None else None
        self.warn = warn or (lambda message: None)
        self.waited = 0.0
        self.directory = None
        self.filename = None
        self._memory = {}
        self._warned = set()
        if self.enabled and fcntl is not None:
            self.directory = state_dir or default_pacing_dir()
            self.filename = hashlib.sha256(key.encode('utf-8')).hexdigest()[:24] + '.json'
            try:
                os.close(open_private_directory(self.directory))
            except PacingStateError as exc:
                self._fall_back(exc)

    @property
    def enabled(self) -> bool:
        return self.limit > 0 and self.period > 0

    @property
    def path(self) -> Optional[str]:
        """The shared file, or None when the window is kept in this process only."""
        return os.path.join(self.directory, self.filename) if self.directory else None

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            self.warn(message)

    def _fall_back(self, problem: Any) -> None:
        self._warn_once('folder', 'pacing of API requests holds within this task only, not across tasks and '
                                  'processes: %s' % problem)
        self.directory = None

    def _update(self, change: Callable[[dict], Any]) -> Any:
        """Run ``change(windows)`` on the shared windows under the lock and return its result.

        The new windows are on disk before the lock is released: a process that takes the lock next always
        reads what the last one wrote, never an empty or half-written file.
        """
        if self.directory is None:
            return change(self._memory)
        try:
            folder = open_private_directory(self.directory)
        except PacingStateError as exc:
            self._fall_back(exc)
            return change(self._memory)
        try:
            flags = os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
            handle = os.open(self.filename, flags, 0o600, dir_fd=folder)
        except OSError as exc:
            self._fall_back('cannot open %s: %s' % (self.path, exc.strerror or exc))
            return change(self._memory)
        finally:
            os.close(folder)
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                self._fall_back('%s is not a file of yours' % self.path)
                return change(self._memory)
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                windows = self._load(_read_all(handle))
                result = change(windows)
                data = json.dumps(windows).encode('utf-8')
                os.lseek(handle, 0, os.SEEK_SET)
                _write_all(handle, data)
                os.ftruncate(handle, len(data))
                return result
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)

    def _load(self, data: bytes) -> dict:
        """The windows in the file; anything that is not a window (a torn or forged file) is dropped."""
        try:
            windows = json.loads(data.decode('utf-8') or '{}')
        except ValueError:
            windows = None
        if not isinstance(windows, dict):
            self._warn_once('corrupt', 'the pacing window %s was not readable and was reset' % self.path)
            return {}
        return windows

    def _current(self, windows: dict, endpoint: str, now: float) -> list:
        """The endpoint's slots still in the window; expired ones (of every endpoint) are dropped from the file."""
        horizon = now + self.period + 1  # a slot in flight is stamped one period ahead at most
        for name in list(windows):
            slots = windows[name] if isinstance(windows[name], list) else [None]
            valid = [slot for slot in slots if _valid_slot(slot)]
            if len(valid) != len(slots):
                self._warn_once('corrupt', 'the pacing window %s held entries that are not times; they were dropped'
                                % (self.path or 'in memory'))
            if any(slot[0] > horizon for slot in valid):
                self._warn_once('future', 'the pacing window for %s held times in the future (a changed clock or a '
                                          'forged file); they were dropped' % name)
            kept = [slot for slot in valid if now - self.period < slot[0] <= horizon]
            if kept:
                windows[name] = kept
            else:
                del windows[name]
        return windows.setdefault(endpoint, [])

    def acquire(self, endpoint: str) -> Optional[str]:
        """Wait until ``endpoint`` has room, then take a slot. Returns a token for :meth:`release`."""
        if not self.enabled:
            return None
        token = '%s-%s' % (os.getpid(), random.random())
        waited = 0.0
        while True:
            reset = self.budget is not None and waited >= self.budget

            def take(windows: dict) -> float:
                now = self.clock()
                slots = self._current(windows, endpoint, now)
                if reset:
                    del slots[:]
                if len(slots) < self.limit:
                    slots.append([now + self.period, token])  # in flight: counted until it completes
                    return 0.0
                return min(slot[0] for slot in slots) - (now - self.period)

            if reset:
                self.warn('the pacing window of %s asked for more than %.0f s of waiting (api_retry_budget) for one '
                          'request: it cannot be right and was reset' % (endpoint, self.budget))
            wait = self._update(take)
            if wait <= 0:
                return token
            wait = min(wait, self.period) + 0.01
            if self.budget is not None:
                wait = min(wait, max(0.01, self.budget - waited))
            waited += wait
            self.waited += wait
            self.sleep(wait)

    def release(self, endpoint: str, token: Optional[str]) -> None:
        """Stamp the slot taken by ``token`` with the time its response arrived."""
        if token is None:
            return

        def stamp(windows: dict) -> None:
            now = self.clock()
            for slot in windows.get(endpoint, []):
                if isinstance(slot, list) and len(slot) == 2 and slot[1] == token:
                    slot[0] = now
                    slot[1] = None

        self._update(stamp)


def _read_all(handle: int) -> bytes:
    os.lseek(handle, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(handle, 65536)
        if not chunk:
            return b''.join(chunks)
        chunks.append(chunk)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


class ApiResponse:
    def __init__(self, status: int, headers: Any, content: bytes, method: str, path: str) -> None:
        self.status = status
        self.headers = headers
        self.content = content
        self.method = method
        self.path = path

    @property
    def json(self) -> Any:
        """The body as JSON, whatever the content type says (PA sometimes answers text/json)."""
        if not self.content:
            return None
        try:
            return json.loads(self.content.decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            return None

    @property
    def text(self) -> str:
        return self.content.decode('utf-8', 'replace')


def _causes(exc: BaseException) -> Iterable[BaseException]:
    """The exception and everything it wraps (requests -> urllib3 -> socket/ssl), each once."""
    seen = []
    pending = [exc]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or any(current is known for known in seen):
            continue
        seen.append(current)
        pending.extend((current.__cause__, current.__context__, getattr(current, 'reason', None)))
        pending.extend(arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException))
    return seen


class _Call:
    """One request in flight through :meth:`PythonAnywhereClient.request`: what it is and what it cost so far."""

    def __init__(self, method: str, shown: str, url: str, bucket: str, retry_any: bool, started: float) -> None:
        self.method = method
        self.shown = shown
        self.url = url
        self.bucket = bucket
        self.retry_any = retry_any
        self.started = started
        self.attempts = 0
        self.waited = 0.0

    def summary(self) -> str:
        return '%d attempt%s, %.1f s waited' % (self.attempts, '' if self.attempts == 1 else 's', self.waited)


class PythonAnywhereClient:
    """Talks to one PythonAnywhere account. Every request goes through :meth:`request`."""

    def __init__(self, username: str, api_token: str, api_host: Optional[str] = DEFAULT_HOST,
                 validate_certs: bool = True, ca_path: Optional[str] = None, timeout: float = 30.0, retries: int = 5,
                 retry_budget: float = 300.0, rate_limit: int = 40, rate_limit_period: float = 60.0,
                 pacing_state_dir: Optional[str] = None, session: Any = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 log: Optional[Callable[[str], None]] = None, warn: Optional[Callable[[str], None]] = None,
                 allow_plain_http: bool = False) -> None:
        if requests is None and session is None:
            raise PythonAnywhereError('the Python library requests is required')
        if not username:
            raise PythonAnywhereError('username is required (or set PYTHONANYWHERE_USERNAME)')
        # A token from a YAML block or `echo | ansible-vault encrypt_string` ends with a newline: PA's tokens
        # never hold whitespace, so it is stripped (and every spelling of it is redacted).
        token = (api_token or '').strip()
        if not token:
            raise PythonAnywhereError('api_token is required (or set API_TOKEN)')
        self._secrets = []
        self.add_secret(api_token)
        self.username = username
        self.base_url = base_url_from_host(api_host, allow_plain_http=allow_plain_http)
        self.api_host = api_host
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.retry_budget = float(retry_budget)
        self.sleep = sleep
        self.clock = clock
        self.log = log
        self.pacer = Pacer(rate_limit, rate_limit_period, '%s|%s' % (self.base_url, username),
                           state_dir=pacing_state_dir, clock=clock, sleep=sleep, budget=self.retry_budget, warn=warn)
        self.session = session or requests.Session()
        self.session.headers.update({
            'Authorization': 'Token %s' % token,
            'User-Agent': USER_AGENT,
            'Accept': 'application/json',
        })
        self.verify = (ca_path or True) if validate_certs else False
        self.request_count = 0
        self.reached = False  # whether the server has answered this client yet

    def add_secret(self, value: Any) -> None:
        """Register a value that must never appear in an error message (with and without surrounding blanks)."""
        if not value:
            return
        value = str(value)
        for form in (value, value.strip()):
            if len(form) >= 4 and form not in self._secrets:
                self._secrets.append(form)
        self._secrets.sort(key=len, reverse=True)  # the longest spelling first, so none is left half-shown

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced, however it is spelled (a repr escapes a newline as ``\\n``)."""
        for secret in self._secrets:
            for form in (secret, secret.encode('unicode_escape').decode('ascii'), quote(secret, safe='')):
                text = text.replace(form, REDACTED)
        return text

    def path_for(self, template: str, **params: Any) -> str:
        """``webapps/{domain}/`` -> ``/api/v0/user/alice/webapps/alice.pythonanywhere.com/``."""
        version = 'v1' if family_of(template) in V1_FAMILIES else 'v0'
        values = {}
        for name, value in params.items():
            if name == 'path':  # files: the absolute path is appended raw (but quoted)
                values[name] = quote(str(value), safe='/')
            else:
                values[name] = quote(str(value), safe='')
        return '/api/%s/user/%s/%s' % (version, quote(self.username, safe=''), template.format(**values).lstrip('/'))

    # The request, step by step ---------------------------------------------------------------------
    def request(self, method: str, template: str, params: Optional[dict] = None, query: Optional[dict] = None,
                json_body: Any = None, form: Optional[dict] = None, body_factory: Optional[Callable] = None,
                expected: Iterable[int] = (200, 201, 204), allowed: Iterable[int] = (), idempotent: Optional[bool] = None,
                stream_to: Any = None) -> ApiResponse:
        """Send one request, paced and retried; return an :class:`ApiResponse` or raise :class:`PythonAnywhereError`.

        ``template`` names the endpoint (it is also the pacing bucket): ``'webapps/{domain}/reload/'``.
        ``expected`` statuses are success, ``allowed`` statuses are returned for the caller to handle (404 for
        "absent"). ``body_factory`` returns ``(data, content_type)`` anew for each attempt (streamed uploads).
        ``stream_to`` is an open binary file that a successful body is written to chunk by chunk.
        """
        call = self._start(method, template, params, query, idempotent)
        while True:
            call.attempts += 1
            kwargs = self._attempt_kwargs(json_body, form, body_factory, stream_to)
            response, failure = self._send(call, kwargs, expected, stream_to)
            if response is not None and (response.status in expected or response.status in allowed):
                return self._accept(call, response)
            try:
                delay = self._retry_delay(call, response, failure)
            except PythonAnywhereError:
                if stream_to is not None and response is None:
                    stream_to.truncate(0)  # no half-written body is left behind
                raise
            self._before_retry(call, delay, stream_to)

    def _start(self, method: str, template: str, params: Optional[dict], query: Optional[dict],
               idempotent: Optional[bool]) -> _Call:
        """What the request is: its method, the path shown in messages (no token, no host), its URL and its bucket."""
        method = method.upper()
        shown = self.path_for(template, **(params or {})) + ('?' + urlencode(query) if query else '')
        retry_any = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        return _Call(method, shown, self.base_url + shown, template, retry_any, self.clock())

    def _attempt_kwargs(self, json_body: Any, form: Optional[dict], body_factory: Optional[Callable],
                        stream_to: Any) -> dict:
        """The arguments of one attempt; a streamed body is made anew each time."""
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
        return kwargs

    def _send(self, call: _Call, kwargs: dict, expected: Iterable[int], stream_to: Any):
        """One paced attempt: ``(response, None)``, or ``(None, exception)`` when no answer came."""
        pace_before = self.pacer.waited
        token = self.pacer.acquire(call.bucket)
        call.waited += self.pacer.waited - pace_before
        self.request_count += 1
        response = failure = None
        try:
            raw = self.session.request(call.method, call.url, **kwargs)
            content = b''
            if stream_to is not None and raw.status_code in expected:
                for chunk in raw.iter_content(chunk_size=1024 * 1024):
                    stream_to.write(chunk)
            else:
                content = raw.content
            response = ApiResponse(raw.status_code, raw.headers, content, call.method, call.shown)
            self.reached = True
        except NETWORK_ERRORS as exc:  # a clean failure, never a traceback
            failure = exc
        finally:
            self.pacer.release(call.bucket, token)
        if self.log:
            self.log('%s %s -> %s' % (call.method, call.shown, response.status if response is not None
                                      else self.redact(type(failure).__name__)))
        return response, failure

    def _accept(self, call: _Call, response: ApiResponse) -> ApiResponse:
        body = response.json
        if isinstance(body, dict) and str(body.get('status', '')).upper() == 'ERROR' and response.status == 200:
            # Legacy shape: an error inside a 200 (reference section 1.6).
            raise self._error(call, response)
        return response

    def _retry_delay(self, call: _Call, response: Optional[ApiResponse], failure: Optional[BaseException]) -> float:
        """How long to wait before the next attempt; raises when the request must not (or need not) be retried."""
        if response is not None and response.status == 429:
            if not self._is_throttle(response):
                raise self._error(call, response, 'not retried: this is a limit of the account, not throttling of '
                                                  'the request rate')
            delay, told = self._retry_after(response, call.attempts)
            if told and delay > self.retry_budget:
                raise self._error(call, response, 'PythonAnywhere asked to wait %.0f s (Retry-After), more than '
                                                  'api_retry_budget (%.0f s): set api_retry_budget to at least %.0f '
                                                  'to wait, or run again later' % (delay, self.retry_budget,
                                                                                   math.ceil(delay)))
        elif failure is not None:
            hint = self._connection_hint(failure)
            if hint is not None or not call.retry_any or not isinstance(failure, TRANSIENT_ERRORS):
                raise self._connection_error(call, failure, hint)
            delay = self._backoff(call.attempts)
        elif call.retry_any and response.status in RETRIABLE_STATUS:
            delay = self._backoff(call.attempts)
        else:
            raise self._error(call, response)
        if call.attempts > self.retries or self.clock() - call.started + delay > self.retry_budget:
            if response is None:
                raise self._connection_error(call, failure, None)
            raise self._error(call, response, None if call.attempts > self.retries else
                              'gave up: another wait would pass api_retry_budget (%.0f s)' % self.retry_budget)
        return delay

    def _before_retry(self, call: _Call, delay: float, stream_to: Any) -> None:
        if stream_to is not None:
            stream_to.seek(0)
            stream_to.truncate(0)
        self.sleep(delay)
        call.waited += delay

    # What an answer or a failure means ---------------------------------------------------------------
    @staticmethod
    def _is_throttle(response: ApiResponse) -> bool:
        """A 429 of the rate limit (DRF's Throttled: ``Retry-After``, "Request was throttled."), not of a plan limit.

        PA's console limit answers 429 "Console limit reached." with no ``Retry-After``: waiting would not help, and a
        retried POST could even create a console once a slot frees up.
        """
        if response.headers.get('Retry-After'):
            return True
        return 'throttl' in api_message(response.json if response.json is not None else response.text).lower()

    def _retry_after(self, response: ApiResponse, attempts: int):
        """``(seconds, True)`` as the server's ``Retry-After`` says, else ``(backoff, False)``."""
        value = response.headers.get('Retry-After')
        if value:
            try:
                return max(0.0, float(value)), True
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(value).timestamp()
                    return max(0.0, when - self.clock()), True
                except (TypeError, ValueError, IndexError):
                    pass
        return self._backoff(attempts), False

    @staticmethod
    def _backoff(attempts: int, base: float = 1.0, cap: float = 30.0) -> float:
        """Capped exponential backoff with full jitter (at least half the step)."""
        step = min(cap, base * (2 ** (attempts - 1)))
        return step / 2 + random.uniform(0, step / 2)

    def _connection_hint(self, failure: BaseException) -> Optional[str]:
        """What to do about a failure that another attempt would only repeat, or None."""
        parts = urlsplit(self.base_url)
        where = parts.netloc
        causes = _causes(failure)
        text = ' '.join(str(cause) for cause in causes)
        if any(isinstance(cause, ssl.SSLError) for cause in causes) or \
                (requests is not None and isinstance(failure, requests.exceptions.SSLError)):
            if 'WRONG_VERSION_NUMBER' in text or 'wrong version number' in text or 'record layer failure' in text:
                return ('the server at %s does not speak TLS. If it serves plain HTTP (as the simulator does), write '
                        'api_host as http://%s' % (where, where))
            if 'CERTIFICATE_VERIFY_FAILED' in text or 'certificate verify failed' in text:
                return ('the certificate of %s is not trusted: set ca_path to the bundle of the authority that signed '
                        'it (validate_certs=false only for a test server you trust)' % where)
            return 'the TLS handshake with %s failed: check api_host and ca_path' % where
        if self.reached:
            return None  # the server answered before: this may be a restart, worth the retries
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes) or \
                any(getattr(cause, 'errno', None) == errno.ECONNREFUSED for cause in causes):
            return 'nothing accepts connections at %s: check api_host (scheme, host and port)' % where
        if any(isinstance(cause, socket.gaierror) for cause in causes) or 'Failed to resolve' in text:
            return 'the host name %s does not resolve: check api_host' % (parts.hostname or where)
        return None

    def _connection_error(self, call: _Call, failure: BaseException, hint: Optional[str]) -> PythonAnywhereError:
        if hint is not None:
            reason = hint
        else:
            reason = '%s: %s' % (type(failure).__name__, failure)
            if not call.retry_any:
                reason += '; not retried because the request may have been applied'
        return PythonAnywhereError(
            self.redact('%s %s failed: %s (%s)' % (call.method, call.shown, reason, call.summary())),
            method=call.method, path=call.shown, attempts=call.attempts, waited=call.waited,
            maybe_applied=hint is None)

    def _error(self, call: _Call, response: ApiResponse, note: Optional[str] = None) -> PythonAnywhereError:
        body = response.json
        message = api_message(body if body is not None else response.text)
        try:
            reason = http.HTTPStatus(response.status).phrase
        except ValueError:
            reason = ''
        if response.status == 403 and message == PERMISSION_DENIED and note is None:
            note = ('if every request fails this way, the API token may not belong to username %s: PythonAnywhere '
                    'answers 403 on the URLs of any other account' % self.username)
        text = '%s %s failed: HTTP %s%s%s (%s)%s' % (
            call.method, call.shown, response.status, ' ' + reason if reason else '', ': ' + message if message else '',
            call.summary(), '; ' + note if note else '')
        return PythonAnywhereError(self.redact(text), method=call.method, path=call.shown, status=response.status,
                                   body=body, attempts=call.attempts, waited=call.waited)

    # Convenience wrappers -------------------------------------------------------------------------
    def get(self, template: str, **kwargs: Any) -> ApiResponse:
        return self.request('GET', template, **kwargs)

    def get_json(self, template: str, params: Optional[dict] = None, query: Optional[dict] = None,
                 missing_ok: bool = False) -> Any:
        """GET and decode; with ``missing_ok`` a 404 returns None (the resource is absent)."""
        response = self.request('GET', template, params=params, query=query, allowed=(404,) if missing_ok else ())
        if response.status == 404:
            return None
        return response.json

    def post(self, template: str, **kwargs: Any) -> ApiResponse:
        return self.request('POST', template, **kwargs)

    def patch(self, template: str, **kwargs: Any) -> ApiResponse:
        return self.request('PATCH', template, **kwargs)

    def put(self, template: str, **kwargs: Any) -> ApiResponse:
        return self.request('PUT', template, **kwargs)

    def delete(self, template: str, **kwargs: Any) -> ApiResponse:
        return self.request('DELETE', template, **kwargs)
