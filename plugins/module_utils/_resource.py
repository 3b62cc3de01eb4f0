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

from ansible_collections.pythonanywhere.pythonanywhere.plugins.module_utils._client import REDACTED

SCALAR = 'scalar'
SET = 'set'
LIST = 'list'
SECRET = 'secret'          # compared when the API returns it, never shown
WRITE_ONLY = 'write_only'  # the API never returns it: sent on create (or with a change), never compared


def strip_trailing_slash(value):
    """``/home/alice/site/`` and ``/home/alice/site`` are the same directory."""
    if isinstance(value, str) and len(value) > 1:
        return value.rstrip('/') or '/'
    return value


class Field:
    """How one module parameter maps to the API and how it is compared.

    ``api_name``: the key in API objects and payloads (default: the parameter name).
    ``compare``: ``scalar``, ``set`` (order does not matter), ``list`` (ordered), ``secret``, ``write_only``.
    ``normalize``: a function applied to both sides before comparing (and to what is returned).
    ``encode``: a function turning the desired value into what the API takes (e.g. ``3.10`` -> ``python310``),
    with ``create_encode`` for the create request when it differs.
    ``create``: sent in the create request; ``update``: may be changed in place (else a change means
    deleting and re-creating the object, which the diff and the result say).
    ``read_only``: reported by the API and returned by the module, never a parameter (``expiry``).
    """

    def __init__(self, api_name=None, compare=SCALAR, normalize=None, encode=None, create_encode=None,
                 create=True, update=True, read_only=False):
        self.api_name = api_name
        self.compare = compare
        self.normalize = normalize
        self.encode = encode
        self.create_encode = create_encode
        self.create = create
        self.update = update
        self.read_only = read_only

    @property
    def secret(self):
        return self.compare in (SECRET, WRITE_ONLY)

    def norm(self, value):
        if value is None:
            return None
        if self.normalize is not None:
            value = self.normalize(value)
        if self.compare == SET and isinstance(value, (list, tuple, set)):
            return sorted(value, key=str)
        if self.compare == LIST and isinstance(value, tuple):
            return list(value)
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
    #: API field of the server id.
    id_field = 'id'
    #: Parameters that identify the object when no id is given.
    natural_key = ()
    #: True when the item endpoint is addressed by the natural key itself (web apps by domain name).
    lookup_by_item = False
    #: Parameter name -> :class:`Field`.
    fields = {}
    #: Request body encoding for create and update: ``form`` or ``json``.
    encoding = 'json'
    #: Method used for updates.
    update_method = 'PATCH'

    def __init__(self, module, client=None):
        self.module = module
        self._client = client
        self.params = module.params
        self.check_mode = module.check_mode

    @property
    def client(self):
        if self._client is None:
            self._client = self.module.client
        return self._client

    # --- projections ------------------------------------------------------------------------------
    def api_name(self, param):
        return self.fields[param].api_name or param

    def desired(self):
        """The managed parameters (omitted ones are left alone), normalised."""
        return dict((param, field.norm(self.params.get(param))) for param, field in self.fields.items()
                    if not field.read_only and self.params.get(param) is not None)

    def project(self, remote):
        """The server object in the module's shape, normalised; None when absent."""
        if remote is None:
            return None
        shape = {}
        if self.id_param:
            shape[self.id_param] = remote.get(self.id_field)
        for param, field in self.fields.items():
            if field.compare == WRITE_ONLY:
                continue
            shape[param] = field.norm(remote.get(self.api_name(param)))
        return shape

    def public(self, shape):
        """A projection without secrets: what modules return."""
        if shape is None:
            return {}
        return dict((key, value) for key, value in shape.items()
                    if not (key in self.fields and self.fields[key].secret))

    def redacted(self, shape, changed_secrets=()):
        """A projection for the diff: secrets shown as a marker (and whether they change)."""
        if shape is None:
            return {}
        result = {}
        for key, value in shape.items():
            field = self.fields.get(key)
            if field is not None and field.secret:
                if value is None and key not in changed_secrets:
                    continue
                value = REDACTED + (' (changed)' if key in changed_secrets else '')
            result[key] = value
        return result

    # --- finding ----------------------------------------------------------------------------------
    def item_params(self, remote=None):
        """Values for the placeholders of :attr:`item_path` (from the object, else from the parameters)."""
        if self.id_param:
            return {'id': remote[self.id_field] if remote is not None else self.params[self.id_param]}
        source = remote if remote is not None else dict((self.api_name(k), self.params.get(k)) for k in self.natural_key)
        return dict((k, source[self.api_name(k)]) for k in self.natural_key)

    def list_params(self):
        """Values for the placeholders of :attr:`list_path` (e.g. the web app a mapping belongs to)."""
        return {}

    def list_remote(self):
        return self.client.get_json(self.list_path, params=self.list_params()) or []

    def match_keys(self):
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

    def candidate_keys(self):
        """Key sets tried in order to find the object when no id is given; the first that matches wins.

        Default: the natural key alone. A resource whose key depends on the parameters (a task found by its
        description when given, else by its command) returns several. Computed before any request.
        """
        return [self.match_keys()]

    def find(self):
        """The server object this module manages, or None. Fails clearly when several objects match."""
        if self.id_param and self.params.get(self.id_param) is not None:
            return self.client.get_json(self.item_path, params=self.item_params(), missing_ok=True)
        if self.lookup_by_item:
            return self.client.get_json(self.item_path, params=self.item_params(), missing_ok=True)
        candidates = self.candidate_keys()
        items = self.list_remote()
        for keys in candidates:
            matches = [item for item in items
                       if all(self.fields[k].norm(item.get(self.api_name(k))) == v for k, v in keys.items())]
            if len(matches) > 1:
                raise ResourceError('%d %ss match %s; give %s to choose one (ids: %s)' % (
                    len(matches), self.name, ', '.join('%s=%r' % kv for kv in sorted(keys.items())),
                    self.id_param or 'a more specific key', ', '.join(str(m.get(self.id_field)) for m in matches)))
            if matches:
                return matches[0]
        return None

    # --- comparing --------------------------------------------------------------------------------
    def changes(self, current, desired):
        """Parameters whose desired value differs from the server's (write-only ones never do)."""
        changed = {}
        for param, value in desired.items():
            field = self.fields[param]
            if field.compare == WRITE_ONLY:
                continue
            if current.get(param) != value:
                changed[param] = value
        return changed

    def payload(self, values, create=False):
        body = {}
        for param, value in values.items():
            field = self.fields[param]
            encode = (field.create_encode or field.encode) if create else field.encode
            body[self.api_name(param)] = encode(value) if encode else value
        return body

    def send(self, method, template, params, body, **kwargs):
        if self.encoding == 'form':
            return self.client.request(method, template, params=params, form=body, **kwargs)
        return self.client.request(method, template, params=params, json_body=body, **kwargs)

    # --- writing (overridable) ----------------------------------------------------------------------
    def create_values(self, desired):
        """The parameters sent in the create request."""
        values = dict((k, v) for k, v in desired.items() if self.fields[k].create and not self.fields[k].read_only)
        for param in self.natural_key:
            if param not in values and self.params.get(param) is not None:
                values[param] = self.params[param]
        return values

    def identified(self, obj):
        """True when ``obj`` is an object of this kind (a write may answer only ``{"status": "OK"}``)."""
        key = self.api_name(self.natural_key[0]) if self.lookup_by_item else self.id_field
        return isinstance(obj, dict) and key in obj

    def create(self, desired):
        values = self.payload(self.create_values(desired), create=True)
        created = self.send('POST', self.list_path, self.list_params(), values).json
        return created if self.identified(created) else self.find()

    def update_batches(self, changes):
        """Split the changes into requests sent in order (default: one request)."""
        return [changes]

    def update(self, remote, changes):
        result = remote
        for batch in self.update_batches(changes):
            if batch:
                result = self.send(self.update_method, self.item_path, self.item_params(remote), self.payload(batch)).json
        return result if self.identified(result) else self.find()

    def delete(self, remote):
        self.client.request('DELETE', self.item_path, params=self.item_params(remote), allowed=(404,))

    def predict(self, current, desired):
        """The object as it will be after the change (what check mode returns)."""
        predicted = dict(current or {})
        predicted.update(desired)
        for param in self.fields:
            predicted.setdefault(param, None)
        if current is None and self.id_param:
            predicted[self.id_param] = None
        return predicted

    # --- the whole run ------------------------------------------------------------------------------
    def validate(self):
        """Check the parameters before any request; raise :class:`ResourceError` naming the parameter."""

    def validate_target(self, current, desired):
        """Check the object as it would be (``current`` is None for a new one) before any write, also in check mode.

        For rules that depend on the server's object, e.g. a parameter required only to create it.
        """

    def ensure(self, state=None):
        """Make the server match ``state`` (``present`` or ``absent``). Returns the module result."""
        state = state or self.params.get('state', 'present')
        self.validate()
        remote = self.find()
        current = self.project(remote)
        if state == 'absent':
            return self.ensure_absent(remote, current)
        if remote is None and self.id_param and self.params.get(self.id_param) is not None:
            raise ResourceError('there is no %s with %s %s; omit %s to create one'
                                % (self.name, self.id_param, self.params[self.id_param], self.id_param))
        return self.ensure_present(remote, current)

    def ensure_absent(self, remote, current):
        if remote is not None and not self.check_mode:
            self.delete(remote)
        return self.result(remote is not None, current, None, remote)

    def ensure_present(self, remote, current):
        desired = self.desired()
        self.validate_target(current, desired)
        if remote is None:
            predicted = self.predict(None, desired)
            if self.check_mode:
                return self.result(True, None, predicted, None)
            remote = self.create(desired)
            current_after_create = self.project(remote)
            rest = self.changes(current_after_create, desired)
            if rest:
                remote = self.update(remote, rest)
            return self.result(True, None, self.project(remote), remote)

        changes = self.changes(current, desired)
        replace = [param for param in changes if not self.fields[param].update]
        if not changes:
            return self.result(False, current, current, remote)
        predicted = self.predict(current, changes)
        if self.check_mode:
            return self.result(True, current, predicted, remote, replaced=bool(replace), changed_params=changes)
        if replace:
            self.delete(remote)
            merged = dict(current, **desired)
            remote = self.create(dict((k, v) for k, v in merged.items() if k in self.fields and v is not None))
            rest = self.changes(self.project(remote), desired)
            if rest:
                remote = self.update(remote, rest)
        else:
            remote = self.update(remote, changes)
        return self.result(True, current, self.project(remote), remote, replaced=bool(replace), changed_params=changes)

    def result(self, changed, before, after, remote, replaced=False, changed_params=()):
        changed_secrets = [param for param in changed_params if self.fields[param].secret]
        if before is None and after is not None:
            changed_secrets = [param for param in self.fields if self.fields[param].secret and after.get(param) is not None]
        result = {
            'changed': changed,
            self.return_key: self.public(after),
            'diff': {'before': self.redacted(before), 'after': self.redacted(after, changed_secrets)},
        }
        if replaced:
            result['replaced'] = True
        return result
