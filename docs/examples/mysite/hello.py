# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The demo's web app: the smallest WSGI application there is (no framework to install)."""

from __future__ import annotations


def app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/html; charset=utf-8')])
    return [b'<link rel="stylesheet" href="/static/site.css"><h1>Deployed by Ansible</h1>\n']
