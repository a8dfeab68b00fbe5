"""Every ``fixtures/site/<host>/<path>`` page with a ``.expected.json`` beside it.

One pytest case per (fixture, key), so a wrong title never hides a wrong byline. The
page URL is derived from the path: ``https://<host>/<path>``, ``index.html`` -> ``/``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from scraper.models import Article
from scraper.parse import parse_html

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
SUFFIX = ".expected.json"


def page_url(page: Path) -> str:
    relative = page.relative_to(SITE).as_posix()
    if relative.endswith("/index.html") or relative == "index.html":
        relative = relative[: -len("index.html")]
    return f"https://{relative}"


def discover() -> list[tuple[Path, str]]:
    cases = []
    for expected in sorted(SITE.rglob(f"*{SUFFIX}")):
        page = expected.with_name(expected.name[: -len(SUFFIX)])
        for key in json.loads(expected.read_text("utf-8")):
            cases.append((page, key))
    return cases


@functools.cache
def parsed(page: Path) -> Article:
    return parse_html(page.read_bytes(), page_url(page))


@functools.cache
def expected_for(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.with_name(page.name + SUFFIX).read_text("utf-8"))
    return data


CASES = discover()


def test_fixtures_are_present() -> None:
    pages = {page for page, _ in CASES}
    assert len(pages) >= 5
    assert all(page.is_file() for page in pages)


@pytest.mark.parametrize(
    ("page", "key"), CASES, ids=[f"{p.relative_to(SITE).as_posix()}::{k}" for p, k in CASES])
def test_fixture_field(page: Path, key: str) -> None:
    got = parsed(page).to_dict()[key]
    want = expected_for(page)[key]
    assert got == want, f"{page.relative_to(SITE)}: {key}"


@pytest.mark.parametrize("page", sorted({p for p, _ in CASES}),
                         ids=lambda p: p.relative_to(SITE).as_posix())
def test_fixture_text_joins_lead_paragraphs_and_subheadings(page: Path) -> None:
    article = parsed(page)
    blocks = article.text.split("\n\n") if article.text else []
    expected_blocks = ([article.lead] if article.lead else []) + list(article.paragraphs)
    assert sorted(blocks) == sorted(expected_blocks + list(article.subheadings))
    assert [b for b in blocks if b in article.paragraphs] == list(article.paragraphs)
