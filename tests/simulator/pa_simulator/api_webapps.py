"""Web apps (v0): webapps, enable/disable/reload, static files, static headers and SSL."""

from __future__ import annotations

import datetime

from . import errors
from .certs import parse_posted_certificate
from .config import is_pa_subdomain, python_versions
from .fields import BooleanField, ChoiceField, CharField, RawCharField, parse_body, validate
from .filesystem import normalise
from .simulator import utcnow

WEBAPP_FIELDS = (
    "id", "user", "domain_name", "python_version", "source_directory", "working_directory", "virtualenv_path",
    "expiry", "force_https", "password_protection_enabled", "password_protection_username",
    "password_protection_password", "enabled",
)
LETSENCRYPT = "letsencrypt-auto-renew"

WSGI_TEMPLATE = '''# This file contains the WSGI configuration required to serve up your
# web application at http://{domain}/
# It works by setting the variable 'application' to a WSGI handler of some
# description.
#
# The below has been auto-generated for your manual configuration web app.
# (written by the PythonAnywhere API simulator)


def application(environ, start_response):
    """Simplest possible application object"""
    status = '200 OK'
    content = b'Hello from the PythonAnywhere simulator'
    response_headers = [('Content-Type', 'text/plain'), ('Content-Length', str(len(content)))]
    start_response(status, response_headers)
    return [content]
'''


def wsgi_file_path(domain: str) -> str:
    """``/var/www/<domain with . -> _>_wsgi.py``, lower-cased (reference Q5)."""
    return f"/var/www/{domain.lower().replace('.', '_')}_wsgi.py"


def count_reload(ctx, domain: str) -> None:
    """Add one to the reload counter of a domain."""
    reloads = ctx.data.setdefault("reloads", {})
    reloads[domain] = reloads.get(domain, 0) + 1
    ctx.save()


def cname_ok(ctx, domain: str) -> bool:
    """Whether a domain's CNAME points at PA (always true for *.pythonanywhere.com)."""
    if is_pa_subdomain(domain):
        return True
    return bool(ctx.data.get("cname", {}).get(domain.lower(), False))


def domain_taken(ctx, domain: str) -> bool:
    """Whether any account has a v0 web app or a v1 domain with this name."""
    key = domain.lower()
    return ctx.sim.store.by_key("webapp", key) is not None or ctx.sim.store.by_key("domain", key) is not None


DUPLICATE_DOMAIN = "domain with this domain name already exists."


def check_domain_name(name: str) -> None:
    """Letters, digits, ``-`` and ``.`` only."""
    if not all(c.isalnum() or c in "-." for c in name):
        raise errors.field_error("domain_name", "Enter a valid domain name.")


def ensure_logs(ctx, domain: str) -> None:
    """Create the domain's empty access/error/server logs in /var/log when missing."""
    for kind in ("access", "error", "server"):
        path = f"/var/log/{domain.lower()}.{kind}.log"
        if ctx.fs.read_text(path) is None:
            ctx.fs.write_text(path, "")


def webapps_in_use(ctx) -> int:
    """Web apps counting against the quota: v0 web apps and v1 (website) web apps."""
    return len(ctx.sim.store.list("webapp", ctx.username)) + len(ctx.sim.store.list("v1webapp", ctx.username))


def quota_message(quota) -> str:
    """PA's wording for the web app quota."""
    return f"You cannot create any more webapps - your account only allows {quota}"


def public(webapp: dict) -> dict:
    """The web app as the API shows it."""
    return {key: webapp[key] for key in WEBAPP_FIELDS}


def find_webapp(ctx, domain: str) -> dict:
    """The caller's web app for a domain: 404 if none exists, 403 if another account owns it."""
    found = ctx.sim.store.by_key("webapp", domain.lower())
    if found is None:
        raise errors.not_found()
    owner, webapp = found
    if owner != ctx.username:
        raise errors.permission_denied()
    return webapp


def read_pyvenv_version(ctx, venv: str) -> str | None:
    """``X.Y`` from ``<venv>/pyvenv.cfg`` (``version_info`` or ``version``), or None."""
    text = ctx.fs.read_text(venv + "/pyvenv.cfg")
    if text is None:
        return None
    values = {}
    for line in text.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            values[key.strip().lower()] = value.strip()
    raw = values.get("version_info") or values.get("version")
    if not raw:
        return None
    parts = raw.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def check_virtualenv(ctx, path: str, python_version: str) -> None:
    """``virtualenv_path`` must be an existing directory whose pyvenv.cfg (if any) matches the app's Python."""
    if path == "":
        return
    vpath = normalise(path)
    if ctx.fs.kind(vpath) != "directory":
        raise errors.field_error("virtualenv_path", f"Virtualenv path {path} does not exist or is not a directory.")
    venv_version = read_pyvenv_version(ctx, vpath)
    if venv_version is not None and venv_version != python_version:
        raise errors.field_error(
            "virtualenv_path",
            f"Virtualenv {path} uses Python {venv_version}, but this web app uses Python {python_version}. "
            "Change the web app's Python version first.",
        )


def expiry_for(ctx) -> str | None:
    """The expiry date of a new web app (free plans only)."""
    days = ctx.limits.get("webapp_expiry_days")
    if days is None:
        return None
    return (utcnow().date() + datetime.timedelta(days=days)).isoformat()


# webapps ------------------------------------------------------------------


def list_webapps(ctx):
    """GET webapps/."""
    return [public(app) for app in ctx.sim.store.list("webapp", ctx.username)]


def create_webapp(ctx):
    """POST webapps/: ``domain_name`` + ``python_version`` as ``pythonXY``; 201 with the web app."""
    versions = python_versions(ctx.data["system_image"])
    fields = {
        "domain_name": CharField(max_length=255),
        "python_version": ChoiceField(["python" + v.replace(".", "") for v in versions]),
    }
    data = validate(fields, parse_body())
    domain = data["domain_name"]
    check_domain_name(domain)
    key = domain.lower()
    if ctx.sim.store.by_key("domain", key) is not None:
        raise errors.permission_denied()  # a v1 (non-uWSGI) website already uses this domain
    if domain_taken(ctx, domain):
        raise errors.field_error("domain_name", DUPLICATE_DOMAIN)
    quota = ctx.limits["webapp_quota"]
    if quota is not None and webapps_in_use(ctx) >= quota:
        raise errors.APIError(400, {"error_message": quota_message(quota)})
    short = data["python_version"][len("python"):]
    version = next(v for v in versions if v.replace(".", "") == short)
    home = f"/home/{ctx.username}/"
    webapp = {
        "user": ctx.username,
        "domain_name": domain,
        "python_version": version,
        "source_directory": home,
        "working_directory": home,
        "virtualenv_path": "",
        "expiry": expiry_for(ctx),
        "force_https": False,
        "password_protection_enabled": False,
        "password_protection_username": "",
        "password_protection_password": "",
        "enabled": True,
        "ssl": None,
    }
    webapp = ctx.sim.store.insert("webapp", ctx.username, webapp, key=key)
    ctx.fs.write_text(wsgi_file_path(domain), WSGI_TEMPLATE.format(domain=domain))
    ensure_logs(ctx, domain)
    return public(webapp), 201


def get_webapp(ctx, domain):
    """GET webapps/{d}/."""
    return public(find_webapp(ctx, domain))


def update_webapp(ctx, domain):
    """PATCH (and PUT, which PA treats as partial) webapps/{d}/; unknown keys ignored."""
    webapp = find_webapp(ctx, domain)
    versions = python_versions(ctx.data["system_image"])
    fields = {
        "python_version": ChoiceField(list(versions)),
        "source_directory": CharField(allow_blank=True),
        "working_directory": CharField(allow_blank=True),
        "virtualenv_path": CharField(allow_blank=True),
        "force_https": BooleanField(),
        "password_protection_enabled": BooleanField(),
        "password_protection_username": CharField(allow_blank=True),
        "password_protection_password": CharField(allow_blank=True),
    }
    data = validate(fields, parse_body(), partial=True)
    if "virtualenv_path" in data:
        check_virtualenv(ctx, data["virtualenv_path"], webapp["python_version"])
    webapp.update(data)
    ctx.sim.store.update("webapp", webapp)
    return public(webapp)


def delete_webapp(ctx, domain):
    """DELETE webapps/{d}/: 204; its static files/headers go too, the WSGI file stays."""
    webapp = find_webapp(ctx, domain)
    key = webapp["domain_name"].lower()
    for kind in ("static_file", "static_header"):
        for item in ctx.sim.store.list(kind, ctx.username):
            if item["webapp"] == key:
                ctx.sim.store.delete(kind, item["id"])
    ctx.sim.store.delete("webapp", webapp["id"])
    return None, 204


def enable_webapp(ctx, domain):
    """POST webapps/{d}/enable/.  Counts enabled apps *including this one* (PA's quirk, reference 2.1)."""
    webapp = find_webapp(ctx, domain)
    quota = ctx.limits["webapp_quota"]
    enabled = sum(1 for app in ctx.sim.store.list("webapp", ctx.username) if app["enabled"])
    if quota is not None and enabled >= quota:
        raise errors.detail(400, quota_message(quota))
    webapp["enabled"] = True
    ctx.sim.store.update("webapp", webapp)
    return {"status": "OK"}


def disable_webapp(ctx, domain):
    """POST webapps/{d}/disable/."""
    webapp = find_webapp(ctx, domain)
    webapp["enabled"] = False
    ctx.sim.store.update("webapp", webapp)
    return {"status": "OK"}


def reload_webapp(ctx, domain):
    """POST webapps/{d}/reload/: 500 if disabled; 409 cname_error (after reloading) for a custom domain without CNAME."""
    webapp = find_webapp(ctx, domain)
    if not webapp["enabled"]:
        raise errors.server_error()
    count_reload(ctx, webapp["domain_name"].lower())
    if not cname_ok(ctx, webapp["domain_name"]):
        return {"status": "error", "error": "cname_error"}, 409
    return {"status": "OK"}


# static files and headers -------------------------------------------------

MAPPINGS = {
    "static_file": {"url": CharField(), "path": CharField()},
    "static_header": {"url": CharField(), "name": CharField(), "value": CharField(allow_blank=True)},
}


def mapping_public(kind: str, item: dict) -> dict:
    """A mapping as the API shows it."""
    return {"id": item["id"], **{name: item[name] for name in MAPPINGS[kind]}}


def mapping_views(kind: str):
    """List/create and detail handlers for static files or static headers."""

    def webapp_key(ctx, domain):
        return find_webapp(ctx, domain)["domain_name"].lower()

    def find(ctx, domain, item_id):
        key = webapp_key(ctx, domain)
        item = ctx.owned(kind, item_id)
        if item["webapp"] != key:
            raise errors.not_found()
        return item

    def list_items(ctx, domain):
        key = webapp_key(ctx, domain)
        return [mapping_public(kind, item) for item in ctx.sim.store.list(kind, ctx.username) if item["webapp"] == key]

    def create_item(ctx, domain):
        key = webapp_key(ctx, domain)
        data = validate(MAPPINGS[kind], parse_body())
        item = ctx.sim.store.insert(kind, ctx.username, {**data, "webapp": key})
        return mapping_public(kind, item), 201

    def get_item(ctx, domain, item_id):
        return mapping_public(kind, find(ctx, domain, item_id))

    def put_item(ctx, domain, item_id):
        item = find(ctx, domain, item_id)
        item.update(validate(MAPPINGS[kind], parse_body()))
        ctx.sim.store.update(kind, item)
        return mapping_public(kind, item)

    def patch_item(ctx, domain, item_id):
        item = find(ctx, domain, item_id)
        item.update(validate(MAPPINGS[kind], parse_body(), partial=True))
        ctx.sim.store.update(kind, item)
        return mapping_public(kind, item)

    def delete_item(ctx, domain, item_id):
        item = find(ctx, domain, item_id)
        ctx.sim.store.delete(kind, item["id"])
        return None, 204

    collection = {"get": list_items, "post": create_item}
    detail = {"get": get_item, "put": put_item, "patch": patch_item, "delete": delete_item}
    return collection, detail


# SSL (shared with v1 domains) ---------------------------------------------


def letsencrypt_info(domain: str) -> dict:
    """What the simulator shows for a PA-managed Let's Encrypt certificate."""
    not_after = utcnow().replace(microsecond=0) + datetime.timedelta(days=90)
    return {
        "cert_type": LETSENCRYPT,
        "not_after": not_after.isoformat(),
        "issuer_name": "Let's Encrypt",
        "subject_name": domain,
        "subject_alternate_names": [domain],
    }


SSL_PUBLIC = ("not_after", "issuer_name", "subject_name", "subject_alternate_names")


def ssl_get(record: dict):
    """GET ssl/: the four confirmed fields; 404 when no certificate was set."""
    if not record.get("ssl"):
        raise errors.not_found()
    return {key: record["ssl"][key] for key in SSL_PUBLIC}


def ssl_post(record: dict) -> dict:
    """POST ssl/: ``cert`` + ``private_key`` (PEM), or ``cert_type=letsencrypt-auto-renew``."""
    body = parse_body()
    if "cert_type" in body:
        validate({"cert_type": ChoiceField([LETSENCRYPT])}, body)
        record["ssl"] = letsencrypt_info(record["domain_name"])
        return record
    data = validate({"cert": RawCharField(), "private_key": RawCharField()}, body)
    info = parse_posted_certificate(data["cert"], data["private_key"])
    record["ssl"] = {"cert_type": "custom", **info}
    return record


def ssl_views(find, kind: str):
    """GET/POST/DELETE handlers of an ssl/ endpoint over records found by ``find(ctx, domain)``."""

    def get(ctx, domain):
        return ssl_get(find(ctx, domain))

    def post(ctx, domain):
        record = ssl_post(find(ctx, domain))
        ctx.sim.store.update(kind, record)
        return {"status": "OK"}

    def delete(ctx, domain):
        record = find(ctx, domain)
        if not record.get("ssl"):
            raise errors.not_found()
        record["ssl"] = None
        ctx.sim.store.update(kind, record)
        return None, 204

    return {"get": get, "post": post, "delete": delete}


def register(routes) -> None:
    """Add the v0 web app routes."""
    base = "/api/v0/user/<username>/webapps/"
    routes.add(base, "webapps_list", get=list_webapps, post=create_webapp)
    routes.add(base + "<domain>/", "webapp_detail", get=get_webapp, put=update_webapp, patch=update_webapp,
               delete=delete_webapp)
    routes.add(base + "<domain>/enable/", "webapp_enable", post=enable_webapp)
    routes.add(base + "<domain>/disable/", "webapp_disable", post=disable_webapp)
    routes.add(base + "<domain>/reload/", "webapp_reload", post=reload_webapp)
    for kind, plural in (("static_file", "static_files"), ("static_header", "static_headers")):
        collection, detail = mapping_views(kind)
        routes.add(f"{base}<domain>/{plural}/", f"{plural}_list", **collection)
        routes.add(f"{base}<domain>/{plural}/<item_id>/", f"{kind}_detail", **detail)
    routes.add(base + "<domain>/ssl/", "webapp_ssl", **ssl_views(find_webapp, "webapp"))
