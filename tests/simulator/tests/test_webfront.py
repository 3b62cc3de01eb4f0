"""The web front: web apps and websites served by Host header from the sandbox, with PA's front-end rules."""

from __future__ import annotations

import json
import time

import requests

from conftest import EXAMPLE_ACCOUNTS, Server
from helpers import processes, read_file, wait_for

DOMAIN = "alice.pythonanywhere.com"
WSGI = f"/var/www/{DOMAIN.replace('.', '_')}_wsgi.py"
ECHO_APP = b'''import sys
import helper  # from the source directory


def application(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    data = {"path": environ["PATH_INFO"], "query": environ["QUERY_STRING"], "method": environ["REQUEST_METHOD"],
            "scheme": environ["wsgi.url_scheme"], "body": body.decode(), "python": list(sys.version_info[:2]),
            "helper": helper.NAME, "host": environ.get("HTTP_HOST")}
    if environ["PATH_INFO"] == "/boom":
        raise RuntimeError("boom from the app")
    out = __import__("json").dumps(data).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("X-App", "echo")])
    return [out]
'''


def get(server, host: str, path: str = "/", **kwargs) -> requests.Response:
    """A request to the web front for ``host``."""
    headers = {"Host": host, **kwargs.pop("headers", {})}
    method = kwargs.pop("method", "GET")
    return requests.request(method, server.web_url + path, headers=headers, timeout=60, allow_redirects=False, **kwargs)


def make_app(alice, **patch) -> None:
    """A web app on alice's PA domain running the echo app from /home/alice/mysite."""
    assert alice.post("webapps/", data={"domain_name": DOMAIN, "python_version": "python312"}).status_code == 201
    assert alice.upload("/home/alice/mysite/helper.py", b"NAME = 'helper-ok'\n").status_code == 201
    assert alice.upload(WSGI, ECHO_APP).status_code == 200
    response = alice.patch(f"webapps/{DOMAIN}/", data={"source_directory": "/home/alice/mysite", **patch})
    assert response.status_code == 200, response.text


def test_unknown_host_and_default_app(alice, server):
    missing = get(server, "nobody.example.com")
    assert missing.status_code == 404 and "Coming Soon" in missing.text
    assert alice.post("webapps/", data={"domain_name": DOMAIN, "python_version": "python310"}).status_code == 201
    page = get(server, DOMAIN + ":80")
    assert page.status_code == 200 and page.text == "Hello from the PythonAnywhere simulator"
    assert "Date" in page.headers
    access = read_file(alice, f"/var/log/{DOMAIN}.access.log")
    assert '"GET / HTTP/1.1" 200 39 ' in access
    assert "Starting worker" in read_file(alice, f"/var/log/{DOMAIN}.server.log")
    assert [p["kind"] for p in processes(server)] == ["webapp"]


def test_wsgi_app_source_dir_post_reload_and_touch(alice, server):
    make_app(alice)
    first = get(server, DOMAIN, "/a/b?x=1", method="POST", data=b"payload")
    assert first.status_code == 200 and first.headers["X-App"] == "echo"
    assert first.json() == {"path": "/a/b", "query": "x=1", "method": "POST", "scheme": "http", "body": "payload",
                            "python": [3, 12], "helper": "helper-ok", "host": DOMAIN}
    # uploading the WSGI file (touching it) restarts the worker with the new code
    assert alice.upload(WSGI, ECHO_APP.replace(b"helper.NAME", b"helper.NAME + '-v2'")).status_code == 200
    assert get(server, DOMAIN).json()["helper"] == "helper-ok-v2"
    # a reload restarts it too (the helper module is imported again)
    assert alice.upload("/home/alice/mysite/helper.py", b"NAME = 'helper-v3'\n").status_code == 200
    assert get(server, DOMAIN).json()["helper"] == "helper-ok-v2"
    assert alice.post(f"webapps/{DOMAIN}/reload/").status_code == 200
    assert get(server, DOMAIN).json()["helper"] == "helper-v3-v2"
    server_log = read_file(alice, f"/var/log/{DOMAIN}.server.log")
    assert "Reloading (WSGI file changed)" in server_log and "Reloading (reload requested)" in server_log
    assert server_log.count("Starting worker") == 3
    # an exception in the app: 500 and its traceback in the error log
    assert get(server, DOMAIN, "/boom").status_code == 500
    error_log = wait_for(lambda: (text := read_file(alice, f"/var/log/{DOMAIN}.error.log")) and "boom" in text and text, 5)
    assert "Traceback (most recent call last)" in error_log and "RuntimeError: boom from the app" in error_log


def test_import_error_shows_the_error_page_and_logs_the_traceback(alice, server):
    assert alice.post("webapps/", data={"domain_name": DOMAIN, "python_version": "python311"}).status_code == 201
    assert alice.upload(WSGI, b"import no_such_module\n").status_code == 200
    page = get(server, DOMAIN)
    assert page.status_code == 500 and "Something went wrong" in page.text
    error_log = read_file(alice, f"/var/log/{DOMAIN}.error.log")
    assert "Error running WSGI application" in error_log
    assert "ModuleNotFoundError: No module named 'no_such_module'" in error_log
    assert "Worker exited with return code 3" in read_file(alice, f"/var/log/{DOMAIN}.server.log")


def test_static_files_headers_force_https_password_and_disabled(alice, server):
    make_app(alice)
    assert alice.upload("/home/alice/static/site.css", b"body {}").status_code == 201
    assert alice.upload("/home/alice/images/logo.txt", b"logo").status_code == 201
    assert alice.upload("/home/alice/static/img/logo.txt", b"shadowed").status_code == 201
    for url, path in (("/static/", "/home/alice/static/"), ("/static/img/", "/home/alice/images/")):
        assert alice.post(f"webapps/{DOMAIN}/static_files/", data={"url": url, "path": path}).status_code == 201
    assert alice.post(f"webapps/{DOMAIN}/static_headers/",
                      json={"url": "/static/", "name": "Cache-Control", "value": "max-age=60"}).status_code == 201
    css = get(server, DOMAIN, "/static/site.css")
    assert css.status_code == 200 and css.content == b"body {}" and css.headers["Content-Type"] == "text/css"
    assert css.headers["Cache-Control"] == "max-age=60"
    assert get(server, DOMAIN, "/static/img/logo.txt").content == b"logo"  # the longest prefix wins
    assert get(server, DOMAIN, "/static/missing.css").status_code == 404
    assert get(server, DOMAIN, "/dynamic").json()["path"] == "/dynamic"
    # force_https: plain HTTP is redirected; a request that came over HTTPS is served
    assert alice.patch(f"webapps/{DOMAIN}/", data={"force_https": "true"}).status_code == 200
    redirect = get(server, DOMAIN, "/x?y=1")
    assert redirect.status_code == 301 and redirect.headers["Location"] == f"https://{DOMAIN}/x?y=1"
    secure = get(server, DOMAIN, "/x", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200 and secure.json()["scheme"] == "https"
    # password protection
    assert alice.patch(f"webapps/{DOMAIN}/", data={"force_https": "false", "password_protection_enabled": "true",
                                                   "password_protection_username": "u",
                                                   "password_protection_password": "p"}).status_code == 200
    denied = get(server, DOMAIN, "/static/site.css")
    assert denied.status_code == 401 and denied.headers["WWW-Authenticate"].startswith("Basic ")
    assert get(server, DOMAIN, auth=("u", "wrong")).status_code == 401
    assert get(server, DOMAIN, auth=("u", "p")).status_code == 200
    # disabled: PA's disabled page, and the worker is stopped
    assert alice.post(f"webapps/{DOMAIN}/disable/").status_code == 200
    disabled = get(server, DOMAIN)
    assert disabled.status_code == 503 and "disabled" in disabled.text
    wait_for(lambda: not processes(server), 5)
    access = read_file(alice, f"/var/log/{DOMAIN}.access.log")
    assert '" 401 ' in access and '" 301 ' in access and '" 503 ' in access


WEBSITE = b'''import json, os, socketserver
from http.server import BaseHTTPRequestHandler


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"path": self.path, "socket": os.environ["DOMAIN_SOCKET"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self):
        return "local"


path = os.environ["DOMAIN_SOCKET"]
if os.path.exists(path):
    os.unlink(path)
print("serving on", path, flush=True)
socketserver.UnixStreamServer(path, Handler).serve_forever()
'''


def test_website_command_on_domain_socket(alice, server):
    assert alice.upload("/home/alice/site.py", WEBSITE).status_code == 201
    created = alice.post("websites/", version=1, json={"domain_name": "www.example.com", "enabled": True,
                                                       "webapp": {"command": "python3.13 /home/alice/site.py"}})
    assert created.status_code == 201, created.text
    page = get(server, "www.example.com", "/hello?x=1")
    assert page.status_code == 200
    assert page.json() == {"path": "/hello?x=1", "socket": "/var/sockets/www.example.com/app.sock"}
    assert "serving on /var/sockets/www.example.com/app.sock" in read_file(alice, "/var/log/www.example.com.server.log")
    assert '"GET /hello?x=1 HTTP/1.1" 200' in read_file(alice, "/var/log/www.example.com.access.log")
    assert alice.post("websites/www.example.com/reload/", version=1).status_code == 200
    wait_for(lambda: not processes(server), 5)
    assert get(server, "www.example.com").status_code == 200
    assert alice.patch("websites/www.example.com/", version=1, json={"enabled": False}).status_code == 200
    assert get(server, "www.example.com").status_code == 503
    wait_for(lambda: not processes(server), 5)


def test_no_serve(tmp_path):
    srv = Server(tmp_path / "state", "--config", str(EXAMPLE_ACCOUNTS), "--no-serve")
    try:
        info = json.loads((tmp_path / "state" / "server.json").read_text(encoding="utf-8"))
        assert srv.web_url is None and info["web_url"] is None
    finally:
        srv.stop()
    served = Server(tmp_path / "state2", "--config", str(EXAMPLE_ACCOUNTS), "--no-exec")
    try:
        assert json.loads((tmp_path / "state2" / "server.json").read_text(encoding="utf-8"))["web_url"] == served.web_url
        start = time.monotonic()
        assert requests.get(served.web_url, headers={"Host": "x.example.com"}, timeout=10).status_code == 404
        assert time.monotonic() - start < 5
    finally:
        served.stop()
