"""Hostile HTTP servers for the fetch tests: real sockets on 127.0.0.x, answers written by hand.

A route is a function given the request handler (`h.path`, `h.headers`, `h.wfile`) that writes the
whole answer itself, so it can lie, drip, compress twice or redirect anywhere.  Every request is
recorded (path and headers) with its time.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Server:
    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str], float]] = field(default_factory=list)
    base: str = ""

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.requests]


def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    try:
        h.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


def page(body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Answer:
    return lambda h: send(h, 200, body, content_type, {k.replace("_", "-"): v for k, v in headers.items()})


def redirect(location: str, status: int = 302) -> Answer:
    return lambda h: send(h, status, b"", headers={"Location": location})


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
            answer = server.routes.get(self.path.split("?")[0])
            if answer is None:
                return send(self, 404, b"not found", "text/plain")
            answer(self)

    return Handler


@contextmanager
def serving(host: str = "127.0.0.1", routes: dict[str, Answer] | None = None) -> Iterator[Server]:
    """A server on `host` (a 127.0.0.x address) and an ephemeral port, for the block's duration."""
    assert host.startswith("127."), "the tests only ever listen on 127.0.0.0/8"
    server = Server(dict(routes or {}))
    http = ThreadingHTTPServer((host, 0), _handler(server))
    http.daemon_threads = True
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    server.base = f"http://{host}:{http.server_address[1]}"
    try:
        yield server
    finally:
        http.shutdown()
        http.server_close()
        thread.join()
