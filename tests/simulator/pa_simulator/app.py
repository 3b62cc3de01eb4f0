"""The Flask application: PA's URL space behind auth, throttling, faults and the request log."""

from __future__ import annotations

import os
import re
import socket
import tempfile
import time

from flask import Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date
from werkzeug.routing import BaseConverter

from . import errors
from .errors import APIError, json_response
from .faults import NGINX_502, NGINX_503
from .fields import preload_body
from .simulator import Simulator, utcnow

EXTENSION = "pa_simulator"
ADMIN_PREFIX = "/__admin__"
HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
RAW_PATH_KEY = "pa_simulator.raw_path"
USER_IN_PATH = re.compile(r"^/api/v\d+/user/([^/]+)")

# Django's default DATA_UPLOAD_MAX_MEMORY_SIZE: the most a non-file form body may hold.
FORM_MEMORY_LIMIT = 2_621_440


def sim() -> Simulator:
    """The Simulator of the running app."""
    return current_app.extensions[EXTENSION]


class SimRequest(Request):
    """Uploads are streamed to files in the state dir, never held in memory; no size limit."""

    max_content_length = None
    max_form_memory_size = FORM_MEMORY_LIMIT

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        # pylint: disable-next=consider-using-with
        stream = tempfile.NamedTemporaryFile(dir=sim().uploads_dir, prefix="upload-", delete=False)
        g.setdefault("upload_files", []).append(stream.name)
        return stream


class RawPathConverter(BaseConverter):
    """The file path after ``files/path``: empty or starting with ``/``, slashes allowed."""

    regex = "(?:/.*)?"
    part_isolating = False


class Account:
    """The authenticated account, as handlers see it."""

    def __init__(self, simulator: Simulator, data: dict):
        self.sim = simulator
        self.data = data
        self.username = data["username"]
        self.fs = simulator.fs(self.username)

    @property
    def limits(self) -> dict:
        """The plan limits (with per-account overrides)."""
        return self.data["limits"]

    def save(self) -> None:
        """Write the account back."""
        self.sim.store.save_account(self.data)

    def owned(self, kind: str, raw_id: str) -> dict:
        """The account's object of ``kind`` with the id from the URL, or 404."""
        found = self.sim.store.get(kind, errors.parse_id(raw_id), self.username)
        if found is None:
            raise errors.not_found()
        return found


def authenticate(simulator: Simulator) -> dict:
    """DRF TokenAuthentication: the account of ``Authorization: Token <t>``, or 401."""
    header = request.headers.get("Authorization", "")
    parts = header.split()
    challenge = {"WWW-Authenticate": "Token"}
    if not parts or parts[0].lower() != "token":
        raise errors.detail(401, "Authentication credentials were not provided.", challenge)
    if len(parts) == 1:
        raise errors.detail(401, "Invalid token header. No credentials provided.", challenge)
    if len(parts) > 2:
        raise errors.detail(401, "Invalid token header. Token string should not contain spaces.", challenge)
    account = simulator.store.account_by_token(parts[1])
    if account is None:
        raise errors.detail(401, "Invalid token.", challenge)
    return account


def drop_connection() -> None:
    """Close the client connection without answering (the client sees a connection error)."""
    connection = request.environ.get("werkzeug.socket")
    if connection is not None:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    g.dropped = True


def apply_fault(rule: dict) -> Response | None:
    """Carry out a fired fault rule; None lets the request go on (after a ``slow`` delay)."""
    g.fault = rule["action"]
    action = rule["action"]
    if action == "slow":
        time.sleep(rule["delay_ms"] / 1000.0)
        return None
    if action == "drop":
        drop_connection()
        return Response(b"", status=500)
    if action == "429":
        return errors.throttled(rule["retry_after"]).response()
    if action == "500":
        return errors.server_error().response()
    html = NGINX_502 if action == "502" else NGINX_503
    return Response(html, status=int(action), content_type="text/html")


def _render(result) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, tuple):
        data, status = result
        return json_response(data, status)
    return json_response(result, 200)


def make_view(name: str, handlers: dict, locked: bool):
    """The view of one PA route: faults, auth, URL owner check, throttle, then the method's handler."""
    allowed = sorted(set(handlers) | {"OPTIONS"} | ({"HEAD"} if "GET" in handlers else set()))

    def view(username: str, **kwargs):
        simulator = sim()
        rule = simulator.faults.pick(name, request.method, username)
        if rule is not None:
            response = apply_fault(rule)
            if response is not None:
                return response
        account = authenticate(simulator)
        g.auth_user = account["username"]
        if account["username"] != username:
            raise errors.permission_denied()
        wait = simulator.limiter.check(account["username"], name)
        if wait is not None:
            raise errors.throttled(wait)
        method = "GET" if request.method == "HEAD" else request.method
        if method == "OPTIONS":
            return json_response({"name": name, "renders": ["application/json"],
                                  "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]},
                                 200, {"Allow": ", ".join(allowed)})
        handler = handlers.get(method)
        if handler is None:
            raise errors.method_not_allowed(request.method, allowed)
        if locked:
            if method in ("POST", "PUT", "PATCH"):
                preload_body()  # a slow client must not hold the lock
            with simulator.store.lock:
                ctx = Account(simulator, simulator.store.account(username))
                return _render(handler(ctx, **kwargs))
        ctx = Account(simulator, account)
        return _render(handler(ctx, **kwargs))

    view.__name__ = name
    return view


class Routes:
    """Collects PA routes; ``add`` registers one URL rule with per-method handlers."""

    def __init__(self, app: Flask):
        self.app = app
        self.names: list[str] = []

    def add(self, rule: str, name: str, locked: bool = True, **handlers) -> None:
        """Register ``rule`` (accepted with and without the trailing slash) under the endpoint ``name``."""
        methods = {method.upper(): handler for method, handler in handlers.items()}
        self.app.add_url_rule(rule, endpoint=name, view_func=make_view(name, methods, locked), methods=HTTP_METHODS,
                              strict_slashes=False)
        self.names.append(name)


def _is_admin() -> bool:
    return request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/")


def _before():
    g.start = time.monotonic()
    g.start_time = utcnow()
    if _is_admin():
        return None
    latency = sim().latency_ms
    if latency:
        time.sleep(latency / 1000.0)
    if request.url_rule is None:  # unknown URL: still subject to "*" fault rules
        rule = sim().faults.pick(None, request.method, _account_in_path())
        if rule is not None:
            return apply_fault(rule)
    return None


def _account_in_path() -> str | None:
    if request.view_args and "username" in request.view_args:
        return request.view_args["username"]
    match = USER_IN_PATH.match(request.path)
    return match.group(1) if match else None


def _after(response: Response) -> Response:
    response.headers["Date"] = http_date(utcnow())  # the simulator's clock
    if _is_admin():
        return response
    entry = {
        "time": g.start_time.isoformat(timespec="milliseconds"),
        "account": _account_in_path(),
        "method": request.method,
        "path": request.environ.get(RAW_PATH_KEY, request.path),
        "query": request.query_string.decode("latin-1"),
        "endpoint": request.url_rule.endpoint if request.url_rule is not None else None,
        "status": None if g.get("dropped") else response.status_code,
        "duration_ms": round((time.monotonic() - g.start) * 1000.0, 1),
    }
    if g.get("fault"):
        entry["fault"] = g.fault
    if g.get("auth_user") and g.auth_user != entry["account"]:
        entry["auth_user"] = g.auth_user
    sim().log.add(entry)
    return response


def _teardown(_exc):
    for path in g.get("upload_files", []):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _handle_api_error(exc: APIError):
    return exc.response()


def _handle_http_exception(exc: HTTPException):
    if _is_admin():
        return json_response({"error": exc.description or exc.name}, exc.code or 500)
    if exc.code == 404:
        return APIError(404, html=errors.DJANGO_404_HTML).response()
    if exc.code == 413:
        return errors.detail(413, "Request body is too large.").response()
    if exc.code == 400:
        return errors.detail(400, "Malformed request.").response()
    return exc


def _handle_unexpected(exc: Exception):
    current_app.logger.exception("unhandled error: %s", exc)
    return errors.server_error().response()


class MergeSlashes:  # pylint: disable=too-few-public-methods
    """Serve a path with repeated slashes as the path with single ones, without a redirect.

    Reference 1.4: a client that built ``.../user/X//files/path/...`` worked on PA.  werkzeug would answer
    308 (its ``merge_slashes``); this keeps the path as sent for the request log.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if "//" in path:
            environ[RAW_PATH_KEY] = path
            environ["PATH_INFO"] = re.sub("/{2,}", "/", path)
        return self.app(environ, start_response)


def create_app(simulator: Simulator) -> Flask:
    """Build the Flask app serving PA's API (and the admin API) for ``simulator``."""
    # pylint: disable=import-outside-toplevel
    from . import admin, api_account, api_consoles, api_files, api_tasks, api_webapps, api_websites

    app = Flask(__name__)
    app.request_class = SimRequest
    app.extensions[EXTENSION] = simulator
    app.json.sort_keys = False
    app.url_map.converters["rawpath"] = RawPathConverter
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    app.wsgi_app = MergeSlashes(app.wsgi_app)
    routes = Routes(app)
    for module in (api_webapps, api_websites, api_tasks, api_files, api_consoles, api_account):
        module.register(routes)
    app.register_blueprint(admin.blueprint, url_prefix=ADMIN_PREFIX)
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.register_error_handler(APIError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
    app.extensions["pa_simulator_routes"] = routes.names
    return app
