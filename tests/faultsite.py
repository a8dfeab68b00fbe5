"""The fault server's content: a small generated news site, and hostile bodies.

``NewsSite`` renders the home and archive pages, the articles (with ETag and
Last-Modified that change with each edit), sitemaps, a feed and robots.txt;
``HOSTILE_XML``, ``gzip_bomb``, ``PDF`` and ``BINARY`` are the bodies of the fault
routes. Served by ``tests/faultserver.py``.
"""

from __future__ import annotations

import functools
import json
import mimetypes
import random
import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

BOMB_BYTES = 2**30
BOMB_BLOCK = 2**20  # zeros per deflate unit; measured: 1 GiB bomb builds in 0.2 s, 1.06 MB
PAGE_SIZE = 10  # articles per index page; also the news sitemap and (x2) the feed
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)  # article i is published EPOCH + i hours
EDIT_STEP = timedelta(minutes=30)
WORDS = ("council", "harbour", "budget", "storm", "election", "school", "bridge", "market")


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str
    last_modified: datetime


# --------------------------------------------------------------------------- the site


def slug(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}-{WORDS[(i * 7 + 3) % len(WORDS)]}"


def article_path(i: int) -> str:
    return f"/news/{i:04d}-{slug(i)}.html"


def page_html(title: str, body: str) -> bytes:
    head = f'<meta charset="utf-8"><title>{title}</title>'
    return f"<!doctype html><html lang=en><head>{head}</head><body>{body}</body></html>".encode()


def _article(i: int, revision: int, modified: datetime) -> bytes:
    title = f"{slug(i).replace('-', ' ').title()} report {i}"
    published = (EPOCH + timedelta(hours=i)).isoformat()
    meta = json.dumps(
        {"@type": "NewsArticle", "headline": title, "datePublished": published,
         "dateModified": modified.isoformat()}
    )  # fmt: skip
    paras = "".join(
        f"<p>Paragraph {k} of article {i}: the {WORDS[(i + k) % len(WORDS)]} story goes on.</p>"
        for k in range(1, 6)
    )
    if revision:
        paras += f"<p>Update {revision}: this article was edited.</p>"
    body = (
        f'<script type="application/ld+json">{meta}</script><a href="/">Home</a>'
        f'<article><h1>{title}</h1><time datetime="{published}">{published}</time>{paras}'
        "</article>"
    )
    return page_html(title, body)


def _urlset(entries: list[tuple[str, datetime]]) -> bytes:
    urls = "".join(
        f"<url><loc>{u}</loc><lastmod>{m.isoformat()}</lastmod></url>" for u, m in entries
    )
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {ns}>{urls}</urlset>'.encode()


def _rss(base: str, entries: list[tuple[int, datetime]]) -> bytes:
    items = "".join(
        f"<item><title>Report {i}</title><link>{base}{article_path(i)}</link>"
        f"<guid>{base}{article_path(i)}</guid><pubDate>{format_datetime(m, usegmt=True)}"
        "</pubDate></item>"
        for i, m in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Fault News'
        f"</title><link>{base}/</link><ttl>15</ttl>{items}</channel></rss>"
    ).encode()


class NewsSite:
    """The generated site: deterministic pages, revisions bumped by :meth:`edit`."""

    def __init__(self, articles: int, crawl_delay: float, site_dir: Path | None) -> None:
        self.articles = articles
        self.crawl_delay = crawl_delay
        self.site_dir = site_dir
        self.revisions: Counter[int] = Counter()

    def modified(self, i: int) -> datetime:
        return EPOCH + timedelta(hours=i) + EDIT_STEP * self.revisions[i]

    def newest(self, count: int, start: int = 0) -> list[tuple[int, datetime]]:
        top = self.articles - start
        return [(i, self.modified(i)) for i in range(top, max(0, top - count), -1)]

    def page(self, path: str, base: str) -> Page | None:
        static = self._static(path)
        if static is not None:
            return static
        latest = max((m for _, m in self.newest(self.articles)), default=EPOCH)
        if path == "/robots.txt":
            text = (
                f"User-agent: *\nCrawl-delay: {self.crawl_delay:g}\nDisallow: /private/\n"
                f"Disallow: /_faultserver/\n\nSitemap: {base}/sitemap_index.xml\n"
            )
            return Page(text.encode(), "text/plain; charset=utf-8", EPOCH)
        if path == "/sitemap.xml":
            body = _urlset([(base + article_path(i), m) for i, m in self.newest(self.articles)])
            return Page(body, "application/xml", latest)
        if path == "/sitemap-news.xml.gz":
            urls = [(base + article_path(i), m) for i, m in self.newest(PAGE_SIZE)]
            return Page(_gzip(_urlset(urls)), "application/gzip", latest)
        if path == "/sitemap_index.xml":
            maps = "".join(
                f"<sitemap><loc>{base}{p}</loc><lastmod>{latest.isoformat()}</lastmod></sitemap>"
                for p in ("/sitemap.xml", "/sitemap-news.xml.gz")
            )
            ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            body = f'<?xml version="1.0"?><sitemapindex {ns}>{maps}</sitemapindex>'.encode()
            return Page(body, "application/xml", latest)
        if path == "/feed.xml":
            return Page(_rss(base, self.newest(2 * PAGE_SIZE)), "application/rss+xml", latest)
        if path == "/private/secret.html":
            return Page(page_html("Private", "<p>robots.txt says no</p>"), "text/html", EPOCH)
        return self._generated(path, latest)

    def _generated(self, path: str, latest: datetime) -> Page | None:
        if path.startswith("/news/"):
            head = path.removeprefix("/news/").split("-", 1)[0]
            i = int(head) if head.isdigit() else 0
            if 1 <= i <= self.articles and path == article_path(i):
                body = _article(i, self.revisions[i], self.modified(i))
                return Page(body, "text/html; charset=utf-8", self.modified(i))
            return None
        number = path.removeprefix("/page/")
        k = 1 if path == "/" else int(number) if number.isdigit() and number != path else 0
        if k < 1 or (k > 1 and (k - 1) * PAGE_SIZE >= self.articles):
            return None
        links = "".join(
            f'<li><a href="{article_path(i)}">Report {i}</a></li>'
            for i, _ in self.newest(PAGE_SIZE, (k - 1) * PAGE_SIZE)
        )
        more = (
            f'<a rel="next" href="/page/{k + 1}">Older</a>' if k * PAGE_SIZE < self.articles else ""
        )
        extra = '<a href="/private/secret.html">Staff</a> <a href="/feed.xml">RSS</a>'
        return Page(
            page_html(f"Fault News, page {k}", f"<ul>{links}</ul>{more}{extra}"),
            "text/html",
            latest,
        )

    def _static(self, path: str) -> Page | None:
        if self.site_dir is None:
            return None
        parts = [p for p in (path + ("index.html" if path.endswith("/") else "")).split("/") if p]
        target = self.site_dir.joinpath(*parts)
        if any(p in (".", "..") for p in parts) or not target.is_file():
            return None
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        stamp = datetime.fromtimestamp(int(target.stat().st_mtime), UTC)
        return Page(target.read_bytes(), kind, stamp)


def _gzip(data: bytes) -> bytes:
    """Gzip with a zero mtime, so the bytes (and the ETag) are the same on every run."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    return comp.compress(data) + comp.flush()


@functools.cache
def gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """A gzip member of ``size`` zero bytes, built without ever holding them.

    One ``BOMB_BLOCK`` of zeros is deflated and full-flushed (byte-aligned, no history),
    so the same compressed unit can be repeated; a fresh stream adds the remainder and
    the final block, and the CRC-32 is chained over the same zero block.
    """
    zeros = bytes(BOMB_BLOCK)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(size, BOMB_BLOCK)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = last.compress(bytes(rest)) + last.flush()
    crc = 0
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + unit * whole + tail + struct.pack("<II", crc, size & 0xFFFFFFFF)


_SITEMAP = '<?xml version="1.0"?>{dtd}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
_LAUGHS = "".join(
    f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10}">' for k in range(1, 10)
)  # 10**9 "lol"s if expanded
HOSTILE_XML = {
    "laughs-sitemap": _SITEMAP.format(dtd=f'<!DOCTYPE urlset [<!ENTITY lol0 "lol">{_LAUGHS}]>')
    + "<url><loc>{base}/&lol9;</loc></url></urlset>",
    "laughs-feed": f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{_LAUGHS}]>'
    '<rss version="2.0"><channel><item><title>&lol9;</title><link>{base}/</link></item>'
    "</channel></rss>",
    "xxe-sitemap": _SITEMAP.format(
        dtd='<!DOCTYPE urlset [<!ENTITY file SYSTEM "file:///etc/passwd">'
        '<!ENTITY ping SYSTEM "{base}/fault/xxe-canary">]>'
    )
    + "<url><loc>{base}/&file;&ping;</loc></url></urlset>",
    "xxe-feed": '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ping SYSTEM '
    '"{base}/fault/xxe-canary">]><rss version="2.0"><channel><item><title>&ping;</title>'
    "<link>{base}/</link></item></channel></rss>",
    "malformed-sitemap": _SITEMAP.format(dtd="") + "<url><loc>{base}/a</url></loc></urlset>",
    "truncated-sitemap": _SITEMAP.format(dtd="") + "<url><loc>{base}/news/00",
    "truncated-feed": '<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut',
    "self-index": '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
    'sitemap/0.9"><sitemap><loc>{base}/fault/xml/self-index</loc></sitemap>'
    "<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>",
}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
BINARY = random.Random(0).randbytes(4096)  # NULs, invalid UTF-8, control bytes
