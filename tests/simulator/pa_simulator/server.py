"""Command line: start the simulator on a threaded werkzeug server."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import create_app
from .certs import ensure_server_cert
from .config import ConfigError, load_accounts_file
from .executor import Executor, probe_sandbox
from .simulator import AccountExists, Simulator
from .web_front import WebServer


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr (the request log is the record); errors still show."""

    def log_request(self, code="-", size="-"):
        pass


def parse_args(argv=None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(prog="python -m pa_simulator", description="A stateful PythonAnywhere API simulator.")
    parser.add_argument("--port", type=int, default=8765, help="TCP port (0 picks a free one); default 8765")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on; default 127.0.0.1")
    parser.add_argument("--state-dir", required=True, help="where the database, files, log and certificate live")
    parser.add_argument("--config", help="accounts YAML file; its accounts are created on start if absent")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated self-signed certificate")
    parser.add_argument("--rate-limit", type=int, default=40, help="requests per period per (user, endpoint); default 40")
    parser.add_argument("--rate-period", type=float, default=60.0, help="rate limit window in seconds; default 60")
    parser.add_argument("--send-input-limit", type=int, default=120, help="limit of consoles send_input; default 120")
    parser.add_argument("--no-rate-limit", action="store_true", help="turn rate limiting off")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay added to every API request; default 0")
    parser.add_argument("--no-exec", action="store_true",
                        help="never execute tasks or consoles (scheduled/always-on tasks and consoles are records only)")
    parser.add_argument("--fast-schedule", action="store_true",
                        help="also run a scheduled task about 1 s after it is created or its time/command/enabled change")
    parser.add_argument("--web-port", type=int, default=0, help="port of the web front serving the sites; default 0 (a free one)")
    parser.add_argument("--no-serve", action="store_true", help="no web front: the deployed sites are not served")
    parser.add_argument("--verbose", action="store_true", help="log each request on stderr")
    args = parser.parse_args(argv)
    if args.rate_limit < 1 or args.send_input_limit < 1 or args.rate_period <= 0 or args.latency_ms < 0:
        parser.error("limits must be >= 1, the period > 0 and the latency >= 0")
    return args


def main(argv=None) -> int:
    """Run the simulator until SIGTERM/SIGINT."""
    args = parse_args(argv)
    state_dir = Path(args.state_dir).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        accounts = load_accounts_file(args.config) if args.config else []
    except (OSError, ConfigError) as exc:
        sys.stderr.write(f"pa_simulator: {exc}\n")
        return 2
    rate = {"enabled": not args.no_rate_limit, "limit": args.rate_limit, "period": args.rate_period,
            "send_input_limit": args.send_input_limit}
    try:
        simulator = Simulator(state_dir, accounts, rate, args.latency_ms, {"fast_schedule": args.fast_schedule})
    except AccountExists as exc:
        sys.stderr.write(f"pa_simulator: {args.config}: {exc}\n")
        return 2
    app = create_app(simulator)
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    cert_path = None
    ssl_context = None
    if args.tls:
        cert_path, key_path = ensure_server_cert(state_dir / "tls")
        ssl_context = (str(cert_path), str(key_path))
    handler = WSGIRequestHandler if args.verbose else QuietHandler
    try:
        server = make_server(args.host, args.port, app, threaded=True, request_handler=handler, ssl_context=ssl_context)
    except (OSError, SystemExit) as exc:  # werkzeug prints the reason and exits on bind errors
        sys.stderr.write(f"pa_simulator: cannot listen on {args.host}:{args.port} ({exc})\n")
        simulator.close()
        return 2
    simulator.remove_partial_uploads()
    if not args.no_exec:
        reason = probe_sandbox(state_dir)
        if reason is None:
            simulator.executor = Executor(simulator)
            simulator.executor.start()
        else:
            sys.stderr.write(f"pa_simulator: cannot make the command sandbox ({reason}): commands are not executed, "
                             "as with --no-exec\n")
            sys.stderr.flush()
    try:
        web = None if args.no_serve else WebServer(simulator, args.host, args.web_port, handler)
    except (OSError, SystemExit) as exc:
        sys.stderr.write(f"pa_simulator: cannot listen on {args.host}:{args.web_port} ({exc})\n")
        server.server_close()
        simulator.close()
        return 2
    scheme = "https" if args.tls else "http"
    host = args.host if ":" not in args.host else f"[{args.host}]"
    url = f"{scheme}://{host}:{server.server_port}"
    info_path = state_dir / "server.json"
    info_path.write_text(json.dumps({"url": url, "pid": os.getpid(), "cert": str(cert_path) if cert_path else None,
                                     "web_url": web.url if web else None}),
                         encoding="utf-8")

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write(f"PA simulator listening on {url}\n")
    if cert_path:
        sys.stdout.write(f"certificate: {cert_path}\n")
    if web:
        sys.stdout.write(f"web front listening on {web.url}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        if web:
            web.close()
        server.server_close()
        simulator.close()
        try:
            info_path.unlink()
        except FileNotFoundError:
            pass
    return 0
