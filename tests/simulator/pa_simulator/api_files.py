"""Files (v0): path GET/POST/DELETE, tree, sharing."""

from __future__ import annotations

import os
import shutil
import uuid
from urllib.parse import quote

from flask import Response, request
from werkzeug.wsgi import wrap_file

from . import errors
from .fields import CharField, parse_body, require_query_param, validate
from .filesystem import normalise


def _file_url(ctx, vpath: str) -> str:
    return f"{request.host_url.rstrip('/')}/api/v0/user/{ctx.username}/files/path{quote(vpath)}"


def _missing(vpath: str) -> errors.APIError:
    return errors.detail(404, f"No such file or directory: {vpath}")


def get_path(ctx, vpath=""):
    """A file: raw bytes (application/octet-stream).  A directory: ``{name: {type, url}}``."""
    vpath = normalise(vpath or "/")
    kind = ctx.fs.kind(vpath)
    if kind is None:
        raise _missing(vpath)
    if kind == "directory":
        return {name: {"type": entry, "url": _file_url(ctx, vpath.rstrip("/") + "/" + name)}
                for name, entry in ctx.fs.listdir(vpath)}
    real = ctx.fs.real(vpath)
    # The WSGI server closes the file once the response is sent.
    handle = open(real, "rb")  # pylint: disable=consider-using-with
    response = Response(wrap_file(request.environ, handle), mimetype="application/octet-stream", direct_passthrough=True)
    response.content_length = os.fstat(handle.fileno()).st_size
    return response


def _blocking_ancestor(ctx, vpath: str) -> str | None:
    """The first ancestor of ``vpath`` that exists as a file (so no directory can be made there)."""
    parts = vpath.strip("/").split("/")
    for i in range(1, len(parts)):
        ancestor = "/" + "/".join(parts[:i])
        if ctx.fs.kind(ancestor) == "file":
            return ancestor
    return None


def post_path(ctx, vpath=""):
    """Upload ``content`` (multipart): 201 if created, 200 if overwritten; parents are created."""
    vpath = normalise(vpath or "/")
    if not ctx.fs.writable(vpath):
        raise errors.permission_denied()
    upload = request.files.get("content")  # streamed to a file in the state dir by SimRequest
    if upload is None:
        raise errors.detail(400, "You must provide a file with the name 'content'.")
    blocker = _blocking_ancestor(ctx, vpath)
    if blocker is not None:
        raise errors.detail(400, f"{blocker} is not a directory")
    if ctx.fs.kind(vpath) == "directory":
        raise errors.detail(400, f"{vpath} is a directory")
    real = ctx.fs.real(vpath)
    if real is None:  # a symlink leading outside the account
        raise errors.permission_denied()
    real.parent.mkdir(parents=True, exist_ok=True)
    existed = real.exists()
    upload.stream.flush()
    os.replace(upload.stream.name, real)
    upload.stream.close()
    return errors.json_response(None, 200 if existed else 201)


def delete_path(ctx, vpath=""):
    """Delete a file or a directory (recursively): 204; errors in the ``message``/``code`` shape."""
    vpath = normalise(vpath or "/")
    if not ctx.fs.writable(vpath):
        return {"message": "You do not have permission to delete this", "code": "forbidden"}, 403
    if ctx.fs.is_link(vpath):  # the link itself goes, never what it points to
        ctx.fs.real(vpath, follow_last=False).unlink()
        return None, 204
    kind = ctx.fs.kind(vpath)
    if kind is None:
        return {"message": "File does not exist", "code": "not_found"}, 404
    real = ctx.fs.real(vpath)
    if kind == "directory":
        shutil.rmtree(real)
    else:
        real.unlink()
    return None, 204


def get_tree(ctx):
    """GET files/tree/?path=: regular files and directories below ``path`` (at most 1000)."""
    raw = require_query_param("path")
    vpath = normalise(raw)
    kind = ctx.fs.kind(vpath)
    if kind is None:
        raise errors.detail(400, f"{raw} does not exist")
    if kind != "directory":
        raise errors.detail(400, f"{raw} is not a directory")
    return ctx.fs.tree(vpath)


def _share_key(ctx, vpath: str) -> str:
    return f"{ctx.username}:{vpath}"


def _find_share(ctx, vpath: str):
    found = ctx.sim.store.by_key("share", _share_key(ctx, vpath))
    return found[1] if found else None


def post_sharing(ctx):
    """POST files/sharing/ ``path``: 201 when newly shared, 200 if already shared; ``{"url": ...}``."""
    raw = validate({"path": CharField()}, parse_body())["path"]
    vpath = normalise(raw)
    with ctx.sim.store.lock:
        share = _find_share(ctx, vpath)
        if share is not None:
            return {"url": share["url"]}, 200
        if ctx.fs.kind(vpath) is None:
            raise _missing(vpath)
        url = f"/user/{ctx.username}/shares/{uuid.uuid4().hex}/"
        ctx.sim.store.insert("share", ctx.username, {"path": vpath, "url": url}, key=_share_key(ctx, vpath))
        return {"url": url}, 201


def get_sharing(ctx):
    """GET files/sharing/?path=: ``{"url": ...}`` or 404."""
    share = _find_share(ctx, normalise(require_query_param("path")))
    if share is None:
        raise errors.not_found()
    return {"url": share["url"]}


def delete_sharing(ctx):
    """DELETE files/sharing/?path=: 204, or 404 when not shared."""
    with ctx.sim.store.lock:
        share = _find_share(ctx, normalise(require_query_param("path")))
        if share is None:
            raise errors.not_found()
        ctx.sim.store.delete("share", share["id"])
    return None, 204


def register(routes) -> None:
    """Add the files routes.  File operations run outside the global lock (uploads can be large)."""
    base = "/api/v0/user/<username>/files/"
    routes.add(base + "path<rawpath:vpath>", "files_path", locked=False, get=get_path, post=post_path, delete=delete_path)
    routes.add(base + "tree/", "files_tree", locked=False, get=get_tree)
    routes.add(base + "sharing/", "files_sharing", locked=False, get=get_sharing, post=post_sharing, delete=delete_sharing)
