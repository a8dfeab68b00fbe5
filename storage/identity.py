"""Content fingerprints: what counts as the same editorial content.

The content hash covers the editorial fields only, after a normalisation that
removes what is not an editorial change: Unicode form (NFC), runs of whitespace,
typographic quotes and apostrophes, soft hyphens and zero-width characters.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable

# Characters folded before hashing: typographic variants that editors and CMSs swap
# without changing the words (curly vs straight quotes, NBSP vs space, ...).
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """The form in which editorial text is compared and hashed.

    Invisible characters go before composing, so a soft hyphen between a letter and
    its accent does not keep them apart.
    """
    folded = unicodedata.normalize("NFC", text.translate(_FOLD))
    return _SPACES.sub(" ", folded).strip()


def content_hash(
    *,
    title: str | None,
    bylines: Iterable[str],
    lead: str | None,
    paragraphs: Iterable[str],
    subheadings: Iterable[str],
    captions: Iterable[str],
) -> str:
    """sha256 of the normalised editorial fields (and nothing else)."""
    doc = {
        "title": normalize_text(title or ""),
        "bylines": [normalize_text(b) for b in bylines],
        "lead": normalize_text(lead or ""),
        "paragraphs": [normalize_text(p) for p in paragraphs],
        "subheadings": [normalize_text(s) for s in subheadings],
        "captions": [normalize_text(c) for c in captions],
    }
    blob = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def word_count(lead: str | None, paragraphs: Iterable[str]) -> int:
    """Words of the story's body (lead and paragraphs), the measure of a collapse."""
    return len((lead or "").split()) + sum(len(p.split()) for p in paragraphs)
