# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The archive transfer: building in parts, the extraction script (run for real, locally, as PA runs it), the
manifest kept truthful through failures, and the choice between archive and file by file."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _archive as archive
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _archive_extract as extract
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._command import NoRoute


def sha(data):
    return hashlib.sha256(data).hexdigest()


def make_tree(root, files, modes=None):
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if modes and rel in modes:
            os.chmod(str(path), modes[rel])
    return dict((rel, str(root / rel)) for rel in files)


class DiskRemote:
    """RemoteFiles on the local disk: remote path == local path (the script then sees what was uploaded)."""

    def __init__(self, fail_upload=None):
        self.calls = []
        self.fail_upload = fail_upload

    @property
    def requests(self):
        return len(self.calls)

    def upload(self, path, source=None, content=None):
        self.calls.append(('POST', path))
        if self.fail_upload and self.fail_upload in path:
            raise PythonAnywhereError('POST %s failed: HTTP 503' % path)
        if source is not None:
            with open(source, 'rb') as stream:
                content = stream.read()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as stream:
            stream.write(content)
        return sha(content)

    def fetch(self, path):
        self.calls.append(('GET', path))
        if not os.path.isfile(path):
            return None, None
        with open(path, 'rb') as stream:
            return stream.read(), 'application/octet-stream'

    def delete(self, path):
        self.calls.append(('DELETE', path))
        if not os.path.lexists(path):
            return False
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
        return True


def local_runner(commands):
    """Runs the command as PythonAnywhere would (here, locally), recording it."""
    def run(command, timeout):
        commands.append(command)
        done = subprocess.run(['sh', '-c', command.replace('python3 ', sys.executable + ' ', 1)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, check=False)
        return {'rc': done.returncode, 'stdout': done.stdout, 'stderr': done.stderr, 'via': 'local'}
    return run


class Manifests:
    def __init__(self):
        self.writes = []

    def __call__(self, files, complete):
        self.writes.append((dict(files), complete))


def archive_run(tmp_path, remote, manifests, commands, part_size=archive.MIN_PART_SIZE, dest=None):
    return archive.ArchiveRun(remote, local_runner(commands), manifests, 'alice', dest or str(tmp_path / 'server' / 'site'),
                              'r' * 32, part_size=part_size, folder=str(tmp_path / 'server' / 'work'), timeout=60,
                              tmpdir=str(tmp_path))


def tree(root):
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, 'rb') as stream:
                found[os.path.relpath(path, root)] = stream.read()
    return found


# --- building --------------------------------------------------------------------------------------------
def test_parts_are_cut_at_part_size_and_removed_once_handed_over(tmp_path):
    sources = make_tree(tmp_path / 'src', dict(('f%03d.bin' % i, os.urandom(50000)) for i in range(8)))
    seen = []

    def on_part(path, index):
        with open(path, 'rb') as stream:
            seen.append((index, stream.read()))
        assert len(os.listdir(str(tmp_path / 'parts'))) == 1  # one part on disk at a time

    (tmp_path / 'parts').mkdir()
    writer = archive.PartWriter(str(tmp_path / 'parts'), archive.MIN_PART_SIZE, on_part)
    files = archive.build_archive(sources, writer)
    writer.close()
    assert [index for index, _data in seen] == list(range(len(seen))) and len(seen) > 4
    assert all(len(data) == archive.MIN_PART_SIZE for _index, data in seen[:-1])
    assert os.listdir(str(tmp_path / 'parts')) == []
    whole = tarfile.open(fileobj=io.BytesIO(b''.join(data for _index, data in seen)), mode='r:gz')
    assert sorted(m.name for m in whole.getmembers()) == sorted(sources)
    assert files['f003.bin']['sha256'] == sha(open(sources['f003.bin'], 'rb').read())


# --- the extraction script, run as a process ----------------------------------------------------------------
def test_first_deploy_keeps_modes_and_verifies_every_file(tmp_path):
    content = {'app.py': b'print(1)\n', 'bin/run.sh': b'#!/bin/sh\necho hi\n', 'static/a/b/c.css': b'p{}'}
    sources = make_tree(tmp_path / 'src', content, modes={'bin/run.sh': 0o755, 'app.py': 0o640})
    manifests, commands = Manifests(), []
    remote = DiskRemote()
    done = archive_run(tmp_path, remote, manifests, commands).apply(
        [['upload', rel] for rel in sorted(content)], sources, {}, invalidate=False)
    dest = tmp_path / 'server' / 'site'
    assert tree(str(dest)) == content
    assert os.stat(str(dest / 'bin/run.sh')).st_mode & 0o777 == 0o755
    assert os.stat(str(dest / 'app.py')).st_mode & 0o777 == 0o640
    assert done['uploaded'] == dict((rel, sha(data)) for rel, data in content.items())
    assert manifests.writes == [(done['uploaded'], True)]
    assert not os.path.exists(str(tmp_path / 'server' / 'work'))  # parts, script, spec, journal: gone
    assert len(commands) == 1 and commands[0].startswith('python3 ')
    # one POST per part + script + spec, one DELETE of the run folder, no GET (the result line sufficed)
    assert [c[0] for c in remote.calls].count('GET') == 0
    assert remote.calls[-1] == ('DELETE', str(tmp_path / 'server' / 'work'))


def test_changes_and_deletions_in_the_same_command(tmp_path):
    dest = tmp_path / 'server' / 'site'
    make_tree(dest, {'keep.py': b'k', 'old.py': b'o', 'gone/x.py': b'x', 'gone/y/z.py': b'z', 'empty/only.py': b'e',
                     'change.py': b'v1'})
    sources = make_tree(tmp_path / 'src', {'change.py': b'v2', 'new/n.py': b'n'})
    known = {'keep.py': sha(b'k'), 'old.py': sha(b'o'), 'change.py': sha(b'v1'), 'empty/only.py': sha(b'e')}
    ops = [['upload', 'change.py'], ['upload', 'new/n.py'], ['delete', 'old.py'], ['delete', 'empty/only.py'],
           ['rmdir', 'gone'], ['prune', 'empty']]
    manifests, commands = Manifests(), []
    done = archive_run(tmp_path, DiskRemote(), manifests, commands).apply(ops, sources, known, invalidate=True)
    assert tree(str(dest)) == {'keep.py': b'k', 'change.py': b'v2', 'new/n.py': b'n'}
    assert not os.path.exists(str(dest / 'empty'))
    assert done['deleted'] == ['old.py', 'empty/only.py'] and done['removed_dirs'] == ['gone'] and done['pruned'] == ['empty']
    # invalidated first without the files about to change or go, then complete with what was verified
    assert manifests.writes[0] == ({'keep.py': sha(b'k')}, False)
    assert manifests.writes[-1] == ({'keep.py': sha(b'k'), 'change.py': sha(b'v2'), 'new/n.py': sha(b'n')}, True)


def malicious(tmp_path, add):
    """An archive with entries made by ``add(tar)``, and a spec expecting ``ok.txt``."""
    server = tmp_path / 'server'
    (server / 'site').mkdir(parents=True)
    part = server / 'part-000'
    with tarfile.open(str(part), 'w:gz') as tar:
        info = tarfile.TarInfo('ok.txt')
        info.size = 2
        tar.addfile(info, io.BytesIO(b'ok'))
        add(tar)
    spec = {'dest': str(server / 'site'), 'parts': [str(part)], 'files': {'ok.txt': {'sha256': sha(b'ok'), 'mode': 420}},
            'ops': [['upload', 'ok.txt']], 'journal': str(server / 'journal')}
    with open(str(server / 'spec.json'), 'w') as stream:
        json.dump(spec, stream)
    return server


def regular(name, data=b'evil'):
    def add(tar):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return add


def link(name, target, kind=tarfile.SYMTYPE):
    def add(tar):
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = target
        tar.addfile(info)
    return add


@pytest.mark.parametrize('add, why', [
    (regular('/tmp/evil.txt'), 'not a plain relative path'),
    (regular('../evil.txt'), 'not a plain relative path'),
    (regular('a/../../evil.txt'), 'not a plain relative path'),
    (link('ok2.txt', '/etc/passwd'), 'a link'),
    (link('ok3.txt', '../../outside', tarfile.LNKTYPE), 'a link'),
    (regular('unplanned.txt'), 'not a file the plan uploads'),
    (regular('ok.txt'), 'twice in the archive'),
])
def test_malicious_entries_refuse_the_whole_archive(tmp_path, add, why):
    server = malicious(tmp_path, add)
    done = subprocess.run([sys.executable, extract.__file__, str(server / 'spec.json')], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == extract.EXIT_REFUSED
    result = archive.parse_result(done.stdout)
    assert why in result['refused'] and result['verified'] == 0
    assert os.listdir(str(server / 'site')) == []  # nothing written, not even the good entry
    assert not os.path.exists(str(tmp_path / 'evil.txt')) and not os.path.exists('/tmp/evil.txt')
    assert not os.path.exists(str(server / 'part-000'))  # the part is removed whatever happens


def test_a_link_on_the_server_leading_out_of_dest_is_not_followed(tmp_path):
    outside = tmp_path / 'outside'
    outside.mkdir()
    dest = tmp_path / 'server' / 'site'
    dest.mkdir(parents=True)
    os.symlink(str(outside), str(dest / 'static'))
    sources = make_tree(tmp_path / 'src', {'static/x.css': b'x', 'a.py': b'a'})
    manifests = Manifests()
    with pytest.raises(archive.ArchiveError, match='outside'):
        archive_run(tmp_path, DiskRemote(), manifests, []).apply(
            [['upload', 'a.py'], ['upload', 'static/x.css']], sources, {}, invalidate=False)
    assert os.listdir(str(outside)) == []
    assert manifests.writes[-1] == ({'a.py': sha(b'a')}, False)  # only what was verified, incomplete


def test_a_hash_that_differs_from_the_plan_is_not_recorded(tmp_path):
    server = malicious(tmp_path, lambda tar: None)
    spec = json.load(open(str(server / 'spec.json')))
    spec['files']['ok.txt']['sha256'] = sha(b'something else')
    json.dump(spec, open(str(server / 'spec.json'), 'w'))
    code, result = extract.run(spec)
    assert code == extract.EXIT_FAILED and list(result['mismatched']) == ['ok.txt']
    assert os.listdir(str(server / 'site')) == [] and open(str(server / 'journal')).read() == ''


def test_interrupted_extraction_records_only_what_was_verified(tmp_path):
    """A folder where a file must go stops the extraction midway: the files before it are verified and
    recorded (from the journal), the others not, and the run fails saying the next run repairs."""
    dest = tmp_path / 'server' / 'site'
    (dest / 'm.py' / 'blocker').mkdir(parents=True)
    content = {'a.py': b'a', 'b.py': b'b', 'm.py': b'm', 'z.py': b'z'}
    sources = make_tree(tmp_path / 'src', content)
    manifests, remote = Manifests(), DiskRemote()
    with pytest.raises(archive.ArchiveError, match=r'2 of 4 files verified and recorded; the next run repairs'):
        archive_run(tmp_path, remote, manifests, []).apply(
            [['upload', rel] for rel in sorted(content)], sources, {'x.py': sha(b'x')}, invalidate=True)
    assert manifests.writes[0] == ({'x.py': sha(b'x')}, False)
    assert manifests.writes[-1] == ({'x.py': sha(b'x'), 'a.py': sha(b'a'), 'b.py': sha(b'b')}, False)
    assert ('GET', str(tmp_path / 'server' / 'work' / 'journal.jsonl')) in remote.calls
    assert not os.path.exists(str(tmp_path / 'server' / 'work'))


def test_a_failed_upload_removes_the_run_folder_and_records_nothing_new(tmp_path):
    sources = make_tree(tmp_path / 'src', {'a.py': b'a'})
    manifests, remote = Manifests(), DiskRemote(fail_upload='spec.json')
    with pytest.raises(PythonAnywhereError):
        archive_run(tmp_path, remote, manifests, []).apply([['upload', 'a.py']], sources, {'k': sha(b'k')}, invalidate=True)
    assert manifests.writes == [({'k': sha(b'k')}, False), ({'k': sha(b'k')}, False)]
    assert remote.calls[-1][0] == 'DELETE' and not os.path.exists(str(tmp_path / 'server' / 'work'))


def test_a_route_failure_reads_the_journal(tmp_path):
    sources = make_tree(tmp_path / 'src', {'a.py': b'a'})
    manifests, remote = Manifests(), DiskRemote()

    def killed(command, timeout):
        raise PythonAnywhereError('the command did not finish within 60 s')

    run = archive.ArchiveRun(remote, killed, manifests, 'alice', str(tmp_path / 'site'), 'r' * 32,
                             folder=str(tmp_path / 'work'), tmpdir=str(tmp_path))
    with pytest.raises(archive.ArchiveError, match='0 of 1 files verified'):
        run.apply([['upload', 'a.py']], sources, {}, invalidate=False)
    assert manifests.writes == [({}, False)]
    assert not os.path.exists(str(tmp_path / 'work'))


@pytest.fixture
def no_route(monkeypatch, tmp_path):
    """archive.transfer on an account whose every command route is refused (a new free account)."""
    asked = []

    class Refused:
        def __init__(self, client, sleep=None):
            pass

        def run(self, command, chdir, environment, timeout, via, console_id=None, console=None):
            asked.append((via, console_id, console))
            raise NoRoute('PythonAnywhere refused to run the command with via=auto (always on: paid only). Start a '
                          'console and pass its id as console_id', refusals='always on: paid only')

    real_run = archive.ArchiveRun
    monkeypatch.setattr(archive, 'CommandRunner', Refused)
    monkeypatch.setattr(archive, 'ArchiveRun', lambda *args, **kwargs: real_run(
        *args, **dict(kwargs, folder=str(tmp_path / 'server' / 'work'), tmpdir=str(tmp_path))))
    client = type('Client', (), {'username': 'alice'})()

    def transfer(sources, fallback, **route):
        return archive.transfer(client, DiskRemote(), str(tmp_path / 'server' / 'site'), [['upload', 'a.py']], sources,
                                {}, Manifests(), False, 'r' * 32, fallback=fallback, **route)
    transfer.asked = asked
    return transfer


def test_no_route_at_extraction_falls_back_with_a_note_for_a_sync(tmp_path, no_route):
    sources = make_tree(tmp_path / 'src', {'a.py': b'a'})
    done = no_route(sources, lambda known: {'uploaded': {'a.py': sha(b'a')}, 'known': known})
    assert done['transfer'] == 'files' and done['uploaded'] == {'a.py': sha(b'a')}
    assert done['transfer_note'] == 'file by file: no command route on this account (always on: paid only)'
    assert 'console_id' not in done['transfer_note']  # a sync has no console route: no advice about one
    assert not os.path.exists(str(tmp_path / 'server' / 'work'))


def test_no_route_at_extraction_fails_a_forced_archive_naming_transfer(tmp_path, no_route):
    sources = make_tree(tmp_path / 'src', {'a.py': b'a'})
    expected = r'^transfer=archive could not extract .*always on: paid only.*use transfer=auto or files'
    with pytest.raises(archive.ArchiveError, match=expected) as failed:
        no_route(sources, None)
    assert 'console_id' not in str(failed.value)
    assert not os.path.exists(str(tmp_path / 'server' / 'work'))


def test_the_console_route_of_the_extraction_gets_the_console(tmp_path, no_route):
    sources = make_tree(tmp_path / 'src', {'a.py': b'a'})
    console = object()
    with pytest.raises(archive.ArchiveError):
        no_route(sources, None, via='console', console_id=7, console=console)
    assert no_route.asked == [('console', 7, console)]
    assert archive.expected_latency('console') == archive.expected_latency('always_on')


def test_the_journal_only_counts_lines_matching_the_plan():
    raw = b'["a.py", "%s"]\n["b.py", "%s"]\n["c.py", "12' % (sha(b'a').encode(), sha(b'other').encode())
    assert archive.parse_journal(raw, {'a.py': sha(b'a'), 'b.py': sha(b'b'), 'c.py': sha(b'c')}) == {'a.py': sha(b'a')}


def test_the_uploaded_script_is_this_module():
    assert 'PA-SYNC-RESULT' in archive.script_source() and 'def main(argv)' in archive.script_source()


# --- choosing ---------------------------------------------------------------------------------------------
def plan_of(uploads, deletes=0):
    ops = [['upload', 'f%05d' % i] for i in range(uploads)] + [['delete', 'd%05d' % i] for i in range(deletes)]
    return {'ops': ops, 'invalidate_first': True}


def never(*_args):
    raise AssertionError('the route was looked up')


def test_small_changes_stay_file_by_file_without_looking_up_a_route():
    transfer, reason, estimates = archive.choose(plan_of(10), 'auto', {}, 40, 40, 60, archive.DEFAULT_PART_SIZE, never)
    assert transfer == 'files' and 'less than any command route' in reason and estimates['files_s'] < 20


def test_a_first_deploy_goes_by_archive():
    transfer, reason, estimates = archive.choose(plan_of(1000), 'auto', {}, 40, 40, 60, archive.DEFAULT_PART_SIZE,
                                                 lambda: ('scheduled_task', 75.0))
    assert transfer == 'archive' and 'scheduled_task' in reason
    assert estimates['files_s'] > 1400 and estimates['archive_s'] < 90


def test_no_route_falls_back_with_a_note_and_forcing_the_archive_fails():
    def none():
        return None, 'new free accounts have no scheduled or always-on tasks'

    transfer, reason, _est = archive.choose(plan_of(1000), 'auto', {}, 40, 40, 60, archive.DEFAULT_PART_SIZE, none)
    assert transfer == 'files' and 'no command route' in reason and 'new free accounts' in reason
    with pytest.raises(archive.ArchiveError, match='transfer=archive needs'):
        archive.choose(plan_of(1000), 'archive', {}, 40, 40, 60, archive.DEFAULT_PART_SIZE, none)


def test_forcing_either_way():
    assert archive.choose(plan_of(1000), 'files', {}, 40, 40, 60, archive.DEFAULT_PART_SIZE, never)[0] == 'files'
    assert archive.choose(plan_of(2), 'archive', {}, 40, 40, 60, archive.DEFAULT_PART_SIZE,
                          lambda: ('always_on', 10.0))[0] == 'archive'


def test_a_slow_route_loses_to_a_moderate_file_by_file_run():
    transfer, _reason, est = archive.choose(plan_of(70), 'auto', {}, 40, 40, 60, archive.DEFAULT_PART_SIZE,
                                            lambda: ('scheduled_task', 75.0))
    assert transfer == 'files' and est['files_s'] < est['archive_s']


@pytest.mark.parametrize('size', [archive.MIN_PART_SIZE - 1, archive.MAX_PART_SIZE + 1])
def test_part_size_bounds(size):
    with pytest.raises(archive.FilesError, match='archive_part_size'):
        archive.check_part_size(size)


def test_run_folders_of_killed_runs_are_removed_once_their_deadline_passed():
    entries = {'.ansible-pythonanywhere-archive-1000-abc123': 'directory',   # expired
               '.ansible-pythonanywhere-archive-9999999999-def456': 'directory',  # may still be in use
               '.ansible-pythonanywhere-archive-1000-abc': 'file',
               'mysite': 'directory'}
    assert archive.expired_folders(entries, now=2000) == ['.ansible-pythonanywhere-archive-1000-abc123']
    name = archive.work_folder('alice', 'f' * 32, 600, now=1000).rsplit('/', 1)[1]
    assert archive.WORK_NAME.match(name) and archive.expired_folders({name: 'directory'}, now=1000 + 600) == []
    assert archive.expired_folders({name: 'directory'}, now=1000 + 600 + archive.WORK_GRACE + 1) == [name]
