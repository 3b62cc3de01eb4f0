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
