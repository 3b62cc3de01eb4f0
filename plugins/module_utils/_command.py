# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Running a shell command on a PythonAnywhere account through the API: shared by the command module.

PythonAnywhere has no "run this" endpoint. Three routes reach a shell (reference Q3): an always-on task
(paid accounts; starts at once), a scheduled task set to the next minute (paid accounts and free accounts
made before 2026-01-15, which have one daily task), and a console that a human started once in a browser.

Whatever the route, the work is done by a small wrapper script uploaded with the files API into a run
directory of its own (``/home/<user>/.ansible-pythonanywhere-run-<deadline>-<id>/``). The route only starts
``bash <run>/run.sh <route>``. The wrapper records its start, runs the command (environment, directory and a
``timeout`` of its own), writes stdout and stderr to files and then, atomically, a ``result`` file holding the
exit code, the start and end times and both outputs, which the module reads back whole. PythonAnywhere's
"Completed task ... return code was N." line of a scheduled task's log is only the fallback.

The run directory's name and the task's description carry the run's deadline, on the server's clock: a later
run deletes what an earlier one left behind (a module killed midway) once that deadline has passed, and
never touches a run that may still be going.
"""

from __future__ import annotations

import calendar
import datetime
import email.utils
import fnmatch
import posixpath
import re
import secrets
import shlex
import time

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import PythonAnywhereError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._files import (
    FILE_PATH,
    RemoteFiles,
    check_remote_path,
    listing_entries,
)
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._resource import ResourceError
from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._tasks import PERMISSION_DENIED

ROUTES = ('always_on', 'scheduled_task', 'console')
RUN_PREFIX = '.ansible-pythonanywhere-run-'
RUN_NAME = re.compile(r'^\.ansible-pythonanywhere-run-(\d+)-([0-9a-f]+)$')
MARKER = 'pythonanywhere.pythonanywhere.command run '
MARKER_RE = re.compile(r'pythonanywhere\.pythonanywhere\.command run (\d+)-([0-9a-f]+)')
RESULT_HEADER = 'pythonanywhere-command-result'
COMPLETED = re.compile(r'Completed task, took ([0-9.]+) seconds?, return code was (-?\d+)\.')
ENV_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')

#: A scheduled task must be created at least this long before its minute starts (a guess: PythonAnywhere does
#: not say when its scheduler reads new tasks); closer to the boundary, the next minute is taken.
SCHEDULE_LEAD = 10
#: How long after its expected start a command may take to show up before the route is declared broken.
START_GRACE = {'always_on': 60, 'scheduled_task': 120, 'console': 0}
#: Time allowed, past ``timeout``, for the wrapper to stop the command and write its result.
END_GRACE = 30
#: How long a finished always-on wrapper idles (PythonAnywhere restarts an always-on command that exits).
IDLE = 86400
TAIL_LINES = 20


class CommandError(ResourceError):
    """The command could not be run, or ran and failed; ``result`` holds what is known of the run."""

    def __init__(self, message, **result):
        super().__init__(message)
        self.result = result


class RouteRefused(CommandError):
    """PythonAnywhere refused the route because of the account's plan or quota (a 403 that is not a permission)."""


class NoRoute(CommandError):
    """Every route asked for was refused: nothing was started (callers may fall back to another way)."""


class NotStarted(CommandError):
    """The route accepted the task but PythonAnywhere never started it (callers may fall back)."""


def format_time(epoch):
    """``2026-01-20 10:58:33.970123``, as ansible.builtin.command writes its start and end (here in UTC)."""
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S.%f')


def parse_time(text):
    """``2026-01-20T10:58:33.970123`` (the wrapper's stamp) -> epoch seconds (UTC)."""
    when = datetime.datetime.strptime(text.replace('T', ' '), '%Y-%m-%d %H:%M:%S.%f')
    return calendar.timegm(when.timetuple()) + when.microsecond / 1e6


def response_date(response):
    """The server's clock from a response's ``Date`` header (epoch seconds), or None."""
    headers = getattr(response, 'headers', None) or {}
    value = headers.get('Date') or headers.get('date')
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


class ServerClock:
    """The server's time, learnt from the ``Date`` headers of its answers; the local clock until one came."""

    def __init__(self, clock):
        self.clock = clock
        self.offset = 0.0
        self.known = False

    def observe(self, response):
        server = response_date(response)
        if server is not None:
            # Date has whole seconds: the server's clock is somewhere in [server, server + 1).
            self.offset = server + 0.5 - self.clock()
            self.known = True

    def now(self):
        return self.clock() + self.offset


def tail(text, lines=TAIL_LINES):
    kept = text.splitlines()[-lines:]
    return '\n'.join(kept)


def wrapper_script(run_dir, command, chdir, environment, timeout):
    """The bash script that runs ``command`` once and records its result in ``run_dir`` (see the module doc)."""
    exports = ''.join('  export %s=%s\n' % (name, shlex.quote(str(value)))
                      for name, value in sorted(environment.items()))
    return ('''#!/bin/bash
# Written by pythonanywhere.pythonanywhere.command; the run directory is deleted when the run ends.
run=%(run)s
mode="${1:-task}"
if [ -e "$run/started" ]; then
  # Started again (an always-on task restarts when its command exits, a daily task comes back): run once only.
  if [ "$mode" = always_on ]; then exec sleep %(idle)d; fi
  exit 0
fi
stamp() { date -u '+%%Y-%%m-%%dT%%H:%%M:%%S.%%6N'; }
start=$(stamp)
printf '%%s\\n' "$start" > "$run/started"
(
%(exports)s  cd -- %(chdir)s || exit 1
  if command -v timeout > /dev/null; then
    exec timeout --kill-after=10 %(timeout)d bash -c %(command)s
  fi
  exec bash -c %(command)s
) < /dev/null > "$run/stdout" 2> "$run/stderr"
rc=$?
end=$(stamp)
{
  printf '%(header)s rc=%%s start=%%s end=%%s stdout=%%s stderr=%%s\\n' "$rc" "$start" "$end" \\
    "$(wc -c < "$run/stdout")" "$(wc -c < "$run/stderr")"
  cat "$run/stdout" "$run/stderr"
} > "$run/result.part" && mv -f "$run/result.part" "$run/result"
if [ "$mode" = always_on ]; then exec sleep %(idle)d; fi
exit "$rc"
''' % dict(run=shlex.quote(run_dir), idle=IDLE, exports=exports, chdir=shlex.quote(chdir),
           timeout=timeout, command=shlex.quote(command), header=RESULT_HEADER)).encode('utf-8')


def parse_result(data):
    """The ``result`` file -> ``{rc, start, end, stdout, stderr}``; None when it is not one (yet)."""
    if data is None:
        return None
    head, sep, rest = data.partition(b'\n')
    fields = head.decode('utf-8', 'replace').split()
    if not sep or not fields or fields[0] != RESULT_HEADER:
        return None
    values = dict(item.split('=', 1) for item in fields[1:] if '=' in item)
    try:
        out_size, err_size = int(values['stdout']), int(values['stderr'])
        result = {'rc': int(values['rc']), 'start': parse_time(values['start']), 'end': parse_time(values['end'])}
    except (KeyError, ValueError):
        return None
    if len(rest) < out_size + err_size:
        return None
    result['stdout'] = rest[:out_size].decode('utf-8', 'replace')
    result['stderr'] = rest[out_size:out_size + err_size].decode('utf-8', 'replace')
    return result


class CommandRunner:
    """Runs one command on the account behind ``client``; see the module documentation for the behaviour."""

    def __init__(self, client, sleep=None, clock=None):
        self.client = client
        self.files = RemoteFiles(client)
        self.sleep = sleep or time.sleep
        self.clock = clock or time.time
        self.server = ServerClock(self.clock)
        self.home = '/home/%s' % client.username
        self.run_dir = None
        self.task = None  # (route, id) of the task this run created, until it is deleted
        self.cleaned_up = []

    # --- paths and the creates/removes check --------------------------------------------------------
    def absolute(self, path, chdir, name):
        if not path.startswith('/'):
            path = posixpath.join(chdir, path)
        return check_remote_path(path, name)

    def exists(self, path):
        """Whether ``path`` (wildcards allowed in its last part) exists, from a listing of its parent folder."""
        parent, name = posixpath.split(path)
        if path == '/':
            return True
        response = self.client.request('GET', FILE_PATH, params={'path': parent}, allowed=(404,))
        self.server.observe(response)
        if response.status == 404:
            return False
        entries = listing_entries(response.json)
        if entries is None:  # the parent is a file
            return False
        if any(char in name for char in '*?['):
            return any(fnmatch.fnmatchcase(entry, name) for entry in entries)
        return name in entries

    def skip_reason(self, creates, removes):
        """Why the command need not run (``creates`` exists, ``removes`` does not), or None."""
        if creates and self.exists(creates):
            return '%s exists, matching creates' % creates
        if removes and not self.exists(removes):
            return '%s does not exist, matching removes' % removes
        return None

    # --- leftovers of earlier runs ------------------------------------------------------------------
    def list_home(self):
        response = self.client.request('GET', FILE_PATH, params={'path': self.home}, allowed=(404,))
        self.server.observe(response)
        if response.status == 404:
            return {}
        return listing_entries(response.json) or {}

    def list_tasks(self, path):
        response = self.client.request('GET', path, allowed=(403,))
        self.server.observe(response)
        body = response.json if response.status == 200 else []
        return body if isinstance(body, list) else []

    def clean_leftovers(self, entries):
        """Delete the run directories whose deadline has passed, and the tasks they started."""
        now = self.server.now()
        expired = set()
        for name in entries:
            match = RUN_NAME.match(name)
            if match and int(match.group(1)) < now:
                expired.add('%s-%s' % match.groups())
        if not expired:
            return
        for list_path, item_path in (('schedule/', 'schedule/{id}/'), ('always_on/', 'always_on/{id}/')):
            for task in self.list_tasks(list_path):
                match = MARKER_RE.search(str(task.get('description') or ''))
                if match and ('%s-%s' % match.groups() in expired or int(match.group(1)) < now):
                    self.client.request('DELETE', item_path, params={'id': task['id']}, allowed=(404,))
                    self.cleaned_up.append('%s task %s' % (list_path.rstrip('/'), task['id']))
        for run in sorted(expired):
            self.files.delete(posixpath.join(self.home, RUN_PREFIX + run))
            self.cleaned_up.append(posixpath.join(self.home, RUN_PREFIX + run))

    # --- the run ------------------------------------------------------------------------------------
    def poll_interval(self):
        """The shortest pause between two polls: at most half of an endpoint's rate limit goes to polling."""
        pacer = self.client.pacer
        if pacer.enabled:
            return max(0.25, 2.0 * pacer.period / pacer.limit)
        return 0.5

    def start_task(self, route, command, description):
        """Create the task that starts ``command``; returns ``(id, expected server time of the start)``, the start
        being None for a route that starts at once (always-on)."""
        if route == 'always_on':
            path, body = 'always_on/', {'command': command, 'description': description, 'enabled': True}
            start = None
        else:
            now = self.server.now()
            boundary = (int(now) // 60 + 1) * 60
            if boundary - now < SCHEDULE_LEAD:
                boundary += 60
            when = datetime.datetime.fromtimestamp(boundary, datetime.timezone.utc)
            # A daily task at the next minute: it starts as soon as an hourly one would, and it is what free
            # accounts made before 2026-01-15 may have (one daily task).
            path, body = 'schedule/', {'command': command, 'description': description, 'enabled': True,
                                       'interval': 'daily', 'hour': when.hour, 'minute': when.minute}
            start = boundary
        try:
            response = self.client.request('POST', path, json_body=body, expected=(200, 201))
        except PythonAnywhereError as exc:
            detail = exc.body.get('detail') if isinstance(exc.body, dict) else None
            if exc.status == 403 and detail != PERMISSION_DENIED:
                raise RouteRefused(str(exc), status=exc.status, detail=str(detail or exc.message)) from None
            raise
        self.server.observe(response)
        task = response.json if isinstance(response.json, dict) else {}
        if 'id' not in task:
            raise CommandError('PythonAnywhere created the %s without telling its id: %r' % (path, task))
        self.task = (route, task['id'])
        return task['id'], start

    def delete_task(self):
        if self.task is None:
            return
        route, task_id = self.task
        item = 'always_on/{id}/' if route == 'always_on' else 'schedule/{id}/'
        self.client.request('DELETE', item, params={'id': task_id}, allowed=(404,))
        self.task = None

    def finish(self):
        """Delete the task, then the run directory (kept if the task could not be deleted: the next run's cue)."""
        try:
            self.delete_task()
        finally:
            if self.task is None and self.run_dir is not None:
                self.files.delete(self.run_dir)
                self.run_dir = None

    def read_file(self, name):
        data, _content_type = self.files.fetch(posixpath.join(self.run_dir, name))
        return data

    def run_entries(self):
        response = self.client.request('GET', FILE_PATH, params={'path': self.run_dir}, allowed=(404,))
        if response.status == 404:
            raise CommandError('the run directory %s disappeared while the command ran' % self.run_dir)
        return listing_entries(response.json) or {}

    def log_fallback(self, task_id):
        """PythonAnywhere's completion line of the task's log, when the wrapper left no result."""
        data, _content_type = self.files.fetch('/var/log/schedule-log-%s.log' % task_id)
        if not data:
            return None
        text = data.decode('utf-8', 'replace')
        matches = list(COMPLETED.finditer(text))
        if not matches:
            return None
        last = matches[-1]
        now = self.server.now()
        return {'rc': int(last.group(2)), 'start': now - float(last.group(1)), 'end': now,
                'stdout': text[:last.start()].rsplit('\n', 1)[0] if '\n' in text[:last.start()] else '',
                'stderr': '', 'fallback': 'log'}

    def wait(self, route, task_id, expected_start, timeout, console=None, token=None):
        """Poll until the result is there; the pauses grow, and never go below :meth:`poll_interval`."""
        shortest = self.poll_interval()
        local_start = self.clock() + max(0.0, expected_start - self.server.now())
        start_deadline = local_start + START_GRACE[route] if START_GRACE[route] else None
        end_deadline = local_start + timeout + END_GRACE
        pause, polls, started, running = shortest, 0, False, False
        while True:
            polls += 1
            if route == 'console':
                output = console.latest_output({'id': task_id}) or ''
                if token in output:
                    result = parse_result(self.read_file('result'))
                    if result is None:
                        raise CommandError('the console printed the end mark, but the wrapper left no result '
                                           '(the console shows: %s)' % output[-300:], stdout='', stderr='')
                    return result
            else:
                entries = self.run_entries()
                if 'result' in entries:
                    result = parse_result(self.read_file('result'))
                    if result is not None:
                        return result
                started = started or 'started' in entries
                if route == 'scheduled_task' and polls % 4 == 0 and self.clock() > local_start + 5:
                    result = self.log_fallback(task_id)
                    if result is not None:
                        return result
            now = self.clock()
            if start_deadline is not None and not started and now > start_deadline:
                raise NotStarted('PythonAnywhere did not start the command: no sign of it %d s after the %s '
                                 'should have started it' % (now - local_start, route.replace('_', ' ')),
                                 stdout='', stderr='')
            if now > end_deadline:
                raise CommandError('timed out: the command did not finish within timeout=%d s' % timeout,
                                   **self.partial_output(route))
            if now < local_start:
                # Waiting for the scheduled minute: a few polls (a quicker server may start it early), growing
                # apart, the last one at the expected start.
                pause = min(10.0, max(shortest, local_start - now), max(shortest, pause * 2))
            elif not running:
                # From the start on, quick polls first (a short command is done within a second), growing apart:
                # a long command is polled every 5 s (or 2 x period / limit), half of an endpoint's limit at most.
                running, pause = True, min(shortest, 0.5)
            else:
                pause = min(max(shortest, 5.0), pause * 1.5)
            self.sleep(pause)

    def partial_output(self, route):
        """What the command wrote so far (for a timeout)."""
        if route == 'console' or self.run_dir is None:
            return {'stdout': '', 'stderr': ''}
        out, err = self.read_file('stdout'), self.read_file('stderr')
        return {'stdout': (out or b'').decode('utf-8', 'replace'), 'stderr': (err or b'').decode('utf-8', 'replace')}

    def run(self, command, chdir, environment, timeout, via, console_id=None, console=None):
        """Run ``command``; returns the result dict. Cleans up in every outcome (see :meth:`finish`)."""
        entries = self.list_home()
        self.clean_leftovers(entries)
        grace = START_GRACE['scheduled_task'] + 60 + SCHEDULE_LEAD
        deadline = int(self.server.now() + grace + timeout + END_GRACE) + 1
        run_id = secrets.token_hex(6)
        name = '%d-%s' % (deadline, run_id)
        self.run_dir = posixpath.join(self.home, RUN_PREFIX + name)
        description = MARKER + name
        try:
            self.files.upload(posixpath.join(self.run_dir, 'run.sh'),
                              content=wrapper_script(self.run_dir, command, chdir, environment, timeout))
            routes = [via] if via != 'auto' else ['always_on', 'scheduled_task'] + (['console'] if console_id else [])
            refused = []
            for route in routes:
                task_command = 'bash %s %s' % (shlex.quote(posixpath.join(self.run_dir, 'run.sh')), route)
                asked = self.server.now()
                try:
                    if route == 'console':
                        token = 'END-' + secrets.token_hex(8)
                        # The shell prints the mark joined; the echoed input shows it split: never a false end.
                        console.send_input({"id": console_id},
                                           '%s; echo "%s""%s"\n' % (task_command, token[:4], token[4:]))
                        task_id, expected = console_id, asked
                    else:
                        token = None
                        task_id, expected = self.start_task(route, task_command, description)
                        expected = asked if expected is None else expected
                except RouteRefused as exc:
                    refused.append((route, exc))
                    continue
                expected_wait = max(0.0, expected - asked)
                result = self.wait(route, task_id, expected, timeout, console=console, token=token)
                result.update(via=route, expected_wait=round(expected_wait, 1),
                              wait=round(max(0.0, result['start'] - asked), 1))
                return result
            raise self.no_route(refused, via, console_id)
        finally:
            self.finish()

    def no_route(self, refused, via, console_id):
        said = '; '.join('%s: %s' % (route.replace('_', ' '), exc.result.get('detail')) for route, exc in refused)
        quota = [exc for _route, exc in refused if 'maximum number' in str(exc.result.get('detail'))]
        advice = ('Free accounts created since 2026-01-15 have neither always-on nor scheduled tasks: start a Bash '
                  'console once in a browser (pythonanywhere.pythonanywhere.console creates one and returns its '
                  'address), then pass its id as console_id%s; or move to a paid plan.'
                  % ('' if console_id else ' (with via=console or via=auto)'))
        if quota:
            users = [task for task in self.list_tasks('schedule/') if not MARKER_RE.search(str(task.get('description')))]
            advice = ('The account has no task to spare (free accounts made before 2026-01-15 have one daily task%s): '
                      'delete a task, pass the id of a started console as console_id, or raise the limit on the '
                      'Account page.' % (
                          ', used by task %s (%s)' % (users[0]['id'], users[0].get('description') or users[0].get('command'))
                          if users else ''))
        return NoRoute('PythonAnywhere refused to run the command with via=%s (%s). %s' % (via, said, advice),
                       refusals=said)
