"""A tiny WSGI app (standard library only), imported by the WSGI file from the source directory."""

import sys


def application(environ, start_response):
    """Say hello, with the Python that runs the app and the scheme the front end saw."""
    body = ("Hello from %s on Python %d.%d over %s" % (
        environ.get("PATH_INFO", "/"), sys.version_info[0], sys.version_info[1], environ["wsgi.url_scheme"])).encode()
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
