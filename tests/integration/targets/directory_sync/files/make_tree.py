# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make_tree.py DIR COUNT: write COUNT small files into DIR, spread over 20 folders of two levels."""

import os
import sys


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    for index in range(count):
        folder = os.path.join(root, 'part%d' % (index % 4), 'sub%d' % (index % 5))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, 'f%04d.txt' % index), 'w') as stream:
            stream.write('file %d\n' % index)


if __name__ == '__main__':
    main()
