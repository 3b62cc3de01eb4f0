# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._patterns import (
    PathFilter,
    Pattern,
    PatternError,
    parse_lines,
)


@pytest.mark.parametrize('pattern, path, is_dir, expected', [
    ('*.pyc', 'a.pyc', False, True),
    ('*.pyc', 'pkg/sub/a.pyc', False, True),       # no slash: any depth
    ('*.pyc', 'a.pyc.txt', False, False),
    ('/build', 'build', True, True),               # leading slash: anchored
    ('/build', 'src/build', True, False),
    ('docs/_build', 'docs/_build', True, True),    # inner slash: anchored too
    ('docs/_build', 'x/docs/_build', True, False),
    ('venv/', 'venv', True, True),                 # trailing slash: folders only
    ('venv/', 'venv', False, False),
    ('**/migrations', 'app/migrations', True, True),
    ('**/migrations', 'migrations', True, True),
    ('logs/**', 'logs/a/b.log', False, True),
    ('logs/**', 'logs', True, False),
    ('a/**/z.txt', 'a/z.txt', False, True),
    ('a/**/z.txt', 'a/b/c/z.txt', False, True),
    ('*.py[cod]', 'x.pyo', False, True),
    ('?.txt', 'a.txt', False, True),
    ('?.txt', 'ab.txt', False, False),
    ('*', 'a/b', False, True),                     # "*" matches a name at any depth
    ('a*b', 'a/b', False, False),                  # but never crosses a slash
    ('[!a]x', 'bx', False, True),
    ('[!a]x', 'ax', False, False),
    ('\\!important', '!important', False, True),
    ('foo\\ ', 'foo ', False, True),
])
def test_gitignore_rules(pattern, path, is_dir, expected):
    assert Pattern(parse_lines([pattern])[0]).matches(path, is_dir) is expected


def test_parse_lines_skips_comments_blanks_and_trailing_spaces():
    assert parse_lines(['# comment', '', '   ', '*.log   ', '!keep.log', 'foo\\ ']) == ['*.log', '!keep.log', 'foo ']


def test_empty_pattern_is_refused():
    with pytest.raises(PatternError):
        Pattern('/')


def test_default_excludes_never_ship_vcs_bytecode_venvs_or_secrets():
    path_filter = PathFilter()
    for folder in ('.git', 'pkg/__pycache__', 'venv', '.venv', '.tox', '.env'):
        assert not path_filter.enters_dir(folder), folder
    for name in ('a.pyc', 'pkg/b.pyo', '.env', 'conf/.env.production', '.DS_Store'):
        assert not path_filter.takes_file(name), name
    for name in ('app.py', '.env.example', '.gitignore', 'static/site.css', 'environment.py'):
        assert path_filter.takes_file(name), name
    assert path_filter.is_virtualenv(['bin', 'lib', 'pyvenv.cfg'])
    assert not PathFilter(default_excludes=False).is_virtualenv(['pyvenv.cfg'])


def test_user_patterns_come_after_the_defaults_and_may_reinclude():
    path_filter = PathFilter(exclude=['*.log', '!keep.log', '!.env'])
    assert not path_filter.takes_file('debug.log')
    assert path_filter.takes_file('keep.log')
    assert path_filter.takes_file('.env')
    assert not PathFilter(default_excludes=False, exclude=['media/']).enters_dir('media')
    assert PathFilter(default_excludes=False).takes_file('a.pyc')


def test_include_selects_files_but_folders_are_still_entered():
    path_filter = PathFilter(include=['*.py', 'templates/**'])
    assert path_filter.takes_file('app/views.py')
    assert path_filter.takes_file('templates/base/layout.html')
    assert not path_filter.takes_file('README.md')
    assert path_filter.enters_dir('app')
    assert path_filter.manages('app/views.py')
    assert not path_filter.manages('app/__pycache__/x.py')  # an excluded folder wins over include


def test_always_exclude_wins_over_patterns():
    path_filter = PathFilter(exclude=['!*'], always_exclude=['.manifest.json'])
    assert not path_filter.takes_file('.manifest.json')
    assert path_filter.takes_file('sub/.manifest.json')
