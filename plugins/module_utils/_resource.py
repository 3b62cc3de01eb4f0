# -*- coding: utf-8 -*-
# Copyright (c) 2026, PythonAnywhere collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declarative resource base class: find, compare, diff, check mode, written once.

A module describes its resource (API paths, natural key, fields with a comparison rule each) by
subclassing :class:`Resource`; :meth:`Resource.ensure` then makes the server match the module's
parameters, or predicts what it would do in check mode, and builds the result and the diff.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Iterable

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import REDACTED, PythonAnywhereError

#: A module's parameters; an object in the module's shape (parameter -> normalised value); an object as the
#: API gives it; a module result.
Params = Dict[str, Any]
Shape = Dict[str, Any]
Remote = Dict[str, Any]
Result = Dict[str, Any]

SCALAR = 'scalar'
SET = 'set'
SECRET = 'secret'  # compared when the API returns it, never shown

#: API field of the server's id of an object.
ID = 'id'


def strip_trailing_slash(value: Any) -> Any:
    """``/home/alice/site/`` and ``/home/alice/site`` are the same directory."""
    if isinstance(value, str) and len(value) > 1:
        return value.rstrip('/') or '/'
    return value


class Field:
    """How one module parameter maps to the API and how it is compared.

    ``api_name``: the key in API objects and payloads (default: the parameter name).
    ``compare``: ``scalar``, ``set`` (order does not matter) or ``secret``.
    ``normalize``: a function applied to both sides before comparing (and to what is returned).
    ``create_encode``: a function turning the desired value into what the create request takes
    (``3.10`` -> ``python310``).
    ``create``: sent in the create request; ``update``: may be changed in place (else a change means
    deleting and re-creating the object, which the diff and the result say).
    ``read_only``: reported by the API and returned by the module, never a parameter (``expiry``).
    ``match``: a function applied to the normalised value of a natural-key field when objects are matched
    (HTTP header names are case-insensitive: ``str.lower``); the value itself is compared and returned as is.
    """

    def __init__(self, api_name: str | None = None, compare: str = SCALAR,
                 normalize: Callable[[Any], Any] | None = None, create_encode: Callable[[Any], Any] | None = None,
                 create: bool = True, update: bool = True, read_only: bool = False,
                 match: Callable[[Any], Any] | None = None) -> None:
        self.api_name = api_name
        self.compare = compare
        self.normalize = normalize
        self.create_encode = create_encode
        self.create = create
        self.update = update
        self.read_only = read_only
        self.match = match

    @property
    def secret(self) -> bool:
        return self.compare == SECRET

    def norm(self, value: Any) -> Any:
        if value is None:
            return None
        if self.normalize is not None:
            value = self.normalize(value)
        if self.compare == SET and isinstance(value, (list, tuple, set)):
            return sorted(value, key=str)
        return value

    def key(self, value: Any) -> Any:
        """The value as natural keys are matched: normalised, then ``match`` applied."""
        value = self.norm(value)
        if value is not None and self.match is not None:
            value = self.match(value)
        return value


class ResourceError(Exception):
    """A problem with the module's input or the server's state, found before anything is written."""


class Resource:
    """Base class of every managed object. Subclasses set the class attributes below."""

    #: Human name used in messages, e.g. ``web app``.
    name = 'resource'
    #: Key of the resource in the module result, e.g. ``webapp``.
    return_key = 'resource'
    #: Templates of the list and item endpoints; item placeholders are filled by :meth:`item_params`.
    list_path = None
    item_path = None
    #: Parameter holding the server's id of the object (``id``), or None when the natural key addresses it.
    id_param = None
    #: Parameters that identify the object when no id is given.
    natural_key = ()
    #: True when the object is found by a GET of its item endpoint, addressed by the natural key itself (web
    #: apps by domain name), rather than in its list. An item endpoint with ``{id}`` is addressed by the server's
    #: id (static file mappings: found by url in the list, addressed by id).
    lookup_by_item = False
    #: Key of a whole declared set of objects in the module result and diff (``mappings``): see :meth:`ensure_set`.
    set_return_key = None
    #: Parameter name -> :class:`Field`.
    fields = {}
    #: Parameters without which the object cannot be created (see :meth:`ensure_and_act`).
    required_to_create = ()
    #: Whether :meth:`ensure_and_act` acts on an object it has just created (False: creating it already did,
    #: as creating an always-on task starts it).
    act_on_create = True
    #: Request body encoding for create and update: ``form`` or ``json``.
    encoding = 'json'
    #: Whether ``domain_name`` (when the module has it) defaults to the account's own subdomain.
    domain_defaults = True

    def __init__(self, module: Any, client: Any = None) -> None:
        self.module = module
        self._client = client
        self.params = self.normalized_params(module)
        self.check_mode = module.check_mode
        #: The writes this run has made, in order (shared with the members of a set): see :meth:`reporting`.
        self.done = []

    def normalized_params(self, module: Any) -> Params:
        """The one copy of the module's parameters that lookups and URLs use (``module.params`` stays as given).

        ``domain_name``: stripped, lower case, without a trailing dot (PythonAnywhere's domains are lower case, and
        ``example.com.`` is ``example.com``); empty, it is the account's own subdomain when
        :attr:`domain_defaults`.
        """
        params = dict(module.params)
        if 'domain_name' in params:
            domain = params['domain_name']
            if not domain and self.domain_defaults:
                domain = module.default_domain()
            if isinstance(domain, str):
                domain = domain.strip().lower().rstrip('.')
            params['domain_name'] = domain
        return params

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self.module.client
        return self._client

    # --- projections ------------------------------------------------------------------------------
    def api_name(self, param: str) -> str:
        return self.fields[param].api_name or param

    def desired(self) -> Shape:
        """The managed parameters (omitted ones are left alone), normalised."""
        return dict((param, field.norm(self.params.get(param))) for param, field in self.fields.items()
                    if not field.read_only and self.params.get(param) is not None)

    def project(self, remote: Remote | None) -> Shape | None:
        """The server object in the module's shape, normalised; None when absent."""
        if remote is None:
            return None
        shape = {}
        if self.id_param:
            shape[self.id_param] = remote.get(ID)
        for param, field in self.fields.items():
            shape[param] = field.norm(remote.get(self.api_name(param)))
        return shape

    def public(self, shape: Shape | None) -> Shape:
        """A projection without secrets: what modules return."""
        if shape is None:
            return {}
        return dict((key, value) for key, value in shape.items()
                    if not (key in self.fields and self.fields[key].secret))

    def redacted(self, shape: Shape | None, changed_secrets: Iterable[str] = ()) -> Shape:
        """A projection for the diff: secrets shown as a marker (and whether they change).

        Only what is known is shown: a value the server does not know yet (``None``: a field the server fills
        in when it creates the object, in check mode) is left out, and so is a secret that is not set (the
        server's empty password) unless the change sets it.
        """
        if shape is None:
            return {}
        result = {}
        for key, value in shape.items():
            field = self.fields.get(key)
            if field is not None and field.secret:
                if not value and key not in changed_secrets:
                    continue
                value = REDACTED + (' (changed)' if key in changed_secrets else '')
            elif value is None:
                continue
            result[key] = value
        return result

    # --- finding ----------------------------------------------------------------------------------
    def item_params(self, remote: Remote | None = None) -> dict[str, Any]:
        """Values for the placeholders of :attr:`item_path` (from the object, else from the parameters),
        with those of :meth:`list_params` (the parent an object belongs to)."""
        params = dict(self.list_params())
        if self.id_param or ('{id}' in self.item_path and remote is not None):
            params['id'] = remote[ID] if remote is not None else self.params[self.id_param]
            return params
        source = remote if remote is not None else dict((self.api_name(k), self.params.get(k)) for k in self.natural_key)
        params.update((k, source[self.api_name(k)]) for k in self.natural_key)
        return params

    def list_params(self) -> dict[str, Any]:
        """Values for the placeholders of :attr:`list_path` (e.g. the web app a mapping belongs to)."""
        return {}

    def list_remote(self) -> list[Remote]:
        return self.client.get_json(self.list_path, params=self.list_params()) or []

    def match_keys(self) -> Shape:
        """Parameter -> normalised value that an object must have to be this one (no id given)."""
        desired = self.desired()
        keys = {}
        for param in self.natural_key:
            value = desired.get(param, self.params.get(param))
            if value is None:
                raise ResourceError('%s is required to find the %s when no %s is given'
                                    % (param, self.name, self.id_param or 'id'))
            keys[param] = value
        return keys

    def candidate_keys(self) -> list[Shape]:
        """Key sets tried in order to find the object when no id is given; the first that matches wins.

        Default: the natural key alone. A resource whose key depends on the parameters (a task found by its
        description when given, else by its command) returns several. Computed before any request.
        """
        return [self.match_keys()]

    def find(self) -> Remote | None:
        """The server object this module manages, or None. Fails clearly when several objects match."""
        if self.id_param and self.params.get(self.id_param) is not None:
            return self.client.get_json(self.item_path, params=self.item_params(), missing_ok=True)
        if self.lookup_by_item:
            return self.client.get_json(self.item_path, params=self.item_params(), missing_ok=True)
        candidates = self.candidate_keys()
        items = self.list_remote()
        for keys in candidates:
            matches = [item for item in items
                       if all(self.fields[k].key(item.get(self.api_name(k))) == self.fields[k].key(v) for k, v in keys.items())]
            if len(matches) > 1:
                raise ResourceError('%d %ss match %s (ids: %s); %s' % (
                    len(matches), self.name, ', '.join('%s=%r' % kv for kv in sorted(keys.items())),
                    ', '.join(str(m.get(ID)) for m in matches), self.ambiguity_hint()))
            if matches:
                return matches[0]
        return None

    def ambiguity_hint(self) -> str:
        """The end of the error message when several objects match: what the user can do about it."""
        return 'give %s to choose one' % (self.id_param or 'a more specific key')

    def info(self, one: bool) -> list[Shape]:
        """What an ``_info`` module returns: the object the parameters find (a list of one, or an empty list) when
        ``one``, else every object of the list endpoint; public projections, without secrets."""
        if one:
            found = self.find()
            remotes = [found] if found is not None else []
        else:
            remotes = self.list_remote()
        return [self.public(self.project(remote)) for remote in remotes]

    # --- comparing --------------------------------------------------------------------------------
    def changes(self, current: Shape, desired: Shape) -> Shape:
        """Parameters whose desired value differs from the server's."""
        return dict((param, value) for param, value in desired.items() if current.get(param) != value)

    def payload(self, values: Shape, create: bool = False) -> dict[str, Any]:
        body = {}
        for param, value in values.items():
            field = self.fields[param]
            encode = field.create_encode if create else None
            body[self.api_name(param)] = encode(value) if encode else value
        return body

    def send(self, method: str, template: str, params: dict[str, Any], body: dict[str, Any], **kwargs: Any) -> Any:
        if self.encoding == 'form':
            return self.client.request(method, template, params=params, form=body, **kwargs)
        return self.client.request(method, template, params=params, json_body=body, **kwargs)

    # --- writing (overridable) ----------------------------------------------------------------------
    def create_values(self, desired: Shape) -> Shape:
        """The parameters sent in the create request."""
        values = dict((k, v) for k, v in desired.items() if self.fields[k].create and not self.fields[k].read_only)
        for param in self.natural_key:
            if param not in values and self.params.get(param) is not None:
                values[param] = self.params[param]
        return values

    def identified(self, obj: Any) -> bool:
        """True when ``obj`` is an object of this kind (a write may answer only ``{"status": "OK"}``)."""
        key = self.api_name(self.natural_key[0]) if self.lookup_by_item else ID
        return isinstance(obj, dict) and key in obj

    def create(self, desired: Shape) -> Remote | None:
        values = self.payload(self.create_values(desired), create=True)
        try:
            created = self.send('POST', self.list_path, self.list_params(), values).json
        except PythonAnywhereError as exc:
            # The client never repeats a POST blindly. A create that failed with a 5xx or a cut-off connection
            # may still have been applied: read first, and send it again only when the object is not there.
            if not exc.maybe_applied or (self.id_param and self.params.get(self.id_param) is not None):
                raise
            found = self.find()
            if found is not None:
                return found
            created = self.send('POST', self.list_path, self.list_params(), values).json
        return created if self.identified(created) else self.find()

    def update_batches(self, changes: Shape) -> list[Shape]:
        """Split the changes into requests sent in order (default: one request)."""
        return [changes]

    def update(self, remote: Remote, changes: Shape) -> Remote | None:
        result = remote
        for batch in self.update_batches(changes):
            if batch:
                result = self.send('PATCH', self.item_path, self.item_params(remote), self.payload(batch)).json
                self.did('changed %s of the %s' % (', '.join(sorted(batch)), self.describe()))
        return result if self.identified(result) else self.find()

    def delete(self, remote: Remote) -> None:
        self.client.request('DELETE', self.item_path, params=self.item_params(remote), allowed=(404,))

    def write(self, remote: Remote | None, current: Shape | None, desired: Shape, changes: Shape,
              replace: bool = False) -> Remote | None:
        """Create the object (``remote`` is None), update it in place, or delete and re-create it (``replace``).

        Returns the server object after the change. Parameters the create request cannot carry are set by an
        update right after it.
        """
        if remote is not None and not replace:
            return self.update(remote, changes)
        values = desired
        if remote is not None:
            self.delete(remote)
            self.did('deleted the %s to create it again' % self.describe())
            merged = dict(current, **desired)
            values = dict((k, v) for k, v in merged.items() if k in self.fields and v is not None)
        remote = self.create(values)
        self.did('created the %s, which now exists' % self.describe())
        rest = self.changes(self.project(remote), desired)
        if rest:
            remote = self.update(remote, rest)
        return remote

    def predict(self, current: Shape | None, desired: Shape) -> Shape:
        """The object as it will be after the change (what check mode returns)."""
        predicted = dict(current or {})
        predicted.update(desired)
        for param in self.fields:
            predicted.setdefault(param, None)
        if current is None and self.id_param:
            predicted[self.id_param] = None
        return predicted

    # --- the whole run ------------------------------------------------------------------------------
    def validate(self) -> None:
        """Check the parameters before any request; raise :class:`ResourceError` naming the parameter."""

    def validate_target(self, current: Shape | None, desired: Shape) -> None:
        """Check the object as it would be (``current`` is None for a new one) before any write, also in check mode.

        For rules that depend on the server's object; the default checks :attr:`required_to_create`.
        """
        missing = self.missing_to_create(desired) if current is None else []
        if missing:
            raise ResourceError('%s %s required to create the %s'
                                % (' and '.join(missing), 'is' if len(missing) == 1 else 'are', self.describe()))

    def ensure(self, state: str | None = None) -> Result:
        """Make the server match ``state`` (``present`` or ``absent``). Returns the module result."""
        state = state or self.params.get('state', 'present')
        self.validate()
        remote = self.find()
        return self.reporting(self.converge, state, remote)

    def did(self, what: str) -> None:
        """Remember a write that succeeded (``created the web app x``), for :meth:`reporting`."""
        self.done.append(what)

    def reporting(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)``. When it fails after a write succeeded (a web app created, then its PATCH refused;
        a mapping deleted, then a creation refused), the module fails with ``changed=true`` and a message that
        says what was written: the server is not as it was before the task."""
        try:
            return function(*args)
        except (PythonAnywhereError, ResourceError) as exc:
            if not self.done:
                raise
            extra = {'status': exc.status} if getattr(exc, 'status', None) is not None else {}
            self.module.fail_json(msg='%s. Before this failure the task %s.' % (exc, '; '.join(self.done)),
                                  changed=True, **extra)

    def converge(self, state: str, remote: Remote | None) -> Result:
        """:meth:`ensure` once the object (``remote``, None when absent) has been found."""
        current = self.project(remote)
        if state == 'absent':
            return self.ensure_absent(remote, current)
        if remote is None and self.id_param and self.params.get(self.id_param) is not None:
            raise ResourceError('there is no %s with %s %s; omit %s to create one'
                                % (self.name, self.id_param, self.params[self.id_param], self.id_param))
        return self.ensure_present(remote, current)

    def describe(self) -> str:
        """How messages name the object the parameters designate: ``web app alice.pythonanywhere.com``."""
        if self.id_param and self.params.get(self.id_param) is not None:
            return '%s with %s %s' % (self.name, self.id_param, self.params[self.id_param])
        return '%s %s' % (self.name, ', '.join(str(self.params.get(param)) for param in self.natural_key))

    def missing_to_create(self, desired: Shape) -> list[str]:
        """The parameters of :attr:`required_to_create` that ``desired`` lacks."""
        return [param for param in self.required_to_create if desired.get(param) is None]

    def ensure_and_act(self, state: str, action_state: str, flag: str, action: Callable[[Shape], Any]) -> Result:
        """:meth:`ensure` for a module with an action state (``reloaded``, ``restarted``).

        ``state`` ``present`` or ``absent`` is :meth:`ensure`; ``action_state`` applies the parameters like
        ``present``, then calls ``action(obj)`` with the object as the module returns it, except in check mode.
        ``result[flag]`` says whether the action ran (or would run, in check mode); when it did, the task is
        changed: the action always runs when asked, as a handler expects.

        An object that does not exist and cannot be created with the parameters given (a handler that only
        says ``state: reloaded``) cannot be acted on: a real run fails saying so. Check mode predicts the
        action with a warning instead, since in a check run the task that creates the object (earlier in the
        play) only predicted it.
        """
        if state != action_state:
            result = self.ensure(state)
            result[flag] = False
            return result
        self.validate()
        remote = self.find()
        missing = self.missing_to_create(self.desired()) if remote is None else []
        if missing:
            verb = action_state[:-2]
            if not self.check_mode:
                raise ResourceError('there is no %s to %s: create it first (state=present with %s)'
                                    % (self.describe(), verb, ', '.join(missing)))
            self.module.warn('there is no %s yet: check mode predicts the %s, as when an earlier task creates it; '
                             'a real run fails if none does' % (self.describe(), verb))
            return {'changed': True, flag: True, self.return_key: {}, 'diff': {'before': {}, 'after': {}}}
        result = self.reporting(self.converge, 'present', remote)
        if remote is None and not self.act_on_create:
            result[flag] = False  # created just now, hence started: nothing to restart
            return result
        if not self.check_mode:
            self.reporting(action, result[self.return_key])
        result['changed'] = result[flag] = True
        return result

    def ensure_absent(self, remote: Remote | None, current: Shape | None) -> Result:
        if remote is not None and not self.check_mode:
            self.delete(remote)
        return self.result(remote is not None, current, None, remote)

    def ensure_present(self, remote: Remote | None, current: Shape | None) -> Result:
        desired = self.desired()
        self.validate_target(current, desired)
        if remote is None:
            predicted = self.predict(None, desired)
            if self.check_mode:
                return self.result(True, None, predicted, None, changed_params=desired)
            remote = self.write(None, None, desired, desired)
            return self.result(True, None, self.project(remote), remote, changed_params=desired)

        changes = self.changes(current, desired)
        replace = [param for param in changes if not self.fields[param].update]
        if not changes:
            return self.result(False, current, current, remote)
        predicted = self.predict(current, changes)
        if self.check_mode:
            return self.result(True, current, predicted, remote, replaced=bool(replace), changed_params=changes)
        remote = self.write(remote, current, desired, changes, replace=bool(replace))
        return self.result(True, current, self.project(remote), remote, replaced=bool(replace), changed_params=changes)

    def changed_secrets(self, before: Shape | None, after: Shape | None,
                        changed_params: Iterable[str] = ()) -> list[str]:
        """Secret parameters that the change sets: those among the changed (for a new object: given) ones."""
        return [param for param in changed_params if self.fields[param].secret]

    def result(self, changed: bool, before: Shape | None, after: Shape | None, remote: Remote | None,
               replaced: bool = False, changed_params: Iterable[str] = ()) -> Result:
        changed_secrets = self.changed_secrets(before, after, changed_params)
        result = {
            'changed': changed,
            self.return_key: self.public(after),
            'diff': {'before': self.redacted(before), 'after': self.redacted(after, changed_secrets)},
        }
        if replaced:
            result['replaced'] = True
        return result

    # --- set mode: a whole declared set of objects in one task ----------------------------------------
    def apply_set(self, deletions: list[Remote], writes: list[tuple], after: list[tuple[Shape, Iterable[str]]]) -> None:
        """Send the writes of :meth:`ensure_set` (in check mode only predict them), adding the objects as they are
        after it to ``after``. Updates first, then creations, then deletions: a task that fails half-way leaves
        the declared objects in place rather than a web app without them."""
        for member, remote, current, desired, changes, replace in sorted(writes, key=lambda write: write[1] is None):
            if self.check_mode:
                shape = member.predict(current, changes)
            else:
                shape = member.project(member.write(remote, current, desired, changes, replace))
            after.append((shape, member.changed_secrets(current, shape, changes)))
        if not self.check_mode:
            for remote in deletions:
                self.delete(remote)
                self.did('deleted the %s %s' % (self.name, self.describe_key(self.project(remote))))

    def member(self, item: dict[str, Any]) -> Resource:
        """This resource with one element of a declared set laid over the module's parameters."""
        clone = copy.copy(self)
        clone.params = dict(self.params)
        clone.params.update(item)
        return clone

    def key_of(self, shape: Shape) -> tuple:
        """The natural key of a projected object (or of desired values), as objects are matched."""
        return tuple(self.fields[param].key(shape.get(param)) for param in self.natural_key)

    def describe_key(self, shape: Shape) -> str:
        return ', '.join('%s=%r' % (param, shape.get(param)) for param in self.natural_key)

    def in_key_order(self, entries: list[tuple[Shape, Iterable[str]]]) -> list[tuple[Shape, Iterable[str]]]:
        """``(shape, changed secrets)`` pairs sorted by natural key (then as listed), for stable results and diffs."""
        return sorted(entries, key=lambda entry: tuple(str(value) for value in self.key_of(entry[0])))

    def set_view(self, entries: list[tuple[Shape, Iterable[str]]]) -> dict[str, list[Shape]]:
        """The set as the diff shows it: redacted objects in natural-key order."""
        return {self.set_return_key: [self.redacted(shape, secrets) for shape, secrets in self.in_key_order(entries)]}

    def ensure_set(self, items: list[dict[str, Any]], state: str = 'present', purge: bool = False,
                   set_param: str | None = None) -> Result:
        """Make the server's objects match a declared set (``items``: parameter dicts) in one task.

        The objects are listed once and matched by natural key, so a converged set costs exactly one GET.
        ``state=present``: declared objects missing on the server are created, differing ones updated in
        place (or re-created for fields that cannot be updated); ``purge`` also deletes every object whose
        key is not declared. Several server objects with one declared key fail clearly, except with
        ``purge``, which repairs them: the first one listed that already matches (else the first listed)
        is kept and the others are deleted. ``state=absent``: every object with a declared key is deleted,
        duplicates included. Updates are sent first, then creations, then deletions. In check mode the
        predicted set is returned and nothing is written. The result holds the whole set after the task
        under :attr:`set_return_key`, and a diff of the whole set.
        """
        set_param = set_param or self.set_return_key
        members = []
        declared = {}
        for index, item in enumerate(items):
            member = self.member(item)
            try:
                member.validate()
                keys = member.match_keys()
            except ResourceError as exc:
                raise ResourceError('%s[%d]: %s' % (set_param, index, exc))
            key = member.key_of(keys)
            if key in declared:
                raise ResourceError('%s[%d] and %s[%d] both declare the %s %s; declare each one once'
                                    % (set_param, declared[key], set_param, index, self.name, self.describe_key(keys)))
            declared[key] = index
            members.append((key, member))

        remotes = self.list_remote()
        groups = {}
        for remote in remotes:
            groups.setdefault(self.key_of(self.project(remote)), []).append(remote)
        before = [(self.project(remote), ()) for remote in remotes]

        deletions = []
        writes = []  # (member, remote or None, current, desired, changes, replace)
        kept = []
        for key, member in members:
            matches = groups.pop(key, [])
            if state == 'absent':
                deletions.extend(matches)
                continue
            desired = member.desired()
            if len(matches) > 1 and not purge:
                raise ResourceError('%d %ss have %s (ids: %s); delete the extra ones, or declare the whole set with '
                                    'purge=true to keep one and delete the others'
                                    % (len(matches), self.name, self.describe_key(member.match_keys()),
                                       ', '.join(str(remote.get(ID)) for remote in matches)))
            ranked = sorted(matches, key=lambda remote: bool(member.changes(self.project(remote), desired)))
            remote = ranked[0] if ranked else None
            deletions.extend(ranked[1:])
            current = self.project(remote)
            member.validate_target(current, desired)
            changes = member.changes(current, desired) if remote is not None else desired
            if remote is not None and not changes:
                kept.append((current, ()))
                continue
            replace = remote is not None and any(not self.fields[param].update for param in changes)
            writes.append((member, remote, current, desired, changes, replace))
        for rest in groups.values():
            if purge and state != 'absent':
                deletions.extend(rest)
            else:
                kept.extend((self.project(remote), ()) for remote in rest)

        after = list(kept)
        self.reporting(self.apply_set, deletions, writes, after)
        return {
            'changed': bool(deletions or writes),
            self.set_return_key: [self.public(shape) for shape, dummy in self.in_key_order(after)],
            'diff': {'before': self.set_view(before), 'after': self.set_view(after)},
        }
