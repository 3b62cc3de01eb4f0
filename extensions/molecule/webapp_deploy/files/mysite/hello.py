"""A tiny WSGI application: the code the webapp_deploy scenario deploys."""

from __future__ import annotations

import os

GREETING = os.environ.get("HELLO_GREETING", "Hello from PythonAnywhere")


def app(environ, start_response):
    """Answer every request with a greeting."""
    body = ("<!doctype html><title>%s</title><link rel=stylesheet href=/static/style.css><h1>%s</h1>"
            % (GREETING, environ.get("PATH_INFO", "/"))).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
