"""The archive's promises, end to end (fetch -> parse -> store) on SQLite and PostgreSQL.

Pages are the seed article and copies of it derived here (noise, edits, AMP copies,
a partner site's copy), served through ``httpx.MockTransport``.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper import Fetcher, FetchOptions, FetchReport, fetch_and_store
from scraper.parse import PARSER_VERSION
from storage import CaptureRecord, ContentRecord, open_archive
from tests.test_cli import ROOT, SEED_FILE, SEED_URL

SEED = SEED_FILE.read_text(encoding="utf-8")
PARAGRAPH = "Poutine devrait arriver plus tard mardi"
EDITED = "Poutine est finalement arrivé mardi soir"
AMP_URL = SEED_URL.replace("actumonde.example/", "actumonde.example/amp/", 1)
PARTNER_URL = "https://www.partner-news.example/monde/poutine-pyongyang-visite"


@dataclass
class Site:
    """A small web: URL -> (status, headers, body); anything else is a 404."""

    pages: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)

    def put(self, url: str, html: str, status: int = 200, **headers: str) -> None:
        base = {"content-type": "text/html; charset=utf-8"}
        self.pages[url] = (status, {**base, **headers}, html.encode())

    def handler(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = self.pages.get(str(request.url), (404, {}, b"not found"))
        return httpx.Response(status, headers=headers, content=body)


@pytest.fixture
def site() -> Site:
    web = Site()
    web.put(SEED_URL, SEED)
    web.put("https://actumonde.example/", "<html><body><h1>Actu Monde</h1></body></html>")
    return web


def fetch(site: Site, db_url: str, url: str = SEED_URL) -> FetchReport:
    transport = httpx.MockTransport(site.handler)
    with (
        open_archive(db_url) as archive,
        Fetcher(FetchOptions(attempts=1), transport=transport) as fetcher,
    ):
        return fetch_and_store(url, fetcher, archive)


def rows(db_url: str, sql: str) -> tuple[tuple[object, ...], ...]:
    with open_archive(db_url) as archive:
        return archive.query(sql).rows


def scraper(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def noisy(html: str) -> str:
    """The seed with only noise changed: ads, nonces, counts, comments, sidebars, 'updated'."""
    html = html.replace("8f3c2a91de", "77ab01c9f3").replace("0 commentaire", "12 commentaires")
    html = html.replace('data-ad-slot="3317840218"', 'data-ad-slot="9990001112"')
    comment = (
        '<ol class="comment-list"><li class="comment"><article class="comment-body">'
        '<footer class="comment-meta"><b class="fn">Lecteur</b> <time>18 juin 2024</time></footer>'
        '<div class="comment-content"><p>Un commentaire de lecteur qui ne doit jamais devenir '
        "une version de l’article, même s’il est long et bien écrit.</p></div></article></li></ol>"
    )
    html = html.replace('<div id="respond"', comment + '<div id="respond"', 1)
    related = (
        '<section class="widget"><h2 class="widget-title">À la une</h2><ul><li>'
        '<a href="https://actumonde.example/2024/06/19/autre/">Une toute autre histoire du jour '
        'qui change à chaque visite</a></li></ul><p class="updated">Mis à jour il y a 5 minutes'
        "</p></section>"
    )
    return html.replace(
        '<aside id="secondary" class="widget-area">',
        '<aside id="secondary" class="widget-area">' + related,
        1,
    )


def test_noise_only_changes_make_no_version(site: Site, db_url: str) -> None:
    assert fetch(site, db_url).outcome == "new"
    site.put(SEED_URL, noisy(SEED))
    report = fetch(site, db_url)
    assert (report.outcome, report.version) == ("unchanged", 1)
    assert rows(db_url, "SELECT version_count FROM articles") == ((1,),)


def test_an_edited_paragraph_makes_exactly_one_version_and_the_diff_shows_it(
    site: Site, db_url: str
) -> None:
    assert fetch(site, db_url).outcome == "new"
    site.put(SEED_URL, SEED.replace(PARAGRAPH, EDITED))
    assert (fetch(site, db_url).outcome, fetch(site, db_url).outcome) == ("new_version", "revisit")
    site.put(SEED_URL, noisy(SEED.replace(PARAGRAPH, EDITED)))
    assert fetch(site, db_url).outcome == "unchanged"
    assert rows(db_url, "SELECT version FROM article_versions ORDER BY version") == ((1,), (2,))
    shown = scraper("diff", SEED_URL + "?utm_source=twitter", "--color", "never", "--db", db_url)
    assert shown.returncode == 0, shown.stderr
    changed = [line for line in shown.stdout.splitlines() if "{+" in line or "[-" in line]
    assert changed == [
        "~ ¶3 Poutine [-devrait arriver plus tard-]{+est finalement arrivé+} mardi{+ soir+} après"
        " avoir fait escale dans la région diamantifère russe de Sakha, à l’extrême est du pays."
    ]
    unknown = scraper("history", "https://actumonde.example/2024/06/18/autre/", "--db", db_url)
    assert unknown.returncode == 2 and "no article" in unknown.stderr


def test_a_revert_records_the_version_it_returns_to(site: Site, db_url: str) -> None:
    fetch(site, db_url)
    site.put(SEED_URL, SEED.replace(PARAGRAPH, EDITED))
    fetch(site, db_url)
    site.put(SEED_URL, noisy(SEED))  # the original words again (and new noise)
    report = fetch(site, db_url)
    assert (report.outcome, report.version, report.reverted_to) == ("new_version", 3, 1)
    assert rows(db_url, "SELECT version, reverted_to FROM article_versions ORDER BY version") == (
        (1, None),
        (2, None),
        (3, 1),
    )


def test_the_amp_copy_joins_its_article(site: Site, db_url: str) -> None:
    first = fetch(site, db_url)
    amp = SEED.replace("<html", "<html amp", 1)
    site.put(AMP_URL, amp)
    assert fetch(site, db_url, AMP_URL).article_id == first.article_id
    # an amp. host without any canonical still finds the article by its identity
    bare = amp.replace('<link rel="canonical"', '<link rel="x"').replace('"og:url"', '"og:x"')
    amp_host = SEED_URL.replace("https://actumonde", "https://amp.actumonde")
    site.put(amp_host, bare)
    assert fetch(site, db_url, amp_host).article_id == first.article_id
    assert rows(db_url, "SELECT count(*), max(version_count) FROM articles") == ((1, 1),)
    history = scraper("history", AMP_URL, "--db", db_url, "--format", "json")
    assert json.loads(history.stdout)[0]["version"] == 1


def test_the_publishers_copy_on_another_site_is_a_duplicate_not_a_merge(
    site: Site, db_url: str
) -> None:
    original = fetch(site, db_url)
    site.put(PARTNER_URL, SEED)  # its canonical still points to actumonde.example
    copy = fetch(site, db_url, PARTNER_URL)
    assert copy.outcome == "new" and copy.article_id != original.article_id
    assert rows(db_url, "SELECT article_id, duplicate_of, kind, similarity FROM duplicates") == (
        (copy.article_id, original.article_id, "exact", 1.0),
    )
    assert rows(db_url, "SELECT url FROM syndication") == ((SEED_URL,),)


def test_a_syndicated_rewrite_is_a_near_duplicate(site: Site, db_url: str) -> None:
    original = fetch(site, db_url)
    lead = "L’Occident s’inquiète du fait que Moscou et Pyongyang renforcent leur alliance"
    rewrite = SEED.replace(lead, "Moscou et Pyongyang affichent leur alliance, et l’Occident")
    rewrite = (
        rewrite.replace(
            '<h2 class="wp-block-heading">',
            "<p>Ce texte est repris avec l’autorisation de notre partenaire Actu Monde Express, "
            'qui l’a publié le 18 juin.</p><h2 class="wp-block-heading">',
            1,
        )
        .replace('<link rel="canonical"', '<link rel="x"')
        .replace('"og:url"', '"og:x"')
    )
    site.put(PARTNER_URL, rewrite)
    copy = fetch(site, db_url, PARTNER_URL)
    [(article_id, duplicate_of, kind, similarity)] = rows(
        db_url, "SELECT article_id, duplicate_of, kind, similarity FROM duplicates"
    )
    assert (article_id, duplicate_of, kind) == (copy.article_id, original.article_id, "near")
    assert 0.5 <= float(similarity) < 1.0  # type: ignore[arg-type]


def test_a_byte_identical_body_is_a_revisit_and_a_304_is_not_modified(
    site: Site, db_url: str
) -> None:
    first = fetch(site, db_url)
    again = fetch(site, db_url)
    assert (again.outcome, again.article_id, again.version) == ("revisit", first.article_id, 1)
    site.pages[SEED_URL] = (304, {}, b"")
    assert fetch(site, db_url).outcome == "not_modified"
    assert rows(db_url, "SELECT outcome, article_id FROM captures ORDER BY id") == (
        ("new", first.article_id),
        ("revisit", first.article_id),
        ("not_modified", first.article_id),
    )


def test_walls_redirects_home_and_collapsed_bodies_never_become_versions(
    site: Site, db_url: str
) -> None:
    fetch(site, db_url)
    site.put(SEED_URL, "", status=301, location="https://actumonde.example/")
    home = fetch(site, db_url)
    assert home.outcome == "skipped" and "home" in (home.error or "")
    teaser = SEED.split(PARAGRAPH)[0] + "</div></article></main></body></html>"
    site.put(SEED_URL, teaser)
    collapsed = fetch(site, db_url)
    assert collapsed.outcome == "skipped" and "collapsed" in (collapsed.error or "")
    consent = (
        '<html><head><title>Actu Monde</title><script src="https://sdk.privacy-center.org/'
        'didomi.js"></script></head><body><div id="didomi-host"><p>Nous respectons votre vie '
        "privée. Tout accepter ?</p></div></body></html>"
    )
    other = "https://actumonde.example/2024/06/19/une-autre-histoire/"
    site.put(other, consent)
    assert fetch(site, db_url, other).outcome == "skipped"
    assert rows(db_url, "SELECT count(*) FROM article_versions") == ((1,),)


def old_parser_content(url: str) -> ContentRecord:
    """What an older parser made of the seed: the same story with its boilerplate kept."""
    return ContentRecord(
        canonical_url=url,
        title="Le président russe Vladimir Poutine fait l’éloge de Pyongyang – Actu Monde Express",
        bylines=("Par Jean Delaunay",),
        published=None,
        modified=None,
        language="fr",
        lead=None,
        paragraphs=("Partager :", "Ancien texte."),
        subheadings=(),
        captions=(),
        text="Partager :\n\nAncien texte.",
        comment_form=None,
        parser_version="0.0.1",
    )


def test_a_parser_upgrade_never_shows_up_as_an_edit(site: Site, db_url: str) -> None:
    capture = CaptureRecord(
        SEED_URL,
        SEED_URL,
        200,
        datetime.now(UTC),
        5,
        {"content-type": "text/html; charset=utf-8"},
        SEED.encode(),
    )
    with open_archive(db_url) as archive:
        assert archive.store(capture, old_parser_content(SEED_URL)).outcome == "new"
    site.put(SEED_URL, noisy(SEED))  # not byte-identical: it is parsed, with today's parser
    report = fetch(site, db_url)
    assert (report.outcome, report.version) == ("unchanged", 1)
    assert rows(
        db_url,
        "SELECT parser_version, version_count FROM article_versions "
        "JOIN articles ON id = article_id",
    ) == ((PARSER_VERSION, 1),)


def test_reparse_rederives_versions_from_raw_snapshots(site: Site, db_url: str) -> None:
    capture = CaptureRecord(
        SEED_URL,
        SEED_URL,
        200,
        datetime.now(UTC),
        5,
        {"content-type": "text/html; charset=utf-8"},
        SEED.encode(),
    )
    with open_archive(db_url) as archive:
        archive.store(capture, old_parser_content(SEED_URL))
    done = scraper("reparse", "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "reparsed 1 of 1" in done.stdout and "1 changed" in done.stdout
    [(parser, paragraphs)] = rows(db_url, "SELECT parser_version, paragraphs FROM article_versions")
    assert parser == PARSER_VERSION and any(PARAGRAPH in p for p in json.loads(str(paragraphs)))


def test_export_writes_versions_and_a_warc_with_revisits(
    site: Site, db_url: str, tmp_path: object
) -> None:
    fetch(site, db_url)
    site.put(SEED_URL.replace("https://", "https://www."), SEED)  # same bytes, another URL
    fetch(site, db_url, SEED_URL.replace("https://", "https://www."))
    lines = scraper("export", "--format", "jsonl", "--db", db_url).stdout.splitlines()
    assert [json.loads(line)["version"] for line in lines] == [1]
    out = f"{tmp_path}/archive.warc.gz"
    assert scraper("export", "--format", "warc", "-o", out, "--db", db_url).returncode == 0
    with open(out, "rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream)]
    assert kinds == ["warcinfo", "response", "revisit"]
    with gzip.open(out) as raw:
        assert b"WARC/1.1" in raw.read(200)


def test_per_site_dictionaries_compress_and_read_back(sqlite_url: str) -> None:
    bodies = []
    with open_archive(sqlite_url) as archive:
        for n in range(40):
            body = SEED.replace(PARAGRAPH, f"Paragraphe numéro {n} " * 5).encode()
            bodies.append(body)
            capture = CaptureRecord(
                f"{SEED_URL}?p={n}",
                f"{SEED_URL}?p={n}",
                200,
                datetime.now(UTC),
                5,
                {},
                body,
                skipped=True,
            )
            archive.store(capture)
        stored = archive.query("SELECT count(*) FROM blob WHERE codec = 'zstd-dict'").rows
        warc = io.BytesIO()
        from storage.export import write_warc

        write_warc(archive.export_captures(), warc)
    assert stored[0][0] == 40
    warc.seek(0)
    payloads = [
        r.content_stream().read() for r in ArchiveIterator(warc) if r.rec_type == "response"
    ]
    assert payloads == bodies
