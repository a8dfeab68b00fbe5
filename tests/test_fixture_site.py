"""The fixture site is consistent: every article page with an expected JSON is listed
in fixtures/urls.txt (the README's main command fetches that list), and every listed
URL is served by replay."""

from __future__ import annotations

import json
from pathlib import Path

from scraper.fetch import path_for
from tests.conftest import FIXTURE_SITE, ROOT

URLS_FILE = ROOT / "fixtures" / "urls.txt"


def listed_urls() -> list[str]:
    lines = URLS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_every_expected_article_page_is_listed() -> None:
    listed = {path_for(FIXTURE_SITE, url) for url in listed_urls()}
    pages = {
        Path(str(p).removesuffix(".expected.json"))
        for p in FIXTURE_SITE.rglob("*.expected.json")
        if json.loads(p.read_text(encoding="utf-8")).get("is_article") is not False
    }
    assert pages <= listed, sorted(str(p) for p in pages - listed)


def test_every_listed_url_is_served() -> None:
    for url in listed_urls():
        path = path_for(FIXTURE_SITE, url)
        assert path is not None and path.is_file(), url
