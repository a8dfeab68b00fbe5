"""The seed page must come out exactly as its expected JSON, field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.models import Article
from scraper.parse import parse_html

SEED = (Path(__file__).resolve().parents[1] / "fixtures/site/actumonde.example/2024/06/18"
        / "le-president-russe-vladimir-poutine-fait-leloge-de-pyongyang")
PAGE = SEED / "index.html"
EXPECTED: dict[str, Any] = json.loads((SEED / "index.html.expected.json").read_text("utf-8"))
URL = "https://actumonde.example/2024/06/18/le-president-russe-vladimir-poutine-fait-leloge-de-pyongyang/"


@pytest.fixture(scope="module")
def article() -> Article:
    return parse_html(PAGE.read_bytes(), URL)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_seed_field(article: Article, key: str) -> None:
    assert article.to_dict()[key] == EXPECTED[key]


def test_seed_text_is_lead_paragraphs_and_subheadings_in_document_order(
        article: Article) -> None:
    paragraphs = EXPECTED["paragraphs"]
    # The one subheading sits between the 7th and the 8th paragraph on the page.
    ordered = [EXPECTED["lead"], *paragraphs[:7], *EXPECTED["subheadings"], *paragraphs[7:]]
    assert article.text == "\n\n".join(ordered)


def test_seed_text_keeps_every_paragraph_once(article: Article) -> None:
    blocks = article.text.split("\n\n")
    assert len(blocks) == len(set(blocks))
    assert EXPECTED["lead"] not in EXPECTED["paragraphs"]


def test_seed_links_are_absolute_and_unique(article: Article) -> None:
    assert article.links
    assert all(link.startswith(("http://", "https://")) for link in article.links)
    assert len(article.links) == len(set(article.links))
    assert "https://actumonde.example/2024/06/12/kim-jong-un-visite-vladivostok/" in article.links


def test_seed_parses_the_same_without_url(article: Article) -> None:
    assert parse_html(PAGE.read_bytes()).url == EXPECTED["url"]
