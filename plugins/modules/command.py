#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: command
short_description: Run a shell command on a PythonAnywhere account, through the API only
version_added: 0.1.0
description:
  - Runs a command on the account, in C(bash), and returns its exit code and its complete output, as
    M(ansible.builtin.command) does on a host. Creating a virtualenv, C(pip install), C(manage.py migrate)
    need no browser and no SSH.
  - PythonAnywhere has no endpoint that runs a command. The module uses one of three routes, see O(via). An
    always-on task (paid accounts) starts at once. A scheduled task (paid accounts, and free accounts created before
    2026-01-15, which have one daily task) starts at the next minute. A console (any account) works once a human has
    started it in a browser.
  - The module uploads a small wrapper script into a run directory of its own,
    C(/home/<username>/.ansible-pythonanywhere-run-<deadline>-<id>/), and has the route start it. The wrapper runs
    the command with O(chdir), O(environment) and O(timeout), and writes the exit code, the start and end times
    and the whole output into the run directory, where the module reads them back (not from the 500-character tail
    of a console). PythonAnywhere's C(Completed task ... return code was N.) line of a scheduled task's log is
    only a fallback.
  - Nothing is left behind. The task, the wrapper and the run files are deleted when the command ends, fails or
    times out. If the module itself is killed midway, the next run of the module deletes what it left (the run
    directory and a task whose description carries the run's marker) once the run's deadline has passed.
  - A command that exits with a non-zero code fails the task and shows the end of its output; C(failed_when)
    and C(changed_when) work as usual. A command that runs reports C(changed), like M(ansible.builtin.command).
  - With O(creates) or O(removes), the module first looks for the path through the files API (a listing of its
    parent folder, never a download). When they say the command is not needed, nothing is started, nothing is
    written, and the task is C(ok).
author:
  - PythonAnywhere collection maintainers (@pythonanywhere-ansible)
options:
  cmd:
    description:
      - The command line, run by C(bash -c) on PythonAnywhere (pipes, redirections, C(&&) and variables work).
      - Exactly one of O(cmd) and O(argv) is required.
    type: str
  argv:
    description:
      - The command as a list of words, each quoted for the shell (no shell syntax is interpreted).
    type: list
    elements: str
  chdir:
    description:
      - The absolute directory on PythonAnywhere the command runs in.
      - Defaults to the account's home directory, C(/home/<username>).
    type: str
  environment:
    description:
      - Environment variables for the command, added to those PythonAnywhere sets (C(HOME), C(USER), C(API_TOKEN),
        ...).
      - The values travel only inside the wrapper script (uploaded, then deleted); they never appear in the task's
        command or description, in the module's messages or in its errors. The command's own output is returned
        as it is, so a command that prints a secret needs C(no_log) on the task.
    type: dict
    default: {}
  creates:
    description:
      - A path on PythonAnywhere (relative to O(chdir)); when it exists, the command is not run. Wildcards
        (V(*), V(?), V([...])) are allowed in its last part.
    type: str
  removes:
    description:
      - A path on PythonAnywhere (relative to O(chdir)); when it does not exist, the command is not run.
        Wildcards are allowed in its last part.
    type: str
  timeout:
    description:
      - The longest the command may run, in seconds (from its start, not counting the wait for the route). The
        wrapper stops the command then, the run is cleaned up and the task fails.
      - PythonAnywhere stops tasks after 2 hours (free accounts) or 12 hours (paid) whatever this says.
    type: int
    default: 1800
  via:
    description:
      - How the command is started.
      - V(always_on) creates an always-on task (paid accounts), which starts at once, and deletes it.
      - V(scheduled_task) creates a daily task at the next minute (by the server's clock), waits for it, and deletes
        it. Up to about 70 seconds pass before the command starts. Free accounts made before 2026-01-15 have one
        scheduled task, which must be free then.
      - V(console) types the command into the started console O(console_id); the command must not wait for input.
      - V(auto) tries an always-on task, then a scheduled task, then the console O(console_id) when given, going to
        the next one when PythonAnywhere refuses a route because of the account's plan or quota. The result says
        which one ran the command (RV(via)). When none is allowed (new free accounts without O(console_id)), the
        module fails and says what works.
    type: str
    choices: [auto, always_on, scheduled_task, console]
    default: auto
  console_id:
    description:
      - The id of a Bash console that has been started (opened once in a browser), for O(via=console) or
        O(via=auto). See M(pythonanywhere.pythonanywhere.console).
    type: int
extends_documentation_fragment:
  - pythonanywhere.pythonanywhere.connection
  - pythonanywhere.pythonanywhere.attributes
attributes:
  check_mode:
    support: full
    details:
      - In check mode the module checks O(creates) and O(removes), reports whether the command would run
        (C(changed)), and sends no write request. It cannot tell whether the account's plan allows a route.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - Idempotent with O(creates) or O(removes); otherwise the command runs every time, as with
        M(ansible.builtin.command).
notes:
  - The scheduled-task route polls the run directory while it waits, a few times before the task's minute and then
    more often; polls go through the same pacing as every request (PythonAnywhere allows 40 requests a minute per
    endpoint, and file reads share one endpoint with uploads), so a run needs about 8 to 15 requests.
  - RV(start) and RV(end) are the times on PythonAnywhere's clock, in UTC.
  - Plan and quota refusals are told apart from other errors by PythonAnywhere's HTTP 403 answers; other errors fail
    the task at once.
seealso:
  - module: pythonanywhere.pythonanywhere.console
  - module: pythonanywhere.pythonanywhere.scheduled_task
  - module: pythonanywhere.pythonanywhere.always_on_task
  - name: PythonAnywhere API documentation
    description: The task, console and files endpoints this module uses.
    link: https://help.pythonanywhere.com/pages/API/
'''

EXAMPLES = r'''
- name: Create a virtualenv for Python 3.13, once
  pythonanywhere.pythonanywhere.command:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    cmd: python3.13 -m venv /home/alice/.virtualenvs/mysite
    creates: /home/alice/.virtualenvs/mysite/bin/python3.13

- name: Install the requirements of the app
  pythonanywhere.pythonanywhere.command:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    argv: [/home/alice/.virtualenvs/mysite/bin/pip, install, -r, requirements.txt]
    chdir: /home/alice/mysite
    timeout: 900
  register: pip

- name: Run the migrations with the app's settings, through a scheduled task
  pythonanywhere.pythonanywhere.command:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    cmd: /home/alice/.virtualenvs/mysite/bin/python manage.py migrate --noinput
    chdir: /home/alice/mysite
    environment:
      DJANGO_SETTINGS_MODULE: mysite.settings
      DJANGO_SECRET_KEY: "{{ vault_django_secret_key }}"
    via: scheduled_task

- name: A grep that finds nothing is not a failure
  pythonanywhere.pythonanywhere.command:
    username: alice
    api_token: "{{ vault_pythonanywhere_token }}"
    cmd: grep -c ERROR /var/log/alice.pythonanywhere.com.error.log
  register: errors
  changed_when: false
  failed_when: errors.rc not in [0, 1]
'''

RETURN = r'''
cmd:
  description: The command line that ran (O(argv) joined with shell quoting).
  returned: always
  type: str
  sample: python3.13 -m venv /home/alice/.virtualenvs/mysite
rc:
  description: The exit code of the command (124 when O(timeout) stopped it).
  returned: when the command ran
  type: int
  sample: 0
stdout:
  description: Everything the command wrote to its standard output.
  returned: when the command ran
  type: str
  sample: "Successfully installed flask-3.1.0"
stderr:
  description: Everything the command wrote to its standard error.
  returned: when the command ran
  type: str
  sample: ""
stdout_lines:
  description: RV(stdout) split into lines.
  returned: when the command ran
  type: list
  elements: str
stderr_lines:
  description: RV(stderr) split into lines.
  returned: when the command ran
  type: list
  elements: str
start:
  description: When the command started, on PythonAnywhere's clock (UTC).
  returned: when the command ran
  type: str
  sample: "2026-01-20 10:59:00.120301"
end:
  description: When the command ended, on PythonAnywhere's clock (UTC).
  returned: when the command ran
  type: str
  sample: "2026-01-20 10:59:04.873012"
delta:
  description: How long the command ran.
  returned: when the command ran
  type: str
  sample: "0:00:04.752711"
via:
  description:
    - The route that ran the command, V(always_on), V(scheduled_task) or V(console); the route asked for when the
      command did not run (check mode, O(creates)/O(removes)).
  returned: always
  type: str
  sample: scheduled_task
expected_wait:
  description: The seconds the module expected to wait for the route to start the command (up to about 70 for a scheduled task).
  returned: when the command ran
  type: float
  sample: 41.5
wait:
  description: The seconds between asking the route and the command's start, on PythonAnywhere's clock.
  returned: when the command ran
  type: float
  sample: 42.1
cleaned_up:
  description: What earlier, interrupted runs had left behind and this run deleted (run directories and tasks).
  returned: when there was something
  type: list
  elements: str
  sample: ["/home/alice/.ansible-pythonanywhere-run-1768906800-3f2a9c1b0d4e", "schedule task 123"]
msg:
  description: Why the command was skipped, or why it failed (with the end of its output).
  returned: always
  type: str
  sample: "/home/alice/.virtualenvs/mysite/bin/python3.13 exists, matching creates"
'''

import datetime
import shlex
import signal

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._command import (
    ENV_NAME,
    CommandError,
    CommandRunner,
    format_time,
    tail,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._console import Console
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import check_remote_path
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._module import PythonAnywhereModule
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import ResourceError


class Interrupted(BaseException):
    """The module was told to stop (SIGTERM): unwind, so that the run is cleaned up."""


def _interrupted(signum, _frame):
    raise Interrupted('stopped by signal %d' % signum)


def merged(base, **changes):
    """``base`` updated with ``changes``, as a new dict."""
    result = dict(base)
    result.update(changes)
    return result


def check_input(module):
    """Everything that can be checked before a request; returns ``(command, chdir, environment)``."""
    params = module.params
    if params['argv'] is not None:
        if not params['argv'] or not params['argv'][0].strip():
            module.fail_json(msg='argv must not be empty')
        command = ' '.join(shlex.quote(word) for word in params['argv'])
    else:
        command = params['cmd']
        if not command.strip():
            module.fail_json(msg='cmd must not be empty')
    module.check_connection_params()
    try:
        chdir = check_remote_path(params['chdir'] or '/home/%s' % params['username'], 'chdir')
    except ResourceError as exc:
        module.fail_json(msg=str(exc), cmd=command)
    environment = {}
    for name, value in params['environment'].items():
        if not ENV_NAME.match(str(name)):
            module.fail_json(msg='environment: %r is not a valid variable name (letters, digits and _, not starting '
                                 'with a digit)' % name, cmd=command)
        if value is None or isinstance(value, (dict, list)):
            module.fail_json(msg='environment: the value of %s must be a string or a number' % name, cmd=command)
        environment[name] = str(value)
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds, got %s' % params['timeout'], cmd=command)
    if params['console_id'] is not None:
        if params['console_id'] <= 0:
            module.fail_json(msg='console_id must be a positive console id, got %s' % params['console_id'], cmd=command)
        if params['via'] not in ('console', 'auto'):
            module.fail_json(msg='console_id is only used with via=console or via=auto, not via=%s' % params['via'],
                             cmd=command)
    elif params['via'] == 'console':
        module.fail_json(msg='via=console needs console_id, the id of a started Bash console', cmd=command)
    return command, chdir, environment


def main():
    module = PythonAnywhereModule(
        argument_spec=dict(
            cmd=dict(type='str'),
            argv=dict(type='list', elements='str'),
            chdir=dict(type='str'),
            environment=dict(type='dict', default={}),
            creates=dict(type='str'),
            removes=dict(type='str'),
            timeout=dict(type='int', default=1800),
            via=dict(type='str', default='auto', choices=['auto', 'always_on', 'scheduled_task', 'console']),
            console_id=dict(type='int'),
        ),
        mutually_exclusive=[('cmd', 'argv')],
        required_one_of=[('cmd', 'argv')],
    )
    params = module.params
    command, chdir, environment = check_input(module)
    result = dict(changed=False, cmd=command, via=params['via'], msg='')
    runner = CommandRunner(module.client)
    for value in environment.values():
        module.client.add_secret(value)
    try:
        creates = runner.absolute(params['creates'], chdir, 'creates') if params['creates'] else None
        removes = runner.absolute(params['removes'], chdir, 'removes') if params['removes'] else None
    except ResourceError as exc:
        module.fail_json(**merged(result, msg=str(exc)))

    def execute():
        reason = runner.skip_reason(creates, removes)
        if reason:
            module.exit_json(**merged(result, msg='skipped: %s' % reason))
        if module.check_mode:
            module.exit_json(**merged(result, changed=True, msg='the command would run'))
        signal.signal(signal.SIGTERM, _interrupted)
        console = Console(module) if params['via'] in ('console', 'auto') and params['console_id'] else None
        try:
            ran = runner.run(command, chdir, environment, params['timeout'], params['via'],
                             console_id=params['console_id'], console=console)
        except CommandError as exc:
            failed = merged(result, **exc.result)
            if runner.cleaned_up:
                failed['cleaned_up'] = runner.cleaned_up
            output = '\n'.join(part.rstrip('\n') for part in (failed.get('stdout'), failed.get('stderr')) if part)
            module.fail_json(**merged(failed, msg=str(exc) + ('; the output ends with:\n' + tail(output) if output else '')))
        delta = datetime.timedelta(seconds=max(0.0, ran['end'] - ran['start']))
        done = merged(result, changed=True, rc=ran['rc'], stdout=ran['stdout'], stderr=ran['stderr'],
                      stdout_lines=ran['stdout'].splitlines(), stderr_lines=ran['stderr'].splitlines(),
                      start=format_time(ran['start']), end=format_time(ran['end']), delta=str(delta),
                      via=ran['via'], wait=ran['wait'], expected_wait=ran['expected_wait'])
        if runner.cleaned_up:
            done['cleaned_up'] = runner.cleaned_up
        if ran.get('fallback'):
            module.warn('the wrapper left no result: the exit code comes from PythonAnywhere\'s task log, and stderr '
                        'is not known')
        if ran['rc'] != 0:
            output = '\n'.join(part.rstrip('\n') for part in (ran['stdout'], ran['stderr']) if part)
            done['msg'] = 'non-zero return code %d%s' % (
                ran['rc'], ' (stopped by timeout=%d s)' % params['timeout'] if ran['rc'] in (124, 137) else '')
            if output:
                done['msg'] += '; the output ends with:\n' + tail(output)
            module.fail_json(**done)
        module.exit_json(**done)

    module.run(execute)


if __name__ == '__main__':
    main()
