"""The web front's WSGI worker: loads one web app's WSGI file and serves it on a unix socket.

Standard library only: it runs in the account's sandbox under the web app's virtualenv's ``bin/python``,
or, when the virtualenv has none, under the image's ``python3.X`` of the app's version with the
virtualenv's ``site-packages`` added (what PythonAnywhere's uWSGI ``virtualenv`` option gives the app).
The web front passes this file's text with ``python -c`` (so it works wherever the simulator lives) and:

    argv: SOCKET WSGI_FILE SOURCE_DIRECTORY DOMAIN ERROR_LOG [VIRTUALENV]

stdout is the domain's server log (the web front opens it); the worker sends its stderr to ERROR_LOG,
the domain's error log. Error-log lines get PythonAnywhere's ``YYYY-MM-DD HH:MM:SS,mmm: `` prefix.  An import error in the WSGI file is
logged as PythonAnywhere logs it ("Error running WSGI application" and the traceback in the error log,
"no python application found" in the server log), and every request then answers PA's 500 page.
"""

import glob
import importlib.util
import os
import site
import socket
import socketserver
import sys
import threading
import time
import traceback
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html>\n<head><title>Something went wrong :-(</title></head>\n<body>\n"
    b"<h1>Something went wrong :-(</h1>\n"
    b"<p>Something went wrong while trying to load this website; please try again later.</p>\n"
    b"<p>If it is your site, you should check your logs to determine what the problem is.</p>\n"
    b"</body>\n</html>\n"
)


def stamp():
    """PythonAnywhere's error-log time stamp: ``2026-01-20 10:58:33,970``."""
    now = time.time()
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)) + ",%03d" % int((now % 1) * 1000)


class StampedWriter:
    """A text stream that prefixes every line with the time stamp (the error log's format)."""

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()
        self.pending = ""

    def write(self, text):
        with self.lock:
            self.pending += text
            while "\n" in self.pending:
                line, self.pending = self.pending.split("\n", 1)
                self.stream.write("%s: %s\n" % (stamp(), line))
            self.stream.flush()
        return len(text)

    def flush(self):
        with self.lock:
            self.stream.flush()

    def writable(self):
        return True


def server_log(message):
    """One line in the server log."""
    sys.stdout.write("%s %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), message))
    sys.stdout.flush()


def log_error():
    """The current exception in the error log, as PythonAnywhere writes it."""
    etype, value, tb = sys.exc_info()
    # the worker's own frames (this code runs as "<string>") and importlib's are not the app's
    frames = [f for f in traceback.extract_tb(tb) if f.filename != "<string>" and not f.filename.startswith("<frozen")]
    lines = ["Error running WSGI application\n", "Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames) + traceback.format_exception_only(etype, value)
    sys.stderr.write("".join(lines))
    sys.stderr.flush()


def error_app(environ, start_response):
    """What every request gets when the WSGI file could not be loaded."""
    start_response("500 Internal Server Error", [("Content-Type", "text/html"), ("Content-Length", str(len(ERROR_PAGE)))])
    return [ERROR_PAGE]


def guarded(application):
    """The application, with its exceptions logged and answered with PA's 500 page."""

    def run(environ, start_response):
        try:
            return application(environ, start_response)
        except Exception:  # pylint: disable=broad-except
            log_error()
            start_response("500 Internal Server Error",
                           [("Content-Type", "text/html"), ("Content-Length", str(len(ERROR_PAGE)))], sys.exc_info())
            return [ERROR_PAGE]

    return run


def load(wsgi_file):
    """The ``application`` of a WSGI file, loaded as uWSGI loads it (as a module named after the file)."""
    name = os.path.splitext(os.path.basename(wsgi_file))[0]
    spec = importlib.util.spec_from_file_location(name, wsgi_file)
    if spec is None:
        raise ImportError("cannot load %s" % wsgi_file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    application = getattr(module, "application", None)
    if application is None:
        raise AttributeError("%s has no attribute 'application'" % wsgi_file)
    return application


class UnixWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server on a unix socket, a thread per request."""

    address_family = socket.AF_UNIX
    daemon_threads = True

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # HTTPServer's would look up a host name
        self.server_name = "localhost"
        self.server_port = 80
        self.setup_environ()


class Handler(WSGIRequestHandler):
    """The front end's headers decide the client address, the scheme and the host."""

    def setup(self):
        super().setup()
        self.client_address = ("127.0.0.1", 0)

    def get_environ(self):
        environ = super().get_environ()
        environ["REMOTE_ADDR"] = self.headers.get("X-Real-IP", "127.0.0.1")
        environ["wsgi.url_scheme"] = self.headers.get("X-Forwarded-Proto", "http")
        if environ["wsgi.url_scheme"] == "https":
            environ["HTTPS"] = "on"
        host = self.headers.get("Host", "localhost")
        environ["SERVER_NAME"] = host.split(":")[0]
        environ["SERVER_PORT"] = "443" if environ["wsgi.url_scheme"] == "https" else "80"
        return environ

    def get_stderr(self):
        return sys.stderr

    def log_message(self, *args):  # the web front writes the access log
        pass


def main():
    """Load the WSGI file and serve it until killed."""
    sock_path, wsgi_file, source_dir, domain, error_log = sys.argv[1:6]
    venv = sys.argv[6] if len(sys.argv) > 6 else ""
    os.dup2(os.open(error_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644), 2)
    sys.stderr = StampedWriter(sys.__stderr__)
    server_log("*** Starting WSGI worker for %s (Python %s, pid %d) ***" % (domain, sys.version.split()[0], os.getpid()))
    server_log("interpreter: %s, prefix: %s" % (sys.executable, sys.prefix))
    if venv:
        found = glob.glob(os.path.join(venv, "lib", "python%d.%d" % sys.version_info[:2], "site-packages"))
        for folder in found:
            site.addsitedir(folder)
        server_log("virtualenv: %s%s" % (venv, "" if found else " (no site-packages for this Python: not used)"))
    if source_dir and source_dir not in sys.path:
        sys.path.insert(0, source_dir)
    started = time.time()
    try:
        application = load(wsgi_file)
        server_log("WSGI app 0 (mountpoint='') ready in %.2f seconds, loaded from %s" % (time.time() - started, wsgi_file))
    except BaseException:  # pylint: disable=broad-except
        log_error()
        server_log("--- no python application found, check your startup logs for errors ---")
        application = error_app
    os.makedirs(os.path.dirname(sock_path), exist_ok=True)
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    server = UnixWSGIServer(sock_path, Handler)
    server.set_app(guarded(application))
    server_log("spawned WSGI worker (pid: %d)" % os.getpid())
    server.serve_forever()


if __name__ == "__main__":
    main()
