"""Near-duplicate detection: SimHash fingerprints, bands and the text verification.

Texts are the fixture corpus's expected article texts; the thresholds themselves are
calibrated by ``bench/calibrate_simhash.py``, so these tests check properties and the
behaviour the module promises, not the figures.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.simhash import (
    BAND_TAG_SHIFT,
    MIN_WORDS,
    NEAR_BANDS,
    NEAR_MAX_HAMMING,
    bands,
    hamming,
    is_near_duplicate,
    simhash64,
    text_similarity,
)

ROOT = Path(__file__).resolve().parent.parent
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def _fixture_articles() -> dict[str, tuple[str, list[str]]]:
    """Host -> (language, paragraphs) for every fixture page that has article paragraphs."""
    found: dict[str, tuple[str, list[str]]] = {}
    for path in sorted((ROOT / "fixtures" / "site").rglob("*.expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["paragraphs"]:
            host = path.relative_to(ROOT / "fixtures" / "site").parts[0]
            found[host] = (str(data["language"]), list(data["paragraphs"]))
    return found


ARTICLES = _fixture_articles()

# A made-up paragraph of ordinary length (about the article's mean) in each language.
ADDED = {
    "en": "A spokesperson for the regional agency said further details would be published "
    "next month, after a consultation with residents, local businesses and the groups "
    "that had asked for the review.",
    "fr": "Un porte-parole de l'agence régionale a indiqué que d'autres précisions seraient "
    "publiées le mois prochain, après une consultation des habitants, des commerces et des "
    "associations qui avaient demandé cet examen.",
}


def _text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def test_corpus_has_articles_to_compare() -> None:
    assert len(ARTICLES) >= 20


@pytest.mark.parametrize("host", sorted(ARTICLES))
def test_identical_text_is_distance_zero_and_a_near_duplicate(host: str) -> None:
    text = _text(ARTICLES[host][1])
    h = simhash64(text)
    assert simhash64(text) == h
    assert hamming(h, simhash64(text)) == 0
    assert text_similarity(text, text) == 1.0
    assert is_near_duplicate(h, text, simhash64(text), text) == 1.0


@pytest.mark.parametrize(
    "host", [h for h, (_, paras) in ARTICLES.items() if len(paras) == 10], ids=str
)
def test_paragraph_added_to_ten_paragraph_article_stays_near_duplicate(host: str) -> None:
    language, paragraphs = ARTICLES[host]
    original = _text(paragraphs)
    extended = _text([*paragraphs[:5], ADDED[language[:2]], *paragraphs[5:]])
    similarity = is_near_duplicate(simhash64(original), original, simhash64(extended), extended)
    assert similarity is not None
    assert similarity == text_similarity(original, extended)


def test_there_are_ten_paragraph_fixture_articles() -> None:
    assert any(len(paras) == 10 for _, paras in ARTICLES.values())


def test_distinct_fixture_articles_are_not_near_duplicates() -> None:
    texts = {host: _text(paras) for host, (_, paras) in ARTICLES.items()}
    hashes = {host: simhash64(text) for host, text in texts.items()}
    for a, b in itertools.combinations(sorted(texts), 2):
        assert is_near_duplicate(hashes[a], texts[a], hashes[b], texts[b]) is None, (a, b)


def test_text_is_normalised_before_hashing() -> None:
    text = _text(ARTICLES["www.conso-pratique.example"][1])
    variant = "  " + unicodedata.normalize("NFD", text.upper()).replace(" ", " \u00a0 ") + " !"
    variant = variant.replace(",", " ;").replace("’", "'")
    assert simhash64(variant) == simhash64(text)
    assert text_similarity(variant, text) == 1.0


def test_short_texts_are_never_near_duplicates() -> None:
    text = " ".join(_text(ARTICLES["fieldnotes.example"][1]).split()[: MIN_WORDS - 1])
    h = simhash64(text)
    assert is_near_duplicate(h, text, h, text) is None


def test_fingerprint_is_stable_across_processes() -> None:
    """blake2b, not the per-process salted hash(): another hash seed, same fingerprint."""
    text = _text(ARTICLES["fieldnotes.example"][1])
    code = "import sys; from storage.simhash import simhash64; print(simhash64(sys.stdin.read()))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert int(out.stdout) == simhash64(text)


@given(st.text(max_size=400))
def test_fingerprint_fits_a_signed_bigint(text: str) -> None:
    h = simhash64(text)
    assert -(2**63) <= h < 2**63
    assert hamming(h, h & (2**64 - 1)) == 0


def test_fixture_fingerprints_use_the_sign_bit() -> None:
    signs = {simhash64(_text(paras)) < 0 for _, paras in ARTICLES.values()}
    assert signs == {True, False}


@given(INT64, INT64)
def test_hamming_is_symmetric_and_bounded(a: int, b: int) -> None:
    assert hamming(a, b) == hamming(b, a)
    assert 0 <= hamming(a, b) <= 64
    assert hamming(a, a) == 0
    assert hamming(a, ~a) == 64


@given(st.text(max_size=300), st.text(max_size=300))
def test_text_similarity_is_symmetric_and_in_unit_range(a: str, b: str) -> None:
    assert 0.0 <= text_similarity(a, b) <= 1.0
    assert text_similarity(a, b) == text_similarity(b, a)


@given(INT64)
def test_band_values_are_small_tagged_and_distinct_per_index(h: int) -> None:
    values = bands(h)
    assert len(values) == NEAR_BANDS == NEAR_MAX_HAMMING + 1
    assert all(0 <= v < NEAR_BANDS << BAND_TAG_SHIFT for v in values)
    assert [v >> BAND_TAG_SHIFT for v in values] == list(range(NEAR_BANDS))


@given(INT64, st.sets(st.integers(0, 63), max_size=NEAR_MAX_HAMMING))
def test_fingerprints_within_k_bits_share_a_band(h: int, flips: set[int]) -> None:
    mask = sum(1 << bit for bit in flips)
    other = (h & (2**64 - 1)) ^ mask
    other = other - 2**64 if other >= 2**63 else other
    assert hamming(h, other) == len(flips)
    assert any(x == y for x, y in zip(bands(h), bands(other), strict=True))


@given(INT64, INT64)
def test_bands_determine_the_fingerprint(a: int, b: int) -> None:
    assert (bands(a) == bands(b)) == (a == b)
