"""Websites and domains (v1)."""

from __future__ import annotations

COMMAND = "/home/alice/.virtualenvs/v/bin/uvicorn --uds ${DOMAIN_SOCKET} main:app"
SITE = "alice.pythonanywhere.com"


def create(client, domain=SITE, command=COMMAND, enabled=True):
    """Create a website as pythonanywhere-core does (JSON)."""
    return client.post("websites/", version=1, json={"domain_name": domain, "enabled": enabled, "webapp": {"command": command}})


def test_create_get_list(alice):
    response = create(alice)
    assert response.status_code == 201
    site = response.json()
    assert site["domain_name"] == SITE and site["enabled"] is True and site["user"] == "alice"
    assert site["webapp"]["command"] == COMMAND
    assert site["webapp"]["domains"] == [{"domain_name": SITE, "enabled": True}]
    assert site["logfiles"] == {kind: f"/var/log/{SITE}.{kind}.log" for kind in ("access", "error", "server")}
    assert alice.get(f"websites/{SITE}/", version=1).json() == site
    assert alice.get("websites/", version=1).json() == [site]
    assert alice.get("webapps/").json() == []  # v1 sites are not in the v0 list
    assert alice.get("websites/nope.example.com/", version=1).json() == {"detail": "Not found."}


def test_custom_domain_has_cname(alice):
    site = create(alice, "www.example.com").json()
    assert site["webapp"]["domains"][0]["cname"].startswith("webapp-")


def test_create_needs_json(alice):
    form = alice.post("websites/", version=1, data={"domain_name": SITE, "webapp": "x"})
    assert form.status_code == 400
    assert form.json() == {"webapp": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}
    missing = alice.post("websites/", version=1, data={"domain_name": SITE})
    assert missing.json() == {"webapp": ["This field is required."]}
    no_command = alice.post("websites/", version=1, json={"domain_name": SITE, "webapp": {}})
    assert no_command.json() == {"webapp": {"command": ["This field is required."]}}


def test_duplicate_domain_v1_and_v0(alice):
    assert create(alice).status_code == 201
    again = create(alice)
    assert again.status_code == 400
    assert again.json() == {"domain_name": ["domain with this domain name already exists."]}
    v0 = alice.post("webapps/", data={"domain_name": SITE, "python_version": "python310"})
    assert v0.status_code == 403  # a non-uWSGI website already has the domain
    alice.post("webapps/", data={"domain_name": "www.example.com", "python_version": "python310"})
    assert create(alice, "www.example.com").status_code == 400


def test_patch_only_enabled(alice):
    create(alice)
    response = alice.patch(f"websites/{SITE}/", version=1, json={"enabled": False, "webapp": {"command": "other"}})
    assert response.status_code == 200
    assert response.json()["enabled"] is False and response.json()["webapp"]["command"] == COMMAND
    assert alice.patch(f"websites/{SITE}/", version=1, data={"enabled": "True"}).json()["enabled"] is True
    assert alice.put(f"websites/{SITE}/", version=1, json={"enabled": True}).status_code == 405


def test_reload_and_delete(alice):
    create(alice)
    assert alice.post(f"websites/{SITE}/reload", version=1).json() == {"status": "OK"}  # no trailing slash, as in the docs
    assert alice.post(f"websites/{SITE}/reload/", version=1).json() == {"status": "OK"}
    assert alice.state()["reloads"] == {SITE: 2}
    assert alice.delete(f"websites/{SITE}/", version=1).status_code == 204
    assert alice.get("websites/", version=1).json() == []
    assert alice.post(f"websites/{SITE}/reload/", version=1).status_code == 404


def test_free_quota_counts_v0_and_v1(bob):
    assert create(bob, "bob.eu.pythonanywhere.com").status_code == 201
    over = create(bob, "www.bob.example")
    assert over.status_code == 400 and "cannot create any more webapps" in over.json()["non_field_errors"][0]
    v0 = bob.post("webapps/", data={"domain_name": "x.example.com", "python_version": "python310"})
    assert v0.status_code == 400


def test_domains(alice):
    site = create(alice).json()
    webapp_id = site["webapp"]["id"]
    listed = alice.get("domains/", version=1).json()
    assert listed == [{"id": site["id"], "user": "alice", "domain_name": SITE, "enabled": True, "webapp": webapp_id}]
    added = alice.post("domains/", version=1, json={"domain_name": "www.example.com", "enabled": True, "webapp": webapp_id})
    assert added.status_code == 201 and added.json()["cname"] == f"webapp-{webapp_id}.pythonanywhere.com"
    domains = alice.get(f"websites/{SITE}/", version=1).json()["webapp"]["domains"]
    assert [d["domain_name"] for d in domains] == [SITE, "www.example.com"]
    bare = alice.post("domains/", version=1, data={"domain_name": "bare.example.com"})
    assert bare.status_code == 201 and bare.json()["webapp"] is None
    assert alice.post("domains/", version=1, json={"domain_name": "x.example.com", "webapp": 1}).json() == {
        "webapp": ['Invalid pk "1" - object does not exist.']}
    assert alice.post("domains/", version=1, json={"domain_name": SITE}).status_code == 400
    patched = alice.patch("domains/bare.example.com/", version=1, json={"enabled": False})
    assert patched.status_code == 200 and patched.json()["enabled"] is False
    assert alice.get("domains/bare.example.com/", version=1).json()["enabled"] is False
    assert alice.delete("domains/bare.example.com/", version=1).status_code == 204
    assert alice.get("domains/bare.example.com/", version=1).status_code == 404
    assert alice.delete(f"websites/{SITE}/", version=1).status_code == 204
    assert [d["domain_name"] for d in alice.get("websites/", version=1).json()] == ["www.example.com"]


def test_other_users_website_is_forbidden(alice, bob):
    create(alice)
    assert bob.get(f"websites/{SITE}/", version=1).status_code == 403
