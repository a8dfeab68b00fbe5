"""A real fault-injecting HTTP/1.1 server on 127.0.0.1 for crawler tests.

Mechanism: a ``ThreadingHTTPServer`` (one thread per connection, keep-alive) whose
handler writes straight to the socket, so a fault can stop anywhere -- before the status
line, after the headers, mid-body -- and end with a clean FIN or a RST (``SO_LINGER``
0). Every request is logged (method, path, lower-cased headers, monotonic start and end)
and counted in flight from its parsed headers to its last byte, per ``Host`` and overall.
Every sleep is ``stopping.wait(...)`` capped at ``MAX_SLEEP_S``, and :meth:`stop` shuts
the sockets of open connections, so shutdown takes well under a second.

The site (host = wherever the server listens): ``/`` and ``/page/<k>`` list articles
newest first, ``/news/<i>-<slug>.html`` are the articles, plus ``/sitemap_index.xml``
(-> ``/sitemap.xml`` and the gzip file ``/sitemap-news.xml.gz``), ``/feed.xml`` (RSS),
``/robots.txt`` (``Crawl-delay``, ``Disallow: /private/``, a ``Sitemap`` line) and
``/private/secret.html``, which the home page links to and a polite crawler never
fetches. Bodies are deterministic; ETag is a hash of the body, Last-Modified the
article's publication (+30 min per :meth:`FaultServer.edit`); If-None-Match, else
If-Modified-Since, gives 304. ``site_dir`` files (replay layout: ``/x/`` ->
``x/index.html``) are served at their path, in front of the generated pages.

Faults live under ``/fault/<kind>/<args>/<anything>`` (the tail makes distinct URLs;
counters are per full path):

- ``500/`` always; ``flaky/<n>/`` 500 n times, then 200;
- ``429/<s>/``, ``503/<s>/`` (``Retry-After: s``) and ``429-date/<s>/``,
  ``503-date/<s>/`` (an HTTP-date s seconds ahead): once, then 200;
- ``reset/`` RST before any response; ``reset-mid-body/`` RST after part of the body;
  ``truncated/`` Content-Length larger than the bytes sent, then a clean close;
- ``slow-first-byte/<ms>/``; ``slow-body/<ms>/`` headers at once, then
  ``TRICKLE_CHUNKS`` body chunks ``ms`` apart;
- ``bad-gzip/``, ``huge/`` (``HUGE_BYTES`` with Content-Length), ``huge-chunked/``
  (chunked, no length), ``gzip-bomb/`` (``BOMB_BYTES`` of zeros, ~1 MB compressed);
- ``loop/a/`` <-> ``loop/b/``; ``chain/<k>/`` k redirects then 200; ``to-home/``;
- ``binary/`` (bytes as text/html), ``pdf/`` (application/pdf);
- ``xml/<name>``: see ``HOSTILE_XML``; ``xxe-canary`` is the URL the external entity
  names, so a test can assert nobody resolved it.

Run as a subprocess: ``python tests/faultserver.py --port 0 [--site DIR]`` prints the
port and serves until killed; ``GET /_faultserver/requests`` returns the log as JSON,
``GET /_faultserver/edit/<i>`` edits article i. ``/_faultserver/`` is not logged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python tests/faultserver.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faultsite import (
    BINARY,
    HOSTILE_XML,
    PDF,
    NewsSite,
    article_path,
    gzip_bomb,
    page_html,
)

MAX_SLEEP_S = 10.0  # cap on any requested delay: a typo in a test cannot hang the suite
IDLE_TIMEOUT_S = 5.0  # a keep-alive connection idle this long is closed
POLL_S = 0.05  # serve_forever poll: shutdown() returns within this
TRICKLE_CHUNKS = 10
CHUNK = 64 * 1024
HUGE_BYTES = 50 * 2**20


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    time: float  # time.monotonic() when the request headers were parsed
    end: float | None = None  # ... and when the response was finished or abandoned

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


# --------------------------------------------------------------------------- the server


def _ok(path: str) -> bytes:
    return page_html("OK", f"<article><h1>Recovered</h1><p>{path} answered at last.</p></article>")


def _not_modified(headers: dict[str, str], etag: str, modified: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    tags = headers.get("if-none-match")
    if tags is not None:
        seen = {t.strip().removeprefix("W/") for t in tags.split(",")}
        return "*" in seen or etag in seen
    since = headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= when


class FaultServer:
    """The running server: its log, in-flight figures and site state."""

    def __init__(
        self,
        *,
        articles: int = 30,
        crawl_delay: float = 1.0,
        site_dir: Path | None = None,
        port: int = 0,
    ) -> None:
        self.site = NewsSite(articles, crawl_delay, site_dir)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._log: list[Request] = []
        self._counts: Counter[str] = Counter()
        self._in_flight: Counter[str] = Counter()  # per Host; "" sums all
        self._max: Counter[str] = Counter()
        self._conns: set[socket.socket] = set()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.fault = self  # type: ignore[attr-defined]
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._serve, daemon=True, name="faultserver")

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def article_urls(self) -> list[str]:
        return [self.url(article_path(i)) for i in range(1, self.site.articles + 1)]

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._log)

    @property
    def max_in_flight(self) -> int:
        """Most requests ever in flight at once (since the last :meth:`reset`)."""
        with self._lock:
            return self._max[""]

    def max_in_flight_by_host(self) -> dict[str, int]:
        with self._lock:
            return {h: n for h, n in self._max.items() if h}

    def wait_idle(self, timeout: float = 1.0) -> bool:
        """Wait until no request is in flight: a client has its last byte slightly before
        the handler returns, so read the log only once this is True."""
        deadline = time.monotonic() + min(timeout, MAX_SLEEP_S)
        while self._in_flight[""] > 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        return self._in_flight[""] == 0

    def wait_busy(self, timeout: float = 5.0) -> bool:
        """Wait until some request is in flight (its handler has started)."""
        deadline = time.monotonic() + min(timeout, MAX_SLEEP_S)
        while self._in_flight[""] == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        return self._in_flight[""] > 0

    def edit(self, i: int) -> None:
        """Change article i: new body, ETag and Last-Modified."""
        with self._lock:
            self.site.revisions[i] += 1

    def reset(self) -> None:
        """Forget the log, per-URL fault counters and in-flight maxima (not the edits)."""
        with self._lock:
            self._log.clear()
            self._counts.clear()
            self._max = Counter(self._in_flight)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        self._thread.join(timeout=1)

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=POLL_S)

    def _enter(self, record: Request) -> int:
        with self._lock:
            self._log.append(record)
            self._counts[record.path] += 1
            for key in ("", record.host):
                self._in_flight[key] += 1
                self._max[key] = max(self._max[key], self._in_flight[key])
            return self._counts[record.path]

    def _leave(self, record: Request) -> None:
        with self._lock:
            record.end = time.monotonic()
            for key in ("", record.host):
                self._in_flight[key] -= 1

    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            (self._conns.add if alive else self._conns.discard)(conn)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S
    disable_nagle_algorithm = True  # else headers+body as two writes stall 40 ms (delayed ACK)

    @property
    def fs(self) -> FaultServer:
        return self.server.fault  # type: ignore[attr-defined,no-any-return]

    def log_message(self, *_args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.fs._track(self.connection, alive=True)

    def finish(self) -> None:
        self.fs._track(self.connection, alive=False)
        with suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        if self.path.startswith("/_faultserver/"):
            self._control(self.path.removeprefix("/_faultserver/"))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = Request(self.command, self.path, headers, time.monotonic())
        attempt = self.fs._enter(record)
        try:
            path = self.path.split("?")[0]
            if path.startswith("/fault/"):
                self._fault(path.removeprefix("/fault/").split("/"), attempt)
            else:
                self._site(path)
        except OSError:  # the client went away (or reset) mid-answer
            self.close_connection = True
        finally:
            self.fs._leave(record)

    do_HEAD = do_GET

    def _base(self) -> str:
        return "http://" + self.headers.get("Host", f"127.0.0.1:{self.fs.port}")

    def _send(
        self, status: int, body: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": kind, **(extra or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _sleep(self, seconds: float) -> bool:
        """Sleep (capped); False if the server is stopping, and the answer is dropped."""
        if self.fs.stopping.wait(min(max(seconds, 0.0), MAX_SLEEP_S)):
            self.close_connection = True
            return False
        return True

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()  # linger 0: the kernel sends RST, not FIN
        self.close_connection = True

    def _site(self, path: str) -> None:
        page = self.fs.site.page(path, self._base())
        if page is None:
            self._send(404, b"not found", "text/plain")
            return
        etag = '"' + hashlib.sha256(page.body).hexdigest()[:24] + '"'
        validators = {"ETag": etag, "Last-Modified": format_datetime(page.last_modified, True)}
        if not _not_modified(
            {k.lower(): v for k, v in self.headers.items()}, etag, page.last_modified
        ):
            self._send(200, page.body, page.content_type, validators)
            return
        self.send_response(304)
        for name, value in validators.items():
            self.send_header(name, value)
        self.end_headers()

    def _head(self, length: int | None, extra: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _stream(self, total: int, chunked: bool) -> None:
        self._head(None if chunked else total)
        block, sent = (b"<p>" + b"filler " * 9362 + b"</p>\n")[:CHUNK], 0
        while self.command != "HEAD" and sent < total and not self.fs.stopping.is_set():
            piece = block[: total - sent]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked and sent == total:
            self.wfile.write(b"0\r\n\r\n")
        self.close_connection = sent < total

    def _fault(self, parts: list[str], attempt: int) -> None:
        kind, arg = parts[0], parts[1] if len(parts) > 1 else ""
        num = int(arg) if arg.isdigit() else 0
        ok = _ok("/fault/" + "/".join(parts))
        html = "text/html; charset=utf-8"
        retry = kind in ("429", "503", "429-date", "503-date")
        if (retry and attempt > 1) or (kind == "flaky" and attempt > num):
            self._send(200, ok, html)
        elif retry:
            after = str(num)
            if kind.endswith("-date"):
                when = datetime.now(UTC) + timedelta(seconds=num + 1)  # +1: dates drop fractions
                after = format_datetime(when.replace(microsecond=0), usegmt=True)
            self._send(int(kind[:3]), b"slow down", "text/plain", {"Retry-After": after})
        elif kind in ("500", "flaky"):
            self._send(500, b"internal error", "text/plain")
        elif kind == "reset":
            self._reset()
        elif kind in ("reset-mid-body", "truncated"):
            self._head(len(ok) * 4)
            self.wfile.write(ok)
            if kind == "truncated":  # a clean FIN after too few bytes
                self.close_connection = True
            elif self._sleep(0.05):  # let the headers and first bytes reach the client
                self._reset()
        elif kind == "slow-first-byte":
            if self._sleep(num / 1000):
                self._send(200, ok, html)
        elif kind == "slow-body":
            self._trickle(ok, num / 1000)
        elif kind in ("huge", "huge-chunked"):
            self._stream(HUGE_BYTES, chunked=kind == "huge-chunked")
        elif kind in ("bad-gzip", "gzip-bomb"):
            body = gzip_bomb() if kind == "gzip-bomb" else b"\x1f\x8b\x08\x00" + BINARY[:512]
            self._send(200, body, html, {"Content-Encoding": "gzip"})
        else:
            self._other_fault(kind, parts, ok)

    def _trickle(self, body: bytes, gap: float) -> None:
        self._head(len(body))
        step = -(-len(body) // TRICKLE_CHUNKS)
        for start in range(0, len(body), step):
            if not self._sleep(gap):
                return
            self.wfile.write(body[start : start + step])

    def _other_fault(self, kind: str, parts: list[str], ok: bytes) -> None:
        rest = "/".join(parts[2:])
        if kind == "loop" and parts[1:2] in (["a"], ["b"]):
            other = "b" if parts[1] == "a" else "a"
            self._send(302, b"", "text/plain", {"Location": f"/fault/loop/{other}/{rest}"})
        elif kind == "chain" and parts[1:2] and parts[1].isdigit():
            hops = int(parts[1])
            target = f"{self._base()}/fault/chain/{hops - 1}/{rest}"
            if hops > 0:
                self._send(301, b"", "text/plain", {"Location": target})
            else:
                self._send(200, ok, "text/html; charset=utf-8")
        elif kind == "to-home":
            self._send(301, b"", "text/plain", {"Location": self._base() + "/"})
        elif kind == "binary":
            self._send(200, BINARY, "text/html; charset=utf-8")
        elif kind == "pdf":
            self._send(200, PDF, "application/pdf")
        elif kind == "xml" and parts[1:2] and parts[1] in HOSTILE_XML:
            doc = HOSTILE_XML[parts[1]].replace("{base}", self._base())
            self._send(200, doc.encode(), "application/xml")
        elif kind == "xxe-canary":
            self._send(200, b"if you can read this, an XML parser resolved an entity", "text/plain")
        else:
            self._send(404, b"no such fault", "text/plain")

    def _control(self, command: str) -> None:
        if command == "requests":
            body = json.dumps([asdict(r) for r in self.fs.requests]).encode()
            self._send(200, body, "application/json")
        elif command.startswith("edit/") and command[5:].isdigit():
            self.fs.edit(int(command[5:]))
            self._send(200, b"edited", "text/plain")
        else:
            self._send(404, b"no such command", "text/plain")


@contextmanager
def serve_faults(
    *, articles: int = 30, crawl_delay: float = 1.0, site_dir: Path | None = None
) -> Iterator[FaultServer]:
    """Run a :class:`FaultServer` in a thread for the duration of the block."""
    server = FaultServer(articles=articles, crawl_delay=crawl_delay, site_dir=site_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the fault site until killed.")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--site", type=Path, default=None, help="static files served in front")
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--crawl-delay", type=float, default=1.0)
    args = parser.parse_args(argv)
    server = FaultServer(
        articles=args.articles, crawl_delay=args.crawl_delay, site_dir=args.site, port=args.port
    )
    server.start()
    print(server.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with suppress(KeyboardInterrupt):
        while not done.wait(0.5):
            pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
