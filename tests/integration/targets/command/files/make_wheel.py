# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write a tiny pure-Python wheel by hand (no build tool, no package index), for tests that pip-install offline.

Usage: make_wheel.py DEST_DIR [NAME [VERSION [GREETING]]]. Prints the wheel's path. The bytes depend only on
the arguments (fixed timestamps), so a second run writes the same file and a sync of it changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import zipfile


def record_hash(data):
    return 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()


def main():
    dest = sys.argv[1]
    name = sys.argv[2] if len(sys.argv) > 2 else 'pa_demo_greeting'
    version = sys.argv[3] if len(sys.argv) > 3 else '1.0'
    greeting = sys.argv[4] if len(sys.argv) > 4 else 'Hello from a local wheel'
    info = '%s-%s.dist-info' % (name, version)
    files = [
        ('%s/__init__.py' % name, ('GREETING = %r\n__version__ = %r\n' % (greeting, version)).encode()),
        ('%s/METADATA' % info, ('Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: A test package\n'
                                % (name, version)).encode()),
        ('%s/WHEEL' % info, b'Wheel-Version: 1.0\nGenerator: make_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
    ]
    record = ''.join('%s,%s,%d\n' % (path, record_hash(data), len(data)) for path, data in files)
    files.append(('%s/RECORD' % info, (record + '%s/RECORD,,\n' % info).encode()))
    os.makedirs(dest, exist_ok=True)
    path = os.path.join(dest, '%s-%s-py3-none-any.whl' % (name, version))
    with zipfile.ZipFile(path + '.part', 'w', zipfile.ZIP_DEFLATED) as wheel:
        for member, data in files:
            entry = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, data)
    os.replace(path + '.part', path)
    print(path)


if __name__ == '__main__':
    main()
