"""fetch -> parse -> store through the replay transport, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scraper import Fetcher, FetchOptions, fetch_and_store, replay_transport
from storage import open_archive
from tests.conftest import FIXTURE_SITE
from tests.test_cli import SEED_FILE, SEED_URL

PARAGRAPH = "Poutine devrait arriver plus tard mardi"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root)
    return root


def page_in(site: Path) -> Path:
    return site / SEED_FILE.relative_to(FIXTURE_SITE)


def edit(site: Path, old: str, new: str) -> None:
    path = page_in(site)
    html = path.read_text(encoding="utf-8")
    assert old in html
    path.write_text(html.replace(old, new), encoding="utf-8")


def fetch_outcome(site: Path, db_url: str, url: str = SEED_URL) -> str:
    with (
        open_archive(db_url) as archive,
        Fetcher(FetchOptions(attempts=1), transport=replay_transport(site)) as fetcher,
    ):
        return fetch_and_store(url, fetcher, archive).outcome


def test_editorial_edit_makes_a_version_and_noise_does_not(site: Path, db_url: str) -> None:
    assert fetch_outcome(site, db_url) == "new"
    edit(site, "8f3c2a91de", "0000000000")  # nonce in a hidden field and a script
    edit(site, "0 commentaire", "7 commentaires")
    edit(site, 'data-ad-slot="3317840218"', 'data-ad-slot="1111111111"')
    assert fetch_outcome(site, db_url) == "unchanged"
    edit(site, PARAGRAPH, "Poutine est arrivé mardi soir")
    assert fetch_outcome(site, db_url) == "new_version"
    with open_archive(db_url) as archive:
        versions = archive.query("SELECT version, text FROM article_versions ORDER BY version").rows
    assert [v for v, _ in versions] == [1, 2]
    assert PARAGRAPH in versions[0][1] and "Poutine est arrivé mardi soir" in versions[1][1]


def test_missing_page_is_an_error_capture_not_an_article(site: Path, db_url: str) -> None:
    assert fetch_outcome(site, db_url, "https://actumonde.example/nope/") == "error"
    with open_archive(db_url) as archive:
        assert archive.query("SELECT status, outcome, error FROM captures").rows == (
            (404, "error", "HTTP 404"),
        )
        assert archive.query("SELECT count(*) FROM articles").rows == ((0,),)


def test_binary_page_is_skipped_with_its_reason(site: Path, db_url: str) -> None:
    page_in(site).write_bytes(b"\x00\x01\x02PK\x03\x04" * 500)
    assert fetch_outcome(site, db_url) == "skipped"
    with open_archive(db_url) as archive:
        [(outcome, error)] = archive.query("SELECT outcome, error FROM captures").rows
    assert outcome == "skipped" and "binary" in error
