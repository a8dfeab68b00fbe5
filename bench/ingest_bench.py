"""Does the cost of storing a page stay flat as the archive grows?

Usage: python bench/ingest_bench.py [--db URL] [--versions 100000] [--articles N]
       [--window 10000] [--sites 20] [--seed 1] [--analyze-every 5000] [--keep]

Stores ``--versions`` synthetic article versions through ``Archive.store`` and times
every call; only the ``store`` calls are timed, never making the pages. Prints, per
window of ``--window`` stores, the mean, median and p95 ms per store, and the ratio of
the last window's mean to the first's (the issue asks for 1.2 or less).

The stream: ``--articles`` articles (default: as many as it takes) spread over ``--sites``
sites, each stored 1-9 times (5 on average). An article's versions follow each other
within a few hundred stores, so every window past the first few hundred stores mixes
new articles (about 1 in 5) and new versions of recent ones, as a crawler that revisits
fresh stories sees. A new version rewrites 1-3 paragraphs and sometimes adds one.

A page is 30-80 KB of HTML: the site's own chrome (inline CSS, navigation, footer links:
20-60 KB, fixed per site), JSON-LD with the article body, the article (8-20 paragraphs
of 40-120 words), 20 related headlines, and per-response noise (a script nonce and a
request id), so every body is distinct and the blob store and zstd do real work. Words
are drawn, seeded, with their frequencies from the real article texts of the project's
fixtures, so the text compresses like prose.

``--db``: a SQLAlchemy URL; default a SQLite file in a temporary folder, removed at the
end. On PostgreSQL the run uses a fresh schema (the URL's ``search_path`` option, or
``bench_ingest`` when it has none), dropped and created at the start and dropped at the
end, so it never touches other objects of the database. When the server's autovacuum is
off (the test server's is), the bench ANALYZEs its schema every ``--analyze-every``
stores, untimed, as autovacuum would.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from corpus_sites import template_pages, vocabulary

from storage import CaptureRecord, ContentRecord, open_archive

MEAN_VERSIONS = 5  # the "~5 versions per article"
MAX_GAP = 80  # a version follows the previous one within this many article starts
DEFAULT_SCHEMA = "bench_ingest"
# Stores between two ANALYZEs of the bench schema when the server's autovacuum is off (as
# on the test server). Without statistics PostgreSQL assumes 200 distinct fingerprints and
# plans a sequential scan of version_fingerprint per store: 2.3x slower after 20,000
# stores. A production server's autovacuum analyzes a growing table on its own.
ANALYZE_EVERY = 5000


@dataclass
class Words:
    """Seeded prose: words drawn with their real frequencies."""

    rng: random.Random
    words: list[str]
    cumulative: list[int]

    def run(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))

    def sentence(self, low: int, high: int) -> str:
        text = self.run(self.rng.randint(low, high))
        return text[:1].upper() + text[1:] + "."

    def paragraph(self) -> str:
        count, parts = self.rng.randint(40, 120), []
        while count > 0:
            size = min(count, self.rng.randint(8, 25))
            parts.append(self.sentence(size, size))
            count -= size
        return " ".join(parts)


@dataclass
class Site:
    host: str
    head: str
    foot: str


@dataclass
class Article:
    site: Site
    slug: str
    title: str
    author: str
    published: datetime
    paragraphs: list[str]
    versions_left: int
    stored: int = 0


def make_site(number: int, words: Words) -> Site:
    """A site's fixed chrome: 20-60 KB of inline CSS, navigation and footer links."""
    host = f"site{number:02d}-{words.run(1).lower()}.example"
    rng = words.rng
    css: list[str] = []
    nav: list[str] = []
    target = rng.randint(20_000, 60_000)
    while sum(len(rule) for rule in css) < target * 0.5:
        name = words.run(2).replace(" ", "-").lower()
        css.append(f".{name}{{margin:{rng.randint(0, 40)}px;color:#{rng.getrandbits(24):06x}}}")
    while sum(len(item) for item in nav) < target * 0.5:
        label = words.run(rng.randint(1, 3))
        nav.append(
            f'<li><a href="https://{host}/{label.replace(" ", "-").lower()}/">{label}</a></li>'
        )
    head = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><style>{"".join(css)}'
        f'</style></head><body><header><a href="https://{host}/">{host}</a><nav><ul>'
        f"{''.join(nav[: len(nav) // 2])}</ul></nav></header>"
    )
    foot = f"<footer><ul>{''.join(nav[len(nav) // 2 :])}</ul></footer>"
    return Site(host, head, foot)


def schedule(articles: int, versions: int, rng: random.Random) -> list[tuple[int, int]]:
    """(article, version) in store order: article j starts at j, later versions follow.

    ``articles`` = 0: as many articles as it takes to make ``versions`` stores.
    """
    events: list[tuple[float, int, int]] = []
    article = 0
    while (article < articles) if articles else (len(events) < versions + MAX_GAP * 10):
        key = float(article)
        for version in range(rng.randint(1, 2 * MEAN_VERSIONS - 1)):
            events.append((key, article, version))
            key += rng.uniform(1, MAX_GAP)
        article += 1
    events.sort()
    return [(a, v) for _, a, v in events[:versions]]


@dataclass
class Stream:
    """Builds the records of each (article, version), keeping only live articles."""

    words: Words
    sites: list[Site]
    start: datetime
    live: dict[int, Article] = field(default_factory=dict)

    def new_article(self, number: int, versions_left: int) -> Article:
        title = self.words.sentence(6, 12).rstrip(".")
        slug = "-".join(title.lower().split()[:8]) + f"-{number}"
        paragraphs = [self.words.paragraph() for _ in range(self.words.rng.randint(8, 20))]
        return Article(
            self.sites[number % len(self.sites)],
            slug,
            title,
            self.words.run(2).title(),
            self.start + timedelta(minutes=number),
            paragraphs,
            versions_left,
        )

    def edit(self, article: Article) -> None:
        rng = self.words.rng
        for _ in range(rng.randint(1, 3)):
            article.paragraphs[rng.randrange(len(article.paragraphs))] = self.words.paragraph()
        if rng.random() < 0.3:
            article.paragraphs.append(self.words.paragraph())

    def records(
        self, number: int, version: int, left: int, when: datetime
    ) -> tuple[CaptureRecord, ContentRecord]:
        article = self.live.get(number)
        if article is None:
            article = self.live[number] = self.new_article(number, left)
        else:
            self.edit(article)
        article.stored += 1
        if article.stored >= article.versions_left:
            del self.live[number]
        url = f"https://{article.site.host}/news/{article.slug}"
        body = self.body(article, url).encode()
        capture = CaptureRecord(
            url,
            url,
            200,
            when,
            elapsed_ms=120,
            headers={"content-type": "text/html; charset=utf-8"},
            body=body,
        )
        content = ContentRecord(
            canonical_url=url,
            title=article.title,
            bylines=(article.author,),
            published=article.published.isoformat(),
            modified=when.isoformat() if version else None,
            language="en",
            lead=article.paragraphs[0],
            paragraphs=tuple(article.paragraphs[1:]),
            subheadings=(),
            captions=(),
            text="\n\n".join(article.paragraphs),
            comment_form=None,
            parser_version="bench",
        )
        return capture, content

    def body(self, article: Article, url: str) -> str:
        rng = self.words.rng
        text = "\\n\\n".join(p.replace('"', "'") for p in article.paragraphs)
        related = "".join(
            f'<li><a href="https://{article.site.host}/news/{rng.getrandbits(40):x}">'
            f"{self.words.sentence(6, 10)}</a></li>"
            for _ in range(20)
        )
        paragraphs = "".join(f"<p>{p}</p>" for p in article.paragraphs)
        return (
            f'{article.site.head}<script nonce="{rng.getrandbits(128):032x}" '
            f'type="application/ld+json">{{"@type":"NewsArticle","headline":"{article.title}",'
            f'"url":"{url}","articleBody":"{text}"}}</script><main><article><h1>{article.title}'
            f'</h1><p class="byline">{article.author}</p>{paragraphs}</article>'
            f"<aside><ul>{related}</ul></aside></main>{article.site.foot}"
            f"<!-- request {rng.getrandbits(128):032x} --></body></html>"
        )


def stores(args: argparse.Namespace) -> Iterator[tuple[CaptureRecord, ContentRecord]]:
    """The records to store, made one at a time (never timed)."""
    rng = random.Random(args.seed)
    words, cumulative = vocabulary(template_pages())
    prose = Words(rng, words, cumulative)
    sites = [make_site(n, prose) for n in range(args.sites)]
    order = schedule(args.articles, args.versions, rng)
    totals = Counter(a for a, _ in order)
    stream = Stream(prose, sites, datetime(2025, 1, 1, tzinfo=UTC))
    for i, (article, version) in enumerate(order):
        when = stream.start + timedelta(seconds=30 * i)
        yield stream.records(article, version, totals[article], when)


def run(url: str, args: argparse.Namespace, between: Callable[[int], None] | None = None) -> None:
    """Store the stream into ``url``; ``between(n)`` runs, untimed, after the n-th store."""
    archive = open_archive(url)
    times: list[float] = []
    outcomes: Counter[str] = Counter()
    raw = 0
    wall = time.perf_counter()
    try:
        for capture, content in stores(args):
            start = time.perf_counter()
            result = archive.store(capture, content)
            times.append(time.perf_counter() - start)
            outcomes[result.outcome] += 1
            raw += len(capture.body or b"")
            if between is not None:
                between(len(times))
            if len(times) % args.window == 0:
                print(f"  {len(times)} stored, {time.perf_counter() - wall:.0f} s", flush=True)
        wall = time.perf_counter() - wall
        report(times, args.window, outcomes, raw, wall)
        storage_figures(archive, raw)
    finally:
        archive.close()


def report(times: list[float], window: int, outcomes: Counter[str], raw: int, wall: float) -> None:
    print(
        f"\n{len(times)} stores, {raw / 1e9:.2f} GB raw HTML ({raw / len(times) / 1024:.1f} "
        f"KB/page); outcomes: {dict(outcomes)}"
    )
    print(f"wall {wall:.0f} s, of which store() {sum(times):.0f} s")
    print(f"\n{'window':>15}  {'mean ms':>8}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}")
    means = []
    for start in range(0, len(times), window):
        chunk = sorted(times[start : start + window])
        if len(chunk) < window:
            break
        means.append(statistics.fmean(chunk))
        print(
            f"{start + 1:>7}-{start + window:<7}  {1000 * means[-1]:8.2f}  "
            f"{1000 * chunk[len(chunk) // 2]:7.2f}  {1000 * chunk[int(len(chunk) * 0.95)]:7.2f}  "
            f"{1000 * chunk[-1]:7.2f}"
        )
    if len(means) >= 2:
        print(f"\nlast window / first window (mean ms/store): {means[-1] / means[0]:.3f}")
    if len(means) >= 3:  # the first window also pays one-off costs (dictionaries, caches)
        print(f"last window / second window: {means[-1] / means[1]:.3f}")


def storage_figures(archive: object, raw: int) -> None:
    """Stored blob bytes against raw bytes, when the blob table can be read."""
    try:
        result = archive.query("SELECT sum(length(data)) FROM blob")  # type: ignore[attr-defined]
        dicts = archive.query("SELECT sum(length(data)) FROM zstd_dict")  # type: ignore[attr-defined]
    except Exception as err:  # a bench: report and go on
        print(f"(blob sizes not readable: {str(err).splitlines()[0]})")
        return
    stored = int(result.rows[0][0] or 0) + int(dicts.rows[0][0] or 0)
    print(f"blobs + dictionaries: {stored / 1e6:.1f} MB = {100 * stored / raw:.1f}% of raw HTML")


def pg_schema(url: str) -> tuple[str, str]:
    """(the URL with its search_path set, the schema's name)."""
    parsed = sa.make_url(url)
    options = str(parsed.query.get("options", ""))
    name = DEFAULT_SCHEMA
    if "search_path=" in options:
        name = options.split("search_path=", 1)[1].split()[0].split(",")[0]
    else:
        parsed = parsed.update_query_dict({"options": f"{options} -csearch_path={name}".strip()})
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"schema name {name!r}: letters, digits and _ only")
    return parsed.render_as_string(hide_password=False), name


def analyzer(engine: sa.Engine, schema: str, every: int) -> Callable[[int], None] | None:
    """ANALYZE the schema's tables every ``every`` stores, if the server will not."""
    with engine.connect() as conn:
        autovacuum = conn.exec_driver_sql("SHOW autovacuum").scalar()
        tables = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = %(s)s", {"s": schema}
        ).scalars()
        names = [str(t) for t in tables]
    if autovacuum == "on" or every <= 0:
        print(f"autovacuum {autovacuum}; the bench runs no ANALYZE")
        return None
    print(f"autovacuum off on this server: ANALYZE of the bench schema every {every} stores")

    def between(stored: int) -> None:
        if stored % every == 0:
            with engine.begin() as conn:
                for name in names:
                    conn.exec_driver_sql(f'ANALYZE "{schema}"."{name}"')

    return between


def with_pg_schema(url: str, args: argparse.Namespace) -> None:
    url, name = pg_schema(url)
    admin_url = sa.make_url(url)
    admin_url = admin_url.set(query={k: v for k, v in admin_url.query.items() if k != "options"})
    admin = sa.create_engine(admin_url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        print(f"PostgreSQL schema {name} (dropped at the end)")
        open_archive(url).close()  # create the tables, so that the analyzer knows them
        run(url, args, analyzer(admin, name, args.analyze_every))
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument(
        "--articles", type=int, default=0, help="default: as many as --versions needs"
    )
    parser.add_argument("--window", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--analyze-every",
        type=int,
        default=ANALYZE_EVERY,
        help="PostgreSQL without autovacuum: stores between ANALYZEs (0: never)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args()
    if args.db and sa.make_url(args.db).get_backend_name() == "postgresql":
        with_pg_schema(args.db, args)
        return
    folder = None if args.db else Path(tempfile.mkdtemp(prefix="ingest_bench_"))
    url = args.db or f"sqlite:///{folder}/archive.db"
    print(f"archive: {url}")
    try:
        run(url, args)
        if folder:
            size = sum(f.stat().st_size for f in folder.iterdir())
            print(f"SQLite files: {size / 1e6:.1f} MB")
    finally:
        if folder and not args.keep:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
