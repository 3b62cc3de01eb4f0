"""The web front: serves what the accounts deployed, as PythonAnywhere's web servers do.

Its own port (``--web-port``).  The ``Host`` header picks the site: a v0 web app or a v1 website of any
account.  In order, as PythonAnywhere's front end does it:

1. an unknown domain -> 404 page; a disabled web app or website -> 503 page ("disabled");
2. ``force_https`` and a plain HTTP request -> 301 to ``https://<host><path>``.  The web front itself
   speaks plain HTTP: a request counts as HTTPS when it carries ``X-Forwarded-Proto: https`` (what a
   TLS-terminating proxy sends), so tests say which one they mean;
3. password protection -> 401 with ``WWW-Authenticate: Basic`` unless the credentials match;
4. static file mappings (v0 web apps): the longest matching URL prefix wins; an existing file is served
   (``index.html`` for a directory) with the static headers whose URL prefix matches; a missing file
   falls through to the app;
5. the app: a WSGI worker (``wsgi_worker.py``) or the website's command, run in the account's sandbox,
   reached through its unix socket and proxied.

A web app's configuration (Python version, virtualenv, directories, force_https, password protection,
static files and headers) is read when its worker starts and kept until the next reload, as on
PythonAnywhere (changes need a reload).  Enabling, disabling and deleting act at once.  A worker
starts on the first request after it is needed; a reload (or a new WSGI file: touching it reloads)
restarts a running worker; disabling or deleting stops it.

Logs, in the account's ``/var/log``: ``<domain>.access.log`` (one line per request, nginx's combined
format plus PA's ``response-time``), ``<domain>.error.log`` (the app's stderr and tracebacks, stamped)
and ``<domain>.server.log`` (worker start, reload, stop, the app's stdout, import errors).
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
import mimetypes
import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from .api_webapps import wsgi_file_path
from .filesystem import normalise

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "content-length"}
START_TIMEOUT = 30.0
PROXY_TIMEOUT = 60.0
REAP_INTERVAL = 0.5
WORKER_CODE = (Path(__file__).parent / "wsgi_worker.py").read_text(encoding="utf-8")


def _page(title: str, text: str) -> str:
    return (f"<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n"
            f"<p>{text}</p>\n</body>\n</html>\n")


NO_SITE_PAGE = _page("Coming Soon!", "This is going to be another great website hosted by PythonAnywhere.")
DISABLED_PAGE = _page("This web app has been disabled",
                      "If this is your site, you can re-enable it on the Web tab of your PythonAnywhere account.")
ERROR_PAGE = _page("Something went wrong :-(",
                   "Something went wrong while trying to load this website; please try again later. "
                   "If it is your site, you should check your logs to determine what the problem is.")
BAD_GATEWAY_PAGE = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
NO_EXEC_PAGE = _page("Not served", "This simulator does not execute apps (no sandbox, or --no-exec).")
UNAUTHORIZED_PAGE = _page("401 Authorization Required", "This site is password-protected.")


def log_time() -> str:
    """Server-log time stamp."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


def access_time() -> str:
    """nginx's ``$time_local`` (in UTC)."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a unix socket."""

    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.unix_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class Site:
    """One served domain as the store holds it now."""

    def __init__(self, kind: str, owner: str, host: str, record: dict, v1webapp: dict | None = None):
        self.kind = kind          # "webapp" (v0, WSGI) or "website" (v1, command)
        self.owner = owner
        self.host = host          # the requested domain, lower-cased
        self.record = record      # the v0 web app, or the v1 domain
        self.v1webapp = v1webapp

    @property
    def enabled(self) -> bool:
        return bool(self.record["enabled"])

    @property
    def worker_key(self) -> str:
        if self.kind == "webapp":
            return "webapp:" + self.record["domain_name"].lower()
        return f"website:{self.v1webapp['id']}"


class Worker:
    """A running app process (a sandboxed WSGI worker or website command)."""

    def __init__(self, key: str, site: Site, generation, config: dict, proc, socket_vpath: str):
        self.key = key
        self.owner = site.owner
        self.domain = config["log_domain"]
        self.generation = generation
        self.config = config
        self.proc = proc
        self.socket_vpath = socket_vpath
        self.started = time.time()

    @property
    def socket_path(self) -> str:
        """The socket as the host reaches it: through the sandbox's root (its mount namespace)."""
        return f"/proc/{self.proc.pid}/root{self.socket_vpath}"

    def alive(self) -> bool:
        return self.proc.poll() is None


class WebFront:  # pylint: disable=too-many-instance-attributes
    """The WSGI application of the web front, and the workers it runs."""

    def __init__(self, simulator, launcher=None):
        self.sim = simulator
        # runs a command in an account's sandbox; None: apps are not executed (--no-exec, no sandbox)
        self.launcher = launcher if launcher is not None else sandbox_launcher(simulator)
        self.workers: dict[str, Worker] = {}
        self.snapshots: dict[str, tuple] = {}
        self.lock = threading.RLock()
        self.key_locks: dict[str, threading.Lock] = {}
        # Workers are started from one long-lived thread: the sandbox asks the kernel to kill it when the
        # thread that started it ends (PR_SET_PDEATHSIG follows threads), and request threads are short-lived.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="web-front-spawner")
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap_loop, name="web-front-reaper", daemon=True)
        self._reaper.start()

    # --------------------------------------------------------------- the sites

    def find_site(self, host: str) -> Site | None:
        """The v0 web app or v1 website serving ``host``, or None."""
        store = self.sim.store
        found = store.by_key("webapp", host)
        if found is not None:
            return Site("webapp", found[0], host, found[1])
        found = store.by_key("domain", host)
        if found is not None and found[1]["webapp"] is not None:
            v1webapp = store.get("v1webapp", found[1]["webapp"])
            if v1webapp is not None:
                return Site("website", found[0], host, found[1], v1webapp)
        return None

    def _reload_count(self, owner: str, domains: list[str]) -> int:
        account = self.sim.store.account(owner) or {}
        reloads = account.get("reloads", {})
        return sum(reloads.get(d.lower(), 0) for d in domains)

    def _website_domains(self, site: Site) -> list[dict]:
        return [d for d in self.sim.store.list("domain", site.owner) if d["webapp"] == site.v1webapp["id"]]

    def generation(self, site: Site):
        """What a restart depends on: the reloads, the WSGI file's mtime (touching it reloads), the record."""
        if site.kind == "webapp":
            domain = site.record["domain_name"].lower()
            wsgi = self.sim.fs(site.owner).real(wsgi_file_path(domain))
            try:
                mtime = wsgi.stat().st_mtime_ns
            except OSError:
                mtime = None
            return (site.record["id"], self._reload_count(site.owner, [domain]), mtime)
        domains = [d["domain_name"] for d in self._website_domains(site)]
        return (site.v1webapp["id"], self._reload_count(site.owner, domains), site.v1webapp["command"])

    def config(self, site: Site) -> dict:
        """The configuration a worker starts with (kept until the next reload)."""
        if site.kind == "website":
            domains = sorted(self._website_domains(site), key=lambda d: d["id"])
            first = domains[0]["domain_name"].lower() if domains else site.host
            return {"kind": "website", "command": site.v1webapp["command"], "log_domain": first,
                    "force_https": False, "password_protection_enabled": False, "static_files": [], "static_headers": []}
        app = site.record
        key = app["domain_name"].lower()
        mappings = [m for m in self.sim.store.list("static_file", site.owner) if m["webapp"] == key]
        headers = [h for h in self.sim.store.list("static_header", site.owner) if h["webapp"] == key]
        return {
            "kind": "webapp", "log_domain": key,
            **{name: app[name] for name in ("python_version", "source_directory", "working_directory", "virtualenv_path",
                                            "force_https", "password_protection_enabled",
                                            "password_protection_username", "password_protection_password")},
            "static_files": [{"url": m["url"], "path": m["path"]} for m in mappings],
            "static_headers": [{"url": h["url"], "name": h["name"], "value": h["value"]} for h in headers],
        }

    def snapshot(self, site: Site) -> tuple:
        """``(generation, config)``: the configuration of the site's current generation."""
        generation = self.generation(site)
        with self.lock:
            held = self.snapshots.get(site.worker_key)
            if held is None or held[0] != generation:
                held = (generation, self.config(site))
                self.snapshots[site.worker_key] = held
            return held

    # --------------------------------------------------------------- logs

    def append_log(self, owner: str, domain: str, kind: str, text: str) -> None:
        """Append to ``/var/log/<domain>.<kind>.log`` of an account."""
        real = self.sim.fs(owner).real(f"/var/log/{domain}.{kind}.log")
        if real is None:
            return
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
            with open(real, "a", encoding="utf-8") as handle:
                handle.write(text)
        except OSError:
            pass

    def server_log(self, owner: str, domain: str, message: str) -> None:
        """One line of the server log."""
        self.append_log(owner, domain, "server", f"{log_time()} {message}\n")

    # --------------------------------------------------------------- workers

    def _key_lock(self, key: str) -> threading.Lock:
        with self.lock:
            return self.key_locks.setdefault(key, threading.Lock())

    def worker_for(self, site: Site, generation, config: dict) -> Worker | None:
        """The site's running worker for this generation, started (or restarted) when needed."""
        key = site.worker_key
        with self._key_lock(key):
            worker = self.workers.get(key)
            if worker is not None and worker.generation == generation and worker.alive():
                return worker
            if worker is not None:
                reason = "reload" if worker.generation != generation else f"the worker exited (code {worker.proc.poll()})"
                self._stop_worker(worker, reason)
            worker = self._start_worker(site, generation, config)
            if worker is not None:
                self.workers[key] = worker
            return worker

    def _start_worker(self, site: Site, generation, config: dict) -> Worker | None:
        owner, domain = site.owner, config["log_domain"]
        socket_vpath = f"/var/sockets/{domain}/app.sock"
        fs = self.sim.fs(owner)
        if config["kind"] == "webapp":
            # The virtualenv's own python when it has one (sys.prefix is then the venv, as under PA's uWSGI),
            # else the image's python of the app's version, with the venv's site-packages added by the worker.
            venv = config["virtualenv_path"].rstrip("/")
            venv_python = fs.real(normalise(venv + "/bin/python"), follow_last=False) if venv else None
            python = f"{venv}/bin/python" if venv_python is not None and os.path.lexists(venv_python) \
                else f"python{config['python_version']}"
            argv = [python, "-c", WORKER_CODE, socket_vpath, wsgi_file_path(domain), config["source_directory"], domain,
                    f"/var/log/{domain}.error.log", config["virtualenv_path"].rstrip("/")]
            cwd = config["working_directory"] or f"/home/{owner}"
            if fs.kind(normalise(cwd)) != "directory":
                cwd = f"/home/{owner}"
            env = {}
            what = None  # the worker logs its own start
        else:
            # stdout goes to the server log (the launcher's output), stderr to the error log
            argv = ["/bin/bash", "-c", f'exec 2>>/var/log/{domain}.error.log\n'
                    'mkdir -p "${DOMAIN_SOCKET%/*}" && rm -f "$DOMAIN_SOCKET" || exit 1\n' + config["command"]]
            cwd = f"/home/{owner}"
            env = {"DOMAIN_SOCKET": socket_vpath}
            what = f"website command: {config['command']}"
        if what:
            self.server_log(owner, domain, f"*** Starting {what} ***")
        server_log = fs.real(f"/var/log/{domain}.server.log")
        try:
            server_log.parent.mkdir(parents=True, exist_ok=True)
            with open(server_log, "ab") as out:
                proc = self._spawner.submit(self.launcher, owner, argv, env, cwd, out).result()
        except OSError as exc:
            self.server_log(owner, domain, f"!!! could not start the worker: {exc}")
            return None
        worker = Worker(site.worker_key, site, generation, config, proc, socket_vpath)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not worker.alive():
                self.server_log(owner, domain, f"!!! the worker exited with code {proc.poll()} before it listened on "
                                f"{socket_vpath}")
                return worker
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                    probe.settimeout(1.0)
                    probe.connect(worker.socket_path)
                return worker
            except OSError:
                time.sleep(0.05)
        self.server_log(owner, domain, f"!!! no answer on {socket_vpath} within {START_TIMEOUT:.0f} s")
        return worker

    def _stop_worker(self, worker: Worker, reason: str) -> None:
        if worker.alive():
            try:
                os.killpg(worker.proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                worker.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(worker.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                worker.proc.wait()
        self.server_log(worker.owner, worker.domain, f"*** worker stopped ({reason}) ***")

    def stop_all(self) -> None:
        """Stop the reaper and every worker (at shutdown)."""
        self._stop.set()
        with self.lock:
            workers = list(self.workers.values())
            self.workers.clear()
        for worker in workers:
            self._stop_worker(worker, "simulator shutdown")
        self._spawner.shutdown(wait=False)

    def _reap_loop(self) -> None:
        while not self._stop.wait(REAP_INTERVAL):
            try:
                self.reap()
            except Exception:  # pylint: disable=broad-except
                pass  # the store may be closing; try again next time

    def reap(self) -> None:
        """Stop the workers of disabled or deleted sites; restart reloaded ones."""
        with self.lock:
            workers = list(self.workers.items())
        for key, worker in workers:
            site = self.find_site(worker.domain)
            if site is None or site.worker_key != key or not site.enabled:
                with self._key_lock(key):
                    if self.workers.get(key) is worker:
                        self._stop_worker(worker, "deleted" if site is None or site.worker_key != key else "disabled")
                        del self.workers[key]
                continue
            generation, config = self.snapshot(site)
            if generation != worker.generation and worker.alive():
                self.worker_for(site, generation, config)

    def status(self) -> list[dict]:
        """The running workers, for tests (``GET /__admin__/workers`` on the web port)."""
        with self.lock:
            workers = list(self.workers.values())
        return [{"key": w.key, "account": w.owner, "domain": w.domain, "pid": w.proc.pid, "alive": w.alive(),
                 "started": round(w.started, 3), "reloads": w.generation[1]} for w in workers]

    # --------------------------------------------------------------- requests

    def __call__(self, environ, start_response):
        request = Request(environ)
        started = time.monotonic()
        host = (request.host or "").rsplit(":", 1)[0].strip("[]").lower() if request.host else ""
        site = self.find_site(host) if host else None
        if site is None:
            if request.path == "/__admin__/workers":
                response = Response(json.dumps(self.status()), content_type="application/json")
            else:
                response = Response(NO_SITE_PAGE, status=404, content_type="text/html")
            return response(environ, start_response)
        response, user = self.respond(request, site)
        domain = host
        size = response.calculate_content_length() or 0
        forwarded = request.headers.get("X-Forwarded-For", request.remote_addr or "-")
        line = (f'{request.remote_addr or "-"} - {user or "-"} [{access_time()}] '
                f'"{request.method} {request.full_path.rstrip("?") if request.query_string else request.path} '
                f'{environ.get("SERVER_PROTOCOL", "HTTP/1.1")}" {response.status_code} {size} '
                f'"{request.referrer or "-"}" "{request.user_agent.string or "-"}" "{forwarded}" '
                f'response-time={time.monotonic() - started:.3f}\n')
        self.append_log(site.owner, domain, "access", line)
        return response(environ, start_response)

    def respond(self, request: Request, site: Site) -> tuple[Response, str | None]:
        """The response for a request to a known site, and the basic-auth user (for the access log)."""
        if not site.enabled:
            return Response(DISABLED_PAGE, status=503, content_type="text/html"), None
        generation, config = self.snapshot(site)
        https = request.headers.get("X-Forwarded-Proto", request.scheme).lower() == "https"
        if config["force_https"] and not https:
            target = f"https://{request.host}{request.full_path if request.query_string else request.path}"
            return Response(_page("301 Moved Permanently", target), status=301, headers={"Location": target},
                            content_type="text/html"), None
        user = None
        if config["password_protection_enabled"]:
            user = self.check_password(request, config)
            if user is None:
                return Response(UNAUTHORIZED_PAGE, status=401, content_type="text/html",
                                headers={"WWW-Authenticate": f'Basic realm="{site.host}"'}), None
        if request.method in ("GET", "HEAD"):
            static = self.static_file(site, config, request.path)
            if static is not None:
                return static, user
        if self.launcher is None:
            return Response(NO_EXEC_PAGE, status=503, content_type="text/html"), user
        worker = self.worker_for(site, generation, config)
        return self.proxy(request, site, config, worker, https), user

    @staticmethod
    def check_password(request: Request, config: dict) -> str | None:
        """The user name when the basic-auth credentials match the web app's, else None."""
        header = request.headers.get("Authorization", "")
        scheme, encoded = (header.split(" ", 1) + [""])[:2]
        if scheme.lower() != "basic":
            return None
        try:
            username, password = (base64.b64decode(encoded.strip()).decode("utf-8").split(":", 1) + [None])[:2]
        except (binascii.Error, UnicodeDecodeError):
            return None
        if password is not None and username == config["password_protection_username"] \
                and password == config["password_protection_password"]:
            return username
        return None

    def static_file(self, site: Site, config: dict, path: str) -> Response | None:
        """A static file for the URL path (longest mapping prefix wins), or None to go on to the app."""
        matches = [m for m in config["static_files"] if path.startswith(m["url"])]
        if not matches:
            return None
        mapping = max(matches, key=lambda m: len(m["url"]))
        rest = path[len(mapping["url"]):].lstrip("/")
        target = normalise(mapping["path"].rstrip("/") + ("/" + rest if rest else ""))
        fs = self.sim.fs(site.owner)
        real = fs.real(target)
        if real is None:
            return None
        if real.is_dir():
            real = real / "index.html"
        try:
            resolved = real.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_file() or not str(resolved).startswith(str(fs.base.resolve()) + os.sep):
            return None
        body = resolved.read_bytes()
        mimetype = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        response = Response(body, status=200, mimetype=mimetype)
        for header in config["static_headers"]:
            if path.startswith(header["url"]):
                response.headers[header["name"]] = header["value"]
        return response

    def proxy(self, request: Request, site: Site, config: dict, worker: Worker | None, https: bool) -> Response:
        """Forward the request to the worker's socket and return its answer."""
        failure_page, failure_status = (ERROR_PAGE, 500) if config["kind"] == "webapp" else (BAD_GATEWAY_PAGE, 502)
        if worker is None or not worker.alive():
            return Response(failure_page, status=failure_status, content_type="text/html")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-Proto"] = "https" if https else "http"
        headers["X-Real-IP"] = request.remote_addr or "127.0.0.1"
        headers["X-Forwarded-For"] = request.remote_addr or "127.0.0.1"
        headers["Connection"] = "close"
        body = request.get_data() if request.content_length or request.method in ("POST", "PUT", "PATCH") else None
        if body is not None:
            headers["Content-Length"] = str(len(body))
        path = request.full_path if request.query_string else request.path
        connection = UnixHTTPConnection(worker.socket_path, PROXY_TIMEOUT)
        try:
            connection.request(request.method, path, body=body, headers=headers)
            upstream = connection.getresponse()
            data = upstream.read()
            out = Response(data, status=upstream.status)
            out.headers.clear()
            for name, value in upstream.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    out.headers.add(name, value)
            return out
        except (OSError, http.client.HTTPException) as exc:
            self.append_log(site.owner, config["log_domain"], "error",
                            f"{log_time()},000: upstream error on {worker.socket_vpath}: {exc}\n")
            return Response(failure_page, status=failure_status, content_type="text/html")
        finally:
            connection.close()


class WebServer:
    """The web front on its own port, served by a thread; ``close()`` stops it and every worker."""

    def __init__(self, simulator, host: str, port: int, request_handler=None, launcher=None):
        self.front = WebFront(simulator, launcher)
        kwargs = {"request_handler": request_handler} if request_handler is not None else {}
        try:
            self.server = make_server(host, port, self.front, threaded=True, **kwargs)
        except BaseException:
            self.front.stop_all()
            raise
        self.thread = threading.Thread(target=self.server.serve_forever, name="web-front", daemon=True)
        self.thread.start()
        shown = host if ":" not in host else f"[{host}]"
        self.url = f"http://{shown}:{self.server.server_port}"

    def close(self) -> None:
        """Stop serving, then stop the workers."""
        self.server.shutdown()
        self.server.server_close()
        self.front.stop_all()


def sandbox_launcher(simulator):
    """Run a command in the account's sandbox: the executor's (executor.py, sandbox.py), as tasks run.

    Returns ``launch(owner, argv, env, cwd, stdout) -> Popen`` (the sandbox's holder process, leader of
    its own process group; stdout and stderr both go to ``stdout``), or None when the simulator does not
    execute commands (``--no-exec``, or no sandbox).
    """
    if getattr(simulator, "executor", None) is None:
        return None

    def launch(owner, argv, env, cwd, stdout):
        executor = simulator.executor
        if executor is None:
            raise OSError("the simulator does not execute commands")
        # pylint: disable-next=protected-access
        spec = executor._spec(simulator.store.account(owner), argv, cwd, False)
        spec["env"].update(env)
        return executor._popen(spec, subprocess.DEVNULL, stdout)  # pylint: disable=protected-access

    return launch
