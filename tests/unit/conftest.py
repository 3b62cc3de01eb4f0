# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for unit tests: a scripted HTTP session and a module runner."""

from __future__ import annotations

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.tests.unit.scripted_api import ModuleRunner, ScriptedSession


@pytest.fixture
def api(monkeypatch, tmp_path):
    """A scripted API: ``api.expect('GET', 'webapps/x/', json=...)``; every expectation must be used."""
    session = ScriptedSession()
    monkeypatch.setattr(
        'ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client.requests.Session',
        lambda: session)
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    yield session
    session.verify_done()


@pytest.fixture
def run_module(api, capsys):
    return ModuleRunner(capsys)
