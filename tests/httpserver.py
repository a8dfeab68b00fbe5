"""A real HTTP server on 127.0.0.1 for fetcher and CLI tests.

Routes map a path to a ``Route``; every request is counted. The server runs in a
daemon thread, binds an ephemeral port on loopback only, and is shut down by the
fixture that started it.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay_s: float = 0.0
    gzip: bool = False
    reset_first: int = 0  # drop the connection without answering this many times


class Server:
    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.connections = 0  # TCP connections accepted
        self.request_headers: dict[str, dict[str, str]] = {}  # the last request's, by path
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with server.lock:
                    server.connections += 1

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                server.hits[path] += 1
                server.request_headers[path] = {k.lower(): v for k, v in self.headers.items()}
                route = server.routes.get(path)
                if route is None:
                    self._send(Route(status=404, body=b"not found"))
                    return
                if server.hits[path] <= route.reset_first:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                time.sleep(route.delay_s)
                self._send(route)

            def _send(self, route: Route) -> None:
                body = gzip.compress(route.body) if route.gzip else route.body
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        return Handler


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Server]:
    server = Server(routes)
    server.start()
    try:
        yield server
    finally:
        server.stop()
