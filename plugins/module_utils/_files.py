# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Files on PythonAnywhere: reading, listing, streamed uploads and deletes through ``files/path{path}``.

Every request goes through the one API client, so all of them share the pacing bucket ``files/path{path}``
(PA limits each endpoint to 40 requests a minute). Nothing here keeps a whole file in memory: uploads are
streamed from disk by requests-toolbelt's ``MultipartEncoder`` (made anew for each attempt), downloads are
hashed chunk by chunk and only their first bytes are kept (for a diff, or to return small contents).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import traceback

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import ResourceError

TOOLBELT_IMPORT_ERROR = None
try:
    from requests_toolbelt.multipart.encoder import MultipartEncoder
except ImportError:
    MultipartEncoder = None
    TOOLBELT_IMPORT_ERROR = traceback.format_exc()

FILE_PATH = 'files/path{path}'
TREE_PATH = 'files/tree/'
SHARING_PATH = 'files/sharing/'

CHUNK = 1024 * 1024
#: Largest file shown as a text diff (before and after).
DIFF_MAX_BYTES = 64 * 1024


class FilesError(ResourceError):
    """A problem with a path or a file, found before or between requests (shown as the module's failure)."""


def check_remote_path(path, name='path'):
    """Normalise an absolute PythonAnywhere path; refuse relative paths and ``..`` (naming the parameter)."""
    if not isinstance(path, str) or not path.startswith('/'):
        raise FilesError('%s must be an absolute path on PythonAnywhere (starting with /), got %r' % (name, path))
    if '\x00' in path or any(part == '..' for part in path.split('/')):
        raise FilesError('%s must not contain ".." or NUL characters, got %r' % (name, path))
    normalised = posixpath.normpath(path)
    if normalised.startswith('//'):
        normalised = '/' + normalised.lstrip('/')
    return normalised


def join_remote(root, relative):
    """``root`` + ``relative``, refusing anything that would leave ``root``."""
    joined = posixpath.normpath(posixpath.join(root, relative))
    if relative.startswith('/') or not (joined == root or joined.startswith(root.rstrip('/') + '/')):
        raise FilesError('refusing %r: it is outside %s' % (relative, root))
    return joined


def sha256_of_file(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, 'rb') as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b''):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def sha256_of_bytes(data):
    return hashlib.sha256(data).hexdigest()


def looks_like_text(data):
    """UTF-8 without NUL bytes."""
    if b'\x00' in data:
        return False
    try:
        data.decode('utf-8')
    except UnicodeDecodeError:
        return False
    return True


class HashingSink:
    """A write-only stream that hashes what it gets, counts it, and keeps only the first ``keep`` bytes.

    The client writes a download into it chunk by chunk and rewinds it (``seek(0)``/``truncate(0)``)
    before a retry, so the hash always covers exactly one complete body.
    """

    def __init__(self, keep=DIFF_MAX_BYTES):
        self.keep = keep
        self.truncate(0)

    def write(self, chunk):
        self._digest.update(chunk)
        self.size += len(chunk)
        room = self.keep - len(self._head)
        if room > 0:
            self._head.extend(chunk[:room])
        return len(chunk)

    def seek(self, offset, whence=0):
        return 0

    def truncate(self, size=0):
        self._digest = hashlib.sha256()
        self._head = bytearray()
        self.size = 0

    @property
    def sha256(self):
        return self._digest.hexdigest()

    @property
    def complete(self):
        """True when every byte was kept."""
        return self.size <= self.keep

    @property
    def head(self):
        return bytes(self._head)


class HashingReader:
    """The body of one upload attempt: a local file (or bytes) read in chunks by the multipart encoder,
    hashed on the way. ``len`` (what is left to read, as requests-toolbelt expects) lets the encoder tell
    its total size, so requests sends a Content-Length and streams the body."""

    def __init__(self, source=None, content=None):
        if source is not None:
            self._stream = open(source, 'rb')
            self._size = os.fstat(self._stream.fileno()).st_size
        else:
            self._stream = io.BytesIO(content)
            self._size = len(content)
        self._read = 0
        self._digest = hashlib.sha256()

    @property
    def len(self):
        return max(0, self._size - self._read)

    def read(self, size=-1):
        chunk = self._stream.read(size if size is not None else -1)
        self._read += len(chunk)
        self._digest.update(chunk)
        if not chunk:
            self._size = self._read  # the file shrank while it was read: end here
        return chunk

    def close(self):
        self._stream.close()

    @property
    def sha256(self):
        return self._digest.hexdigest()


class RemoteFile:
    """What a GET of a path found: a file (hashed, maybe with its content), a directory, or nothing."""

    def __init__(self, path, kind, sha256=None, size=None, head=b'', complete=False, entries=None):
        self.path = path
        self.kind = kind  # 'file', 'directory' or None
        self.sha256 = sha256
        self.size = size
        self.head = head
        self.complete = complete
        self.entries = entries

    @property
    def exists(self):
        return self.kind is not None

    @property
    def content(self):
        """The whole content when it was kept, else None."""
        return self.head if self.kind == 'file' and self.complete else None


def listing_entries(body):
    """``{name: type}`` from a directory listing (reference 2.8), or None when ``body`` is not one."""
    if not isinstance(body, dict):
        return None
    entries = {}
    for name, value in body.items():
        if not isinstance(value, dict) or 'type' not in value:
            return None
        entries[name] = value['type']
    return entries


class RemoteFiles:
    """The file operations of one account, over the shared API client."""

    def __init__(self, client):
        self.client = client
        #: Paths whose upload took more than one attempt: an earlier attempt may still land late on the server.
        self.retried_uploads = []

    @property
    def requests(self):
        return self.client.request_count

    def read(self, path, keep=DIFF_MAX_BYTES):
        """GET ``path``: a file is streamed through a :class:`HashingSink`, a directory comes back listed.

        A directory answers JSON (``application/json``), a file raw bytes (``application/octet-stream``).
        """
        sink = HashingSink(keep=max(keep, DIFF_MAX_BYTES))
        response = self.client.request('GET', FILE_PATH, params={'path': path}, allowed=(404,), stream_to=sink)
        if response.status == 404:
            return RemoteFile(path, None)
        content_type = (response.headers.get('Content-Type') or '').lower()
        if 'json' in content_type:
            entries = None
            if sink.complete:
                try:
                    entries = listing_entries(json.loads(sink.head.decode('utf-8')))
                except (ValueError, UnicodeDecodeError):
                    entries = None
            elif content_type.startswith('application/json'):
                entries = self.list_dir(path)  # a listing larger than the sink: read it again, whole
            if entries is not None:
                return RemoteFile(path, 'directory', entries=entries)
        return RemoteFile(path, 'file', sha256=sink.sha256, size=sink.size, head=sink.head, complete=sink.complete)

    def fetch(self, path):
        """``(bytes, content type)`` of a small file such as the sync manifest, or ``(None, None)`` if missing."""
        response = self.client.request('GET', FILE_PATH, params={'path': path}, allowed=(404,))
        if response.status == 404:
            return None, None
        return response.content, (response.headers.get('Content-Type') or '').lower()

    def sha256(self, path):
        """Download ``path`` and hash it on the fly (nothing of it is kept in memory); None if missing."""
        sink = HashingSink(keep=0)
        response = self.client.request('GET', FILE_PATH, params={'path': path}, allowed=(404,), stream_to=sink)
        if response.status == 404:
            return None
        return sink.sha256

    def list_dir(self, path):
        """``{name: 'file'|'directory'}`` of a directory (dotfiles included, not capped), or None if missing.

        Raises :class:`FilesError` when ``path`` is a file.
        """
        response = self.client.request('GET', FILE_PATH, params={'path': path}, allowed=(404,))
        if response.status == 404:
            return None
        entries = listing_entries(response.json)
        if entries is None:
            raise FilesError('%s is a file, not a directory' % path)
        return entries

    def kind_of(self, path):
        """``'file'``, ``'directory'`` or None, from the listing of the parent (never downloads ``path``)."""
        if path == '/':
            return 'directory'
        parent, name = posixpath.split(path)
        try:
            entries = self.list_dir(parent)
        except FilesError:
            return None
        if entries is None:
            return None
        return entries.get(name)

    def upload(self, path, source=None, content=None):
        """POST a file to ``path``, streamed from the local file ``source`` or from ``content`` (bytes).

        Returns the SHA-256 of the bytes actually sent (a file changed while a run was going records what
        was uploaded, not what was planned). An upload is safe to repeat (same path, same bytes), so it is
        retried after a dropped connection or a 5xx as well as after a 429; each attempt gets a new encoder.
        """
        if MultipartEncoder is None:
            raise FilesError('the Python library requests-toolbelt is required to upload files')
        readers = []

        def body():
            for reader in readers:
                reader.close()
            del readers[:]
            reader = HashingReader(source, content)
            readers.append(reader)
            encoder = MultipartEncoder(fields={'content': (posixpath.basename(path) or 'file', reader,
                                                           'application/octet-stream')})
            return encoder, encoder.content_type

        try:
            attempts = []
            self.client.request('POST', FILE_PATH, params={'path': path},
                                body_factory=lambda: attempts.append(1) or body(), expected=(200, 201), idempotent=True)
            if len(attempts) > 1:
                self.retried_uploads.append(path)
            return readers[-1].sha256
        finally:
            for reader in readers:
                reader.close()

    def delete(self, path):
        """DELETE ``path`` (a directory goes with everything in it). Returns False when it was already gone."""
        response = self.client.request('DELETE', FILE_PATH, params={'path': path}, expected=(200, 204), allowed=(404,))
        return response.status != 404


def local_file_summary(path):
    """sha256, size and (for a small file) its bytes, read in chunks."""
    digest, size = sha256_of_file(path)
    head = b''
    if size <= DIFF_MAX_BYTES:
        with open(path, 'rb') as stream:
            head = stream.read()
    return digest, size, head


def describe_for_diff(label, sha256, size, data):
    """A diff side: the text of a small text file, else a summary line with size and sha256."""
    if data is not None and size is not None and size <= DIFF_MAX_BYTES and looks_like_text(data):
        return data.decode('utf-8')
    if sha256 is None:
        return ''
    return '%s: %d bytes, sha256 %s\n' % (label, size or 0, sha256)
