"""Static files, static headers and web app / domain SSL."""

from __future__ import annotations

import datetime

import pytest

from pa_simulator.certs import make_test_certificate

DOMAIN = "www.example.com"


@pytest.fixture
def webapp(alice):
    """A web app on a custom domain."""
    response = alice.post("webapps/", data={"domain_name": DOMAIN, "python_version": "python311"})
    assert response.status_code == 201
    return alice


@pytest.mark.parametrize("plural,fields", [
    ("static_files", {"url": "/static/", "path": "/home/alice/site/static"}),
    ("static_headers", {"url": "/static/", "name": "Cache-Control", "value": "max-age=3600"}),
])
def test_mapping_lifecycle(webapp, plural, fields):
    base = f"webapps/{DOMAIN}/{plural}/"
    created = webapp.post(base, data=fields)  # form, as PAWAPI/PYAWW send it
    assert created.status_code == 201
    item = created.json()
    assert isinstance(item["id"], int) and item == {"id": item["id"], **fields}
    assert webapp.get(base).json() == [item]
    assert webapp.get(f"{base}{item['id']}/").json() == item
    patched = webapp.patch(f"{base}{item['id']}/", json={"url": "/assets"})
    assert patched.status_code == 200 and patched.json()["url"] == "/assets"  # not normalised
    incomplete = webapp.put(f"{base}{item['id']}/", json={"url": "/x/"})
    assert incomplete.status_code == 400 and "This field is required." in str(incomplete.json())
    put = webapp.put(f"{base}{item['id']}/", json=fields)
    assert put.status_code == 200 and put.json() == item
    assert webapp.get(f"{base}999/").json() == {"detail": "Not found."}
    assert webapp.get(f"{base}abc/").status_code == 404
    assert webapp.delete(f"{base}{item['id']}/").status_code == 204
    assert webapp.get(base).json() == []
    state_key = plural
    assert webapp.state()[state_key] == {}


def test_mapping_validation_and_duplicates(webapp):
    base = f"webapps/{DOMAIN}/static_files/"
    assert webapp.post(base, json={"url": "/static/"}).json() == {"path": ["This field is required."]}
    assert webapp.post(base, json={"url": "", "path": "/x"}).json() == {"url": ["This field may not be blank."]}
    first = webapp.post(base, json={"url": "/static/", "path": "/a"})
    second = webapp.post(base, json={"url": "/static/", "path": "/b"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert len(webapp.state()["static_files"][DOMAIN]) == 2
    assert webapp.get("webapps/nope.example.com/static_files/").status_code == 404


def test_ssl_custom_certificate(webapp):
    url = f"webapps/{DOMAIN}/ssl/"
    assert webapp.get(url).status_code == 404
    cert, key = make_test_certificate(DOMAIN, [DOMAIN, "example.com"])
    response = webapp.post(url, json={"cert": cert, "private_key": key})
    assert response.status_code == 200 and response.json() == {"status": "OK"}
    info = webapp.get(url).json()
    assert set(info) == {"not_after", "issuer_name", "subject_name", "subject_alternate_names"}
    assert info["subject_name"] == DOMAIN
    assert info["issuer_name"] == "PA simulator test CA"
    assert info["subject_alternate_names"] == [DOMAIN, "example.com"]
    not_after = datetime.datetime.fromisoformat(info["not_after"])
    assert not_after.utcoffset() == datetime.timedelta(0)
    state = webapp.state()["ssl"][DOMAIN]
    assert state["cert_type"] == "custom" and len(state["cert_sha256"]) == 64
    assert "private_key" not in state
    assert webapp.delete(url).status_code == 204
    assert webapp.get(url).status_code == 404
    assert webapp.delete(url).status_code == 404


def test_ssl_form_post_and_errors(webapp):
    url = f"webapps/{DOMAIN}/ssl/"
    cert, key = make_test_certificate(DOMAIN, [DOMAIN])
    other_key = make_test_certificate(DOMAIN, [DOMAIN])[1]
    assert webapp.post(url, data={"cert": cert, "private_key": key}).status_code == 200
    assert webapp.post(url, data={}).json() == {"cert": ["This field is required."], "private_key": ["This field is required."]}
    garbage = webapp.post(url, json={"cert": "nope", "private_key": "nope"})
    assert garbage.status_code == 400 and set(garbage.json()) == {"cert", "private_key"}
    mismatch = webapp.post(url, json={"cert": cert, "private_key": other_key})
    assert mismatch.status_code == 400 and "non_field_errors" in mismatch.json()
    assert webapp.post(url, json={"cert_type": "selfsigned"}).json() == {"cert_type": ['"selfsigned" is not a valid choice.']}
    assert webapp.post("webapps/nope.example.com/ssl/", json={"cert": cert, "private_key": key}).status_code == 404


def test_ssl_letsencrypt(webapp):
    url = f"webapps/{DOMAIN}/ssl/"
    response = webapp.post(url, json={"cert_type": "letsencrypt-auto-renew"})
    assert response.status_code == 200 and response.json() == {"status": "OK"}
    info = webapp.get(url).json()
    assert info["issuer_name"] == "Let's Encrypt" and info["subject_alternate_names"] == [DOMAIN]
    assert webapp.state()["ssl"][DOMAIN]["cert_type"] == "letsencrypt-auto-renew"


def test_domain_ssl(alice):
    created = alice.post("websites/", version=1, json={"domain_name": DOMAIN, "enabled": True, "webapp": {"command": "run"}})
    assert created.status_code == 201
    url = f"domains/{DOMAIN}/ssl/"
    assert alice.get(url, version=1).status_code == 404
    assert alice.post(url, version=1, json={"cert_type": "letsencrypt-auto-renew"}).json() == {"status": "OK"}
    assert alice.get(url, version=1).json()["subject_name"] == DOMAIN
    assert alice.state()["ssl"][DOMAIN]["api"] == "domain"
    assert alice.delete(url, version=1).status_code == 204
