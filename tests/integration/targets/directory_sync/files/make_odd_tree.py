# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make_odd_tree.py DIR OUTSIDE: a tree with names a sync cannot carry and links that leave it.

DIR gets a.txt, a file whose name holds a newline, one whose name holds a backslash, z_after.txt (sorted
after them), a link to a file in OUTSIDE, a link to OUTSIDE itself and a link to a.txt (inside DIR).
"""

import os
import sys


def write(path, text):
    with open(path, 'w') as stream:
        stream.write(text)


def main():
    root, outside = sys.argv[1], sys.argv[2]
    os.makedirs(root, exist_ok=True)
    os.makedirs(outside, exist_ok=True)
    write(os.path.join(outside, 'id_key'), 'not for the server\n')
    for name in ('a.txt', 'odd\nname.txt', 'back\\slash.txt', 'z_after.txt'):
        write(os.path.join(root, name), name + '\n')
    os.symlink(os.path.join(outside, 'id_key'), os.path.join(root, 'key_link'))
    os.symlink(outside, os.path.join(root, 'outside_dir'))
    os.symlink('a.txt', os.path.join(root, 'same_as_a.txt'))


if __name__ == '__main__':
    main()
