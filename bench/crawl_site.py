"""Generate a static news site for the crawl benchmark (``bench/crawl_bench.py``).

Usage: python bench/crawl_site.py OUTDIR [--articles 5000] [--seed 1]

The site is deterministic for a given ``--articles`` and ``--seed``:

- ``/YYYY/MM/DD/slug-N.html``: the articles, 60-120 KB each (the size is drawn per
  article, uniformly). A page is what a news CMS serves: a head with meta, Open Graph
  and JSON-LD ``NewsArticle``, a site-wide inline stylesheet and SVG icon sprite, a
  header, section navigation and a breaking-news ticker, the article (headline,
  byline, lead figure with caption, 8-25 paragraphs with sub-headings), related links,
  a comments section, "more stories" teasers, a footer, and the hydration state a
  JavaScript framework inlines (``__NEXT_DATA__``: the article again, as JSON). The
  comments and teasers grow until the page reaches its drawn size, so the padding is
  markup a crawler really meets, not filler bytes.
- ``/index.html``: the 50 newest articles, the sections and the whole pagination.
- ``/page/N.html``: archive pages of ``PER_PAGE`` articles, newest first, each linking
  every other archive page (so every article is two hops from the home page).
- ``/section/NAME.html``: the 50 newest articles of a section.
- ``/sitemap.xml``: a sitemap index; ``/sitemaps/articles-K.xml`` children of
  ``SITEMAP_CHUNK`` URLs and ``/sitemaps/pages.xml`` for the listing pages.
- ``/feed.xml``: RSS 2.0 of the 50 newest articles.
- ``/robots.txt``: allow all, no Crawl-delay, a ``Sitemap:`` line.

Text is drawn, seeded, from a small English news vocabulary with Zipf weights, so it
compresses roughly like prose.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

PER_PAGE = 50  # articles per archive page, as on common CMS archive listings
SITEMAP_CHUNK = 1000  # URLs per child sitemap (the protocol allows 50,000)
MIN_BYTES, MAX_BYTES = 60_000, 120_000  # article page size range, from the issue
SITE = "Harbour City Chronicle"
SECTIONS = ("world", "politics", "business", "technology", "science", "health", "sport", "culture")
START = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)
_WORD_TEXT = (
    "the of and to in a is that for on with as was said by it at from government year "
    "people new city council minister report after will more than would about could "
    "police market company percent million officials first two last public state over "
    "week president budget plan according spokesman local health school water energy "
    "election vote court judge law rights workers union strike prices inflation bank "
    "rates housing rent families children hospital doctors patients research study "
    "scientists climate storm flooding drought farmers harvest port ships trade exports "
    "team season match coach players goal final league fans stadium museum festival "
    "film music artist book author theatre exhibition director announced warned told "
    "expected despite while during before between under since because however also "
    "still only many most several three four hundred thousand billion region district "
    "neighbourhood residents community services transport rail bus bridge road project "
    "construction investment funding decision proposal committee hearing inquiry "
    "evidence statement interview morning evening night monday tuesday wednesday "
    "thursday friday saturday sunday data figures survey analysis growth decline "
    "increase fell rose record high low early late long short major small large key"
)
WORDS = _WORD_TEXT.split()
WEIGHTS = list(accumulate(1.0 / (rank + 8) for rank in range(len(WORDS))))


@dataclass(frozen=True)
class Meta:
    number: int
    title: str
    section: str
    when: datetime
    author: str
    summary: str

    @property
    def path(self) -> str:
        slug = "-".join(w.lower() for w in self.title.split()[:6])
        return f"/{self.when:%Y/%m/%d}/{slug}-{self.number}.html"


def words(rng: random.Random, n: int) -> list[str]:
    return rng.choices(WORDS, cum_weights=WEIGHTS, k=n)


def sentence(rng: random.Random, lo: int = 8, hi: int = 24) -> str:
    ws = words(rng, rng.randint(lo, hi))
    return " ".join(ws).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def metas(count: int, seed: int) -> list[Meta]:
    """Every article's metadata, oldest first (one to four hours apart)."""
    rng = random.Random(seed)
    out, when = [], START
    for n in range(count):
        when += timedelta(minutes=rng.randint(60, 240))
        title = " ".join(words(rng, rng.randint(6, 11))).title()
        author = f"{rng.choice('ACDEJKLMNPRST')}. {rng.choice(WORDS).title()}son"
        out.append(Meta(n + 1, title, rng.choice(SECTIONS), when, author, sentence(rng)))
    return out


def stylesheet(rng: random.Random) -> str:
    """A site-wide inline stylesheet (~18 KB), as many CMS themes inline their CSS."""
    props = (
        "margin",
        "padding",
        "color",
        "background",
        "font-size",
        "line-height",
        "border",
        "display",
        "grid-template-columns",
        "max-width",
        "gap",
    )
    rules = []
    for i in range(420):
        sel = f".{rng.choice(('c', 'o', 'u', 'l'))}-{rng.choice(WORDS)}-{i}"
        decl = ";".join(f"{rng.choice(props)}:{rng.randint(0, 48)}px" for _ in range(3))
        rules.append(f"{sel}{{{decl}}}")
    return "\n".join(rules)


def sprite(rng: random.Random) -> str:
    """An inline SVG icon sprite (~12 KB of path data)."""
    symbols = []
    for name in (
        "logo",
        "search",
        "menu",
        "share",
        "mail",
        "print",
        "comment",
        "play",
        "facebook",
        "x",
        "linkedin",
        "whatsapp",
    ):
        pts = " ".join(f"L{rng.uniform(0, 24):.2f} {rng.uniform(0, 24):.2f}" for _ in range(60))
        symbols.append(
            f'<symbol id="i-{name}" viewBox="0 0 24 24"><path d="M0 0 {pts}Z"/></symbol>'
        )
    return f'<svg xmlns="http://www.w3.org/2000/svg" hidden>{"".join(symbols)}</svg>'


def teaser(m: Meta) -> str:
    return (
        f'<li class="teaser"><a href="{m.path}"><h3>{m.title}</h3></a>'
        f'<p>{m.summary}</p><time datetime="{m.when.isoformat()}">'
        f"{m.when:%d %b %Y}</time></li>"
    )


def chrome_top(title: str, head_extra: str, css: str, svg: str, recent: list[Meta]) -> str:
    nav = "".join(f'<li><a href="/section/{s}.html">{s.title()}</a></li>' for s in SECTIONS)
    ticker = "".join(f'<li><a href="{m.path}">{m.title}</a></li>' for m in recent[:5])
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} | {SITE}</title>{head_extra}"
        f'<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        f"<style>{css}</style></head><body>{svg}"
        f'<header class="masthead"><a href="/" class="logo"><svg><use href="#i-logo"/></svg>'
        f"{SITE}</a><nav><ul>{nav}</ul></nav></header>"
        f'<aside class="ticker"><ul>{ticker}</ul></aside>'
    )


def footer() -> str:
    links = "".join(f'<li><a href="/section/{s}.html">{s.title()}</a></li>' for s in SECTIONS)
    return (
        f'<footer><ul>{links}<li><a href="/feed.xml">RSS</a></li></ul>'
        f"<p>&copy; 2025 {SITE}. All rights reserved.</p></footer>"
    )


def article_page(m: Meta, ms: list[Meta], css: str, svg: str, rng: random.Random) -> str:
    target = rng.randint(MIN_BYTES, MAX_BYTES)
    paras = [paragraph(rng) for _ in range(rng.randint(8, 25))]
    blocks = [
        f"<h2>{sentence(rng, 4, 8)}</h2><p>{p}</p>" if i and i % 6 == 0 else f"<p>{p}</p>"
        for i, p in enumerate(paras)
    ]
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": m.title,
            "datePublished": m.when.isoformat(),
            "author": {"@type": "Person", "name": m.author},
            "articleSection": m.section,
            "description": m.summary,
        }
    )
    head = (
        f'<meta name="description" content="{m.summary}">'
        f'<link rel="canonical" href="{m.path}">'
        f'<meta property="og:type" content="article"><meta property="og:title" '
        f'content="{m.title}"><meta property="og:url" content="{m.path}">'
        f'<meta property="article:published_time" content="{m.when.isoformat()}">'
        f'<script type="application/ld+json">{ld}</script>'
    )
    nearby = [ms[(m.number - 1 + k * 37) % len(ms)] for k in range(1, 7)]
    related = "".join(f'<li><a href="{r.path}">{r.title}</a></li>' for r in nearby)
    top = chrome_top(m.title, head, css, svg, ms[max(0, m.number - 6) : m.number])
    body = (
        f'<main><article class="story"><h1>{m.title}</h1><p class="byline">By '
        f'<span class="author">{m.author}</span> <time datetime="{m.when.isoformat()}">'
        f'{m.when:%d %B %Y %H:%M}</time></p><figure><img src="/img/{m.number}.jpg" '
        f'alt="{m.summary}" width="1200" height="675"><figcaption>{sentence(rng)}'
        f'</figcaption></figure><div class="story-body">{"".join(blocks)}</div>'
        f'<aside class="related"><h2>Related</h2><ul>{related}</ul></aside></article>'
    )
    state = json.dumps(
        {"props": {"article": {"title": m.title, "body": paras, "section": m.section}}}
    )
    tail = (
        f'</main>{footer()}<script id="__NEXT_DATA__" type="application/json">'
        f"{state}</script></body></html>"
    )
    size = len(top) + len(body) + len(tail)
    comments: list[str] = []
    more: list[str] = []
    while size < target:
        if len(comments) < 60:
            c = (
                f'<li class="comment"><svg><use href="#i-comment"/></svg><b>'
                f"{rng.choice(WORDS).title()}{rng.randint(1, 999)}</b> <time>"
                f"{rng.randint(1, 59)} min ago</time><p>{paragraph(rng)}</p></li>"
            )
            comments.append(c)
        else:
            c = teaser(ms[rng.randrange(len(ms))])
            more.append(c)
        size += len(c)
        if size > MAX_BYTES:  # keep the drawn range's upper bound
            (more or comments).pop()
            break
    return (
        f'{top}{body}<section id="comments"><h2>Comments</h2><ol>{"".join(comments)}'
        f'</ol></section><section class="more"><h2>More stories</h2><ul>{"".join(more)}'
        f"</ul></section>{tail}"
    )


def listing_page(title: str, items: list[Meta], pages: int, css: str, svg: str) -> str:
    pager = "".join(f'<a href="/page/{n}.html">{n}</a>' for n in range(1, pages + 1))
    return (
        chrome_top(title, "", css, svg, items)
        + f"<main><h1>{title}</h1><ul>"
        + "".join(teaser(m) for m in items)
        + f'</ul><nav class="pagination">{pager}</nav></main>{footer()}</body></html>'
    )


def xml_files(ms: list[Meta], pages: int) -> dict[str, str]:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    out: dict[str, str] = {}
    children = []
    for k in range(0, len(ms), SITEMAP_CHUNK):
        urls = "".join(
            f"<url><loc>{m.path}</loc><lastmod>{m.when.isoformat()}</lastmod></url>"
            for m in ms[k : k + SITEMAP_CHUNK]
        )
        name = f"/sitemaps/articles-{k // SITEMAP_CHUNK + 1}.xml"
        out[name] = f"{head}<urlset {ns}>{urls}</urlset>"
        children.append(name)
    listing = ["/"] + [f"/page/{n}.html" for n in range(1, pages + 1)]
    listing += [f"/section/{s}.html" for s in SECTIONS]
    out["/sitemaps/pages.xml"] = (
        f"{head}<urlset {ns}>"
        + "".join(f"<url><loc>{u}</loc></url>" for u in listing)
        + "</urlset>"
    )
    children.append("/sitemaps/pages.xml")
    out["/sitemap.xml"] = (
        f"{head}<sitemapindex {ns}>"
        + "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
        + "</sitemapindex>"
    )
    items = "".join(
        f"<item><title>{m.title}</title><link>{m.path}</link><description>{m.summary}"
        f"</description><pubDate>{m.when:%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
        for m in reversed(ms[-50:])
    )
    out["/feed.xml"] = (
        f'{head}<rss version="2.0"><channel><title>{SITE}</title>'
        f"<link>/</link><description>Latest</description>{items}</channel></rss>"
    )
    return out


def absolutize(text: str, base: str) -> str:
    """Sitemaps and feeds need absolute URLs; the generator writes site-relative ones."""
    return text.replace("<loc>/", f"<loc>{base}/").replace("<link>/", f"<link>{base}/")


def generate(
    outdir: Path, articles: int, seed: int = 1, base: str = "http://127.0.0.1"
) -> dict[str, int]:
    """Write the site under ``outdir``; return counts by kind and total bytes.

    ``base`` is the origin written into sitemaps, the feed and robots.txt (they need
    absolute URLs); HTML links are site-relative, so the HTML works on any port.
    """
    rng = random.Random(seed)
    ms = metas(articles, seed)
    css, svg = stylesheet(rng), sprite(rng)
    newest = list(reversed(ms))
    pages = max(1, -(-articles // PER_PAGE))
    files: dict[str, str] = {}
    for m in ms:
        files[m.path] = article_page(m, ms, css, svg, rng)
    files["/index.html"] = listing_page("Latest news", newest[:PER_PAGE], pages, css, svg)
    for n in range(1, pages + 1):
        chunk = newest[(n - 1) * PER_PAGE : n * PER_PAGE]
        files[f"/page/{n}.html"] = listing_page(f"Archive page {n}", chunk, pages, css, svg)
    for s in SECTIONS:
        items = [m for m in newest if m.section == s][:PER_PAGE]
        files[f"/section/{s}.html"] = listing_page(s.title(), items, pages, css, svg)
    for name, text in xml_files(ms, pages).items():
        files[name] = absolutize(text, base)
    files["/robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"
    total = 0
    for name, text in files.items():
        path = outdir / name.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return {
        "articles": len(ms),
        "listing_pages": pages + 1 + len(SECTIONS),
        "files": len(files),
        "bytes": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--base",
        default="http://127.0.0.1",
        help="origin written into sitemaps, feed and robots.txt",
    )
    args = parser.parse_args()
    print(json.dumps(generate(args.outdir, args.articles, args.seed, args.base)))


if __name__ == "__main__":
    main()
