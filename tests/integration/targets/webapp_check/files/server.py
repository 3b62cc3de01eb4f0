"""A website's server (standard library only): HTTP on the unix socket given as its argument (${DOMAIN_SOCKET})."""

import socketserver
import sys
from http.server import BaseHTTPRequestHandler


class Handler(BaseHTTPRequestHandler):
    """Answer every GET with a greeting."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = ("Hello from the website at %s" % self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self):
        return "unix"


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


if __name__ == "__main__":
    print("listening on", sys.argv[1], flush=True)
    Server(sys.argv[1], Handler).serve_forever()
