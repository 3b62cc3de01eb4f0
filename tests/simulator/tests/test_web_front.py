"""The web front: sites served by Host header, static files, headers, force_https, passwords, logs."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from conftest import wait_until

DOMAIN = "www.example.com"


class Web:
    """Requests to the web front, for one Host."""

    def __init__(self, server):
        self.url = json.loads((server.state_dir / "server.json").read_text())["web_url"]

    def get(self, host: str, path: str = "/", https: bool = False, **kwargs) -> requests.Response:
        headers = {"Host": host, **kwargs.pop("headers", {})}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        return requests.request(kwargs.pop("method", "GET"), self.url + path, headers=headers, timeout=60,
                                allow_redirects=False, **kwargs)


@pytest.fixture
def web(server) -> Web:
    return Web(server)


def read_log(client, domain: str, kind: str) -> str:
    response = client.get(f"files/path/var/log/{domain}.{kind}.log")
    return response.text if response.status_code == 200 else ""


@pytest.fixture
def site(alice, server):
    """A web app on a custom domain (its CNAME set up) with a static mapping tree."""
    assert server.admin("POST", f"accounts/alice/domains/{DOMAIN}/cname", json={"ok": True}).status_code == 200
    assert alice.post("webapps/", data={"domain_name": DOMAIN, "python_version": "python311"}).status_code == 201
    assert alice.upload("/home/alice/site/static/app.css", b"body {}").status_code == 201
    assert alice.upload("/home/alice/site/static/img/logo.txt", b"outer logo").status_code == 201
    assert alice.upload("/home/alice/site/images/logo.txt", b"inner logo").status_code == 201
    assert alice.upload("/home/alice/site/public/index.html", b"<p>index</p>").status_code == 201
    return alice


def reload(client, domain: str = DOMAIN):
    assert client.post(f"webapps/{domain}/reload/").status_code == 200


def test_the_server_json_names_the_web_front(server, web):
    assert web.url.startswith("http://127.0.0.1:")


def test_an_unknown_host_gets_a_404_page(web):
    response = web.get("nobody.example.org")
    assert response.status_code == 404 and "Coming Soon" in response.text


def test_static_files_longest_prefix_and_headers(site, web):
    for url, path in (("/static/", "/home/alice/site/static"), ("/static/img/", "/home/alice/site/images"),
                      ("/", "/home/alice/site/public")):
        assert site.post(f"webapps/{DOMAIN}/static_files/", data={"url": url, "path": path}).status_code == 201
    assert site.post(f"webapps/{DOMAIN}/static_headers/",
                     data={"url": "/static/", "name": "Cache-Control", "value": "max-age=60"}).status_code == 201
    reload(site)
    css = web.get(DOMAIN, "/static/app.css")
    assert css.status_code == 200 and css.content == b"body {}"
    assert css.headers["Content-Type"].startswith("text/css") and css.headers["Cache-Control"] == "max-age=60"
    logo = web.get(DOMAIN, "/static/img/logo.txt")  # the longer prefix wins
    assert logo.status_code == 200 and logo.content == b"inner logo" and logo.headers["Cache-Control"] == "max-age=60"
    index = web.get(DOMAIN, "/")  # a directory serves its index.html
    assert index.status_code == 200 and index.content == b"<p>index</p>" and "Cache-Control" not in index.headers
    head = web.get(DOMAIN, "/static/app.css", method="HEAD")
    assert head.status_code == 200 and head.content == b""
    escape = web.get(DOMAIN, "/static/../../../../etc/passwd")
    assert b"root:" not in escape.content
    access = read_log(site, DOMAIN, "access")
    assert '"GET /static/app.css HTTP/1.1" 200 7 ' in access and "response-time=" in access


def test_configuration_changes_wait_for_a_reload(site, web):
    assert site.post(f"webapps/{DOMAIN}/static_files/",
                     data={"url": "/static/", "path": "/home/alice/site/static"}).status_code == 201
    reload(site)
    assert web.get(DOMAIN, "/static/app.css").content == b"body {}"
    assert site.patch(f"webapps/{DOMAIN}/", data={"force_https": "true"}).status_code == 200
    assert web.get(DOMAIN, "/static/app.css").status_code == 200  # not reloaded yet
    reload(site)
    assert web.get(DOMAIN, "/static/app.css").status_code == 301


def test_force_https_redirects_plain_http(site, web):
    assert site.post(f"webapps/{DOMAIN}/static_files/",
                     data={"url": "/static/", "path": "/home/alice/site/static"}).status_code == 201
    assert site.patch(f"webapps/{DOMAIN}/", data={"force_https": "true"}).status_code == 200
    reload(site)
    plain = web.get(DOMAIN, "/static/app.css?v=2")
    assert plain.status_code == 301 and plain.headers["Location"] == f"https://{DOMAIN}/static/app.css?v=2"
    secure = web.get(DOMAIN, "/static/app.css", https=True)
    assert secure.status_code == 200 and secure.content == b"body {}"


def test_password_protection_answers_401_without_the_credentials(site, web):
    assert site.post(f"webapps/{DOMAIN}/static_files/",
                     data={"url": "/static/", "path": "/home/alice/site/static"}).status_code == 201
    assert site.patch(f"webapps/{DOMAIN}/", data={"password_protection_enabled": "true", "password_protection_username": "ann",
                                                  "password_protection_password": "s3cret"}).status_code == 200
    reload(site)
    anonymous = web.get(DOMAIN, "/static/app.css")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == f'Basic realm="{DOMAIN}"'
    wrong = web.get(DOMAIN, "/static/app.css", auth=("ann", "nope"))
    assert wrong.status_code == 401
    right = web.get(DOMAIN, "/static/app.css", auth=("ann", "s3cret"))
    assert right.status_code == 200 and right.content == b"body {}"
    garbled = web.get(DOMAIN, "/static/app.css", headers={"Authorization": "Basic " + base64.b64encode(b"\xff").decode()})
    assert garbled.status_code == 401
    assert " - ann [" in read_log(site, DOMAIN, "access")


def test_a_disabled_web_app_answers_the_disabled_page(site, web):
    assert site.post(f"webapps/{DOMAIN}/disable/").status_code == 200
    response = web.get(DOMAIN, "/", https=True)
    assert response.status_code == 503 and "has been disabled" in response.text
    assert site.post(f"webapps/{DOMAIN}/enable/").status_code == 200
    assert "has been disabled" not in web.get(DOMAIN, "/", https=True).text


def test_a_deleted_web_app_is_not_served(site, web):
    assert site.delete(f"webapps/{DOMAIN}/").status_code == 204
    assert web.get(DOMAIN).status_code == 404


def test_the_port_answers_the_workers_for_an_unknown_host(server, web):
    response = requests.get(web.url + "/__admin__/workers", timeout=10)
    assert response.status_code == 200 and isinstance(response.json(), list)


# ------------------------------------------------------------------- apps run in the sandbox

APP_DOMAIN = "alice.pythonanywhere.com"
APP_WSGI = "/var/www/alice_pythonanywhere_com_wsgi.py"
HELLO = b"""import sys

def application(environ, start_response):
    body = ("hello %s from %d.%d" % (environ["PATH_INFO"], sys.version_info[0], sys.version_info[1])).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def workers(web, domain):
    return [w for w in requests.get(web.url + "/__admin__/workers", timeout=10).json() if w["domain"] == domain]


@pytest.fixture
def app(alice, web):
    """alice.pythonanywhere.com serving a WSGI app from its source directory (skips without a sandbox)."""
    assert alice.post("webapps/", data={"domain_name": APP_DOMAIN, "python_version": "python313"}).status_code == 201
    assert alice.patch(f"webapps/{APP_DOMAIN}/", data={"source_directory": "/home/alice/mysite"}).status_code == 200
    assert alice.upload("/home/alice/mysite/hello.py", HELLO).status_code == 201
    assert alice.upload(APP_WSGI, b"from hello import application\n").status_code == 200
    reload(alice, APP_DOMAIN)
    first = web.get(APP_DOMAIN, "/x")
    if first.status_code == 503 and "Not served" in first.text:
        pytest.skip("the simulator does not execute commands here (no sandbox)")
    assert first.status_code == 200 and first.text == "hello /x from 3.13", first.text
    return alice


def test_a_wsgi_app_is_served_and_logged(app, web):
    assert web.get(APP_DOMAIN, "/y?z=1").text == "hello /y from 3.13"
    server_log = read_log(app, APP_DOMAIN, "server")
    assert f"*** Starting WSGI worker for {APP_DOMAIN} (Python 3.13" in server_log
    assert "WSGI app 0 (mountpoint='') ready" in server_log
    assert '"GET /y?z=1 HTTP/1.1" 200 ' in read_log(app, APP_DOMAIN, "access")
    running = workers(web, APP_DOMAIN)
    assert len(running) == 1 and running[0]["alive"]


def test_a_reload_restarts_the_worker_and_disabling_stops_it(app, web):
    pid = workers(web, APP_DOMAIN)[0]["pid"]
    reload(app, APP_DOMAIN)
    assert wait_until(lambda: [w["pid"] for w in workers(web, APP_DOMAIN) if w["alive"]] not in ([], [pid]), 15)
    assert "*** worker stopped (reload) ***" in read_log(app, APP_DOMAIN, "server")
    assert app.post(f"webapps/{APP_DOMAIN}/disable/").status_code == 200
    assert wait_until(lambda: workers(web, APP_DOMAIN) == [], 5)
    assert "*** worker stopped (disabled) ***" in read_log(app, APP_DOMAIN, "server")


def test_an_import_error_answers_500_and_logs_the_traceback(app, web):
    assert app.upload(APP_WSGI, b"import missing_module_xyz\n").status_code == 200  # touching the file reloads
    response = web.get(APP_DOMAIN, "/")
    assert response.status_code == 500 and "Something went wrong :-(" in response.text
    error_log = read_log(app, APP_DOMAIN, "error")
    assert ": Error running WSGI application\n" in error_log
    assert f'File "{APP_WSGI}", line 1, in <module>' in error_log
    assert "ModuleNotFoundError: No module named 'missing_module_xyz'" in error_log
    assert "<string>" not in error_log  # the worker's own frames are left out
    assert "--- no python application found, check your startup logs for errors ---" in read_log(app, APP_DOMAIN, "server")


def test_an_exception_in_a_request_is_logged(app, web):
    assert app.upload("/home/alice/mysite/hello.py", b"def application(environ, start_response):\n    1 / 0\n").status_code == 200
    reload(app, APP_DOMAIN)
    response = web.get(APP_DOMAIN, "/")
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert "ZeroDivisionError: division by zero" in read_log(app, APP_DOMAIN, "error")


def test_the_virtualenv_packages_are_importable(app, web):
    venv = "/home/alice/.virtualenvs/site"
    assert app.upload(f"{venv}/pyvenv.cfg", b"home = /usr/local/bin\nversion = 3.13.0\n").status_code == 201
    assert app.upload(f"{venv}/lib/python3.13/site-packages/venv_only.py", b"WHERE = 'from the venv'\n").status_code == 201
    assert app.patch(f"webapps/{APP_DOMAIN}/", data={"virtualenv_path": venv}).status_code == 200
    assert app.upload(APP_WSGI, b"import venv_only\n"
                      b"def application(environ, start_response):\n"
                      b"    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
                      b"    return [venv_only.WHERE.encode()]\n").status_code == 200
    reload(app, APP_DOMAIN)
    assert web.get(APP_DOMAIN, "/").text == "from the venv"


def test_static_files_missing_on_disk_fall_through_to_the_app(app, web):
    assert app.post(f"webapps/{APP_DOMAIN}/static_files/", data={"url": "/static/", "path": "/home/alice/static"}).status_code == 201
    assert app.upload("/home/alice/static/there.txt", b"static").status_code == 201
    reload(app, APP_DOMAIN)
    assert web.get(APP_DOMAIN, "/static/there.txt").text == "static"
    assert web.get(APP_DOMAIN, "/static/missing.txt").text == "hello /static/missing.txt from 3.13"


SERVER = b"""import os, socketserver
from http.server import BaseHTTPRequestHandler

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("site %s %s" % (self.path, self.headers.get("X-Forwarded-Proto"))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def address_string(self):
        return "unix"

print("serving on", os.environ["DOMAIN_SOCKET"], flush=True)
socketserver.UnixStreamServer(os.environ["DOMAIN_SOCKET"], Handler).serve_forever()
"""


def test_a_website_command_serves_on_its_domain_socket(app, web):
    assert app.upload("/home/alice/site/server.py", SERVER).status_code == 201
    created = app.post("websites/", version=1, json={"domain_name": "site.example.com", "enabled": True,
                                                     "webapp": {"command": "python3.13 /home/alice/site/server.py"}})
    assert created.status_code == 201
    response = web.get("site.example.com", "/a?b=c", https=True)
    assert response.status_code == 200 and response.text == "site /a?b=c https"
    assert "serving on /var/sockets/site.example.com/app.sock" in read_log(app, "site.example.com", "server")
    assert app.patch("websites/site.example.com/", version=1, json={"enabled": False}).status_code == 200
    assert web.get("site.example.com").status_code == 503
    assert wait_until(lambda: workers(web, "site.example.com") == [], 5)


def test_a_website_that_does_not_listen_gets_502(app, web):
    created = app.post("websites/", version=1, json={"domain_name": "broken.example.com", "enabled": True,
                                                     "webapp": {"command": "echo no server here; exit 3"}})
    assert created.status_code == 201
    response = web.get("broken.example.com")
    assert response.status_code == 502 and "502 Bad Gateway" in response.text
    assert "exited with code" in read_log(app, "broken.example.com", "server")
