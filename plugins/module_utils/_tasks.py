# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scheduled tasks and always-on tasks: shared by their modules and their _info modules.

Both kinds are found the same way when no ``id`` is given: by ``description`` when one is given,
else by ``command``. A task found by description may have its command changed in place; a task
found by command may not (the command is what identifies it). When no task has the description
asked for, a task with the same command and no description is adopted, so adding a description
to an existing task later updates it instead of creating a second one.
"""

from __future__ import annotations

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import (
    Field,
    Resource,
    ResourceError,
)


#: DRF's generic 403: a wrong account or object, not a plan limit.
PERMISSION_DENIED = 'You do not have permission to perform this action.'


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Task(Resource):
    """What scheduled and always-on tasks share: lookup by id, description or command; plan errors."""

    id_param = 'id'
    required_to_create = ('command',)
    #: What to tell the user when PA refuses a task because of the account's plan, or because of its quota.
    plan_advice = ''
    quota_advice = ''
    #: How many tasks of this kind the account had when they were listed (None: not listed).
    listed = None

    def key_values(self):
        """``(description, command)`` as given (stripped, empty description = none)."""
        return _strip(self.params.get('description')) or None, _strip(self.params.get('command')) or None

    def candidate_keys(self):
        description, command = self.key_values()
        if description:
            keys = [{'description': description}]
            if command:
                keys.append({'description': '', 'command': command})
            return keys
        if command:
            return [{'command': command}]
        raise ResourceError('give id, description or command to find the %s' % self.name)

    def list_remote(self):
        items = [self.with_description(item) for item in super().list_remote()]
        self.listed = len(items)
        return items

    @staticmethod
    def with_description(remote):
        """PA answers ``""`` for a task without a description; accept ``null`` as the same."""
        if remote is not None and remote.get('description') is None:
            remote = dict(remote, description='')
        return remote

    def project(self, remote):
        return super().project(self.with_description(remote))

    def validate(self):
        command = self.params.get('command')
        if command is not None and not command.strip():
            raise ResourceError('command must not be empty')
        if self.params.get('id') is not None and self.params['id'] <= 0:
            raise ResourceError('id must be a positive number, got %s' % self.params['id'])

    def describe(self):
        if self.params.get('id') is not None:
            return super().describe()
        description, command = self.key_values()
        return '%s %r' % (self.name, description or command)

    def select(self):
        """For the _info modules: the task with ``id``, else every task with the description and command given."""
        if self.params.get('id') is not None:
            return self.info(True)
        description, command = self.key_values()
        return [task for task in self.info(False)
                if description in (None, task['description']) and command in (None, task['command'])]

    def plan_error(self, exc, action):
        """A 403 from PA about the plan or the quota, as a message that says what to do."""
        body = exc.body if isinstance(exc.body, dict) else {}
        if exc.status != 403 or body.get('detail') == PERMISSION_DENIED:
            return exc
        if 'maximum number' not in str(body.get('detail', '')):
            advice = self.plan_advice
        elif self.listed == 0:
            # A quota reached with no task at all is a quota of 0: a plan without this kind of task.
            advice = 'The account\'s plan allows no %s. %s' % (self.name, self.plan_advice)
        else:
            advice = self.quota_advice
        return ResourceError('PythonAnywhere refused to %s the %s because of the account\'s plan: %s. %s'
                             % (action, self.name, exc.message, advice))

    def create(self, desired):
        try:
            return super().create(desired)
        except PythonAnywhereError as exc:
            raise self.plan_error(exc, 'create') from None

    def update(self, remote, changes):
        try:
            return super().update(remote, changes)
        except PythonAnywhereError as exc:
            raise self.plan_error(exc, 'change') from None


class ScheduledTask(Task):
    name = 'scheduled task'
    return_key = 'scheduled_task'
    list_path = 'schedule/'
    item_path = 'schedule/{id}/'
    fields = {
        'command': Field(normalize=_strip),
        'description': Field(normalize=_strip),
        'interval': Field(),
        'hour': Field(),
        'minute': Field(),
        'enabled': Field(),
        'user': Field(read_only=True),
        'url': Field(read_only=True),
        'printable_time': Field(read_only=True),
        'logfile': Field(read_only=True),
        'expiry': Field(read_only=True),
        'can_enable': Field(read_only=True),
        'extend_url': Field(read_only=True),
    }
    plan_advice = ('Scheduled tasks need a paid account (free accounts created since January 2026 have none, older '
                   'free accounts one daily task): upgrade the account on its Account page.')
    quota_advice = ('Delete a scheduled task you no longer need (state=absent), or raise the limit of the account '
                    'on its Account page.')

    def desired(self):
        desired = super().desired()
        if desired.get('interval') == 'hourly':
            desired['hour'] = None  # PA: "Hourly tasks must not have an hour."
        return desired

    def validate(self):
        super().validate()
        minute, hour = self.params.get('minute'), self.params.get('hour')
        if minute is not None and not 0 <= minute <= 59:
            raise ResourceError('minute must be between 0 and 59, got %s' % minute)
        if hour is not None and not 0 <= hour <= 23:
            raise ResourceError('hour must be between 0 and 23, got %s' % hour)
        if self.params.get('interval') == 'hourly' and hour is not None:
            raise ResourceError('hour must not be set for an hourly task (it runs every hour at minute %s)'
                                % (minute if minute is not None else 'M'))

    required_to_create = ('command', 'interval', 'minute')

    def validate_target(self, current, desired):
        super().validate_target(current, desired)
        interval = desired.get('interval') or current['interval']
        hour = desired['hour'] if 'hour' in desired else (current or {}).get('hour')
        if interval == 'daily' and hour is None:
            raise ResourceError('hour is required for a daily task (0-23, UTC)')
        if interval == 'hourly' and desired.get('hour') is not None:
            raise ResourceError('hour must not be set: the scheduled task %s is hourly (set interval: daily to run '
                                'it once a day)' % current.get('id'))


class AlwaysOnTask(Task):
    name = 'always-on task'
    return_key = 'always_on_task'
    list_path = 'always_on/'
    item_path = 'always_on/{id}/'
    fields = {
        'command': Field(normalize=_strip),
        'description': Field(normalize=_strip),
        'enabled': Field(),
        'url': Field(read_only=True),
    }
    plan_advice = 'Always-on tasks need a paid account: upgrade the account on its Account page.'
    act_on_create = False  # PythonAnywhere starts a new always-on task: state=restarted does not restart it again
    quota_advice = ('Delete an always-on task you no longer need (state=absent), or raise the limit of the account '
                    'on its Account page.')

    def restart(self, task):
        """Restart the task's command (``task``: the object as the module returns it)."""
        self.client.post('always_on/{id}/restart/', params=self.item_params(task))
