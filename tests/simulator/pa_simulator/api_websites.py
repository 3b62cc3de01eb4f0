"""Websites and domains (v1): ASGI / command-based sites."""

from __future__ import annotations

from . import errors
from .api_webapps import (DUPLICATE_DOMAIN, check_domain_name, count_reload, domain_taken, ensure_logs, quota_message, ssl_views,
                          webapps_in_use)
from .config import is_pa_subdomain, pa_domain_suffix
from .fields import BooleanField, CharField, Field, FieldError, NestedField, parse_body, validate


class WebappRefField(Field):
    """DRF PrimaryKeyRelatedField to one of the account's v1 web apps (null allowed)."""

    def __init__(self, store, username, **kwargs):
        super().__init__(allow_null=True, required=False, **kwargs)
        self.store = store
        self.username = username

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise FieldError(f"Incorrect type. Expected pk value, received {type(value).__name__}.")
        try:
            pk = int(value)
        except ValueError as exc:
            raise FieldError(f"Incorrect type. Expected pk value, received {type(value).__name__}.") from exc
        if self.store.get("v1webapp", pk, self.username) is None:
            raise FieldError(f'Invalid pk "{value}" - object does not exist.')
        return pk


def cname_target(ctx, webapp_id: int) -> str:
    """The CNAME a custom domain must point at."""
    return f"webapp-{webapp_id}.{pa_domain_suffix(ctx.data['region'])}"


def domain_entry(ctx, domain: dict) -> dict:
    """A domain inside ``webapp.domains``; custom domains carry ``cname``."""
    entry = {"domain_name": domain["domain_name"], "enabled": domain["enabled"]}
    if not is_pa_subdomain(domain["domain_name"]) and domain["webapp"] is not None:
        entry["cname"] = cname_target(ctx, domain["webapp"])
    return entry


def website_public(ctx, domain: dict) -> dict:
    """A website: a domain seen with its web app (reference 2.5)."""
    webapp = ctx.sim.store.get("v1webapp", domain["webapp"])
    siblings = [d for d in ctx.sim.store.list("domain", ctx.username) if d["webapp"] == webapp["id"]]
    name = domain["domain_name"]
    return {
        "id": domain["id"],
        "user": ctx.username,
        "domain_name": name,
        "enabled": domain["enabled"],
        "webapp": {"id": webapp["id"], "command": webapp["command"], "domains": [domain_entry(ctx, d) for d in siblings]},
        "logfiles": {kind: f"/var/log/{name.lower()}.{kind}.log" for kind in ("access", "error", "server")},
    }


def domain_public(ctx, domain: dict) -> dict:
    """A domain as the v1 domains endpoint shows it."""
    out = {"id": domain["id"], "user": ctx.username, "domain_name": domain["domain_name"], "enabled": domain["enabled"],
           "webapp": domain["webapp"]}
    if not is_pa_subdomain(domain["domain_name"]) and domain["webapp"] is not None:
        out["cname"] = cname_target(ctx, domain["webapp"])
    return out


def find_domain(ctx, name: str, website: bool = False) -> dict:
    """The caller's v1 domain (with a web app if ``website``): 404 if none, 403 if another account's."""
    found = ctx.sim.store.by_key("domain", name.lower())
    if found is None or (website and found[1]["webapp"] is None):
        raise errors.not_found()
    owner, domain = found
    if owner != ctx.username:
        raise errors.permission_denied()
    return domain


def find_website(ctx, name: str) -> dict:
    """A domain that is a website."""
    return find_domain(ctx, name, website=True)


def delete_domain_record(ctx, domain: dict) -> None:
    """Delete a domain, and its web app when no other domain uses it."""
    ctx.sim.store.delete("domain", domain["id"])
    webapp_id = domain["webapp"]
    if webapp_id is not None and not any(d["webapp"] == webapp_id for d in ctx.sim.store.list("domain", ctx.username)):
        ctx.sim.store.delete("v1webapp", webapp_id)


def check_new_domain(ctx, name: str) -> None:
    """A new domain needs a valid name that no account uses yet."""
    check_domain_name(name)
    if domain_taken(ctx, name):
        raise errors.field_error("domain_name", DUPLICATE_DOMAIN)


def new_domain(ctx, name: str, enabled: bool, webapp_id, domain_id: int | None = None) -> dict:
    """Store a domain."""
    record = {"domain_name": name, "enabled": enabled, "webapp": webapp_id, "ssl": None}
    return ctx.sim.store.insert("domain", ctx.username, record, key=name.lower(), object_id=domain_id)


# websites -------------------------------------------------------------------


def list_websites(ctx):
    """GET websites/: every domain that has a web app."""
    return [website_public(ctx, d) for d in ctx.sim.store.list("domain", ctx.username) if d["webapp"] is not None]


def create_website(ctx):
    """POST websites/ (JSON: ``webapp`` is a nested object): 201 with the website."""
    fields = {
        "domain_name": CharField(max_length=255),
        "enabled": BooleanField(default=True),
        "webapp": NestedField({"command": CharField()}),
    }
    data = validate(fields, parse_body())
    name = data["domain_name"]
    check_new_domain(ctx, name)
    quota = ctx.limits["webapp_quota"]
    if quota is not None and webapps_in_use(ctx) >= quota:
        raise errors.non_field_error(quota_message(quota))
    domain_id = ctx.sim.store.next_id("domain")
    webapp = ctx.sim.store.insert("v1webapp", ctx.username, {"command": data["webapp"]["command"]})
    record = new_domain(ctx, name, data["enabled"], webapp["id"], domain_id)
    ensure_logs(ctx, name)
    return website_public(ctx, record), 201


def get_website(ctx, domain):
    """GET websites/{d}/."""
    return website_public(ctx, find_website(ctx, domain))


def patch_website(ctx, domain):
    """PATCH websites/{d}/: only ``enabled`` changes; other keys are read-only and ignored."""
    record = find_website(ctx, domain)
    record.update(validate({"enabled": BooleanField()}, parse_body(), partial=True))
    ctx.sim.store.update("domain", record)
    return website_public(ctx, record)


def delete_website(ctx, domain):
    """DELETE websites/{d}/: 204."""
    delete_domain_record(ctx, find_website(ctx, domain))
    return None, 204


def reload_website(ctx, domain):
    """POST websites/{d}/reload/: 200 ``{"status": "OK"}``."""
    record = find_website(ctx, domain)
    count_reload(ctx, record["domain_name"].lower())
    return {"status": "OK"}


# domains ----------------------------------------------------------------------


def list_domains(ctx):
    """GET domains/."""
    return [domain_public(ctx, d) for d in ctx.sim.store.list("domain", ctx.username)]


def create_domain(ctx):
    """POST domains/: ``domain_name``, ``enabled``, ``webapp`` (a v1 web app id or null); 201."""
    fields = {
        "domain_name": CharField(max_length=255),
        "enabled": BooleanField(default=True),
        "webapp": WebappRefField(ctx.sim.store, ctx.username),
    }
    data = validate(fields, parse_body())
    check_new_domain(ctx, data["domain_name"])
    record = new_domain(ctx, data["domain_name"], data["enabled"], data.get("webapp"))
    return domain_public(ctx, record), 201


def get_domain(ctx, domain):
    """GET domains/{d}/."""
    return domain_public(ctx, find_domain(ctx, domain))


def patch_domain(ctx, domain):
    """PATCH domains/{d}/: ``enabled`` and ``webapp``."""
    record = find_domain(ctx, domain)
    fields = {"enabled": BooleanField(), "webapp": WebappRefField(ctx.sim.store, ctx.username)}
    data = validate(fields, parse_body(), partial=True)
    old_webapp = record["webapp"]
    record.update(data)
    ctx.sim.store.update("domain", record)
    if old_webapp is not None and old_webapp != record["webapp"] and not any(
            d["webapp"] == old_webapp for d in ctx.sim.store.list("domain", ctx.username)):
        ctx.sim.store.delete("v1webapp", old_webapp)
    return domain_public(ctx, record)


def delete_domain(ctx, domain):
    """DELETE domains/{d}/: 204."""
    delete_domain_record(ctx, find_domain(ctx, domain))
    return None, 204


def register(routes) -> None:
    """Add the v1 routes."""
    base = "/api/v1/user/<username>/"
    routes.add(base + "websites/", "websites_list", get=list_websites, post=create_website)
    routes.add(base + "websites/<domain>/", "website_detail", get=get_website, patch=patch_website, delete=delete_website)
    routes.add(base + "websites/<domain>/reload/", "website_reload", post=reload_website)
    routes.add(base + "domains/", "domains_list", get=list_domains, post=create_domain)
    routes.add(base + "domains/<domain>/", "domain_detail", get=get_domain, patch=patch_domain, delete=delete_domain)
    routes.add(base + "domains/<domain>/ssl/", "domain_ssl", **ssl_views(find_domain, "domain"))
