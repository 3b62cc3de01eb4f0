# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils import _manifest as manifest

DEST = '/home/alice/site'
SHA = 'a' * 64


def test_a_complete_manifest_round_trips_and_is_trusted():
    raw = manifest.build(DEST, {'b.py': SHA, 'a/c.txt': 'b' * 64}, True, 'run1')
    found = manifest.parse(raw, DEST)
    assert found.state == manifest.TRUSTED
    assert found.files == {'a/c.txt': 'b' * 64, 'b.py': SHA}
    assert found.usable_entries == found.files


def test_missing():
    found = manifest.parse(None, DEST)
    assert found.state == manifest.MISSING and not found.exists and found.usable_entries == {}


def test_incomplete_entries_are_usable_but_not_the_whole_picture():
    found = manifest.parse(manifest.build(DEST, {'x': SHA}, False, 'run1'), DEST)
    assert found.state == manifest.INCOMPLETE
    assert found.usable_entries == {'x': SHA}


@pytest.mark.parametrize('raw', [
    b'not json',
    b'\xff\xfe',
    b'[1, 2]',
    b'',
])
def test_unreadable_is_corrupt(raw):
    found = manifest.parse(raw, DEST)
    assert found.state in (manifest.CORRUPT, manifest.FOREIGN)
    assert found.usable_entries == {}


def _edit(change):
    document = json.loads(manifest.build(DEST, {'x.py': SHA}, True, 'run1'))
    change(document)
    return json.dumps(document).encode()


def test_an_edited_entry_breaks_the_checksum():
    found = manifest.parse(_edit(lambda d: d['files'].update({'x.py': 'c' * 64})), DEST)
    assert found.state == manifest.CORRUPT and 'checksum' in found.reason


def test_a_truncated_manifest_is_corrupt():
    raw = manifest.build(DEST, dict(('f%d' % i, SHA) for i in range(50)), True, 'run1')
    assert manifest.parse(raw[:len(raw) // 2], DEST).state == manifest.CORRUPT


def test_an_unsafe_entry_is_refused_even_with_a_good_checksum():
    def change(document):
        document['files'] = {'../../etc/passwd': SHA}
        document['checksum'] = manifest._checksum(DEST, True, document['files'], 'run1')
    assert manifest.parse(_edit(change), DEST).state == manifest.CORRUPT


@pytest.mark.parametrize('change', [
    lambda d: d.update(tool='someone.else'),
    lambda d: d.update(format=2),
])
def test_another_tool_or_format_is_foreign(change):
    found = manifest.parse(_edit(change), DEST)
    assert found.state == manifest.FOREIGN
    assert found.usable_entries == {}


def test_a_manifest_copied_from_another_directory_is_foreign():
    found = manifest.parse(manifest.build('/home/alice/other', {'x': SHA}, True, 'r'), DEST)
    assert found.state == manifest.FOREIGN and '/home/alice/other' in found.reason


@pytest.mark.parametrize('path, safe', [
    ('a/b.txt', True), ('.env.example', True), ('/abs', False), ('a/../b', False), ('a//b', False),
    ('./a', False), ('', False), ('a\\b', False),
])
def test_safe_relative(path, safe):
    assert manifest.safe_relative(path) is safe


def test_an_incomplete_manifest_carries_its_runs_lease_and_a_complete_one_none():
    lease = {'owner': 'run1', 'nonce': 'n1', 'expires': 1e10}
    found = manifest.parse(manifest.build(DEST, {'a.txt': SHA}, False, 'run1', lease=lease), DEST)
    assert found.state == manifest.INCOMPLETE and found.lease == lease and found.files == {'a.txt': SHA}
    complete = manifest.build(DEST, {'a.txt': SHA}, True, 'run1', lease=lease)
    assert 'lease' not in json.loads(complete) and manifest.parse(complete, DEST).lease is None
    assert manifest.parse(manifest.build(DEST, {}, False, 'run1'), DEST).lease is None


def test_a_renewal_changes_only_the_lease_not_the_checksum():
    document = json.loads(manifest.build(DEST, {'a.txt': SHA}, False, 'run1', lease={'owner': 'run1', 'nonce': 'x'}))
    document['lease'] = 'garbled'
    found = manifest.parse(json.dumps(document).encode(), DEST)
    assert found.state == manifest.INCOMPLETE and found.lease == {}  # unreadable: a foreign lease until it is stale
