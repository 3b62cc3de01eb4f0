"""The web front: serves the accounts' web apps and websites by ``Host`` header, as PA's front end does.

A plain WSGI app on its own port (``--web-port``).  For a v0 web app, in order: disabled -> 503 page;
``force_https`` on plain HTTP -> 301 to https; password protection -> 401 without the right basic auth;
the longest matching static file mapping -> the file (plus the matching static headers), or 404; otherwise
the app's WSGI worker (a process in the sandbox, started on first request, see ``executor.py``).  For a v1
website: disabled -> 503; otherwise its command's HTTP server on ``$DOMAIN_SOCKET``.  Every request is
written to ``/var/log/<domain>.access.log``.  HTTPS is simulated: a request with ``X-Forwarded-Proto: https``
counts as one.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import mimetypes
import socket
import time
from urllib.parse import quote

from .filesystem import normalise
from .simulator import utcnow

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}
WORKER_START_TIMEOUT = 30.0
PROXY_TIMEOUT = 300.0

NO_SITE_HTML = (b"<!doctype html>\n<html><head><title>Coming Soon!</title></head><body>\n<h1>Coming Soon!</h1>\n"
                b"<p>This is going to be a website hosted on PythonAnywhere (simulated), but there is no web app "
                b"for this domain yet.</p>\n</body></html>\n")
DISABLED_HTML = (b"<!doctype html>\n<html><head><title>This site has been disabled</title></head><body>\n"
                 b"<h1>This site has been disabled</h1>\n<p>Its owner has disabled it.</p>\n</body></html>\n")
ERROR_HTML = (b"<!doctype html>\n<html><head><title>Something went wrong :-(</title></head><body>\n"
              b"<h1>Something went wrong :-(</h1>\n<p>There was an error loading your PythonAnywhere-hosted site. "
              b"There may be a bug in your code.</p>\n<p>If you are the owner of this site: look at the error log "
              b"for details.</p>\n</body></html>\n")
UNAUTHORIZED_HTML = b"<html><head><title>401 Authorization Required</title></head><body><h1>401 Authorization Required</h1></body></html>\n"
NOT_FOUND_HTML = b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>\n"


class UnixHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection over a unix socket."""

    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class Site:  # pylint: disable=too-few-public-methods
    """What a host name leads to."""

    def __init__(self, kind: str, owner: str, domain: str, record: dict, website_id: int | None = None):
        self.kind = kind  # "webapp" (v0) or "website" (v1)
        self.owner = owner
        self.domain = domain
        self.record = record
        self.website_id = website_id


class WebFront:
    """The WSGI app of the web front."""

    def __init__(self, simulator):
        self.sim = simulator

    def find_site(self, host: str) -> Site | None:
        """The enabled or disabled web app or website serving ``host``."""
        store = self.sim.store
        found = store.by_key("webapp", host)
        if found is not None:
            return Site("webapp", found[0], host, found[1])
        found = store.by_key("domain", host)
        if found is not None and found[1].get("webapp") is not None:
            return Site("website", found[0], host, found[1], found[1]["webapp"])
        return None

    def __call__(self, environ, start_response):
        started = time.monotonic()
        host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].strip().lower().rstrip(".")
        site = self.find_site(host)
        if site is None:
            status, headers, body = "404 Not Found", [("Content-Type", "text/html")], [NO_SITE_HTML]
        else:
            status, headers, body = self.serve(site, environ)
        body = list(body)
        size = sum(len(chunk) for chunk in body)
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "date")]
        headers += [("Content-Length", str(size)), ("Date", http_date_now())]
        start_response(status, headers)
        if site is not None:
            self.access_log(site, environ, status, size, time.monotonic() - started)
        return body

    # what a site answers ---------------------------------------------------------

    def serve(self, site: Site, environ):
        """``(status, headers, body chunks)`` for a request to ``site``."""
        record = site.record
        if not record.get("enabled", True):
            return "503 Service Unavailable", [("Content-Type", "text/html")], [DISABLED_HTML]
        if site.kind == "website":
            return self.proxy(site, environ)
        scheme = "https" if environ.get("HTTP_X_FORWARDED_PROTO", "").lower() == "https" else "http"
        path = environ.get("PATH_INFO", "/") or "/"
        query = environ.get("QUERY_STRING", "")
        if record.get("force_https") and scheme != "https":
            location = f"https://{environ.get('HTTP_HOST', site.domain)}{quote(path)}" + (f"?{query}" if query else "")
            return "301 Moved Permanently", [("Location", location), ("Content-Type", "text/html")], [b""]
        if record.get("password_protection_enabled") and not self.authorised(record, environ):
            return ("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="Restricted"'), ("Content-Type", "text/html")],
                    [UNAUTHORIZED_HTML])
        mapping = self.static_mapping(site, path)
        if mapping is not None:
            return self.static_file(site, mapping, path)
        return self.proxy(site, environ)

    @staticmethod
    def authorised(record: dict, environ) -> bool:
        """Basic auth with the web app's password protection username and password."""
        header = environ.get("HTTP_AUTHORIZATION", "")
        if not header.lower().startswith("basic "):
            return False
        try:
            user, _sep, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return (user == record.get("password_protection_username", "")
                and password == record.get("password_protection_password", ""))

    def static_mapping(self, site: Site, path: str) -> dict | None:
        """The static file mapping with the longest ``url`` prefix of ``path``."""
        best = None
        for item in self.sim.store.list("static_file", site.owner):
            if item.get("webapp") != site.domain:
                continue
            url = item["url"]
            if path.startswith(url) and (best is None or len(url) > len(best["url"])):
                best = item
        return best

    def static_file(self, site: Site, mapping: dict, path: str):
        """The mapped file with the static headers whose ``url`` prefixes the path, or 404."""
        rest = path[len(mapping["url"]):]
        vpath = normalise(mapping["path"].rstrip("/") + "/" + rest) if rest else normalise(mapping["path"])
        fs = self.sim.fs(site.owner)
        if fs.kind(vpath) != "file":
            return "404 Not Found", [("Content-Type", "text/html")], [NOT_FOUND_HTML]
        with open(fs.real(vpath), "rb") as handle:
            data = handle.read()
        kind = mimetypes.guess_type(vpath)[0] or "application/octet-stream"
        headers = [("Content-Type", kind)]
        for header in self.sim.store.list("static_header", site.owner):
            if header.get("webapp") == site.domain and path.startswith(header["url"]):
                headers.append((str(header["name"]), str(header["value"])))
        return "200 OK", headers, [data]

    # the app -------------------------------------------------------------

    def proxy(self, site: Site, environ):
        """Forward the request to the site's worker (started when needed)."""
        executor = self.sim.executor
        if executor is None:
            return "503 Service Unavailable", [("Content-Type", "text/plain")], [
                b"The simulator does not execute commands (--no-exec, or no sandbox): no app to serve.\n"]
        kind, obj_id = ("webapp", site.record["id"]) if site.kind == "webapp" else ("website", site.website_id)
        socket_path = executor.ensure_worker(kind, obj_id, WORKER_START_TIMEOUT)
        if socket_path is None:
            return "500 Internal Server Error", [("Content-Type", "text/html")], [ERROR_HTML]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                name = key[5:].replace("_", "-").title()
                if name.lower() not in HOP_BY_HOP:
                    headers[name] = value
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers["X-Real-IP"] = environ.get("REMOTE_ADDR", "")
        headers["X-Forwarded-For"] = environ.get("REMOTE_ADDR", "")
        headers.setdefault("X-Forwarded-Proto", "http")
        target = quote(environ.get("PATH_INFO", "/") or "/") + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        connection = UnixHTTPConnection(socket_path, PROXY_TIMEOUT)
        try:
            connection.request(environ["REQUEST_METHOD"], target, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            out_headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return f"{response.status} {response.reason}", out_headers, [data]
        except (OSError, http.client.HTTPException):
            return "502 Bad Gateway", [("Content-Type", "text/html")], [ERROR_HTML]
        finally:
            connection.close()

    # logs -------------------------------------------------------------

    def access_log(self, site: Site, environ, status: str, size: int, seconds: float) -> None:
        """One line in nginx's combined format, plus the response time, as PA's access logs have."""
        when = utcnow().strftime("%d/%b/%Y:%H:%M:%S +0000")
        request_line = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO', '/')}"
        if environ.get("QUERY_STRING"):
            request_line += "?" + environ["QUERY_STRING"]
        request_line += f" {environ.get('SERVER_PROTOCOL', 'HTTP/1.1')}"
        user = "-"
        line = (f"{environ.get('REMOTE_ADDR', '-')} - {user} [{when}] \"{request_line}\" {status.split()[0]} {size} "
                f"\"{environ.get('HTTP_REFERER', '-')}\" \"{environ.get('HTTP_USER_AGENT', '-')}\" "
                f"\"{environ.get('REMOTE_ADDR', '-')}\" response-time={seconds:.3f}\n")
        try:
            with self.sim.fs(site.owner).open_for_append(f"/var/log/{site.domain}.access.log") as handle:
                handle.write(line.encode("utf-8"))
        except OSError:
            pass


def http_date_now() -> str:
    """The simulator clock as an HTTP date."""
    from werkzeug.http import http_date  # pylint: disable=import-outside-toplevel

    return http_date(utcnow())
