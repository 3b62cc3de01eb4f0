"""Stand-in pages for the labels of Ansible's own documentation that the generated docs refer to.

Online, the docs site resolves references such as ``:ref:`common_return_values``` or
``:ref:`ansible.builtin.copy <ansible_collections.ansible.builtin.copy_module>``` through intersphinx
inventories downloaded from docs.ansible.com. The build here is offline (toolchain P12), so this script,
run by the docs-site stage of tests/utils/run-tests.sh on the generated reStructuredText, writes one
small orphan page per such label, linking to the page on docs.ansible.com. Labels that are neither
defined in the generated pages nor Ansible's get no page: Sphinx then warns, and the build fails.

Usage: docs_offline_refs.py RST_DIR
"""

import pathlib
import re
import sys

DOCS = 'https://docs.ansible.com/ansible/latest/'
#: Labels of Ansible's docsite (not of a plugin) that collection docs refer to, and their pages.
ANSIBLE_LABELS = {
    'common_return_values': ('Common return values', 'reference_appendices/common_return_values.html'),
    'action_plugins': ('Action plugins', 'plugins/action.html'),
    'ansible_configuration_settings': ('Ansible configuration settings', 'reference_appendices/config.html'),
}
PLUGIN_LABEL = re.compile(r'^ansible_collections\.ansible\.builtin\.(\w+)_(\w+)$')
REF = re.compile(r':ref:`(?:[^`<]*<)?([^`<>]+)>?`')
DEFINED = re.compile(r'^\.\. _([^:]+):\s*$', re.M)


def main():
    root = pathlib.Path(sys.argv[1])
    texts = [path.read_text(encoding='utf-8') for path in root.rglob('*.rst')]
    defined = {label for text in texts for label in DEFINED.findall(text)}
    wanted = {label.strip() for text in texts for label in REF.findall(text)} - defined
    written = []
    for label in sorted(wanted):
        plugin = PLUGIN_LABEL.match(label)
        if plugin:
            name, kind = plugin.groups()
            title, url = 'ansible.builtin.%s %s' % (name, kind), 'collections/ansible/builtin/%s_%s.html' % (name, kind)
        elif label in ANSIBLE_LABELS:
            title, url = ANSIBLE_LABELS[label]
        else:
            continue
        page = root / ('ansible-docs-%s.rst' % re.sub(r'[^\w.-]', '_', label))
        page.write_text(':orphan:\n\n.. _%s:\n\n%s\n%s\n\nSee `%s in the Ansible documentation <%s%s>`_.\n'
                        % (label, title, '=' * len(title), title, DOCS, url), encoding='utf-8')
        written.append(label)
    print('pages standing in for Ansible documentation labels: %s' % (', '.join(written) or 'none'))


if __name__ == '__main__':
    main()
