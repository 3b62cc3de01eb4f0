"""Error responses, shaped as PythonAnywhere (Django REST Framework) sends them."""

from __future__ import annotations

import json

from flask import Response

PERMISSION_DENIED = "You do not have permission to perform this action."
NOT_FOUND = "Not found."
REQUIRED = "This field is required."

DJANGO_404_HTML = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n'
    "<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"
)
DJANGO_500_HTML = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n'
    "<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n"
)


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    """A JSON response rendered like DRF's JSONRenderer (compact, UTF-8)."""
    body = b"" if data is None else json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = Response(body, status=status, headers=headers or {})
    if data is not None:
        response.content_type = "application/json"
    else:
        response.headers.pop("Content-Type", None)
    return response


class APIError(Exception):
    """An error answered to the client; ``body`` is JSON unless ``html`` is set."""

    def __init__(self, status: int, body=None, headers: dict | None = None, html: str | None = None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.html = html

    def response(self) -> Response:
        """Render the error."""
        if self.html is not None:
            return Response(self.html, status=self.status, headers=self.headers, content_type="text/html; charset=utf-8")
        return json_response(self.body, self.status, self.headers)


def detail(status: int, message: str, headers: dict | None = None) -> APIError:
    """``{"detail": message}``, DRF's APIException shape."""
    return APIError(status, {"detail": message}, headers)


def not_found() -> APIError:
    """DRF's 404 ``{"detail": "Not found."}``."""
    return detail(404, NOT_FOUND)


def parse_id(raw: str) -> int:
    """An object id from the URL; a non-integer id is simply not found (as Django's pk lookup)."""
    try:
        return int(raw)
    except ValueError as exc:
        raise not_found() from exc


def permission_denied(message: str = PERMISSION_DENIED) -> APIError:
    """DRF's PermissionDenied."""
    return detail(403, message)


class ValidationError(APIError):
    """DRF's ValidationError: 400 with a field -> list of messages mapping."""

    def __init__(self, errors):
        super().__init__(400, errors)


def non_field_error(message: str) -> ValidationError:
    """``{"non_field_errors": [message]}``."""
    return ValidationError({"non_field_errors": [message]})


def field_error(field: str, message: str) -> ValidationError:
    """``{field: [message]}``."""
    return ValidationError({field: [message]})


def server_error() -> APIError:
    """Django's plain 500 page (an unhandled exception behind DRF)."""
    return APIError(500, html=DJANGO_500_HTML)


def method_not_allowed(method: str, allowed: list[str]) -> APIError:
    """DRF's MethodNotAllowed."""
    return detail(405, f'Method "{method}" not allowed.', {"Allow": ", ".join(allowed)})


def throttled(wait: int) -> APIError:
    """DRF's Throttled with its ``Retry-After`` header."""
    unit = "second" if wait == 1 else "seconds"
    return detail(429, f"Request was throttled. Expected available in {wait} {unit}.", {"Retry-After": str(wait)})
