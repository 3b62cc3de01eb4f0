"""Web apps (v0): create/read/update/delete, enable/disable/reload and their quirks."""

from __future__ import annotations

DOMAIN = "alice.pythonanywhere.com"
WSGI = "/var/www/alice_pythonanywhere_com_wsgi.py"


def create(client, domain=DOMAIN, version="python310", **kwargs):
    """Create a web app the way pythonanywhere-core does (form data)."""
    return client.post("webapps/", data={"domain_name": domain, "python_version": version}, **kwargs)


def test_create_returns_201_with_dotted_version_and_writes_wsgi_file(alice):
    response = create(alice)
    assert response.status_code == 201
    body = response.json()
    assert body["python_version"] == "3.10"
    assert body["domain_name"] == DOMAIN
    assert body["virtualenv_path"] == ""
    assert body["enabled"] is True
    assert body["expiry"] is None  # paid
    assert isinstance(body["id"], int)
    assert set(body) == {
        "id", "user", "domain_name", "python_version", "source_directory", "working_directory", "virtualenv_path",
        "expiry", "force_https", "password_protection_enabled", "password_protection_username",
        "password_protection_password", "enabled"}
    wsgi = alice.server.admin("GET", "accounts/alice/files", params={"path": WSGI})
    assert wsgi.status_code == 200 and wsgi.json()["type"] == "file"
    logs = alice.get("files/tree/", params={"path": "/var/log/"}).json()
    assert f"/var/log/{DOMAIN}.error.log" in logs


def test_create_overwrites_existing_wsgi_file(alice):
    assert alice.upload(WSGI, b"mine").status_code == 201
    assert create(alice).status_code == 201
    assert alice.get("files/path" + WSGI).content != b"mine"


def test_create_accepts_json_and_rejects_dotted_or_unknown_versions(alice):
    assert create(alice, version="3.10").json() == {"python_version": ['"3.10" is not a valid choice.']}
    assert create(alice, version="python26").status_code == 400
    response = alice.post("webapps/", json={"domain_name": DOMAIN, "python_version": "python313"})
    assert response.status_code == 201 and response.json()["python_version"] == "3.13"


def test_create_requires_fields(alice):
    response = alice.post("webapps/", data={})
    assert response.status_code == 400
    assert response.json() == {"domain_name": ["This field is required."], "python_version": ["This field is required."]}


def test_create_duplicate_domain(alice):
    assert create(alice).status_code == 201
    response = create(alice)
    assert response.status_code == 400
    assert response.json() == {"domain_name": ["domain with this domain name already exists."]}


def test_free_account_quota(bob):
    assert create(bob, "bob.eu.pythonanywhere.com").status_code == 201
    response = create(bob, "www.bob-example.com")
    assert response.status_code == 400
    assert response.json() == {"error_message": "You cannot create any more webapps - your account only allows 1"}
    assert bob.get("webapps/bob.eu.pythonanywhere.com/").json()["expiry"] is not None


def test_get_list_and_404(alice):
    create(alice)
    listing = alice.get("webapps/").json()
    assert [app["domain_name"] for app in listing] == [DOMAIN]
    assert alice.get(f"webapps/{DOMAIN}/").json()["python_version"] == "3.10"
    missing = alice.get("webapps/nope.example.com/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    assert alice.patch("webapps/nope.example.com/", data={"force_https": "True"}).status_code == 404
    assert alice.delete("webapps/nope.example.com/").status_code == 404


def test_other_users_domain_is_forbidden(alice, bob):
    create(alice)
    for method in ("GET", "PATCH", "DELETE"):
        response = bob.request(method, f"webapps/{DOMAIN}/")
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}


def test_patch_with_form_booleans_and_unknown_keys(alice):
    create(alice)
    response = alice.patch(f"webapps/{DOMAIN}/", data={
        "force_https": "True", "password_protection_enabled": "true", "password_protection_username": "u",
        "password_protection_password": "secret", "source_directory": "/home/alice/site", "nonsense": "x"})
    assert response.status_code == 200
    body = response.json()
    assert body["force_https"] is True and body["password_protection_enabled"] is True
    assert body["password_protection_password"] == "secret"
    assert "nonsense" not in body
    assert alice.patch(f"webapps/{DOMAIN}/", data={"force_https": "False"}).json()["force_https"] is False
    assert alice.patch(f"webapps/{DOMAIN}/", data={"force_https": "maybe"}).json() == {
        "force_https": ["Must be a valid boolean."]}


def test_put_is_partial(alice):
    create(alice)
    response = alice.put(f"webapps/{DOMAIN}/", data={"source_directory": "/home/alice/x"})
    assert response.status_code == 200
    assert response.json()["source_directory"] == "/home/alice/x"
    assert response.json()["python_version"] == "3.10"


def test_patch_python_version_is_dotted(alice):
    create(alice)
    assert alice.patch(f"webapps/{DOMAIN}/", data={"python_version": "3.12"}).json()["python_version"] == "3.12"
    bad = alice.patch(f"webapps/{DOMAIN}/", data={"python_version": "python312"})
    assert bad.status_code == 400 and bad.json() == {"python_version": ['"python312" is not a valid choice.']}


def test_virtualenv_must_exist_and_match_python(alice):
    create(alice)
    missing = alice.patch(f"webapps/{DOMAIN}/", data={"virtualenv_path": "/home/alice/.virtualenvs/nope"})
    assert missing.status_code == 400 and list(missing.json()) == ["virtualenv_path"]
    alice.upload("/home/alice/.virtualenvs/v311/pyvenv.cfg", b"home = /usr/bin\nversion = 3.11.9\n")
    alice.upload("/home/alice/.virtualenvs/v310/pyvenv.cfg", b"home = /usr/bin\nversion_info = 3.10.14.final.0\n")
    mismatch = alice.patch(f"webapps/{DOMAIN}/", data={"virtualenv_path": "/home/alice/.virtualenvs/v311"})
    assert mismatch.status_code == 400 and "3.11" in mismatch.json()["virtualenv_path"][0]
    # changing python_version in the same PATCH does not help: the venv is checked against the current version
    same = alice.patch(f"webapps/{DOMAIN}/", data={"virtualenv_path": "/home/alice/.virtualenvs/v311", "python_version": "3.11"})
    assert same.status_code == 400
    ok = alice.patch(f"webapps/{DOMAIN}/", data={"virtualenv_path": "/home/alice/.virtualenvs/v310"})
    assert ok.status_code == 200 and ok.json()["virtualenv_path"] == "/home/alice/.virtualenvs/v310"
    assert alice.patch(f"webapps/{DOMAIN}/", data={"python_version": "3.11"}).status_code == 200
    assert alice.patch(f"webapps/{DOMAIN}/", data={"virtualenv_path": "/home/alice/.virtualenvs/v311"}).status_code == 200
    assert alice.patch(f"webapps/{DOMAIN}/", json={"virtualenv_path": ""}).json()["virtualenv_path"] == ""
    alice.upload("/home/alice/plain/file.txt", b"x")
    assert alice.patch(f"webapps/{DOMAIN}/", data={"virtualenv_path": "/home/alice/plain"}).status_code == 200


def test_enable_disable_reload(alice):
    create(alice)
    assert alice.post(f"webapps/{DOMAIN}/reload/").json() == {"status": "OK"}
    assert alice.post(f"webapps/{DOMAIN}/disable/").json() == {"status": "OK"}
    assert alice.get(f"webapps/{DOMAIN}/").json()["enabled"] is False
    disabled = alice.post(f"webapps/{DOMAIN}/reload/")
    assert disabled.status_code == 500
    assert alice.post(f"webapps/{DOMAIN}/enable/").json() == {"status": "OK"}
    assert alice.state()["reloads"] == {DOMAIN: 1}


def test_enable_already_enabled_on_one_app_plan(bob):
    domain = "bob.eu.pythonanywhere.com"
    create(bob, domain)
    response = bob.post(f"webapps/{domain}/enable/")
    assert response.status_code == 400
    assert "cannot create any more webapps" in response.json()["detail"]
    bob.post(f"webapps/{domain}/disable/")
    assert bob.post(f"webapps/{domain}/enable/").status_code == 200


def test_reload_custom_domain_without_cname(alice):
    create(alice, "www.example.com")
    response = alice.post("webapps/www.example.com/reload/")
    assert response.status_code == 409
    assert response.json() == {"status": "error", "error": "cname_error"}
    assert alice.state()["reloads"] == {"www.example.com": 1}  # it reloaded anyway
    cname = alice.server.admin("POST", "accounts/alice/domains/www.example.com/cname", json={"ok": True})
    assert cname.status_code == 200
    assert alice.post("webapps/www.example.com/reload/").status_code == 200
    assert alice.state()["reloads"] == {"www.example.com": 2}


def test_delete_returns_204_and_keeps_wsgi_file(alice):
    create(alice)
    alice.post(f"webapps/{DOMAIN}/static_files/", json={"url": "/static/", "path": "/home/alice/static"})
    response = alice.delete(f"webapps/{DOMAIN}/")
    assert response.status_code == 204 and response.content == b""
    assert alice.get(f"webapps/{DOMAIN}/").status_code == 404
    assert alice.get("files/path" + WSGI).status_code == 200
    assert alice.state()["static_files"] == {}


def test_state_shows_full_objects(alice):
    create(alice)
    alice.patch(f"webapps/{DOMAIN}/", data={"password_protection_password": "pw"})
    state = alice.state()
    assert state["webapps"][0]["password_protection_password"] == "pw"
    assert state["webapps"][0]["enabled"] is True
