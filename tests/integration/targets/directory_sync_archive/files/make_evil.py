# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make_evil.py OUT_DIR REMOTE_DIR DEST KIND: a gzipped tar whose second entry is malicious, and the spec that
the extraction script would get for it (expecting only ok.txt), as directory_sync would upload them.

KIND: ``dotdot`` (``../escaped.txt``), ``absolute`` (``/home/<u>/escaped.txt``) or ``symlink`` (``link`` ->
``/home/<u>``)."""

import hashlib
import io
import json
import os
import sys
import tarfile


def main():
    out, remote, dest, kind = sys.argv[1:5]
    home = '/' + '/'.join(dest.strip('/').split('/')[:2])
    os.makedirs(out, exist_ok=True)
    with tarfile.open(os.path.join(out, 'part-000.tar.gz'), 'w:gz') as tar:
        good = tarfile.TarInfo('ok.txt')
        good.size = 3
        tar.addfile(good, io.BytesIO(b'ok\n'))
        if kind == 'symlink':
            evil = tarfile.TarInfo('link')
            evil.type = tarfile.SYMTYPE
            evil.linkname = home
            tar.addfile(evil)
        else:
            evil = tarfile.TarInfo('../escaped.txt' if kind == 'dotdot' else home + '/escaped.txt')
            evil.size = 5
            tar.addfile(evil, io.BytesIO(b'evil\n'))
    spec = {'dest': dest, 'parts': [remote + '/part-000.tar.gz'],
            'files': {'ok.txt': {'sha256': hashlib.sha256(b'ok\n').hexdigest(), 'mode': 420}},
            'ops': [['upload', 'ok.txt']], 'journal': remote + '/journal.jsonl'}
    with open(os.path.join(out, 'spec.json'), 'w') as stream:
        json.dump(spec, stream)


if __name__ == '__main__':
    main()
