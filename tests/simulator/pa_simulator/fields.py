"""Request bodies and their validation, the way Django REST Framework does it by default.

PA's API is DRF: it accepts JSON, form-urlencoded and multipart bodies on the
same endpoints, validates them with serializers and answers 400 with
``{"field": ["message"]}``.  This module reproduces the parts we need: the
three parsers, the field types and DRF's default error messages.
"""

from __future__ import annotations

import json
import re

from flask import request
from werkzeug.datastructures import MultiDict

from .errors import REQUIRED, APIError, ValidationError, detail

MISSING = object()

# DRF's BooleanField values (1 also matches True, and 0 matches 0.0 and False).
TRUE_VALUES = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1}
FALSE_VALUES = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0}


class FieldError(Exception):
    """One field's error messages (a list, or a dict for nested objects)."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = messages if isinstance(messages, (list, dict)) else [messages]


class Body:
    """A parsed request body: a dict (JSON) or a MultiDict (form/multipart)."""

    def __init__(self, data, html: bool):
        self.data = data
        self.html = html

    def lookup(self, name: str):
        """``(present, value)``; for forms the last value wins, as with Django's QueryDict."""
        if self.html:
            values = self.data.getlist(name)
            if not values:
                return False, None
            return True, values[-1]
        if name in self.data:
            return True, self.data[name]
        return False, None

    def __contains__(self, name: str) -> bool:
        return self.lookup(name)[0]


def _has_body() -> bool:
    if request.content_length:
        return True
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def preload_body() -> None:
    """Read the request body now (without judging it), so that handlers parse it from memory or disk."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        request.form.get("")  # the first access parses (and streams files to disk)
    elif _has_body():
        request.get_data(cache=True)


def parse_body() -> Body:
    """Parse the request body with DRF's default parsers (JSON, form, multipart)."""
    mimetype = request.mimetype
    if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return Body(request.form, True)
    if not _has_body():
        return Body(MultiDict(), True)
    if mimetype == "application/json" or mimetype.endswith("+json"):
        raw = request.get_data(cache=True)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise detail(400, f"JSON parse error - {exc}") from exc
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]})
        return Body(data, False)
    shown = request.content_type or ""
    raise detail(415, f'Unsupported media type "{shown}" in request.')


class Field:
    """A serializer field: required/null/blank handling shared by all types."""

    def __init__(self, required: bool = True, allow_null: bool = False, default=MISSING):
        self.required = required if default is MISSING else False
        self.allow_null = allow_null
        self.default = default

    allow_blank = False

    def run(self, value, html: bool):
        """Validate one present value."""
        if html and value == "" and self.allow_null and not self.allow_blank:
            return None
        if value is None:
            if self.allow_null:
                return None
            raise FieldError("This field may not be null.")
        return self.convert(value)

    def convert(self, value):
        """Type-specific conversion; overridden."""
        return value


class CharField(Field):
    """DRF CharField: strings (numbers are stringified), whitespace trimmed."""

    def __init__(self, allow_blank: bool = False, max_length: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.allow_blank = allow_blank
        self.max_length = max_length

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise FieldError("Not a valid string.")
        value = str(value).strip()
        if value == "" and not self.allow_blank:
            raise FieldError("This field may not be blank.")
        if self.max_length is not None and len(value) > self.max_length:
            raise FieldError(f"Ensure this field has no more than {self.max_length} characters.")
        return value


class RawCharField(CharField):
    """A CharField with ``trim_whitespace=False`` (certificates, console input)."""

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise FieldError("Not a valid string.")
        value = str(value)
        if value == "" and not self.allow_blank:
            raise FieldError("This field may not be blank.")
        return value


class BooleanField(Field):
    """DRF BooleanField: accepts "True"/"False", "true", "1", "on", ... ."""

    def convert(self, value):
        try:
            if value in TRUE_VALUES:
                return True
            if value in FALSE_VALUES:
                return False
        except TypeError:  # unhashable (list, dict)
            pass
        raise FieldError("Must be a valid boolean.")


class IntegerField(Field):
    """DRF IntegerField with optional bounds."""

    _decimal = re.compile(r"\.0*\s*$")

    def __init__(self, min_value: int | None = None, max_value: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.min_value = min_value
        self.max_value = max_value

    def convert(self, value):
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            raise FieldError("A valid integer is required.")
        try:
            number = int(self._decimal.sub("", str(value)))
        except (TypeError, ValueError) as exc:
            raise FieldError("A valid integer is required.") from exc
        if self.max_value is not None and number > self.max_value:
            raise FieldError(f"Ensure this value is less than or equal to {self.max_value}.")
        if self.min_value is not None and number < self.min_value:
            raise FieldError(f"Ensure this value is greater than or equal to {self.min_value}.")
        return number


class ChoiceField(Field):
    """DRF ChoiceField."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def convert(self, value):
        key = str(value) if not isinstance(value, (list, dict)) else None
        if key is None or key not in self.choices:
            raise FieldError(f'"{value}" is not a valid choice.')
        return key


class NestedField(Field):
    """A nested serializer (a JSON object)."""

    def __init__(self, fields: dict, **kwargs):
        super().__init__(**kwargs)
        self.fields = fields

    def convert(self, value):
        if not isinstance(value, dict):
            raise FieldError({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(value).__name__}."]})
        try:
            return validate(self.fields, Body(value, False))
        except ValidationError as exc:
            raise FieldError(exc.body) from exc


def validate(fields: dict, body: Body, partial: bool = False) -> dict:
    """Validate ``body`` against ``fields`` (an ordered mapping name -> Field).

    Returns the validated values; unknown keys are ignored.  Raises a 400
    ValidationError listing every failing field, in declaration order.
    """
    errors = {}
    out = {}
    for name, field in fields.items():
        present, value = body.lookup(name)
        if not present:
            if partial:
                continue
            if field.default is not MISSING:
                out[name] = field.default
            elif field.required:
                errors[name] = [REQUIRED]
            continue
        try:
            out[name] = field.run(value, body.html)
        except FieldError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return out


def require_query_param(name: str) -> str:
    """A required query-string parameter (the last value wins); 400 in DRF's field-list shape when absent."""
    values = request.args.getlist(name)
    value = values[-1] if values else ""
    if value == "":
        raise APIError(400, {name: [REQUIRED]})
    return value
