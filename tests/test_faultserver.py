"""The fault server itself, probed with plain httpx and raw sockets."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.faultserver import (
    HUGE_BYTES,
    TRICKLE_CHUNKS,
    FaultServer,
    _not_modified,
    serve_faults,
)
from tests.faultsite import BOMB_BYTES, HOSTILE_XML, PAGE_SIZE, article_path, gzip_bomb

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ARTICLES = 23


@pytest.fixture(scope="module")
def srv() -> Iterator[FaultServer]:
    with serve_faults(articles=ARTICLES, crawl_delay=2.5) as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as c:
        yield c


def raw_exchange(server: FaultServer, path: str) -> tuple[bytes, BaseException | None]:
    """Send one GET on a bare socket; everything received, and how the stream ended."""
    got = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        try:
            while chunk := sock.recv(65536):
                got += chunk
        except OSError as err:
            return got, err
    return got, None


# --------------------------------------------------------------------------- the site


def test_index_pages_link_every_article_exactly_once(
    srv: FaultServer, client: httpx.Client
) -> None:
    found: list[str] = []
    url: str | None = srv.url("/")
    while url is not None:
        html = client.get(url).text
        found += [srv.url(p) for p in _hrefs(html) if p.startswith("/news/")]
        nxt = [p for p in _hrefs(html) if p.startswith("/page/")]
        url = srv.url(nxt[0]) if nxt else None
    assert sorted(found) == sorted(srv.article_urls()) and len(found) == ARTICLES
    assert all(client.get(u).status_code == 200 for u in found)
    assert client.get(srv.url(f"/page/{ARTICLES // PAGE_SIZE + 2}")).status_code == 404
    assert client.get(srv.url("/news/0001-wrong-slug.html")).status_code == 404


def _hrefs(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('href="')[1:]]


def test_sitemaps_feed_and_robots_agree(srv: FaultServer, client: httpx.Client) -> None:
    robots = client.get(srv.url("/robots.txt")).text
    assert "Crawl-delay: 2.5" in robots and "Disallow: /private/" in robots
    index_url = next(
        line.split(" ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:")
    )
    index = ET.fromstring(client.get(index_url).content)
    children = [e.text or "" for e in index.iter(f"{SM}loc")]
    assert children == [srv.url("/sitemap.xml"), srv.url("/sitemap-news.xml.gz")]
    full = ET.fromstring(client.get(children[0]).content)
    assert sorted(e.text or "" for e in full.iter(f"{SM}loc")) == sorted(srv.article_urls())
    packed = client.get(children[1])
    assert packed.headers["content-type"] == "application/gzip"
    news = ET.fromstring(gzip.decompress(packed.content))
    assert len(list(news.iter(f"{SM}loc"))) == PAGE_SIZE
    feed = ET.fromstring(client.get(srv.url("/feed.xml")).content)
    links = [e.text or "" for e in feed.iter("link")][1:]
    assert links and set(links) <= set(srv.article_urls())
    assert "/private/secret.html" in client.get(srv.url("/")).text


def test_conditional_get_and_edits(srv: FaultServer, client: httpx.Client) -> None:
    url = srv.article_urls()[4]
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(url).headers["etag"] == etag  # stable
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'},
                    {"If-Modified-Since": modified}, {"If-None-Match": "*"}):  # fmt: skip
        again = client.get(url, headers=headers)
        assert (again.status_code, again.content) == (304, b""), headers
        assert again.headers["etag"] == etag
    stale = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": stale}).status_code == 200
    # If-None-Match wins over a matching If-Modified-Since (RFC 9110 13.2.2)
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert client.get(url, headers=both).status_code == 200
    srv.edit(5)
    edited = client.get(url, headers={"If-None-Match": etag})
    assert edited.status_code == 200 and b"Update 1" in edited.content
    assert edited.headers["etag"] != etag
    assert parsedate_to_datetime(edited.headers["last-modified"]) > parsedate_to_datetime(modified)


TAGS = st.lists(
    st.text(st.characters(codec="ascii", exclude_characters=',*"'), max_size=6).map(
        lambda t: f'"{t}"'
    ),
    max_size=4,
)


@settings(max_examples=200)
@given(
    modified=st.datetimes(timezones=st.just(UTC)),
    # HTTP-dates have 4-digit years, but email.utils reads "0068" as 2068 (found by hypothesis)
    since=st.datetimes(min_value=datetime(1900, 1, 1), timezones=st.just(UTC)),
    junk=st.text(max_size=40),
    others=TAGS,
    weak=st.booleans(),
)
def test_conditional_logic(
    modified: datetime, since: datetime, junk: str, others: list[str], weak: bool
) -> None:
    etag = '"etag-under-test"'
    stamp = format_datetime(since.replace(microsecond=0), usegmt=True)
    expected = modified.replace(microsecond=0) <= since.replace(microsecond=0)
    assert _not_modified({"if-modified-since": stamp}, etag, modified) == expected
    assert not _not_modified({"if-modified-since": junk}, etag, datetime.max.replace(tzinfo=UTC))
    # If-None-Match decides alone when present: a listed tag (weak or not) matches ...
    listed = ", ".join([*others, ("W/" if weak else "") + etag])
    assert _not_modified({"if-none-match": listed, "if-modified-since": junk}, etag, modified)
    # ... and a list without it does not, even when If-Modified-Since would say 304
    unlisted = {"if-none-match": ", ".join(others), "if-modified-since": stamp}
    assert not _not_modified(unlisted, etag, since - timedelta(days=1))


def test_site_dir_files_are_served_in_front(tmp_path: Path, client: httpx.Client) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_bytes(b"<p>static</p>")
    (tmp_path / "robots.txt").write_bytes(b"User-agent: *\nDisallow: /\n")
    with serve_faults(site_dir=tmp_path) as server:
        page = client.get(server.url("/a/"))
        assert page.content == b"<p>static</p>" and page.headers["content-type"] == "text/html"
        assert (
            client.get(
                server.url("/a/"), headers={"If-None-Match": page.headers["etag"]}
            ).status_code
            == 304
        )
        assert client.get(server.url("/robots.txt")).text.endswith("Disallow: /\n")
        assert client.get(server.url("/a/../../etc/passwd")).status_code == 404
        assert client.get(server.url("/")).status_code == 200  # generated pages stay


# --------------------------------------------------------------------------- faults


def test_500_always_and_flaky_counts_per_url(srv: FaultServer, client: httpx.Client) -> None:
    assert [client.get(srv.url("/fault/500/a")).status_code for _ in range(3)] == [500] * 3
    flaky = [client.get(srv.url("/fault/flaky/2/a")).status_code for _ in range(4)]
    assert flaky == [500, 500, 200, 200]
    assert client.get(srv.url("/fault/flaky/2/b")).status_code == 500  # its own counter


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_and_date(srv: FaultServer, client: httpx.Client, status: int) -> None:
    first = client.get(srv.url(f"/fault/{status}/3/s"))
    assert (first.status_code, first.headers["retry-after"]) == (status, "3")
    assert client.get(srv.url(f"/fault/{status}/3/s")).status_code == 200
    dated = client.get(srv.url(f"/fault/{status}-date/3/d"))
    when = parsedate_to_datetime(dated.headers["retry-after"])
    ahead = (when - datetime.now(UTC)).total_seconds()
    assert dated.status_code == status and 3 <= ahead <= 5
    assert client.get(srv.url(f"/fault/{status}-date/3/d")).status_code == 200


def test_reset_before_any_response(srv: FaultServer) -> None:
    got, end = raw_exchange(srv, "/fault/reset/x")
    assert got == b"" and isinstance(end, ConnectionResetError)


def test_reset_mid_body_after_headers(srv: FaultServer, client: httpx.Client) -> None:
    got, end = raw_exchange(srv, "/fault/reset-mid-body/x")
    assert got.startswith(b"HTTP/1.1 200") and isinstance(end, ConnectionResetError)
    with pytest.raises(httpx.ReadError):
        client.get(srv.url("/fault/reset-mid-body/y"))


def test_truncated_body_ends_with_a_clean_close(srv: FaultServer, client: httpx.Client) -> None:
    got, end = raw_exchange(srv, "/fault/truncated/x")
    head, body = got.split(b"\r\n\r\n", 1)
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    assert end is None and 0 < len(body) < length
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(srv.url("/fault/truncated/y"))


def test_slow_first_byte(srv: FaultServer, client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.get(srv.url("/fault/slow-first-byte/400/a"), timeout=httpx.Timeout(5, read=0.1))
    started = time.monotonic()
    assert client.get(srv.url("/fault/slow-first-byte/200/b")).status_code == 200
    assert time.monotonic() - started >= 0.2


def test_slow_body_trickles_after_the_headers(srv: FaultServer, client: httpx.Client) -> None:
    slow = httpx.Timeout(5, read=0.15)
    with client.stream("GET", srv.url("/fault/slow-body/400/a"), timeout=slow) as resp:
        assert resp.status_code == 200  # headers came at once
        with pytest.raises(httpx.ReadTimeout):
            resp.read()
    started = time.monotonic()
    with client.stream("GET", srv.url("/fault/slow-body/40/b"), timeout=slow) as resp:
        pieces = list(resp.iter_raw())
    assert time.monotonic() - started >= 0.04 * TRICKLE_CHUNKS
    assert len(pieces) >= TRICKLE_CHUNKS // 2  # really in pieces; TCP may merge a few


def test_invalid_gzip(srv: FaultServer, client: httpx.Client) -> None:
    with pytest.raises(httpx.DecodingError):
        client.get(srv.url("/fault/bad-gzip/x"))


@pytest.mark.parametrize("kind", ["huge", "huge-chunked"])
def test_huge_bodies_stream(srv: FaultServer, client: httpx.Client, kind: str) -> None:
    total = 0
    with client.stream("GET", srv.url(f"/fault/{kind}/x")) as resp:
        declared = resp.headers.get("content-length")
        for chunk in resp.iter_raw():
            total += len(chunk)
    assert total == HUGE_BYTES
    assert declared == (str(HUGE_BYTES) if kind == "huge" else None)


def test_abandoned_huge_body_does_not_linger(srv: FaultServer) -> None:
    with httpx.Client(timeout=5) as c, c.stream("GET", srv.url("/fault/huge-chunked/z")) as r:
        next(r.iter_raw())
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and any(q.end is None for q in srv.requests):
        time.sleep(0.02)
    assert all(q.end is not None for q in srv.requests)


def test_gzip_bomb_is_small_on_the_wire_and_a_gigabyte_inflated(
    srv: FaultServer, client: httpx.Client
) -> None:
    with client.stream("GET", srv.url("/fault/gzip-bomb/x")) as resp:
        wire = b"".join(resp.iter_raw())
    assert resp.headers["content-encoding"] == "gzip" and len(wire) < 2 * 2**20
    inflate, total = zlib.decompressobj(31), 0
    pending = wire
    while pending and not inflate.eof:
        total += len(inflate.decompress(pending, 2**24))
        pending = inflate.unconsumed_tail
    assert inflate.eof and total == BOMB_BYTES  # and zlib checked the CRC and length


@given(size=st.integers(min_value=0, max_value=3 * 2**20 + 7))
@settings(max_examples=10, deadline=None)
def test_gzip_bomb_builder_is_valid_gzip_of_zeros(size: int) -> None:
    assert gzip.decompress(gzip_bomb(size)) == bytes(size)


def test_redirects(srv: FaultServer, client: httpx.Client) -> None:
    hop = client.get(srv.url("/fault/loop/a/x"))
    assert (hop.status_code, hop.headers["location"]) == (302, "/fault/loop/b/x")
    with pytest.raises(httpx.TooManyRedirects):
        client.get(srv.url("/fault/loop/a/x"), follow_redirects=True)
    chain = client.get(srv.url("/fault/chain/12/x"), follow_redirects=True)
    assert chain.status_code == 200 and len(chain.history) == 12
    with pytest.raises(httpx.TooManyRedirects), httpx.Client(max_redirects=10) as short:
        short.get(srv.url("/fault/chain/12/y"), follow_redirects=True)
    home = client.get(srv.url("/fault/to-home/x"), follow_redirects=True)
    assert str(home.url) == srv.url("/") and home.history[0].status_code == 301


def test_wrong_content(srv: FaultServer, client: httpx.Client) -> None:
    binary = client.get(srv.url("/fault/binary/x"))
    assert binary.headers["content-type"].startswith("text/html") and b"\x00" in binary.content
    with pytest.raises(UnicodeDecodeError):
        binary.content.decode("utf-8")
    pdf = client.get(srv.url("/fault/pdf/x"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_hostile_xml(srv: FaultServer, client: httpx.Client) -> None:
    docs = {name: client.get(srv.url(f"/fault/xml/{name}")).text for name in HOSTILE_XML}
    assert docs["laughs-sitemap"].count("<!ENTITY lol") == 10 and "&lol9;" in docs["laughs-feed"]
    assert srv.url("/fault/xxe-canary") in docs["xxe-sitemap"] and "file:///" in docs["xxe-sitemap"]
    for name in ("malformed-sitemap", "truncated-sitemap", "truncated-feed"):
        with pytest.raises(ET.ParseError):
            ET.fromstring(docs[name])
    index = ET.fromstring(docs["self-index"])
    assert srv.url("/fault/xml/self-index") in [e.text for e in index.iter(f"{SM}loc")]
    assert not [r for r in srv.requests if r.path == "/fault/xxe-canary"]  # nobody resolved it
    assert client.get(srv.url("/fault/xml/nope")).status_code == 404


FAULT_KINDS = ["500", "flaky", "429", "503-date", "reset", "truncated", "loop", "chain",
               "to-home", "binary", "pdf", "xml", "nonsense", ""]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(FAULT_KINDS),
    args=st.lists(
        st.text(st.characters(codec="ascii", exclude_characters="?#/%"), max_size=8), max_size=3
    ),
)
def test_any_fault_path_answers_or_fails_fast(srv: FaultServer, kind: str, args: list[str]) -> None:
    url = srv.url("/fault/" + "/".join([kind, *args]))
    with httpx.Client(timeout=10) as c:  # none of these kinds sleeps: a timeout means a hang
        try:
            c.get(url, follow_redirects=True)
        except httpx.TimeoutException:
            raise
        except (httpx.TransportError, httpx.TooManyRedirects, httpx.InvalidURL):
            pass  # the fault itself: a reset, a truncated body, a loop
        assert c.get(srv.url("/robots.txt")).status_code == 200  # server still fine


# --------------------------------------------------------------------------- politeness


def test_requests_are_recorded(client: httpx.Client) -> None:
    with serve_faults() as server:
        client.get(server.url("/feed.xml"), headers={"User-Agent": "polite-bot/1.0"})
        client.head(server.url("/"), headers={"If-None-Match": '"abc"'})
        assert server.wait_idle()
        log = server.requests
        assert [(r.method, r.path) for r in log] == [("GET", "/feed.xml"), ("HEAD", "/")]
        assert log[0].headers["user-agent"] == "polite-bot/1.0"
        assert log[1].headers["if-none-match"] == '"abc"'
        assert log[0].time <= log[0].end <= log[1].time  # type: ignore[operator]
        assert server.max_in_flight == 1
        server.reset()
        assert server.requests == [] and server.max_in_flight == 0


def test_in_flight_tracks_concurrency_per_host() -> None:
    with serve_faults() as server:

        def fetch(k: int) -> None:
            host = "a.example" if k < 3 else "b.example"
            httpx.get(server.url(f"/fault/slow-first-byte/300/{k}"), headers={"Host": host})

        threads = [threading.Thread(target=fetch, args=(k,)) for k in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert server.max_in_flight == 5
        assert server.max_in_flight_by_host() == {"a.example": 3, "b.example": 2}
        assert server.wait_idle()
        server.reset()  # restarts from the in-flight count, now 0
        assert server.max_in_flight == 0
        for _ in range(3):
            httpx.get(server.url("/"))
        assert server.wait_idle() and server.max_in_flight == 1


def test_stop_does_not_wait_for_work_in_flight() -> None:
    server = FaultServer()
    server.start()
    idle = socket.create_connection(("127.0.0.1", server.port))  # keep-alive, silent
    outcome: list[object] = []

    def wait_for_slow_page() -> None:
        try:  # a stop that waited for the page would let it answer 200
            outcome.append(httpx.get(server.url("/fault/slow-first-byte/9000/x"), timeout=30))
        except httpx.TransportError as exc:
            outcome.append(exc)

    slow = threading.Thread(target=wait_for_slow_page)
    slow.start()
    assert server.wait_busy()
    server.stop()
    slow.join(timeout=30)
    assert not slow.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.TransportError), outcome
    idle.close()


# --------------------------------------------------------------------------- subprocess


def test_subprocess_prints_its_port_and_dies_by_pid(tmp_path: Path) -> None:
    (tmp_path / "hello.html").write_bytes(b"<p>hi</p>")
    script = ROOT / "tests" / "faultserver.py"
    cmd = [sys.executable, str(script), "--port", "0", "--site", str(tmp_path), "--articles", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + "/hello.html").content == b"<p>hi</p>"
        assert httpx.get(base + "/_faultserver/edit/2").status_code == 200
        assert b"Update 1" in httpx.get(base + article_path(2)).content
        log = json.loads(httpx.get(base + "/_faultserver/requests").content)
        assert [r["path"] for r in log] == ["/hello.html", article_path(2)]
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    assert proc.returncode == -signal.SIGKILL
    with pytest.raises(httpx.ConnectError):
        httpx.get(base + "/")


def test_the_log_times_show_a_client_side_delay() -> None:
    with serve_faults() as server, httpx.Client() as c:
        for path in ("/", "/feed.xml", "/sitemap.xml"):
            c.get(server.url(path))
            time.sleep(0.15)
        assert server.wait_idle()
        starts = [r.time for r in server.requests]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 2 and all(0.15 <= g < 0.5 for g in gaps)
