"""Which article a capture belongs to, from the URLs it is known by.

1. The page's own URL is the final URL after redirects (else the requested one).
2. The parser's canonical (``rel=canonical``, else ``og:url``) decides identity when it
   is on the same site and does not point to a home or section page.
3. A canonical on another site is a syndicated copy: it is recorded in ``syndication``
   and does not merge the two articles (a false split can be merged later; a false
   merge cannot be undone).
4. Every URL is matched in two forms: as seen (normalised, tracking parameters
   dropped) and as its identity (AMP markers removed), so the AMP copy, the tracked
   link and the canonical all find one article.
5. The most authoritative alias already known wins; otherwise a new article is made,
   named by the first alias. Every alias not yet known is added.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from storage import schema
from storage.records import CaptureRecord, ContentRecord
from storage.upsert import insert_ignore, insert_many_ignore
from storage.urls import (
    identity_url,
    is_amp_url,
    is_index_url,
    normalize_url,
    same_site,
    site_of,
)

# URLs per lookup: well under SQLite's oldest limit of 999 bound variables.
LOOKUP_CHUNK = 500
_A, _U = schema.article, schema.article_url
_ARTICLE_ID = sa.select(_A.c.id).where(_A.c.url == sa.bindparam("b_url"))
_SEEN = _A.update().where(_A.c.id == sa.bindparam("b_id")).values(last_seen=sa.bindparam("b_now"))
_LOOKUP = sa.select(_U.c.url, _U.c.article_id).where(
    _U.c.url.in_(sa.bindparam("b_urls", expanding=True))
)


def known_article(conn: sa.Connection, capture: CaptureRecord) -> int | None:
    """The article an earlier capture gave to one of this capture's URLs."""
    urls = [(u, k) for u, k in _page_aliases(capture)]
    return _lookup(conn, urls)[1]


def known_articles(conn: sa.Connection, captures: Sequence[CaptureRecord]) -> list[int | None]:
    """``known_article`` for many captures, with one lookup per ``LOOKUP_CHUNK`` URLs."""
    wanted = [_page_aliases(c) for c in captures]
    urls = sorted({u for pairs in wanted for u, _ in pairs})
    found: dict[str, int] = {}
    for i in range(0, len(urls), LOOKUP_CHUNK):
        rows = conn.execute(_LOOKUP, {"b_urls": urls[i : i + LOOKUP_CHUNK]}).all()
        found.update((url, int(article_id)) for url, article_id in rows)
    return [next((found[u] for u, _ in pairs if u in found), None) for pairs in wanted]


def resolve(
    conn: sa.Connection, capture: CaptureRecord, content: ContentRecord, now: datetime
) -> int:
    """The id of the article this capture shows, created and aliased as needed."""
    canonical, syndicated = _canonical(capture, content)
    candidates = _dedupe([*canonical, *_page_aliases(capture)])
    known, article_id = _lookup(conn, candidates)
    if article_id is None:
        url = candidates[0][0]
        insert_ignore(conn, _A, url=url, site=site_of(url), first_seen=now, last_seen=now)
        article_id = int(conn.execute(_ARTICLE_ID, {"b_url": url}).scalar_one())
    else:
        conn.execute(_SEEN, {"b_id": article_id, "b_now": now})
    new = [
        {"url": url, "article_id": article_id, "kind": kind, "first_seen": now}
        for url, kind in candidates
        if url not in known
    ]
    insert_many_ignore(conn, schema.article_url, new)
    if syndicated is not None:
        insert_ignore(
            conn, schema.syndication, article_id=article_id, url=syndicated, first_seen=now
        )
    return article_id


def _canonical(
    capture: CaptureRecord, content: ContentRecord
) -> tuple[list[tuple[str, str]], str | None]:
    """(the canonical's aliases when it decides identity, a syndication target)."""
    page = capture.final_url or capture.requested_url
    raw = content.canonical_url
    if not raw:
        return [], None
    try:
        if not same_site(raw, page):
            return [], normalize_url(raw)
        if is_index_url(raw, page):
            return [], None
        return [(identity_url(raw), "canonical"), (normalize_url(raw), "canonical")], None
    except ValueError:
        return [], None


def _page_aliases(capture: CaptureRecord) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pairs = ((capture.final_url, "final"), (capture.requested_url, "requested"))
    for url, kind in pairs:
        if not url:
            continue
        try:
            seen = normalize_url(url)
            out.append((identity_url(seen), kind if identity_url(seen) == seen else "derived"))
            out.append((seen, "amp" if is_amp_url(seen) else kind))
        except ValueError:
            continue
    return _dedupe(out)


def _dedupe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for url, kind in pairs:
        seen.setdefault(url, kind)
    return list(seen.items())


def _lookup(conn: sa.Connection, candidates: list[tuple[str, str]]) -> tuple[set[str], int | None]:
    """(the candidate URLs already known, the article of the most authoritative one)."""
    if not candidates:
        return set(), None
    rows = conn.execute(_LOOKUP, {"b_urls": [u for u, _ in candidates]}).all()
    found = {url: int(article_id) for url, article_id in rows}
    article_id = next((found[u] for u, _ in candidates if u in found), None)
    return set(found), article_id
