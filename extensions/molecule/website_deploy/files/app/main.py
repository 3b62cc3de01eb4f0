"""A tiny website (standard library only): the code the website_deploy scenario deploys.

PythonAnywhere runs the website's command with $DOMAIN_SOCKET set (the command passes it as the argument);
the server answers HTTP on that unix socket.
"""

from __future__ import annotations

import socketserver
import sys
from http.server import BaseHTTPRequestHandler


class Handler(BaseHTTPRequestHandler):
    """Answer every GET with a greeting."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = b"Hello from PythonAnywhere"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self):
        return "unix"


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """HTTP on a unix socket, a thread per request."""

    daemon_threads = True


if __name__ == "__main__":
    Server(sys.argv[1], Handler).serve_forever()
