# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``directory_sync``'s archive transfer: one upload and one command instead of one request per file.

PythonAnywhere allows 40 requests a minute on the files endpoint, so 1,000 files take 25 minutes one by
one. Here the files to upload go into a gzipped tar built as a stream on the module host (through
:class:`PartWriter`: each part of at most ``part_size`` bytes is uploaded as soon as it is full, then
removed, so neither memory nor disk ever holds the whole archive), and the extraction script
(:mod:`._archive_extract`, uploaded beside the parts) runs on PythonAnywhere through the command capability.
It refuses unsafe entries, checks every file's SHA-256 against the plan, and deletes what the plan deletes in
the same command.

The manifest stays truthful (see :mod:`._sync`): it is rewritten ``complete: false`` without the entries
the run is about to replace or delete before the first write, and afterwards it records only the files the
script verified, exactly: from its result line when it finished (checked with a digest over the verified
pairs), else from the journal it appends to after each file. The run folder (parts, spec, script,
journal) is deleted in every outcome.

:func:`choose` decides per run between this and file by file, from the time each would take.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import posixpath
import re
import shlex
import stat
import tarfile
import tempfile
import time

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _archive_extract as extract
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._command import (
    SCHEDULE_LEAD,
    CommandRunner,
    NoRoute,
    NotStarted,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import FilesError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import ResourceError

FILES = 'files'
ARCHIVE = 'archive'
AUTO = 'auto'
TRANSFERS = (AUTO, FILES, ARCHIVE)

#: PythonAnywhere's web UI refuses uploads over 100 MiB; the API's limit is unknown. Parts stay well below.
DEFAULT_PART_SIZE = 32 * 1024 * 1024
MIN_PART_SIZE = 64 * 1024
MAX_PART_SIZE = 100 * 1024 * 1024

#: Run folders go in the account's home (which the command sees on any PythonAnywhere server), named
#: ``<prefix><deadline>-<id>``: a later run removes those whose deadline has passed (a run killed midway).
WORK_PREFIX = '.ansible-pythonanywhere-archive-'
WORK_NAME = re.compile(r'^\.ansible-pythonanywhere-archive-(\d+)-[0-9a-f]+$')
#: How long after its timeout a run folder may still be in use.
WORK_GRACE = 3600

#: Requests on the files endpoint besides the parts: manifest read and invalidation, script, spec, final
#: manifest, run folder removal (the command's own requests are in its route's latency).
ARCHIVE_OVERHEAD_REQUESTS = 6
#: What one request costs at best (a round trip), besides the pacing.
REQUEST_SECONDS = 0.3
#: Extraction on PythonAnywhere, per file and per MiB (generous).
EXTRACT_SECONDS_PER_FILE = 0.002
EXTRACT_SECONDS_PER_MIB = 0.1
#: Below this estimated file-by-file time, the archive is not even considered (no route lookup).
NOT_WORTH_SECONDS = 20.0


class ArchiveError(FilesError):
    """The archive transfer failed; the manifest records what was verified, a re-run repairs."""

    def __init__(self, message, verified=None):
        super().__init__(message)
        self.verified = dict(verified or {})


def script_source():
    """The text of the extraction script uploaded to PythonAnywhere."""
    return inspect.getsource(extract)


def check_part_size(value):
    if value is None:
        return DEFAULT_PART_SIZE
    value = int(value)
    if value < MIN_PART_SIZE or value > MAX_PART_SIZE:
        raise FilesError('archive_part_size must be between %d and %d bytes (PythonAnywhere\'s web UI refuses '
                         'uploads over 100 MiB), got %d' % (MIN_PART_SIZE, MAX_PART_SIZE, value))
    return value


# --- choosing -----------------------------------------------------------------------------------------
def paced_seconds(requests, limit, period):
    """Least time ``requests`` to one endpoint take under a sliding window of ``limit`` per ``period``."""
    if not limit or not period:
        return requests * REQUEST_SECONDS
    return max(max(0, requests - limit) * float(period) / limit, requests * REQUEST_SECONDS)


def files_requests(the_plan, batch_size):
    """Requests file by file: one per operation, the manifest checkpoints and writes."""
    ops = len(the_plan['ops'])
    checkpoints = max(0, (ops - 1) // batch_size) if batch_size else 0
    return ops + checkpoints + (1 if the_plan.get('invalidate_first') else 0) + 1


def upload_bytes(the_plan, sizes):
    return sum(sizes.get(rel, 0) for kind, rel in the_plan['ops'] if kind == 'upload')


def archive_seconds(uploads, total_bytes, route_latency, part_size, limit, period):
    """One upload per part plus a few files requests, the route's latency, and the extraction."""
    parts = max(1, -(-total_bytes // part_size))
    transfer = paced_seconds(parts + ARCHIVE_OVERHEAD_REQUESTS, limit, period) + route_latency
    extraction = uploads * EXTRACT_SECONDS_PER_FILE + total_bytes / 1048576.0 * EXTRACT_SECONDS_PER_MIB
    return transfer + extraction


def choose(the_plan, transfer, sizes, batch_size, limit, period, part_size, route):
    """``(transfer, reason, estimates)`` for this run.

    ``route()`` is called only when the archive is worth considering; it returns ``(name, latency seconds)``
    of the account's command route, or ``(None, why not)``.
    """
    uploads = sum(1 for kind, _rel in the_plan['ops'] if kind == 'upload')
    estimates = {'files_s': round(paced_seconds(files_requests(the_plan, batch_size), limit, period), 1)}
    if transfer == FILES:
        return FILES, 'transfer=files', estimates
    if not the_plan['ops']:
        return FILES, 'nothing to transfer', estimates
    if transfer == AUTO and estimates['files_s'] < NOT_WORTH_SECONDS:
        return FILES, 'file by file takes about %ds, less than any command route' % estimates['files_s'], estimates
    name, latency = route()
    if name is None:
        if transfer == ARCHIVE:
            raise ArchiveError('transfer=archive needs a way to run a command on PythonAnywhere: %s' % latency)
        return FILES, 'file by file: no command route on this account (%s)' % latency, estimates
    estimates['archive_s'] = round(archive_seconds(uploads, upload_bytes(the_plan, sizes), latency, part_size,
                                                   limit, period), 1)
    estimates['route'] = name
    if transfer == ARCHIVE:
        return ARCHIVE, 'transfer=archive', estimates
    if estimates['archive_s'] < estimates['files_s']:
        return ARCHIVE, 'an archive run through %s takes about %ds, file by file about %ds' % (
            name, estimates['archive_s'], estimates['files_s']), estimates
    return FILES, 'file by file takes about %ds, an archive through %s about %ds' % (
        estimates['files_s'], name, estimates['archive_s']), estimates


# --- building and uploading -------------------------------------------------------------------------------
class PartWriter:
    """A write-only stream cut into files of at most ``part_size`` bytes in a temporary folder.

    ``on_part(path, index)`` is called with each full part (and the last one on :meth:`close`); it uploads the
    part, which is then removed: the disk holds one part at a time.
    """

    def __init__(self, folder, part_size, on_part):
        self.folder = folder
        self.part_size = part_size
        self.on_part = on_part
        self.index = 0
        self.size = 0
        self.total = 0
        self.stream = None

    def _open(self):
        self.stream = open(os.path.join(self.folder, 'part-%03d' % self.index), 'wb')
        self.size = 0

    def _flush_part(self):
        path = self.stream.name
        self.stream.close()
        self.stream = None
        try:
            self.on_part(path, self.index)
        finally:
            os.unlink(path)
        self.index += 1

    def write(self, data):
        view = memoryview(data)
        while len(view):
            if self.stream is None:
                self._open()
            room = self.part_size - self.size
            chunk = view[:room]
            self.stream.write(chunk)
            self.size += len(chunk)
            self.total += len(chunk)
            view = view[len(chunk):]
            if self.size >= self.part_size:
                self._flush_part()
        return len(data)

    def close(self):
        if self.stream is not None and self.size:
            self._flush_part()
        elif self.stream is not None:
            self.stream.close()
            os.unlink(self.stream.name)
            self.stream = None

    def abort(self):
        if self.stream is not None:
            self.stream.close()
            os.unlink(self.stream.name)
            self.stream = None


class HashingFile:
    """A local file read by tarfile, hashed on the way; exactly ``size`` bytes (it must not shrink)."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def build_archive(sources, writer, now=None):
    """Write a gzipped tar of ``sources`` (``{relative: local path}``) into ``writer``.

    Returns ``{relative: {'sha256', 'mode', 'size'}}`` of the bytes actually archived (a file changed since
    the plan is archived, and expected, as it is now).
    """
    files = {}
    archive = tarfile.open(fileobj=writer, mode='w|gz', format=tarfile.PAX_FORMAT)
    try:
        for relative in sorted(sources):
            with open(sources[relative], 'rb') as stream:
                info = os.fstat(stream.fileno())
                member = tarfile.TarInfo(relative)
                member.size = info.st_size
                member.mode = stat.S_IMODE(info.st_mode) & 0o777
                member.mtime = int(now if now is not None else info.st_mtime)
                member.type = tarfile.REGTYPE
                reader = HashingFile(stream)
                try:
                    archive.addfile(member, reader)
                except OSError as exc:
                    raise FilesError('%s changed while it was archived: %s' % (sources[relative], exc))
            files[relative] = {'sha256': reader.digest.hexdigest(), 'mode': member.mode, 'size': member.size}
    finally:
        archive.close()
    return files


# --- the run on PythonAnywhere ----------------------------------------------------------------------------
def work_folder(username, run_id, timeout, now=None):
    deadline = int((time.time() if now is None else now) + timeout + WORK_GRACE)
    return '/home/%s/%s%d-%s' % (username, WORK_PREFIX, deadline, run_id[:12])


def expired_folders(entries, now=None):
    """Names of run folders (from a listing of the home folder) whose deadline has passed."""
    now = time.time() if now is None else now
    return sorted(name for name, kind in (entries or {}).items()
                  if kind == 'directory' and WORK_NAME.match(name) and int(WORK_NAME.match(name).group(1)) < now)


def parse_result(stdout):
    """The script's result line, or None."""
    for line in reversed((stdout or '').splitlines()):
        if line.startswith(extract.RESULT_MARKER):
            try:
                return json.loads(line[len(extract.RESULT_MARKER):])
            except ValueError:
                return None
    return None


def parse_journal(raw, expected):
    """Verified ``{relative: sha256}`` from the journal, keeping only lines that match the plan."""
    verified = {}
    for line in (raw or b'').decode('utf-8', 'replace').splitlines():
        try:
            relative, sha = json.loads(line)
        except (ValueError, TypeError):
            continue  # a line cut by a kill
        if expected.get(relative) == sha:
            verified[relative] = sha
    return verified


class ArchiveRun:
    """Apply a plan's operations with one archive and one command. See the module docstring.

    ``remote`` is a :class:`._files.RemoteFiles`; ``run_command(command, timeout)`` runs a shell command on the
    account through the command capability and returns a dict with ``rc``, ``stdout``, ``stderr`` and ``via``
    (it raises on a route failure). ``write_manifest(files, complete)`` writes the sync manifest.
    """

    def __init__(self, remote, run_command, write_manifest, username, dest, run_id, part_size=DEFAULT_PART_SIZE,
                 timeout=3600, python='python3', tmpdir=None, folder=None):
        self.remote = remote
        self.run_command = run_command
        self.write_manifest = write_manifest
        self.dest = dest
        self.home = '/home/%s' % username
        self.folder = folder or work_folder(username, run_id, timeout)
        self.removed_leftovers = []
        self.part_size = part_size
        self.timeout = timeout
        self.python = python
        self.tmpdir = tmpdir
        self.parts = []
        self.bytes = 0
        self.command = None

    def upload_part(self, path, index):
        remote_path = posixpath.join(self.folder, 'part-%03d.tar.gz' % index)
        self.remote.upload(remote_path, source=path)
        self.parts.append(remote_path)

    def apply(self, ops, sources, known, invalidate):
        """Returns what :func:`._sync.apply_batch` returns, plus ``archive`` (parts, bytes, via)."""
        known = dict(known)
        for kind, relative in ops:
            if kind in ('upload', 'delete'):
                known.pop(relative, None)
            elif kind == 'rmdir':
                for entry in [k for k in known if k == relative or k.startswith(relative + '/')]:
                    known.pop(entry)
        uploads = dict((rel, sources[rel]) for kind, rel in ops if kind == 'upload')
        if invalidate:
            self.write_manifest(known, False)
        verified = {}
        outcome = failure = None
        try:
            files = self.send(uploads)
            outcome, verified = self.extract(ops, files)
        except ArchiveError as exc:
            failure, verified = exc, exc.verified
        except (PythonAnywhereError, ResourceError) as exc:
            failure = exc
        except OSError as exc:
            failure = ArchiveError('building the archive failed: %s' % exc)
        finally:
            self.cleanup()
        known.update(verified)
        if failure is not None:
            try:  # the files verified so far, and nothing else
                self.write_manifest(known, False)
            except (PythonAnywhereError, FilesError):
                pass
            raise failure
        self.write_manifest(known, True)
        removed = outcome['result'].get('removed', [])
        return {
            'uploaded': verified,
            'deleted': [rel for kind, rel in removed if kind == 'delete'],
            'removed_dirs': [rel for kind, rel in removed if kind == 'rmdir'],
            'pruned': [rel for kind, rel in removed if kind == 'prune'],
            'known': known,
            'archive': {'parts': len(self.parts), 'bytes': self.bytes, 'via': outcome.get('via'),
                        'command_s': outcome.get('seconds')},
        }

    def send(self, uploads):
        """Build the archive as a stream, each part uploaded as it is full; then the script. Returns the files."""
        if self.folder.startswith(self.home + '/' + WORK_PREFIX):
            for name in expired_folders(self.remote.list_dir(self.home)):
                self.remote.delete(posixpath.join(self.home, name))
                self.removed_leftovers.append(name)
        files = {}
        if uploads:
            folder = tempfile.mkdtemp(prefix='pa-sync-archive-', dir=self.tmpdir)
            try:
                writer = PartWriter(folder, self.part_size, self.upload_part)
                try:
                    files = build_archive(uploads, writer)
                    writer.close()
                finally:
                    writer.abort()
                self.bytes = writer.total
            finally:
                for name in os.listdir(folder):
                    os.unlink(os.path.join(folder, name))
                os.rmdir(folder)
        self.remote.upload(posixpath.join(self.folder, 'extract.py'), content=script_source().encode('utf-8'))
        return files

    def extract(self, ops, files):
        """Upload the spec, run the script, and learn exactly which files it verified."""
        spec = {
            'dest': self.dest,
            'parts': self.parts,
            'files': dict((rel, {'sha256': entry['sha256'], 'mode': entry['mode']}) for rel, entry in files.items()),
            'ops': [list(op) for op in ops],
            'journal': posixpath.join(self.folder, 'journal.jsonl'),
        }
        spec_path = posixpath.join(self.folder, 'spec.json')
        self.remote.upload(spec_path, content=json.dumps(spec, sort_keys=True).encode('utf-8'))
        expected = dict((rel, entry['sha256']) for rel, entry in files.items())
        self.command = '%s %s %s' % (self.python, shlex.quote(posixpath.join(self.folder, 'extract.py')),
                                     shlex.quote(spec_path))
        started = time.time()
        try:
            ran = self.run_command(self.command, self.timeout)
        except (NoRoute, NotStarted):
            raise  # nothing ran: the caller may go file by file
        except (PythonAnywhereError, ResourceError) as exc:
            verified = self.read_journal(spec['journal'], expected)
            raise ArchiveError('the extraction command failed: %s (%d of %d files verified and recorded; the next '
                               'run repairs the rest)' % (exc, len(verified), len(expected)),
                               verified=verified)
        seconds = round(time.time() - started, 1)
        result = parse_result(ran.get('stdout'))
        outcome = {'via': ran.get('via'), 'seconds': seconds, 'result': result or {}}
        if result is not None and 'refused' in result:
            raise ArchiveError('the extraction script refused the archive, nothing was written: %s' % result['refused'],
                               verified={})
        if result is not None and result.get('verified') == len(expected) \
                and result.get('digest') == extract.verified_digest(expected.items()):
            verified = dict(expected)
        else:
            verified = self.read_journal(spec['journal'], expected)
        if ran.get('rc') != 0 or len(verified) != len(expected):
            problems = []
            if result:
                problems.extend('%s: hash %s is not the planned one' % (rel, sha)
                                for rel, sha in sorted(result.get('mismatched', {}).items())[:5])
                problems.extend(sorted(result.get('errors', {}).values()))
                problems.extend('%s %s: %s' % tuple(entry) for entry in result.get('not_removed', [])[:5])
            if not problems:
                problems.append((ran.get('stderr') or '').strip()[-500:] or 'return code %s' % ran.get('rc'))
            message = 'the extraction on PythonAnywhere did not finish: %s (%d of %d files verified and recorded; ' \
                'the next run repairs the rest)' % ('; '.join(problems), len(verified), len(expected))
            raise ArchiveError(message, verified=verified)
        return outcome, verified

    def read_journal(self, path, expected):
        try:
            raw, _type = self.remote.fetch(path)
        except (PythonAnywhereError, FilesError):
            return {}
        return parse_journal(raw, expected)

    def cleanup(self):
        """Remove the run folder (parts, script, spec, journal) in every outcome: one request."""
        try:
            self.remote.delete(self.folder)
        except (PythonAnywhereError, FilesError):
            pass


# --- wiring: the command capability, the lease, the fallback ---------------------------------------------------
VIAS = ('auto', 'always_on', 'scheduled_task', 'console')


def expected_latency(via):
    """Seconds until the extraction has run and its result is seen, on the route ``via`` (no request sent).

    An always-on task starts at once, and so does a started console. A scheduled task waits for the next minute
    boundary at least ``SCHEDULE_LEAD`` seconds away (up to 70 s), then the polls see the result. ``auto`` tries
    an always-on task first, but many accounts only have scheduled tasks: it is estimated as one, at its
    longest, so that the choice does not depend on the second at which a run starts.
    """
    if via in ('always_on', 'console'):
        return 15.0
    return 60.0 + SCHEDULE_LEAD + 10.0


def local_sizes(sources, ops):
    """``{relative: bytes}`` of the local files to upload (for the estimate)."""
    sizes = {}
    for kind, relative in ops:
        if kind == 'upload' and relative in sources:
            try:
                sizes[relative] = os.path.getsize(sources[relative])
            except OSError:
                sizes[relative] = 0
    return sizes


def with_transfer(result, done, chosen, note):
    """``result`` (a sync's summary) with how the files went: ``transfer``, ``transfer_note``, ``archive``."""
    result = dict(result, transfer=chosen, transfer_note=note)
    if done and done.get('transfer'):
        result['transfer'] = done['transfer']
        if done['transfer'] == ARCHIVE:
            result['archive'] = done['archive']
            result['transfer_note'] = '%s; %s' % (note, done['transfer_note'])
        else:
            result['transfer_note'] = done['transfer_note']
    return result


def decide(the_plan, params, sizes):
    """:func:`choose` from a task's parameters (``transfer``, ``batch_size``, ``rate_limit``,
    ``rate_limit_period``, ``archive_part_size``, ``archive_via``). No request is sent: whether the account
    really has a route is learnt when the command is started (see :func:`transfer`'s fallback)."""
    via = params.get('archive_via') or 'auto'
    limit = params.get('rate_limit')
    period = params.get('rate_limit_period')
    return choose(the_plan, params.get('transfer') or AUTO, sizes, int(params.get('batch_size') or 40),
                  40 if limit is None else int(limit), 60.0 if period is None else float(period),
                  check_part_size(params.get('archive_part_size')), lambda: (via, expected_latency(via)))


def check_console(client, the_plan, params, sizes):
    """Before any write, and in check mode too: when this run will go by archive through the console
    ``archive_console_id``, that console must exist (one read), else the run would fail after its uploads."""
    console_id = params.get('archive_console_id')
    if not console_id or params.get('archive_via') not in ('auto', 'console', None):
        return
    if decide(the_plan, params, sizes)[0] != ARCHIVE:
        return
    if client.get_json('consoles/{id}/', params={'id': console_id}, missing_ok=True) is None:
        raise ArchiveError('archive_console_id %s: there is no such console on this account (see '
                           'pythonanywhere.pythonanywhere.console_info); nothing was written' % console_id)


def transfer(client, remote, dest, ops, sources, known, write_manifest, invalidate, run_id, part_size=DEFAULT_PART_SIZE,
             via='auto', timeout=1800, lease=None, fallback=None, console_id=None, console=None):
    """Apply ``ops`` through an archive; returns :meth:`ArchiveRun.apply`'s result plus ``transfer`` and
    ``transfer_note``.

    ``write_manifest(files, complete)`` writes the manifest (under the lease). While the command runs, the
    runner's pauses renew the lease. When the account has no command route (nothing was started),
    ``fallback(known)`` applies the same operations file by file, and the result says why. ``console_id`` (with
    ``console``, a :class:`._console.Console`) is a console started once in a browser: the route of
    ``via=console``, and the last one ``auto`` tries.
    """
    def pause(seconds):
        if lease is not None:
            lease.ensure()
        time.sleep(seconds)

    runner = CommandRunner(client, sleep=pause)
    home = '/home/%s' % client.username

    def run_command(command, seconds):
        ran = runner.run(command, home, {}, seconds, via, console_id=console_id, console=console)
        return {'rc': ran['rc'], 'stdout': ran['stdout'], 'stderr': ran['stderr'], 'via': ran['via']}

    run = ArchiveRun(remote, run_command, write_manifest, client.username, dest, run_id, part_size=part_size,
                     timeout=timeout)
    try:
        done = run.apply(ops, sources, known, invalidate)
    except (NoRoute, NotStarted) as exc:
        # The command module's advice (a console) is not for a sync, which has no console route: say what refused.
        why = ('no command route on this account (%s)' % exc.result.get('refusals', exc) if isinstance(exc, NoRoute)
               else 'the extraction command did not start (%s)' % exc)
        if fallback is None:
            raise ArchiveError('transfer=archive could not extract the archive: %s. Nothing was extracted and its '
                               'files were removed; use transfer=auto or files on this account' % why)
        done = fallback(known)
        done.update(transfer=FILES, transfer_note='file by file: %s' % why)
        return done
    done.update(transfer=ARCHIVE, transfer_note='one archive of %d bytes in %d part(s), extracted through %s' % (
        done['archive']['bytes'], done['archive']['parts'], done['archive']['via']))
    return done
