# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PythonAnywhere consoles: shared by the console and console_info modules.

A console created through the API is only a record: PythonAnywhere starts its process the first time someone
opens it in a browser, and until then ``send_input`` answers 412. Consoles cannot be changed in place.
"""

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import (
    Field,
    Resource,
    ResourceError,
    strip_trailing_slash,
)


def working_directory(value):
    """``/home/alice/app/`` -> ``/home/alice/app``; no directory (``None`` or ``""``) -> None."""
    return strip_trailing_slash(value) or None


class Console(Resource):
    name = 'console'
    return_key = 'console'
    list_path = 'consoles/'
    item_path = 'consoles/{id}/'
    id_param = 'id'
    natural_key = ('executable', 'working_directory')
    encoding = 'json'
    fields = {
        'executable': Field(update=False),
        'arguments': Field(update=False),
        'working_directory': Field(normalize=working_directory, update=False),
        'user': Field(read_only=True),
        'name': Field(read_only=True),
        'console_url': Field(read_only=True),
        'console_frame_url': Field(read_only=True),
    }

    def validate_id(self):
        console_id = self.params.get('id')
        if console_id is not None and console_id <= 0:
            raise ResourceError('id must be a positive console id, got %s' % console_id)

    def validate(self):
        self.validate_id()
        console_id = self.params.get('id')
        executable = self.params.get('executable')
        if executable is not None and (not executable.strip() or executable != executable.strip()):
            raise ResourceError('executable must be a program name such as bash or python3.13, got %r' % executable)
        directory = self.params.get('working_directory')
        if directory and not directory.startswith('/'):
            raise ResourceError('working_directory must be an absolute path on PythonAnywhere, got %r' % directory)
        if console_id is None and not executable:
            raise ResourceError('executable is required to find the console when no id is given')

    def match_keys(self):
        """The executable and the working directory; no working directory matches consoles that have none."""
        return {
            'executable': self.params['executable'],
            'working_directory': self.fields['working_directory'].norm(self.params.get('working_directory')),
        }

    def create(self, desired):
        try:
            return super().create(desired)
        except PythonAnywhereError as exc:
            if exc.status != 429:
                raise
            raise ResourceError('PythonAnywhere refused to create another console (%s). Free accounts may have '
                                'two consoles: kill one (state=absent) and try again' % exc)

    def update(self, remote, changes):
        """Consoles have no update endpoint: a change of any field replaces the console (see ensure_present).

        Reached only when the console PythonAnywhere just created differs from what was asked.
        """
        raise ResourceError('PythonAnywhere created console %s with %s; consoles cannot be changed in place' % (
            remote.get('id'), ', '.join('%s=%r' % (param, remote.get(self.api_name(param))) for param in sorted(changes))))

    def browser_url(self, remote):
        """The address where a human opens (and so starts) the console."""
        url = remote.get('console_url') or '/user/%s/consoles/%s/' % (self.client.username, remote.get('id'))
        return url if '://' in url else self.client.base_url + url

    def not_started(self, remote, detail=''):
        return ResourceError(
            'console %s (%s) has not been started: PythonAnywhere starts a console only when it is opened in a '
            'browser. Open %s once, then run the task again%s' % (
                remote.get('id'), remote.get('name') or remote.get('executable'), self.browser_url(remote),
                ' (API: %s)' % detail if detail else ''))

    def send_input(self, remote, text):
        """Type ``text`` into the console; a console never opened in a browser gives a clear error."""
        response = self.client.request('POST', 'consoles/{id}/send_input/', params={'id': remote['id']},
                                       json_body={'input': text}, allowed=(412,))
        if response.status == 412:
            body = response.json
            raise self.not_started(remote, body.get('error') if isinstance(body, dict) else response.text)

    def latest_output(self, remote):
        """The last few hundred characters of the console's screen, or None when it has not been started."""
        response = self.client.request('GET', 'consoles/{id}/get_latest_output/', params={'id': remote['id']},
                                       allowed=(412,))
        if response.status == 412:
            return None
        body = response.json
        return body.get('output') if isinstance(body, dict) else None

    def shared_with_you(self):
        return self.client.get_json('consoles/shared_with_you/') or []
