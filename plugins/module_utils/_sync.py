# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Directory sync: plan what to upload and delete, then apply the plan in batches.

The plan needs the SHA-256 of every local file (hashed where the files are: on the controller, by the
action plugin) and what is on PythonAnywhere. The remote side is learnt, cheapest first:

1. One GET of the manifest (:mod:`._manifest`). A trusted manifest is the whole picture: nothing else is read.
2. Otherwise (missing, corrupt, foreign, incomplete, a file/directory conflict, or ``verify``), an inventory:
   one listing per folder under ``dest`` (``files/path`` listings see dotfiles and are not capped at 1,000
   entries like ``files/tree/``), skipping excluded folders; then for each file present on both sides
   whose hash is not known from an incomplete manifest, a download hashed chunk by chunk.

Operations come out in a safe order: removals that make room (a file where a folder must go, or the
reverse), uploads, then deletions of files no longer in the source, then folders left empty.

Applying a batch (:func:`apply_batch`) keeps the manifest truthful at every moment: before the first
write of a run it is rewritten with ``complete: false`` and only the entries the run will not touch (that
write carries the run's lease, see :mod:`._lease`);
after each batch it is rewritten (still incomplete) with the files that batch uploaded; only the last
batch writes ``complete: true``. A run killed at any point leaves a manifest that claims nothing false.
"""

from __future__ import annotations

import os
import uuid

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _manifest as manifest
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._lease import (
    Lease,
    LeaseError,
    lease_name,
    timings,
    wait_until_free,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._patterns import PathFilter, PatternError, parse_lines
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import (
    FilesError,
    check_remote_path,
    join_remote,
    sha256_of_file,
)

UPLOAD = 'upload'
DELETE = 'delete'    # one file
RMDIR = 'rmdir'      # a folder with everything in it (only when the inventory saw all of it)
PRUNE = 'prune'      # a folder, only if it is empty by then (checked with one listing)
OP_KINDS = (UPLOAD, DELETE, RMDIR, PRUNE)

KEPT_CHANGING = '%s kept changing while this sync planned (another sync is writing it); try again'

#: Longest list of paths a result carries (counts are always complete).
LIST_LIMIT = 1000

#: Root folders that a sync with ``delete`` must not target (it would sweep the whole home directory).
PROTECTED_ROOTS = ('/', '/home', '/var', '/var/www', '/var/log', '/tmp')


def protected_dest(dest, username):
    return dest in PROTECTED_ROOTS or dest == '/home/%s' % username


def check_options(params, username, ignore_lines=()):
    """Check a sync's options before any request; return ``(dest, PathFilter)``.

    Raises :class:`FilesError` naming the parameter. Used by the module and, earlier, by its action plugin.
    """
    dest = check_remote_path(params.get('dest'), 'dest')
    if dest == '/':
        raise FilesError('dest must not be /')
    if params.get('delete') and protected_dest(dest, username or ''):
        raise FilesError('delete=true is refused for dest=%s: it would sweep a whole root folder; '
                         'sync into a subfolder instead' % dest)
    name = params.get('manifest_name') or manifest.DEFAULT_NAME
    if '/' in name or name in ('.', '..'):
        raise FilesError('manifest_name must be a plain file name, got %r' % (name,))
    batch_size = params.get('batch_size')
    if batch_size is not None and int(batch_size) < 1:
        raise FilesError('batch_size must be at least 1, got %s' % batch_size)
    lock_timeout = params.get('lock_timeout')
    if lock_timeout is not None and int(lock_timeout) < 0:
        raise FilesError('lock_timeout must be 0 or more seconds, got %s' % lock_timeout)
    console_id = params.get('archive_console_id')
    if params.get('archive_via') == 'console' and console_id in (None, ''):
        raise FilesError('archive_via=console needs archive_console_id, the id of a console started in a browser')
    if console_id not in (None, '') and (not str(console_id).isdigit() or int(console_id) < 1):
        raise FilesError('archive_console_id must be a positive console id, got %r' % (console_id,))
    try:
        path_filter = PathFilter(exclude=list(ignore_lines or []) + list(params.get('exclude') or []),
                                 include=params.get('include') or [],
                                 default_excludes=params.get('default_excludes', True) not in (False, 'false', 'no'),
                                 always_exclude=[name, lease_name(name)])
    except PatternError as exc:
        raise FilesError('exclude/include/ignore_file: %s' % exc)
    return dest, path_filter


def parents(relative):
    """``a/b/c.txt`` -> ``['a', 'a/b']``."""
    parts = relative.split('/')[:-1]
    return ['/'.join(parts[:i + 1]) for i in range(len(parts))]


# --- the local side ---------------------------------------------------------------------------------
def read_ignore_file(src, ignore_file):
    """The patterns of a ``.gitignore``-style file (a relative path is relative to ``src``); [] without one."""
    if not ignore_file:
        return []
    path = os.path.expanduser(ignore_file)
    if not os.path.isabs(path):
        path = os.path.join(src, path)
    try:
        with open(path, 'r', encoding='utf-8') as stream:
            return parse_lines(stream.read().splitlines())
    except (OSError, UnicodeDecodeError) as exc:
        raise FilesError('ignore_file %s cannot be read: %s' % (path, exc))


def unsafe_name(name):
    """Why a local file or folder name cannot be synced (None when it can): PythonAnywhere paths are
    UTF-8 URLs, and a backslash or a control character (a newline) has no faithful place in them."""
    try:
        name.encode('utf-8')
    except UnicodeEncodeError:
        return 'its name is not valid UTF-8'
    if '\\' in name:
        return 'its name holds a backslash'
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return 'its name holds a control character (such as a newline)'
    return None


def _inside(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def scan_local(src, path_filter, follow_external_symlinks=False, skipped=None):
    """``{relative: absolute path}`` of the files under ``src`` that the filter takes.

    Symbolic links that stay inside ``src`` are followed (a link back to a folder already walked is skipped);
    links that point outside it are skipped unless ``follow_external_symlinks``. Names that cannot be synced
    (see :func:`unsafe_name`) are skipped too, so that they never stop a run midway. Each skipped path is
    appended to ``skipped`` (a list) as ``[relative, reason]``. Folders that are virtualenvs (a ``pyvenv.cfg``
    inside) are skipped by the default excludes.
    """
    if not os.path.isdir(src):
        raise FilesError('src %s is not a directory' % src)
    found = {}
    seen = set()
    root = os.path.realpath(src)
    skipped = [] if skipped is None else skipped

    def walk(folder, prefix):
        real = os.path.realpath(folder)
        if real in seen:
            return
        seen.add(real)
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise FilesError('cannot read %s: %s' % (folder, exc))
        if prefix and path_filter.is_virtualenv(names):
            return
        for name in names:
            absolute = os.path.join(folder, name)
            relative = prefix + name
            is_dir = os.path.isdir(absolute)
            if not (path_filter.enters_dir(relative) if is_dir else path_filter.takes_file(relative)):
                continue
            why = unsafe_name(name)
            if why is None and os.path.islink(absolute) and not follow_external_symlinks:
                target = os.path.realpath(absolute)
                if not _inside(target, root):
                    why = 'a symbolic link to %s, outside src (see follow_external_symlinks)' % target
            if why is not None:
                skipped.append([relative.encode('utf-8', 'backslashreplace').decode('utf-8'), why])
            elif is_dir:
                walk(absolute, relative + '/')
            elif os.path.isfile(absolute):
                found[relative] = absolute
            # sockets, fifos and broken links are not files: skipped

    walk(src, '')
    return found


def skipped_warning(skipped):
    """The warning for the paths :func:`scan_local` skipped (at most ten named)."""
    shown = ', '.join('%s (%s)' % (rel, why) for rel, why in skipped[:10])
    more = ' and %d more' % (len(skipped) - 10) if len(skipped) > 10 else ''
    return '%d path(s) in src not synced: %s%s' % (len(skipped), shown, more)


def hash_local(files):
    """``{relative: sha256}`` for ``{relative: absolute path}``."""
    return dict((relative, sha256_of_file(path)[0]) for relative, path in files.items())


# --- the remote side --------------------------------------------------------------------------------
class Inventory:
    """What the folder listings under ``dest`` show."""

    def __init__(self):
        self.exists = False
        self.files = set()      # managed files (relative)
        self.dirs = set()       # managed folders that were entered (relative)
        self.held = set()       # folders holding something the sync leaves alone (excluded, or not included)
        self.listings = 0


def take_inventory(remote, dest, path_filter):
    """List every folder under ``dest`` that the filter enters (one request per folder)."""
    inventory = Inventory()
    pending = ['']
    while pending:
        relative = pending.pop(0)
        path = join_remote(dest, relative) if relative else dest
        entries = remote.list_dir(path)
        inventory.listings += 1
        if entries is None:
            if not relative:
                return inventory  # dest does not exist yet: nothing on the server
            continue  # removed while we looked
        if not relative:
            inventory.exists = True
        if relative and path_filter.is_virtualenv(entries):
            inventory.dirs.discard(relative)
            _hold(inventory, relative, including_self=False)
            continue
        for name in sorted(entries):
            child = relative + '/' + name if relative else name
            if entries[name] == 'directory':
                if path_filter.enters_dir(child):
                    inventory.dirs.add(child)
                    pending.append(child)
                else:
                    _hold(inventory, child)
            elif path_filter.takes_file(child):
                inventory.files.add(child)
            else:
                _hold(inventory, child)
    return inventory


def _hold(inventory, relative, including_self=False):
    for parent in parents(relative):
        inventory.held.add(parent)
    if including_self:
        inventory.held.add(relative)


def read_manifest(remote, dest, name, lease_timeout=None, should_stop=None):
    """One GET of the manifest; returns a :class:`._manifest.Manifest` (with the ``fingerprint`` of its bytes).
    With ``lease_timeout``, this read is also the lease read: while the manifest carries another run's live
    lease, wait (polling it) up to that many seconds, and return the read that saw it free."""
    if lease_timeout is None:
        return manifest.fetch(remote, dest, name)
    ttl, _settle, poll = timings(getattr(remote, 'client', None))
    return wait_until_free(lambda: manifest.fetch(remote, dest, name), lease_timeout, ttl, poll,
                           should_stop=should_stop)


# --- planning ---------------------------------------------------------------------------------------
def _conflicts(local, remote_files):
    """Paths that are a file on one side and a folder on the other."""
    local_dirs = set(p for rel in local for p in parents(rel))
    remote_dirs = set(p for rel in remote_files for p in parents(rel))
    return (set(local) & remote_dirs) | (set(remote_files) & local_dirs)


def _deepest_first(paths):
    return sorted(paths, key=lambda p: (-p.count('/'), p))


class _Draft:
    """What the planning steps find: the lists of the plan before they are put in order."""

    def __init__(self):
        self.add, self.change, self.unchanged = [], [], []
        self.deletes, self.rmdirs, self.prunes = [], [], []
        self.first = []                 # removals that make room: [DELETE|RMDIR, rel]
        self.swept = []                 # files that go with a deleted folder (inventory only)
        self.known = {}                 # manifest entries true whatever the run does
        self.inventory = None


def _learn_manifest(remote, dest, local, path_filter, manifest_name, verify, lease_timeout=None, should_stop=None):
    """Step 1: read the manifest (one GET) and decide whether it is the whole picture.

    Returns ``(found, exists, entries, managed_entries)``; ``found`` is set aside (IGNORED) on ``verify`` or on
    a file/folder conflict with ``local``.
    """
    found = read_manifest(remote, dest, manifest_name, lease_timeout, should_stop)
    exists = found.exists
    fingerprint, sent = found.fingerprint, found.sent
    if verify and found.state in (manifest.TRUSTED, manifest.INCOMPLETE):
        found = manifest.Manifest(manifest.IGNORED, reason='verify is set: contents compared, manifest not used')
    entries = found.usable_entries
    managed_entries = dict((rel, sha) for rel, sha in entries.items() if path_filter.manages(rel))
    if found.state == manifest.TRUSTED and _conflicts(local, managed_entries):
        found = manifest.Manifest(manifest.IGNORED, reason='a path is a file on one side and a folder on the other')
        entries = managed_entries = {}
    found.fingerprint, found.sent = fingerprint, sent
    return found, exists, entries, managed_entries


def _compare_with_manifest(draft, local, entries, managed_entries, delete, source_dirs):
    """Step 2a: a trusted manifest is the whole picture; compare hashes, nothing more is read."""
    for rel in sorted(local):
        if rel not in managed_entries:
            draft.add.append(rel)
        elif managed_entries[rel] != local[rel]:
            draft.change.append(rel)
        else:
            draft.unchanged.append(rel)
            draft.known[rel] = local[rel]
    for rel, sha in entries.items():
        if rel not in local and (rel not in managed_entries or not delete):
            draft.known[rel] = sha  # still on the server, still true
    if delete:
        gone = sorted(set(managed_entries) - set(local))
        draft.deletes = gone
        draft.prunes = _deepest_first(set(p for rel in gone for p in parents(rel)) - source_dirs)


def _compare_local_file(remote, dest, draft, rel, local, inventory, managed_entries, delete):
    """Step 2b, for one local file against the inventory: a conflict to clear first, an upload, or equal."""
    if rel in inventory.dirs:
        if not delete:
            raise FilesError('%s is a folder on PythonAnywhere but a file in src; set delete=true to replace it'
                             % join_remote(dest, rel))
        if rel in inventory.held:
            raise FilesError('%s is a folder on PythonAnywhere holding excluded files, but a file in src; '
                             'remove it yourself' % join_remote(dest, rel))
        draft.first.append([RMDIR, rel])
        draft.add.append(rel)
    elif rel not in inventory.files:
        blockers = [p for p in parents(rel) if p in inventory.files]
        if blockers:
            if not delete:
                raise FilesError('%s is a file on PythonAnywhere but a folder in src; set delete=true to replace it'
                                 % join_remote(dest, blockers[0]))
            if [DELETE, blockers[0]] not in draft.first:
                draft.first.append([DELETE, blockers[0]])
        draft.add.append(rel)
    else:
        sha = managed_entries.get(rel)
        if sha is None:
            sha = remote.sha256(join_remote(dest, rel))
        if sha == local[rel]:
            draft.unchanged.append(rel)
            draft.known[rel] = sha
        else:
            draft.change.append(rel)


def _compare_with_inventory(remote, dest, draft, local, path_filter, entries, managed_entries, delete, source_dirs):
    """Step 2b: list the folders, download what the manifest does not vouch for, decide the removals."""
    inventory = draft.inventory = take_inventory(remote, dest, path_filter)
    for rel in sorted(local):
        _compare_local_file(remote, dest, draft, rel, local, inventory, managed_entries, delete)
    blockers = set(op[1] for op in draft.first)
    remote_only = sorted(inventory.files - set(local) - blockers)
    if delete:
        doomed_dirs = set(d for d in inventory.dirs if d not in source_dirs and d not in local and d not in inventory.held)
        top_dirs = sorted(d for d in doomed_dirs if not any(p in doomed_dirs for p in parents(d)))
        draft.rmdirs = [d for d in top_dirs if d not in blockers]
        swept = set(rel for rel in remote_only if any(p in doomed_dirs for p in parents(rel)))
        # Folders holding something left alone (excluded files, a virtualenv) stay; their files go one by one.
        draft.deletes = [rel for rel in remote_only if rel not in swept]
        draft.swept = sorted(swept)
    else:
        for rel in remote_only:
            if rel in entries:
                draft.known[rel] = entries[rel]
    # Entries of an incomplete manifest for files outside the filter stay true.
    for rel, sha in entries.items():
        if rel not in managed_entries and rel not in local:
            draft.known[rel] = sha


def _operations(draft):
    """Step 3: the safe order: removals that make room, uploads, deletes, folders, empty folders."""
    ops = list(draft.first)
    ops.extend([UPLOAD, rel] for rel in sorted(draft.add + draft.change))
    ops.extend([DELETE, rel] for rel in draft.deletes)
    ops.extend([RMDIR, rel] for rel in draft.rmdirs)
    ops.extend([PRUNE, rel] for rel in draft.prunes)
    return ops


def plan(remote, dest, local, path_filter, delete=False, manifest_name=manifest.DEFAULT_NAME, verify=False,
         lease_timeout=None, should_stop=None):
    """Compare ``local`` (``{relative: sha256}``) with the tree at ``dest``; return a JSON-able plan.

    Sends only reads. ``remote`` is a :class:`._files.RemoteFiles`. With ``lease_timeout`` (a run that will
    write), the manifest read is the lease read (see :func:`read_manifest`); ``lease_read`` in the plan is
    when it was sent (monotonic clock), for :func:`hold_destination`.
    """
    started = remote.requests
    found, manifest_exists, entries, managed_entries = _learn_manifest(
        remote, dest, local, path_filter, manifest_name, verify, lease_timeout, should_stop)
    source_dirs = set(p for rel in local for p in parents(rel))
    draft = _Draft()
    if found.state == manifest.TRUSTED:
        mode = 'manifest'
        _compare_with_manifest(draft, local, entries, managed_entries, delete, source_dirs)
    else:
        mode = 'inventory'
        _compare_with_inventory(remote, dest, draft, local, path_filter, entries, managed_entries, delete, source_dirs)
    ops = _operations(draft)
    removed_files = set(draft.deletes) | set(op[1] for op in draft.first if op[0] == DELETE) | set(draft.swept)
    return {
        'dest': dest,
        'mode': mode,
        'manifest': dict(found.summary(), name=manifest_name, exists=manifest_exists),
        'fingerprint': found.fingerprint,
        'lease_read': found.sent,
        'added': sorted(draft.add),
        'changed': sorted(draft.change),
        'unchanged': len(draft.unchanged),
        'deleted': sorted(removed_files),
        'deleted_dirs': sorted(set(draft.rmdirs) | set(op[1] for op in draft.first if op[0] == RMDIR)),
        'known': draft.known,
        'ops': ops,
        'invalidate_first': bool(ops) and (manifest_exists or bool(draft.known)),
        'listings': draft.inventory.listings if draft.inventory else 0,
        'requests': remote.requests - started,
    }


def needs_manifest_write(the_plan):
    """True when a run with no file operation must still (re)write the manifest."""
    return the_plan['manifest']['state'] != manifest.TRUSTED


# --- applying ---------------------------------------------------------------------------------------
def new_run_id():
    return uuid.uuid4().hex


def write_manifest(remote, dest, name, files, complete, run_id):
    remote.upload(join_remote(dest, name), content=manifest.build(dest, files, complete, run_id))


def hold_destination(remote, dest, manifest_name, run_id, lease_read, known, fingerprint):
    """Take the lease on ``dest`` for a plan whose manifest read (the lease read, made with ``lease_timeout``)
    was sent at ``lease_read`` and saw the manifest ``fingerprint``: write the incomplete manifest of the
    entries ``known`` with our lease, read it back ``settle`` seconds later. Returns the held :class:`._lease.Lease`, or None when another run wrote the
    manifest meanwhile (nothing was uploaded: the caller plans again, from that run's manifest)."""
    ttl, settle, poll = timings(getattr(remote, 'client', None))
    lease = Lease(remote, dest, manifest_name, run_id, ttl=ttl, settle=settle, poll=poll)
    if lease_read is None or not lease.take(lease_read, known, fingerprint):
        return None
    return lease


def sync_tree(remote, dest, sources, hashes, path_filter, delete=False, manifest_name=manifest.DEFAULT_NAME,
              verify=False, lock_timeout=600, check_mode=False, replans=3, should_stop=None, apply=None, lock=True,
              vet=None):
    """A whole sync in one process: plan; unless there is nothing to write, take the lease, plan again if
    another run wrote ``dest`` meanwhile, apply. Returns ``(plan, applied or None)``. ``apply(plan, run_id,
    lease, invalidate)``, if given, applies the plan instead of :func:`apply_batch` (the archive transfer).
    Without ``lock``, no lease is taken (a live one is still waited for): the manifest is invalidated by the
    apply step itself (``invalidate``), one request fewer. ``vet(plan)``, if given, is called on each plan before
    anything is written (in check mode too); it raises to stop the run."""
    for _attempt in range(replans):
        the_plan = plan(remote, dest, hashes, path_filter, delete=delete, manifest_name=manifest_name, verify=verify,
                        lease_timeout=None if check_mode else lock_timeout, should_stop=should_stop)
        if vet is not None:
            vet(the_plan)
        if check_mode or not (the_plan['ops'] or needs_manifest_write(the_plan)):
            return the_plan, None
        run_id = new_run_id()
        lease = None
        if lock:
            lease = hold_destination(remote, dest, manifest_name, run_id, the_plan['lease_read'], the_plan['known'],
                                     the_plan['fingerprint'])
            if lease is None:
                continue
        invalidate = lease is None and the_plan['invalidate_first']
        try:
            if apply is not None:
                return the_plan, apply(the_plan, run_id, lease, invalidate)
            return the_plan, apply_batch(remote, dest, the_plan['ops'], sources, the_plan['known'], path_filter,
                                         manifest_name=manifest_name, invalidate=invalidate,
                                         final=True, run_id=run_id, lease=lease, should_stop=should_stop)
        finally:
            if lease is not None:
                lease.release()
    raise FilesError(KEPT_CHANGING % dest)


class SyncStopped(FilesError):
    """The run was told to stop between two operations (its controller is gone)."""


def _verify_late_writes(remote, dest, uploaded, known, sources):
    """Uploads that needed more than one attempt: an earlier attempt, cut off on our side, may have landed
    on the server after the one that succeeded, and with other bytes if the local file changed meanwhile.
    Read each back once (last, to give such an attempt the most time); upload again what differs, once; the
    manifest records what the server holds. Returns the relative paths that were checked."""
    retried = getattr(remote, 'retried_uploads', None)
    if not retried:
        return []
    checked = []
    for path in list(retried):
        rel = path[len(dest) + 1:] if path.startswith(dest + '/') else None
        if rel not in uploaded:
            continue
        retried.remove(path)
        checked.append(rel)
        on_server = remote.sha256(path)
        if on_server != known.get(rel):
            known.pop(rel, None)
            sent = remote.upload(path, source=sources[rel])
            uploaded[rel] = sent
            if path in retried:  # retried again: trust only what a read shows
                retried.remove(path)
                sent = remote.sha256(path)
            if sent is not None:
                known[rel] = sent
    return checked


def apply_batch(remote, dest, ops, sources, known, path_filter, manifest_name=manifest.DEFAULT_NAME,
                invalidate=False, final=True, run_id=None, checkpoint_every=None, progress=None,
                lease=None, should_stop=None):
    """Run ``ops`` against ``dest``; return what was done and the manifest entries now true.

    ``sources``: ``{relative: local path}`` for the uploads. ``known``: entries true before this batch
    (files the run does not touch, plus what earlier batches uploaded). ``invalidate``: rewrite the
    manifest as incomplete before the first write. ``final``: write it complete at the end.
    ``checkpoint_every``: also rewrite it (incomplete) after every so many operations, so that an
    interrupted run loses at most that many. ``progress(done, uploaded, removed)`` is called after each one.
    ``lease``: the :class:`._lease.Lease` this run holds; the manifest is written through it (an incomplete one
    carries the lease, the complete one releases it); it is renewed as needed (a run that lost it stops, and
    a run that fails releases it). ``should_stop()``: checked before each operation; a reason
    (a string) stops the run, recording what was done.
    """
    run_id = run_id or new_run_id()
    known = dict(known)
    uploaded, deleted, removed_dirs, pruned = {}, [], [], []
    for kind, rel in ops:
        if kind not in OP_KINDS or not manifest.safe_relative(rel):
            raise FilesError('refusing operation %s on %r: not a relative path inside dest' % (kind, rel))
        if kind in (DELETE, UPLOAD) and not path_filter.manages(rel) and rel not in sources:
            raise FilesError('refusing to %s %s: the include/exclude patterns leave it alone' % (kind, rel))
        if kind == UPLOAD and rel not in sources:
            raise FilesError('no local file given for %s' % rel)

    def record(complete):
        if lease is not None:
            lease.record(known, complete)
        else:
            write_manifest(remote, dest, manifest_name, known, complete, run_id)

    if invalidate:
        record(False)
    done = checkpointed = 0
    verified = []
    try:
        for kind, rel in ops:
            reason = should_stop() if should_stop is not None else None
            if reason:
                raise SyncStopped('stopped after %d of %d operations: %s' % (done, len(ops), reason))
            if lease is not None:
                lease.ensure()
            path = join_remote(dest, rel)
            if kind == UPLOAD:
                known.pop(rel, None)
                sent = remote.upload(path, source=sources[rel])
                uploaded[rel] = sent
                known[rel] = sent
            elif kind == DELETE:
                known.pop(rel, None)
                if remote.delete(path):
                    deleted.append(rel)
            elif kind == RMDIR:
                for entry in [k for k in known if k.startswith(rel + '/')]:
                    known.pop(entry)
                if remote.delete(path):
                    removed_dirs.append(rel)
            elif kind == PRUNE:
                entries = remote.list_dir(path)
                if entries == {} and remote.delete(path):
                    pruned.append(rel)
            done += 1
            if progress is not None:
                progress(done, len(uploaded), len(deleted) + len(removed_dirs) + len(pruned))
            if checkpoint_every and done % checkpoint_every == 0 and done < len(ops):
                record(False)
                checkpointed = done
        verified = _verify_late_writes(remote, dest, uploaded, known, sources)
    except (PythonAnywhereError, FilesError, OSError) as exc:
        if lease is not None and not isinstance(exc, LeaseError):
            lease.release(known)  # best effort: what this batch did, and no lease: the next run need not wait
        elif lease is None and done > checkpointed:
            try:  # best effort: record what this batch did upload before failing
                record(False)
            except (PythonAnywhereError, FilesError, OSError):
                pass
        raise
    record(final)
    return {
        'uploaded': uploaded,
        'deleted': deleted,
        'removed_dirs': removed_dirs,
        'pruned': pruned,
        'known': known,
        'run_id': run_id,
        'verified': verified,
    }


def prepared_diff(dest, the_plan):
    """The diff of a sync: one line per path added, changed or deleted."""
    lines = []
    lines.extend('+ %s' % join_remote(dest, rel) for rel in the_plan['added'])
    lines.extend('~ %s' % join_remote(dest, rel) for rel in the_plan['changed'])
    lines.extend('- %s' % join_remote(dest, rel) for rel in the_plan['deleted'])
    lines.extend('- %s/' % join_remote(dest, rel) for rel in the_plan['deleted_dirs'])
    if not lines:
        return ''
    return '%s: %d added, %d changed, %d deleted\n%s\n' % (
        dest, len(the_plan['added']), len(the_plan['changed']), len(the_plan['deleted']), '\n'.join(lines))


def summarise(the_plan, dest, uploaded_count, manifest_written, requests, batches, changed):
    """The module result of a whole sync, from its plan."""
    lists = {
        'added': the_plan['added'],
        'updated': the_plan['changed'],
        'deleted': the_plan['deleted'],
        'deleted_dirs': the_plan['deleted_dirs'],
    }
    result = dict((key, list(value)[:LIST_LIMIT]) for key, value in lists.items())
    result.update(
        changed=changed,
        dest=dest,
        counts={'added': len(lists['added']), 'updated': len(lists['updated']), 'deleted': len(lists['deleted']),
                'unchanged': the_plan['unchanged'], 'uploaded': uploaded_count},
        truncated=any(len(value) > LIST_LIMIT for value in lists.values()),
        manifest=dict(the_plan['manifest'], written=manifest_written),
        mode=the_plan['mode'],
        requests=requests,
        batches=batches,
        diff={'prepared': prepared_diff(dest, the_plan)},
    )
    return result
