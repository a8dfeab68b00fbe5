"""Near-duplicate detection for article texts: SimHash fingerprints, bands, verification.

Mechanism, in three steps:

1. **Features.** The text is normalised (NFC after casefolding; every run of characters
   that are neither letters nor digits, punctuation included, separates words), and its
   features are the *set* of word shingles: each run of ``SHINGLE_WORDS`` consecutive
   words. A text shorter than one shingle has its whole word sequence as single feature.
2. **Fingerprint.** Each feature is hashed to 64 bits with ``blake2b(digest_size=8)``
   (stable across processes, unlike ``hash()``). Bit ``j`` of the SimHash is set when more
   than half of the feature hashes have bit ``j`` set. The per-bit counts are not taken
   one feature at a time: all digests are concatenated into one big integer, and for
   each of the 64 positions a single AND with a mask selecting that bit in every 8-byte
   word, followed by ``int.bit_count()``, counts it (64 big-int operations in C per text
   instead of 64 Python operations per feature). The result is returned as a *signed*
   64-bit int so that it fits a SQL ``BIGINT`` on SQLite and PostgreSQL.
   Two texts whose feature sets have cosine similarity ``c`` differ, on average, in
   ``64 * arccos(c) / pi`` bits (random-hyperplane property).
3. **Candidates and verification.** ``bands`` splits a fingerprint into ``NEAR_BANDS =
   NEAR_MAX_HAMMING + 1`` disjoint bit ranges. By the pigeonhole principle, two
   fingerprints within ``NEAR_MAX_HAMMING`` bits agree exactly on at least one band, so an
   index on (band) finds every candidate. Candidates are confirmed by ``hamming`` and
   then by ``text_similarity`` on the texts themselves (``is_near_duplicate``).

Band values are tagged with their band index (``index << BAND_TAG_SHIFT | bits``), so
one column can hold all bands of all articles and equal values always mean "same band,
same bits". A caller may equally store ``(band_index, value)`` pairs: the tag makes the
index redundant but harmless.

Languages written without spaces (Chinese, Japanese, Thai) get one "word" per run of
letters, so their shingles are coarse; texts in those scripts are not calibrated here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection

# Figures below come from ``.venv/bin/python bench/calibrate_simhash.py`` (seed 20250303) on
# 50 articles (34 fixtures, 16 held-out pages; 78-506 words, median 284; de/en/es/fr):
# 350 positive pairs (each article against 7 realistic edits of itself) and 2,450
# negative pairs (every pair of distinct articles, plain and with one shared site footer).

# Words per shingle. Calibrated by the script's sweep over 2-5 words: Hamming distances
# barely move (positives' p50/p95 8/16 for 2 and 3 words, 9/17 and 9/18 for 4 and 5;
# nearest negative 17-18 bits for all); the largest containment between distinct
# articles is 0.373 with 2 words (stop-word pairs such as "of the") against 0.322 with 3.
# 3 words: as edit-tolerant as 2, with less chance overlap.
SHINGLE_WORDS = 3

# Largest Hamming distance between fingerprints of near duplicates. Calibrated: edited
# copies lie at median 8 bits (p95 16), distinct articles at 17 bits or more (p5 23,
# median 30). 12 keeps 86% of the edited copies (86-100% per single edit, 52% for the
# combined "new lead + trimmed + boilerplate" copy) and no negative. Theory agrees: one
# paragraph added to ten moves ~6 bits, a 20% trimmed ending ~9 (64 * arccos(c) / pi).
# Cost: 13 bands of 4-5 bits, so two unrelated fingerprints share a band with probability
# 0.36; k = 6 would make that 0.013 but keep only 37% of the edited copies.
NEAR_MAX_HAMMING = 12

# Pigeonhole: k differing bits can touch at most k of k + 1 disjoint bands.
NEAR_BANDS = NEAR_MAX_HAMMING + 1

# Smallest word-shingle containment for near duplicates. Calibrated: edited copies score
# 0.685 or more (p5 0.836); distinct articles at most 0.322 (a 78-word article plus a
# 38-word shared footer), 0.060 without the footer. 0.5 sits inside the gap.
NEAR_MIN_SIMILARITY = 0.5

# Texts with fewer words never count as near duplicates. Calibrated: distinct articles
# cut short and ending with the same footer of F words pass the two tests above as long
# as the footer is about half the text (F = 19: 13% of pairs at 30 words, none from 40;
# F = 38: none from 90 words), and never without a shared footer. 50 words leaves room
# for a sentence or two of boilerplate and stays below the corpus's shortest article (78).
MIN_WORDS = 50

# Band values carry their index above this bit, so bands of different index never collide.
BAND_TAG_SHIFT = 16

_MASK64 = (1 << 64) - 1
_SIGN64 = 1 << 63
_WORD = re.compile(r"[^\W_]+")
# One set bit at the lowest position of an 8-byte big-endian word.
_LOW_BIT_WORD = b"\x00\x00\x00\x00\x00\x00\x00\x01"


def words(text: str) -> list[str]:
    """The normalised words of ``text``: casefolded, NFC, punctuation dropped.

    >>> words("L’État   s’engage : «\u00a0Oui\u00a0» !")
    ['l', 'état', 's', 'engage', 'oui']
    """
    return _WORD.findall(unicodedata.normalize("NFC", text.casefold()))


def word_shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The set of ``size``-word shingles of ``text`` (whole text if it is shorter)."""
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) < size:
        return {" ".join(tokens)}
    return set(map(" ".join, zip(*(tokens[i:] for i in range(size)), strict=False)))


def simhash_of(features: Collection[str]) -> int:
    """Signed 64-bit SimHash of a set of features (0 for no features)."""
    count = len(features)
    if count == 0:
        return 0
    blake = hashlib.blake2b
    blob = b"".join([blake(f.encode("utf-8"), digest_size=8).digest() for f in features])
    packed = int.from_bytes(blob, "big")
    lows = int.from_bytes(_LOW_BIT_WORD * count, "big")
    value = 0
    for bit in range(64):
        if 2 * ((packed >> bit) & lows).bit_count() > count:
            value |= 1 << bit
    return value - (1 << 64) if value & _SIGN64 else value


def simhash64(text: str) -> int:
    """Signed 64-bit SimHash of ``text`` over its ``SHINGLE_WORDS``-word shingles."""
    return simhash_of(word_shingles(text))


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit fingerprints (signed or not)."""
    return ((a ^ b) & _MASK64).bit_count()


def _band_widths() -> tuple[int, ...]:
    base, extra = divmod(64, NEAR_BANDS)
    return tuple(base + 1 if i < extra else base for i in range(NEAR_BANDS))


_BAND_WIDTHS = _band_widths()


def bands(h: int) -> tuple[int, ...]:
    """The ``NEAR_BANDS`` tagged band values of fingerprint ``h``.

    Band ``i`` covers a disjoint run of bits (widths differ by at most one) and its
    value is ``i << BAND_TAG_SHIFT | bits``: non-negative, below ``NEAR_BANDS <<
    BAND_TAG_SHIFT``, and unequal to any value of another band. Fingerprints within
    ``NEAR_MAX_HAMMING`` bits share at least one value.
    """
    unsigned = h & _MASK64
    out: list[int] = []
    for index, width in enumerate(_BAND_WIDTHS):
        out.append(index << BAND_TAG_SHIFT | (unsigned & ((1 << width) - 1)))
        unsigned >>= width
    return tuple(out)


def containment(a: Collection[str], b: Collection[str]) -> float:
    """``|A ∩ B| / min(|A|, |B|)``, 0.0 when either set is empty."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    large_set = large if isinstance(large, set | frozenset) else set(large)
    return sum(1 for item in small if item in large_set) / len(small)


def text_similarity(a: str, b: str) -> float:
    """Word-shingle containment of two texts, in [0, 1].

    Containment rather than Jaccard: a syndicated copy that adds a paragraph, drops one
    or trims its ending keeps almost all the shingles of the shorter text (containment
    near 1.0) while Jaccard drops with the size difference (0.8 for a 20% trim).
    Distinct articles, even in one language, share almost no 3-word shingles. Calibration:
    edited copies score at least 0.685 in containment but 0.415 in Jaccard; distinct
    articles at most 0.322 and 0.181; the gap is wider in containment. The Hamming filter
    that precedes it rules out pairs of very different length (a teaser and its article).
    """
    return containment(word_shingles(a), word_shingles(b))


def is_near_duplicate(h1: int, text1: str, h2: int, text2: str) -> float | None:
    """Text similarity of a candidate pair if it is a near duplicate, else ``None``.

    Near duplicates: both texts have at least ``MIN_WORDS`` words, the fingerprints
    differ in at most ``NEAR_MAX_HAMMING`` bits, and ``text_similarity`` reaches
    ``NEAR_MIN_SIMILARITY``. ``h1``/``h2`` are the stored ``simhash64`` of the texts.
    """
    if hamming(h1, h2) > NEAR_MAX_HAMMING:
        return None
    if len(words(text1)) < MIN_WORDS or len(words(text2)) < MIN_WORDS:
        return None
    similarity = text_similarity(text1, text2)
    return similarity if similarity >= NEAR_MIN_SIMILARITY else None
