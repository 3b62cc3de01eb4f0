# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sync's planning and applying against an in-memory PythonAnywhere file tree."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import subprocess
import sys
import threading
import time

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _lease
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _manifest as manifest
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _sync as sync
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import FilesError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._patterns import PathFilter

DEST = '/home/alice/site'
MANIFEST = DEST + '/' + manifest.DEFAULT_NAME
LOCK = MANIFEST + '.lock'


def sha(data):
    return hashlib.sha256(data).hexdigest()


class FakeRemote:
    """Stands in for RemoteFiles: a dict of absolute path -> bytes, folders implied by the paths."""

    def __init__(self, files=None):
        self.files = dict(files or {})
        self.calls = []
        self.fail_uploads_after = None

    @property
    def requests(self):
        return len(self.calls)

    @property
    def writes(self):
        return [call for call in self.calls if call[0] != 'GET']

    def is_dir(self, path):
        prefix = path.rstrip('/') + '/'
        return any(p.startswith(prefix) for p in self.files)

    def fetch(self, path):
        self.calls.append(('GET', path))
        if path in self.files:
            return self.files[path], 'application/octet-stream'
        if self.is_dir(path):
            return json.dumps(dict((k, {'type': v, 'url': 'x'}) for k, v in self._entries(path).items())).encode(), \
                'application/json'
        return None, None

    def sha256(self, path):
        self.calls.append(('GET', path))
        return sha(self.files[path]) if path in self.files else None

    def _entries(self, path):
        prefix = path.rstrip('/') + '/'
        entries = {}
        for p in self.files:
            if p.startswith(prefix):
                rest = p[len(prefix):]
                name = rest.split('/', 1)[0]
                entries[name] = 'directory' if '/' in rest else 'file'
        return entries

    def list_dir(self, path):
        self.calls.append(('GET', path))
        if path in self.files:
            raise FilesError('%s is a file' % path)
        if not self.is_dir(path):
            return None
        return self._entries(path)

    def upload(self, path, source=None, content=None):
        if self.fail_uploads_after is not None and len([c for c in self.calls if c[0] == 'POST']) >= self.fail_uploads_after:
            raise PythonAnywhereError('POST %s failed: ConnectionError: dropped' % path)
        self.calls.append(('POST', path))
        if source is not None:
            with open(source, 'rb') as stream:
                content = stream.read()
        parent = posixpath.dirname(path)
        while parent != '/':
            assert parent not in self.files, 'a file blocks the folder %s' % parent
            parent = posixpath.dirname(parent)
        assert not self.is_dir(path), '%s is a folder' % path
        self.files[path] = content
        return sha(content)

    def delete(self, path):
        self.calls.append(('DELETE', path))
        assert path == DEST or path.startswith(DEST + '/'), 'deleted outside dest: %s' % path
        existed = path in self.files or self.is_dir(path)
        self.files.pop(path, None)
        for p in [p for p in self.files if p.startswith(path + '/')]:
            del self.files[p]
        return existed

    def tree(self):
        """Relative path -> bytes under DEST, without the manifest."""
        return dict((p[len(DEST) + 1:], v) for p, v in self.files.items()
                    if p.startswith(DEST + '/') and p not in (MANIFEST, LOCK))

    def manifest(self):
        return manifest.parse(self.files.get(MANIFEST), DEST)


def make_local(tmp_path, files):
    root = tmp_path / 'src'
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    root.mkdir(exist_ok=True)
    return root


def run(remote, root, delete=False, batch_size=None, path_filter=None, verify=False, check=False):
    """A whole sync as the action plugin drives it: plan once, then batches."""
    path_filter = path_filter or PathFilter(always_exclude=[manifest.DEFAULT_NAME])
    local = sync.scan_local(str(root), path_filter)
    the_plan = sync.plan(remote, DEST, sync.hash_local(local), path_filter, delete=delete, verify=verify)
    if check or not (the_plan['ops'] or sync.needs_manifest_write(the_plan)):
        return the_plan
    ops = the_plan['ops']
    size = batch_size or max(1, len(ops))
    batches = [ops[i:i + size] for i in range(0, len(ops), size)] or [[]]
    known = the_plan['known']
    for index, batch in enumerate(batches):
        done = sync.apply_batch(remote, DEST, batch, local, known, path_filter,
                                invalidate=index == 0 and the_plan['invalidate_first'],
                                final=index == len(batches) - 1, run_id='run')
        known = done['known']
    return the_plan


def assert_manifest_truthful(remote):
    """Every entry of whatever manifest is on the server matches the server's file."""
    found = remote.manifest()
    for rel, digest in found.files.items():
        assert DEST + '/' + rel in remote.files, 'manifest claims missing %s' % rel
        assert sha(remote.files[DEST + '/' + rel]) == digest, 'manifest claims wrong content for %s' % rel


FILES = {'app.py': b'print(1)\n', 'pkg/__init__.py': b'', 'pkg/mod.py': b'x = 1\n', 'static/site.css': b'body{}\n'}


def test_first_sync_lists_then_uploads_everything_and_writes_a_complete_manifest(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, dict(FILES, **{'.git/HEAD': b'ref', 'pkg/__pycache__/mod.cpython-311.pyc': b'\0'}))
    the_plan = run(remote, root)
    assert the_plan['manifest']['state'] == manifest.MISSING
    assert the_plan['added'] == sorted(FILES)
    assert remote.tree() == FILES  # no .git, no __pycache__
    assert remote.calls[:2] == [('GET', MANIFEST), ('GET', DEST)]
    assert remote.requests == 2 + len(FILES) + 1
    assert remote.calls[-1] == ('POST', MANIFEST)
    assert remote.manifest().state == manifest.TRUSTED
    assert_manifest_truthful(remote)


def test_a_rerun_sends_one_request_and_plans_nothing(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    run(remote, root)
    remote.calls = []
    the_plan = run(remote, root)
    assert the_plan['ops'] == [] and the_plan['unchanged'] == len(FILES)
    assert remote.calls == [('GET', MANIFEST)]


def test_changes_invalidate_the_manifest_first_and_upload_only_what_changed(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    run(remote, root)
    (root / 'app.py').write_bytes(b'print(2)\n')
    (root / 'new.txt').write_bytes(b'new\n')
    remote.calls = []
    the_plan = run(remote, root)
    assert the_plan['changed'] == ['app.py'] and the_plan['added'] == ['new.txt']
    assert remote.calls == [('GET', MANIFEST), ('POST', MANIFEST), ('POST', DEST + '/app.py'),
                            ('POST', DEST + '/new.txt'), ('POST', MANIFEST)]
    assert remote.tree()['app.py'] == b'print(2)\n'
    assert remote.manifest().state == manifest.TRUSTED


def test_delete_removes_files_gone_from_src_and_prunes_emptied_folders(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    run(remote, root)
    (root / 'static' / 'site.css').unlink()
    (root / 'pkg' / 'mod.py').unlink()
    remote.calls = []
    the_plan = run(remote, root, delete=True)
    assert the_plan['deleted'] == ['pkg/mod.py', 'static/site.css']
    assert sorted(remote.tree()) == ['app.py', 'pkg/__init__.py']
    assert ('DELETE', DEST + '/static') in remote.calls or not remote.is_dir(DEST + '/static')
    assert remote.manifest().state == manifest.TRUSTED


def test_without_delete_remote_only_files_stay_and_stay_in_the_manifest(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    run(remote, root)
    (root / 'app.py').unlink()
    the_plan = run(remote, root)
    assert the_plan['ops'] == [] and 'app.py' in remote.tree()
    assert 'app.py' in remote.manifest().files
    the_plan = run(remote, root, delete=True)  # a later delete run still knows it, from the manifest alone
    assert the_plan['mode'] == 'manifest' and the_plan['deleted'] == ['app.py']


@pytest.mark.parametrize('damage, state', [
    (lambda raw: None, manifest.MISSING),
    (lambda raw: raw[:40], manifest.CORRUPT),
    (lambda raw: raw.replace(b'"complete": true', b'"complete": false'), manifest.CORRUPT),  # checksum
    (lambda raw: raw.replace(manifest.TOOL.encode(), b'another.tool'), manifest.FOREIGN),
])
def test_an_untrusted_manifest_falls_back_to_listings_and_content_comparison(tmp_path, damage, state):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    run(remote, root)
    raw = damage(remote.files[MANIFEST])
    if raw is None:
        del remote.files[MANIFEST]
    else:
        remote.files[MANIFEST] = raw
    remote.files[DEST + '/pkg/mod.py'] = b'edited on PA\n'
    remote.calls = []
    the_plan = run(remote, root)
    assert the_plan['manifest']['state'] == state
    assert the_plan['mode'] == 'inventory'
    assert the_plan['changed'] == ['pkg/mod.py'] and the_plan['unchanged'] == len(FILES) - 1
    assert remote.tree() == FILES
    assert remote.manifest().state == manifest.TRUSTED
    gets = [path for method, path in remote.calls if method == 'GET']
    assert len(gets) == 1 + 3 + len(FILES)  # manifest, 3 folders, every file hashed


def test_nothing_changed_but_no_manifest_writes_only_the_manifest(tmp_path):
    remote = FakeRemote(dict((DEST + '/' + rel, data) for rel, data in FILES.items()))
    root = make_local(tmp_path, FILES)
    the_plan = run(remote, root)
    assert the_plan['ops'] == [] and sync.needs_manifest_write(the_plan)
    assert remote.writes == [('POST', MANIFEST)]
    assert remote.manifest().state == manifest.TRUSTED


def test_an_incomplete_manifest_is_believed_for_its_entries_only(tmp_path):
    remote = FakeRemote(dict((DEST + '/' + rel, data) for rel, data in FILES.items()))
    remote.files[MANIFEST] = manifest.build(DEST, {'app.py': sha(FILES['app.py'])}, False, 'old')
    root = make_local(tmp_path, FILES)
    the_plan = run(remote, root, check=True)
    assert the_plan['manifest']['state'] == manifest.INCOMPLETE
    hashed = [path for method, path in remote.calls if method == 'GET' and path.endswith('.py') or path.endswith('.css')]
    assert DEST + '/app.py' not in hashed  # known from the manifest
    assert DEST + '/pkg/mod.py' in hashed
    assert the_plan['ops'] == []


def test_check_mode_plans_exactly_and_sends_no_write(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    run(remote, root)
    (root / 'app.py').write_bytes(b'changed')
    (root / 'pkg' / 'mod.py').unlink()
    remote.calls = []
    the_plan = run(remote, root, delete=True, check=True)
    assert the_plan['changed'] == ['app.py'] and the_plan['deleted'] == ['pkg/mod.py']
    assert remote.writes == []
    diff = sync.prepared_diff(DEST, the_plan)
    assert '~ %s/app.py' % DEST in diff and '- %s/pkg/mod.py' % DEST in diff


def test_a_run_interrupted_midway_leaves_a_truthful_manifest_and_the_next_run_repairs(tmp_path):
    remote = FakeRemote()
    files = dict(('f%02d.txt' % i, b'v1 %d' % i) for i in range(20))
    root = make_local(tmp_path, files)
    run(remote, root)
    for i in range(20):
        (root / ('f%02d.txt' % i)).write_bytes(b'v2 %d' % i)
    # invalidation, batch 1 (5 uploads + its manifest checkpoint), then 1 upload of batch 2 before the drop
    remote.fail_uploads_after = len([c for c in remote.calls if c[0] == 'POST']) + 1 + 6 + 1
    with pytest.raises(PythonAnywhereError):
        run(remote, root, batch_size=5)
    found = remote.manifest()
    assert found.state == manifest.INCOMPLETE
    assert_manifest_truthful(remote)
    assert len(found.files) == 5  # batch 1; batch 2 failed after 1 upload and could not record it

    remote.fail_uploads_after = None
    remote.calls = []
    the_plan = run(remote, root)
    assert the_plan['mode'] == 'inventory'
    assert the_plan['unchanged'] == 6  # 5 from the manifest + 1 found equal by hashing
    assert sorted(remote.tree()) == sorted(files) and all(v.startswith(b'v2') for v in remote.tree().values())
    assert remote.manifest().state == manifest.TRUSTED


def test_a_rollback_after_an_interrupted_run_is_not_fooled_by_the_old_manifest(tmp_path):
    """v1 deployed; deploy of v2 killed after uploading app.py; redeploy of v1 must put app.py v1 back."""
    remote = FakeRemote()
    root = make_local(tmp_path, {'app.py': b'v1', 'b.txt': b'b'})
    run(remote, root)
    (root / 'app.py').write_bytes(b'v2')
    remote.fail_uploads_after = len([c for c in remote.calls if c[0] == 'POST']) + 2  # invalidation + app.py
    (root / 'c.txt').write_bytes(b'c')
    with pytest.raises(PythonAnywhereError):
        run(remote, root)
    assert remote.files[DEST + '/app.py'] == b'v2'
    remote.fail_uploads_after = None
    (root / 'app.py').write_bytes(b'v1')
    (root / 'c.txt').unlink()
    run(remote, root)
    assert remote.files[DEST + '/app.py'] == b'v1'


def test_delete_spares_excluded_files_virtualenvs_and_the_manifest(tmp_path):
    remote = FakeRemote({
        DEST + '/old.py': b'old',
        DEST + '/gone/a.txt': b'a', DEST + '/gone/b/c.txt': b'c',
        DEST + '/keep/x.txt': b'x', DEST + '/keep/.env': b'SECRET=1',
        DEST + '/myenv/pyvenv.cfg': b'home = /usr', DEST + '/myenv/bin/python': b'elf',
        DEST + '/.git/HEAD': b'ref',
        '/home/alice/outside.txt': b'never touched',
    })
    root = make_local(tmp_path, {'app.py': b'new'})
    the_plan = run(remote, root, delete=True)
    assert the_plan['deleted_dirs'] == ['gone']
    assert sorted(the_plan['deleted']) == ['gone/a.txt', 'gone/b/c.txt', 'keep/x.txt', 'old.py']
    assert sorted(remote.tree()) == ['.git/HEAD', 'app.py', 'keep/.env', 'myenv/bin/python', 'myenv/pyvenv.cfg']
    assert remote.files['/home/alice/outside.txt'] == b'never touched'
    assert ('DELETE', DEST + '/gone') in remote.calls and ('DELETE', DEST + '/gone/a.txt') not in remote.calls


@pytest.mark.parametrize('on_server, in_src', [
    ({'docs': b'a file'}, {'docs/index.txt': b'i'}),          # a file where src has a folder
    ({'docs/index.txt': b'i'}, {'docs': b'now a file'}),      # a folder where src has a file
])
def test_a_file_folder_conflict_needs_delete(tmp_path, on_server, in_src):
    remote = FakeRemote(dict((DEST + '/' + rel, data) for rel, data in on_server.items()))
    root = make_local(tmp_path, in_src)
    with pytest.raises(FilesError, match='delete=true'):
        run(remote, root)
    run(remote, root, delete=True)
    assert remote.tree() == in_src


def test_a_conflict_with_a_trusted_manifest_falls_back_to_listings(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, {'docs/index.txt': b'i'})
    run(remote, root)
    (root / 'docs' / 'index.txt').unlink()
    (root / 'docs').rmdir()
    (root / 'docs').write_bytes(b'file now')
    the_plan = run(remote, root, delete=True)
    assert the_plan['manifest']['state'] == manifest.IGNORED and the_plan['mode'] == 'inventory'
    assert remote.tree() == {'docs': b'file now'}


def test_verify_ignores_a_trusted_manifest_and_compares_contents(tmp_path):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    run(remote, root)
    remote.files[DEST + '/app.py'] = b'edited in the web editor'
    assert run(remote, root, check=True)['ops'] == []  # the manifest cannot know
    the_plan = run(remote, root, verify=True)
    assert the_plan['manifest']['state'] == manifest.IGNORED and the_plan['changed'] == ['app.py']
    assert remote.tree() == FILES


def test_apply_refuses_paths_outside_dest_and_excluded_paths(tmp_path):
    remote = FakeRemote()
    path_filter = PathFilter()
    for ops in ([['delete', '../outside.txt']], [['rmdir', '']], [['delete', '/etc/passwd']],
                [['delete', '.git/config']], [['chmod', 'a']]):
        with pytest.raises(FilesError):
            sync.apply_batch(remote, DEST, ops, {}, {}, path_filter)
    assert remote.calls == []


def test_check_options_names_the_parameter():
    with pytest.raises(FilesError, match='dest'):
        sync.check_options({'dest': 'relative/path'}, 'alice')
    with pytest.raises(FilesError, match='delete=true is refused'):
        sync.check_options({'dest': '/home/alice', 'delete': True}, 'alice')
    with pytest.raises(FilesError, match='batch_size'):
        sync.check_options({'dest': '/home/alice/x', 'batch_size': 0}, 'alice')
    with pytest.raises(FilesError, match='manifest_name'):
        sync.check_options({'dest': '/home/alice/x', 'manifest_name': 'a/b'}, 'alice')
    with pytest.raises(FilesError, match='exclude'):
        sync.check_options({'dest': '/home/alice/x', 'exclude': ['/']}, 'alice')
    dest, path_filter = sync.check_options({'dest': '/home/alice/x/', 'exclude': ['*.log']}, 'alice')
    assert dest == '/home/alice/x' and not path_filter.takes_file('a.log')


def test_symlinked_folders_are_followed_once(tmp_path):
    root = make_local(tmp_path, {'a/x.txt': b'x'})
    (root / 'loop').symlink_to(root)
    (root / 'b').symlink_to(root / 'a')
    found = sync.scan_local(str(root), PathFilter())
    assert sorted(found) == ['a/x.txt']


def planned_twelve(tmp_path):
    """A plan to upload 12 files into an empty dest: (remote, local files, filter, plan)."""
    remote = FakeRemote()
    root = make_local(tmp_path, dict(('f%02d.txt' % i, b'%d' % i) for i in range(12)))
    path_filter = PathFilter(always_exclude=[manifest.DEFAULT_NAME])
    local = sync.scan_local(str(root), path_filter)
    return remote, local, path_filter, sync.plan(remote, DEST, sync.hash_local(local), path_filter)


def test_one_run_checkpoints_the_manifest_and_reports_progress(tmp_path):
    remote, local, path_filter, the_plan = planned_twelve(tmp_path)
    seen = []
    checkpoints = []
    original = remote.upload

    def watch(path, source=None, content=None):
        if path == MANIFEST:
            checkpoints.append(len(manifest.parse(content, DEST).files))
        return original(path, source=source, content=content)

    remote.upload = watch
    sync.apply_batch(remote, DEST, the_plan['ops'], local, the_plan['known'], path_filter, checkpoint_every=5,
                     progress=lambda done, uploaded, removed: seen.append((done, uploaded, removed)))
    assert checkpoints == [5, 10, 12]  # two checkpoints (incomplete), then the complete manifest
    assert seen[-1] == (12, 12, 0) and len(seen) == 12
    assert remote.manifest().state == manifest.TRUSTED


def test_a_failure_after_a_checkpoint_records_the_uploads_since(tmp_path):
    remote, local, path_filter, the_plan = planned_twelve(tmp_path)
    remote.fail_uploads_after = 5 + 1 + 2  # 5 uploads, a checkpoint, 2 uploads; the best-effort write then fails too
    with pytest.raises(PythonAnywhereError):
        sync.apply_batch(remote, DEST, the_plan['ops'], local, the_plan['known'], path_filter, checkpoint_every=5)
    assert len(remote.manifest().files) == 5 and remote.manifest().state == manifest.INCOMPLETE
    assert_manifest_truthful(remote)


# --- concurrent runs, a dead controller, late writes, names that cannot be synced ----------------------
@pytest.fixture
def quick_lease(monkeypatch):
    """Lease timings for tests: settle 0.05 s, poll 0.02 s, ttl 30 s."""
    monkeypatch.setattr(sync, 'timings', lambda client: (30.0, 0.05, 0.02))


def whole_sync(remote, root, delete=False, lock_timeout=5, should_stop=None):
    path_filter = PathFilter(always_exclude=[manifest.DEFAULT_NAME, manifest.DEFAULT_NAME + '.lock'])
    local = sync.scan_local(str(root), path_filter)
    return sync.sync_tree(remote, DEST, local, sync.hash_local(local), path_filter, delete=delete,
                          lock_timeout=lock_timeout, should_stop=should_stop)


def test_a_sync_whose_plan_went_stale_under_another_run_plans_again(tmp_path, monkeypatch, quick_lease):
    """Run A plans; run B syncs other content into the same dest; then A takes the lease. A stale plan would
    record B's b.txt with the hash A saw (a false entry in a complete manifest); A must plan again."""
    remote = FakeRemote()
    base = make_local(tmp_path / 'base', {'app.py': b'v1', 'b.txt': b'b1'})
    whole_sync(remote, base)
    root_a = make_local(tmp_path / 'a', {'app.py': b'v2', 'b.txt': b'b1'})
    root_b = make_local(tmp_path / 'b', {'app.py': b'v1', 'b.txt': b'b from B'})
    real_hold = sync.hold_destination
    calls = []

    def hold_after_b(*args, **kwargs):
        if not calls:
            calls.append('B ran')
            whole_sync(remote, root_b)  # B runs to completion between A's plan and A's lease
        return real_hold(*args, **kwargs)

    monkeypatch.setattr(sync, 'hold_destination', hold_after_b)
    whole_sync(remote, root_a)
    assert remote.tree() == {'app.py': b'v2', 'b.txt': b'b1'}
    assert remote.manifest().state == manifest.TRUSTED
    assert_manifest_truthful(remote)
    assert remote.manifest().lease is None and LOCK not in remote.files


def test_two_syncs_at_once_take_turns_and_leave_a_truthful_manifest(tmp_path, quick_lease):
    remote = FakeRemote()
    trees = [make_local(tmp_path / name, dict(('f%02d.txt' % i, (name * 3 + str(i)).encode()) for i in range(15)))
             for name in ('a', 'b')]
    errors = []

    def go(root):
        try:
            whole_sync(remote, root, delete=True, lock_timeout=10)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(root,)) for root in trees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert remote.manifest().state == manifest.TRUSTED
    assert_manifest_truthful(remote)
    assert remote.tree() in ({rel: (root / rel).read_bytes() for rel in remote.tree()} for root in trees)
    assert remote.manifest().lease is None and LOCK not in remote.files


def leased_manifest(owner, expires, files=None, lease=None):
    """The bytes of an incomplete manifest carrying ``owner``'s lease (as a run mid-sync leaves it)."""
    return manifest.build(DEST, files or {}, False, owner,
                          lease=lease if lease is not None else {'owner': owner, 'nonce': 'n', 'expires': expires})


def test_a_sync_waits_for_a_live_lease_then_fails_naming_its_holder(tmp_path, quick_lease):
    remote = FakeRemote({MANIFEST: leased_manifest('other-run', time.time() + 60)})
    root = make_local(tmp_path, FILES)
    with pytest.raises(_lease.LeaseError, match='another sync holds .*other-run'):
        whole_sync(remote, root, lock_timeout=0.2)
    assert remote.writes == []
    assert len(remote.calls) > 2 and set(remote.calls) == {('GET', MANIFEST)}  # it polled the manifest


def test_a_live_lease_is_waited_for_and_the_plan_made_from_what_its_run_left(tmp_path, quick_lease):
    """While A holds the lease, B's planning read waits; A finishes (its complete manifest releases the lease);
    B plans from A's result, not from what it first saw."""
    remote = FakeRemote({MANIFEST: leased_manifest('run-a', time.time() + 60), DEST + '/old.txt': b'old'})
    root = make_local(tmp_path, FILES)
    real_fetch = remote.fetch
    polls = []

    def fetch(path):
        if path == MANIFEST and len(polls) == 3:  # run A finishes while B waits
            remote.files[DEST + '/old.txt'] = b'A wrote this'
            remote.files[MANIFEST] = manifest.build(DEST, {'old.txt': sha(b'A wrote this')}, True, 'run-a')
        polls.append(path)
        return real_fetch(path)

    remote.fetch = fetch
    whole_sync(remote, root, lock_timeout=5)
    assert remote.manifest().state == manifest.TRUSTED and remote.manifest().lease is None
    assert remote.manifest().files == dict(((rel, sha(data)) for rel, data in FILES.items()),
                                           **{'old.txt': sha(b'A wrote this')})
    assert_manifest_truthful(remote)


def test_an_expired_lease_is_taken_over(tmp_path, quick_lease):
    remote = FakeRemote({MANIFEST: leased_manifest('dead', time.time() - 1), LOCK: b'{"owner": "0.1.0 scheme"}'})
    whole_sync(remote, make_local(tmp_path, FILES))
    assert remote.tree() == FILES and remote.manifest().state == manifest.TRUSTED
    assert remote.manifest().lease is None
    assert remote.files[LOCK] == b'{"owner": "0.1.0 scheme"}'  # a lease file of the old scheme is left alone


def test_a_killed_runs_lease_expires_and_the_next_sync_repairs_the_tree(tmp_path, monkeypatch):
    """A run whose controller was killed mid-sync leaves an incomplete manifest carrying its lease and some
    files uploaded; the next sync waits for that lease to expire, then takes over and ends truthful."""
    monkeypatch.setattr(sync, 'timings', lambda client: (0.4, 0.05, 0.02))
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    path_filter = PathFilter(always_exclude=[manifest.DEFAULT_NAME, manifest.DEFAULT_NAME + '.lock'])
    local = sync.scan_local(str(root), path_filter)
    the_plan = sync.plan(remote, DEST, sync.hash_local(local), path_filter, lease_timeout=1)
    lease = sync.hold_destination(remote, DEST, manifest.DEFAULT_NAME, 'killed', the_plan['lease_read'],
                                  the_plan['known'], the_plan['fingerprint'])
    assert lease is not None and lease.held
    first = the_plan['ops'][0][1]
    remote.upload(DEST + '/' + first, content=b'half-written by the killed run')  # then the process is killed
    assert remote.manifest().lease['owner'] == 'killed'
    started = time.monotonic()
    whole_sync(remote, root, lock_timeout=5)
    assert time.monotonic() - started >= 0.3  # it waited for the lease to expire
    assert remote.tree() == FILES and remote.manifest().state == manifest.TRUSTED
    assert_manifest_truthful(remote)


def test_a_lease_unchanged_for_its_ttl_is_stale_whatever_the_clocks_say():
    remote = FakeRemote({MANIFEST: leased_manifest('x', None, lease='not a lease')})
    now = [0.0]
    found = _lease.wait_until_free(lambda: manifest.fetch(remote, DEST, manifest.DEFAULT_NAME), 60, ttl=10, poll=4,
                                   clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert found.lease == {} and 9 <= now[0] <= 13
    with pytest.raises(_lease.LeaseError, match='unreadable lease'):
        now[0] = 0.0
        _lease.wait_until_free(lambda: manifest.fetch(remote, DEST, manifest.DEFAULT_NAME), 5, ttl=10, poll=4,
                               clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))


def test_two_contenders_that_both_saw_a_free_lease_do_not_both_win():
    """Both read the manifest (no lease) before either writes: the read-back is what tells them apart."""
    remote = FakeRemote({MANIFEST: manifest.build(DEST, {}, True, 'earlier')})
    barrier = threading.Barrier(2)
    leases = [_lease.Lease(remote, DEST, manifest.DEFAULT_NAME, owner, ttl=30, settle=0.2, poll=0.05)
              for owner in ('a', 'b')]
    outcomes = {}

    def take(lease):
        found = lease.read()
        barrier.wait(5)  # both have read "free" before either writes
        outcomes[lease.owner] = 'held' if lease.take(found.sent, {}, found.fingerprint) else 'gave way'

    threads = [threading.Thread(target=take, args=(lease,), name=lease.owner) for lease in leases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes.values()) == ['gave way', 'held']
    winner = [lease for lease in leases if lease.held][0]
    assert remote.manifest().lease['nonce'] == winner.nonce


def test_a_run_that_lost_its_lease_writes_no_manifest(tmp_path, quick_lease):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    path_filter = PathFilter(always_exclude=[manifest.DEFAULT_NAME])
    local = sync.scan_local(str(root), path_filter)
    the_plan = sync.plan(remote, DEST, sync.hash_local(local), path_filter, lease_timeout=1)
    lease = sync.hold_destination(remote, DEST, manifest.DEFAULT_NAME, 'mine', the_plan['lease_read'],
                                  the_plan['known'], the_plan['fingerprint'])
    thief = leased_manifest('thief', time.time() + 60)
    remote.files[MANIFEST] = thief
    lease.renewed_at = -1e9  # due for renewal: it reads the manifest back first
    with pytest.raises(_lease.LeaseError, match='lost its lease'):
        sync.apply_batch(remote, DEST, the_plan['ops'], local, the_plan['known'], path_filter, lease=lease)
    assert remote.files[MANIFEST] == thief and remote.tree() == {}


def test_a_lease_read_too_long_ago_is_read_again_before_the_lease_write(tmp_path):
    """The lease write must be answered within settle of the lease read: past 3/4 of it, the manifest is read
    again, and a manifest changed since the plan means plan again (nothing written)."""
    remote = FakeRemote({MANIFEST: manifest.build(DEST, {}, True, 'earlier')})
    now = [0.0]
    lease = _lease.Lease(remote, DEST, manifest.DEFAULT_NAME, 'me', ttl=30, settle=2, poll=1,
                         clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    found = lease.read()
    now[0] = 1.0  # a quick second module run: no extra read
    assert lease.take(found.sent, {}, found.fingerprint) and remote.calls.count(('GET', MANIFEST)) == 2
    remote.files[MANIFEST] = manifest.build(DEST, {}, True, 'earlier')
    remote.calls[:] = []
    found = lease.read()
    now[0] += 1.6
    assert lease.take(found.sent, {}, found.fingerprint) and remote.calls.count(('GET', MANIFEST)) == 3
    found = lease.read()
    remote.files[MANIFEST] = manifest.build(DEST, {}, True, 'another run')
    now[0] += 1.6
    writes = len(remote.writes)
    assert not lease.take(found.sent, {}, found.fingerprint) and len(remote.writes) == writes


def test_a_run_told_to_stop_records_what_it_did_and_the_next_run_finishes(tmp_path, quick_lease):
    remote = FakeRemote()
    files = dict(('f%02d.txt' % i, b'v1 %d' % i) for i in range(10))
    root = make_local(tmp_path, files)
    uploads = []
    real_upload = remote.upload

    def counting(path, source=None, content=None):
        if source is not None:
            uploads.append(path)
        return real_upload(path, source=source, content=content)

    remote.upload = counting
    with pytest.raises(sync.SyncStopped, match='controller'):
        whole_sync(remote, root, should_stop=lambda: 'its controller is gone' if len(uploads) >= 3 else None)
    assert len(uploads) == 3 and remote.manifest().state == manifest.INCOMPLETE
    assert_manifest_truthful(remote)
    assert remote.manifest().lease is None  # released: a redeploy need not wait for it to expire
    whole_sync(remote, root)
    assert remote.tree() == files and remote.manifest().state == manifest.TRUSTED


def test_without_lock_a_change_costs_one_request_less_and_leaves_no_lease(tmp_path, quick_lease):
    """lock=False: manifest read, manifest invalidated, the uploads, complete manifest; no read-back."""
    remote = FakeRemote()
    files = dict(('f%02d.txt' % i, b'v1 %d' % i) for i in range(20))
    root = make_local(tmp_path, files)
    whole_sync(remote, root)
    for i in range(0, 20, 2):
        (root / ('f%02d.txt' % i)).write_bytes(b'v2 %d' % i)
    remote.calls = []
    path_filter = PathFilter(always_exclude=[manifest.DEFAULT_NAME, manifest.DEFAULT_NAME + '.lock'])
    local = sync.scan_local(str(root), path_filter)
    the_plan, done = sync.sync_tree(remote, DEST, local, sync.hash_local(local), path_filter, lock=False)
    assert len(done['uploaded']) == 10
    assert remote.calls[:2] == [('GET', MANIFEST), ('POST', MANIFEST)] and remote.calls[-1] == ('POST', MANIFEST)
    assert remote.requests == 13
    assert remote.tree() == dict((rel, (root / rel).read_bytes()) for rel in files)
    assert remote.manifest().state == manifest.TRUSTED and remote.manifest().lease is None
    assert_manifest_truthful(remote)


def test_without_lock_a_sync_still_waits_for_a_live_lease(tmp_path, quick_lease):
    remote = FakeRemote({MANIFEST: leased_manifest('other-run', time.time() + 60)})
    root = make_local(tmp_path, FILES)
    path_filter = PathFilter(always_exclude=[manifest.DEFAULT_NAME])
    local = sync.scan_local(str(root), path_filter)
    with pytest.raises(_lease.LeaseError, match='another sync holds .*other-run'):
        sync.sync_tree(remote, DEST, local, sync.hash_local(local), path_filter, lock=False, lock_timeout=0.2)
    assert remote.writes == []


def test_without_lock_an_interrupted_run_leaves_an_incomplete_truthful_manifest(tmp_path, quick_lease):
    remote = FakeRemote()
    root = make_local(tmp_path, FILES)
    whole_sync(remote, root)
    for rel in FILES:
        (root / rel).write_bytes(b'changed ' + FILES[rel])
    remote.fail_uploads_after = len([c for c in remote.calls if c[0] == 'POST']) + 2  # invalidation + one file
    path_filter = PathFilter(always_exclude=[manifest.DEFAULT_NAME])
    local = sync.scan_local(str(root), path_filter)
    with pytest.raises(PythonAnywhereError):
        sync.sync_tree(remote, DEST, local, sync.hash_local(local), path_filter, lock=False)
    assert remote.manifest().state == manifest.INCOMPLETE and remote.manifest().lease is None
    assert_manifest_truthful(remote)
    remote.fail_uploads_after = None
    sync.sync_tree(remote, DEST, local, sync.hash_local(local), path_filter, lock=False)
    assert remote.tree() == dict((rel, b'changed ' + data) for rel, data in FILES.items())
    assert remote.manifest().state == manifest.TRUSTED
    assert_manifest_truthful(remote)


def test_controller_watch_notices_a_dead_process():
    from ansible_collections.pythonanywhere.pythonanywhere.plugins.modules import directory_sync
    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])
    try:
        gone = directory_sync.controller_watch(child.pid)
        assert gone() is None
        child.kill()
        time.sleep(0.2)  # not reaped yet: a zombie counts as gone
        assert 'is gone' in gone()
    finally:
        child.kill()
        child.wait()
    assert 'is gone' in gone()
    assert directory_sync.controller_watch(None) is None


def test_a_retried_upload_whose_first_attempt_lands_late_is_read_back_and_fixed(tmp_path, quick_lease):
    remote = FakeRemote()
    remote.retried_uploads = []
    root = make_local(tmp_path, {'app.py': b'new', 'b.txt': b'b'})
    real_upload = remote.upload
    late = [DEST + '/app.py']

    def upload(path, source=None, content=None):
        sent = real_upload(path, source=source, content=content)
        if path in late:  # the first attempt (old bytes) was cut off, retried, then landed after the retry
            late.remove(path)
            remote.retried_uploads.append(path)
            remote.files[path] = b'old'
        return sent

    remote.upload = upload
    whole_sync(remote, root)
    assert remote.tree() == {'app.py': b'new', 'b.txt': b'b'}
    assert_manifest_truthful(remote)
    assert ('GET', DEST + '/app.py') in remote.calls and ('GET', DEST + '/b.txt') not in remote.calls


def test_names_that_cannot_be_synced_are_skipped_not_fatal(tmp_path):
    root = make_local(tmp_path, {'a.txt': b'a', 'new\nline.txt': b'n', 'back\\slash.txt': b'b', 'z/zz.txt': b'z'})
    skipped = []
    found = sync.scan_local(str(root), PathFilter(), skipped=skipped)
    assert sorted(found) == ['a.txt', 'z/zz.txt']
    assert sorted(rel for rel, _why in skipped) == ['back\\slash.txt', 'new\nline.txt']
    assert 'backslash' in sync.skipped_warning(skipped) and 'newline' in sync.skipped_warning(skipped)


def test_symlinks_outside_src_are_followed_only_on_request(tmp_path):
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'secret.txt').write_bytes(b'private key')
    root = make_local(tmp_path, {'app.py': b'a', 'lib/mod.py': b'm'})
    os.symlink(str(outside / 'secret.txt'), str(root / 'key.txt'))
    os.symlink(str(outside), str(root / 'outdir'))
    os.symlink(str(root / 'lib'), str(root / 'lib2'))  # inside src: followed
    skipped = []
    found = sync.scan_local(str(root), PathFilter(), skipped=skipped)
    assert sorted(found) == ['app.py', 'lib/mod.py']  # lib2 is lib again: walked once
    assert sorted(rel for rel, _why in skipped) == ['key.txt', 'outdir']
    found = sync.scan_local(str(root), PathFilter(), follow_external_symlinks=True)
    assert 'key.txt' in found and 'outdir/secret.txt' in found
