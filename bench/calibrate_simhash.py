"""Calibrate the near-duplicate constants of ``storage/simhash.py`` on the project's texts.

Usage:
    .venv/bin/python bench/calibrate_simhash.py [--seed N] [--heldout DIR] [--no-heldout]

Corpus: the article texts (``lead`` + ``paragraphs``) of every ``fixtures/site/**/
*.expected.json`` with paragraphs, and of every page of ``bench/heldout`` as printed by
``python -m scraper parse DIR`` (one subprocess, JSON Lines).

Positive pairs (must be near duplicates): each article against realistic edits of
itself, as a syndicating site or a later revision would make them:
``another_lead`` (its lead replaced by another article's opening sentence),
``para_added`` (a paragraph of another article inserted), ``para_removed``,
``trimmed_20`` (last 20% of the words cut), ``words_changed`` (one word in 20 of each
paragraph replaced, at least one per paragraph), ``boilerplate`` ("This article first
appeared on X." in the article's language), ``syndicated`` (another lead + boilerplate
+ trimmed ending, all at once).

Negative pairs (must not be): every pair of distinct articles, reported also for the
same language, and ``same_site``: both articles with the same site footer appended
(the template text a site repeats under every article). ``short_N`` cuts both articles
of each negative pair to their first N words, to choose ``MIN_WORDS``.

Printed: a sweep over shingle sizes, the Hamming and text-similarity distributions for
the chosen size, recall and band-collision rate per ``NEAR_MAX_HAMMING``, and the
precision and recall of ``is_near_duplicate`` with the module's constants. Edits draw
from ``random.Random(seed)``, so runs are reproducible.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import prepare  # noqa: E402
from storage import simhash as sh  # noqa: E402

APPEARED = {
    "en": "This article first appeared on {site}.",
    "fr": "Cet article a d'abord été publié sur {site}.",
    "de": "Dieser Artikel erschien zuerst auf {site}.",
    "es": "Este artículo se publicó originalmente en {site}.",
}
SHORT_FOOTER = (
    "Subscribe to our newsletter for the top stories of the day. All rights reserved; "
    "reproduction without permission is prohibited."
)
FOOTER = (
    "Follow us on social media and subscribe to our newsletter to get the top stories of "
    "the day in your inbox every morning. Have a news tip? Contact the newsroom. All rights "
    "reserved; reproduction without permission is prohibited."
)


@dataclass(frozen=True)
class Article:
    name: str
    language: str
    lead: str
    paragraphs: tuple[str, ...]

    def text(self) -> str:
        return "\n\n".join(p for p in (self.lead, *self.paragraphs) if p)


@dataclass(frozen=True)
class Pair:
    kind: str
    a: str
    b: str


def _article(name: str, data: dict[str, object]) -> Article | None:
    paragraphs = data.get("paragraphs")
    if not isinstance(paragraphs, list) or not paragraphs:
        return None
    language = str(data.get("language") or "und").split("-")[0]
    return Article(name, language, str(data.get("lead") or ""), tuple(map(str, paragraphs)))


def load_corpus(heldout: Path | None) -> list[Article]:
    """Fixture articles, then held-out pages parsed by the project's parser."""
    articles: list[Article] = []
    for path in sorted((ROOT / "fixtures" / "site").rglob("*.expected.json")):
        found = _article(path.parent.relative_to(ROOT).parts[2], json.loads(path.read_text()))
        if found:
            articles.append(found)
    if heldout is not None:
        command = [sys.executable, "-m", "scraper", "parse", str(heldout)]
        out = subprocess.run(command, cwd=ROOT, capture_output=True, check=True, text=True)
        for line in out.stdout.splitlines():
            data = json.loads(line)
            found = _article(Path(str(data["file"])).stem, data)
            if found:
                articles.append(found)
    return articles


def _join(lead: str, paragraphs: Sequence[str]) -> str:
    return "\n\n".join(p for p in (lead, *paragraphs) if p)


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + dot


def _change_words(paragraph: str, rng: random.Random, pool: Sequence[str]) -> str:
    tokens = paragraph.split()
    for _ in range(max(1, len(tokens) // 20)):
        tokens[rng.randrange(len(tokens))] = rng.choice(pool)
    return " ".join(tokens)


def edits(art: Article, other: Article, rng: random.Random) -> dict[str, str]:
    """Edited copies of ``art``; ``other`` (a different article) supplies new material."""
    paras = list(art.paragraphs)
    pool = other.text().split()
    appeared = APPEARED.get(art.language, APPEARED["en"]).format(site="Example Wire")
    new_lead = _first_sentence(other.paragraphs[0])
    added = [*paras]
    added.insert(rng.randrange(len(paras) + 1), rng.choice(other.paragraphs))
    removed = [*paras]
    if len(removed) > 1:
        del removed[rng.randrange(len(removed))]
    all_words = art.text().split()
    trimmed = " ".join(all_words[: int(len(all_words) * 0.8)])
    lead_words = len(art.lead.split())
    return {
        "another_lead": _join(new_lead, paras),
        "para_added": _join(art.lead, added),
        "para_removed": _join(art.lead, removed),
        "trimmed_20": trimmed,
        "words_changed": _join(art.lead, [_change_words(p, rng, pool) for p in paras]),
        "boilerplate": _join(art.lead, [*paras, appeared]),
        "syndicated": _join(new_lead, [" ".join(trimmed.split()[lead_words:]), appeared]),
    }


def positive_pairs(articles: Sequence[Article], seed: int) -> list[Pair]:
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for i, art in enumerate(articles):
        other = articles[(i + 1 + rng.randrange(len(articles) - 1)) % len(articles)]
        pairs.extend(Pair(k, art.text(), t) for k, t in edits(art, other, rng).items())
    return pairs


def negative_pairs(articles: Sequence[Article]) -> list[Pair]:
    pairs: list[Pair] = []
    for a, b in itertools.combinations(articles, 2):
        kind = "same_language" if a.language == b.language else "other_language"
        pairs.append(Pair(kind, a.text(), b.text()))
        pairs.append(Pair("same_site", f"{a.text()}\n\n{FOOTER}", f"{b.text()}\n\n{FOOTER}"))
    return pairs


def short_pairs(articles: Sequence[Article], cut: int, footer: str) -> list[Pair]:
    def head(art: Article) -> str:
        return " ".join([*art.text().split()[:cut], footer])

    return [Pair(f"short_{cut}", head(a), head(b)) for a, b in itertools.combinations(articles, 2)]


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass(frozen=True)
class Measured:
    kind: str
    distance: int
    containment: float
    jaccard: float
    shared_bands: int


def measure(pairs: Iterable[Pair], size: int) -> list[Measured]:
    out: list[Measured] = []
    for pair in pairs:
        sa, sb = sh.word_shingles(pair.a, size), sh.word_shingles(pair.b, size)
        ha, hb = sh.simhash_of(sa), sh.simhash_of(sb)
        shared = len(set(sh.bands(ha)) & set(sh.bands(hb)))
        out.append(
            Measured(pair.kind, sh.hamming(ha, hb), sh.containment(sa, sb), jaccard(sa, sb), shared)
        )
    return out


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(values: Sequence[float], fmt: str) -> str:
    cells = [min(values), pct(values, 0.05), statistics.median(values), pct(values, 0.95)]
    return " ".join(format(v, fmt).rjust(6) for v in [*cells, max(values)])


def by_kind(rows: Sequence[Measured]) -> dict[str, list[Measured]]:
    groups: dict[str, list[Measured]] = {"ALL": list(rows)}
    for row in rows:
        groups.setdefault(row.kind, []).append(row)
    return groups


def print_distributions(title: str, rows: Sequence[Measured]) -> None:
    print(f"\n{title}: {'':24}      min     p5 median    p95    max")
    for kind, group in by_kind(rows).items():
        distances = [float(r.distance) for r in group]
        print(f"  {kind:15} n={len(group):5}  hamming    {_summary(distances, '.1f')}")
        print(f"  {'':23}contain.   {_summary([r.containment for r in group], '.3f')}")
        print(f"  {'':23}jaccard    {_summary([r.jaccard for r in group], '.3f')}")


def print_histogram(pos: Sequence[Measured], neg: Sequence[Measured]) -> None:
    print("\nHamming histogram (positives | negatives, one # per 2% of the group):")
    for d in range(0, 45, 2):
        p = sum(d <= r.distance < d + 2 for r in pos) / len(pos)
        n = sum(d <= r.distance < d + 2 for r in neg) / len(neg)
        print(f"  {d:2}-{d + 1:<2} {'#' * round(p * 50):>25} | {'#' * round(n * 50)}")


def sweep_shingles(pos: Sequence[Pair], neg: Sequence[Pair]) -> None:
    print(
        "\nShingle-size sweep (positives: p50/p95/max Hamming, min containment;"
        " negatives: min Hamming, max containment):"
    )
    for size in (2, 3, 4, 5):
        p, n = measure(pos, size), measure(neg, size)
        pd = [r.distance for r in p]
        print(
            f"  size {size}: pos {statistics.median(pd):4.0f} {pct(pd, 0.95):3d} {max(pd):3d}"
            f"  {min(r.containment for r in p):.3f}   neg {min(r.distance for r in n):3d}"
            f"  {max(r.containment for r in n):.3f}"
        )


def _band_widths(count: int) -> list[int]:
    base, extra = divmod(64, count)
    return [base + 1 if i < extra else base for i in range(count)]


def random_band_collision(k: int) -> float:
    """Probability that two independent random fingerprints share one of k + 1 bands."""
    miss = 1.0
    for width in _band_widths(k + 1):
        miss *= 1 - 2.0**-width
    return 1 - miss


def sweep_hamming(pos: Sequence[Measured], neg: Sequence[Measured]) -> None:
    kinds = [k for k in by_kind(pos) if k != "ALL"]
    print("\nRecall of the Hamming filter per NEAR_MAX_HAMMING (k), and the cost of k + 1 bands")
    print("(random pair sharing a band = candidate rows fetched per archived article):")
    print("   k  " + " ".join(k[:8].rjust(8) for k in ["ALL", *kinds]) + "  neg<=k  band-hit")
    for k in range(3, 17):
        cells = [
            sum(r.distance <= k for r in group) / len(group)
            for group in (pos, *(by_kind(pos)[kind] for kind in kinds))
        ]
        negs = sum(r.distance <= k for r in neg)
        print(
            f"  {k:2}  "
            + " ".join(f"{c:8.3f}" for c in cells)
            + f"  {negs:6d}  {random_band_collision(k):8.4f}"
        )


def shared_bands(pos: Sequence[Measured], neg: Sequence[Measured]) -> None:
    """How many of the NEAR_BANDS bands a pair shares: a way to rank band candidates."""
    kept = [r for r in pos if r.distance <= sh.NEAR_MAX_HAMMING]
    print(f"\nBands shared (of {sh.NEAR_BANDS}), fraction of pairs with at least m:")
    print("  m          " + " ".join(f"{m:6d}" for m in range(1, 7)))
    for name, rows in (("positives<=k", kept), ("negatives", neg)):
        cells = [sum(r.shared_bands >= m for r in rows) / len(rows) for m in range(1, 7)]
        print(f"  {name:12} " + " ".join(f"{c:6.3f}" for c in cells))


def final_scores(pos: Sequence[Pair], neg: Sequence[Pair]) -> None:
    def flagged(pairs: Sequence[Pair]) -> int:
        return sum(
            sh.is_near_duplicate(sh.simhash64(p.a), p.a, sh.simhash64(p.b), p.b) is not None
            for p in pairs
        )

    tp, fp = flagged(pos), flagged(neg)
    precision = tp / (tp + fp) if tp + fp else 1.0
    print(
        f"\nis_near_duplicate with SHINGLE_WORDS={sh.SHINGLE_WORDS} "
        f"NEAR_MAX_HAMMING={sh.NEAR_MAX_HAMMING} NEAR_MIN_SIMILARITY={sh.NEAR_MIN_SIMILARITY} "
        f"MIN_WORDS={sh.MIN_WORDS}:\n  positives {tp}/{len(pos)} (recall {tp / len(pos):.3f}),"
        f" negatives flagged {fp}/{len(neg)} (precision {precision:.3f})"
    )
    for kind, group in _group_pairs(pos).items():
        hits = flagged(group)
        print(f"    {kind:15} recall {hits / len(group):.3f} ({hits}/{len(group)})")


def fingerprint_candidates(pos: Sequence[Pair], neg: Sequence[Pair]) -> None:
    """The archive's candidate stage (``storage.dedupe``): pairs sharing a sentence."""

    def shares(pair: Pair) -> bool:
        return bool(set(prepare.fingerprints(pair.a)) & set(prepare.fingerprints(pair.b)))

    def both(pair: Pair) -> bool:  # what storage.dedupe does: candidate, then text check
        return shares(pair) and sh.text_similarity(pair.a, pair.b) >= sh.NEAR_MIN_SIMILARITY

    print(
        "\nCandidates by shared sentence fingerprint"
        f" (MIN_SENTENCE_WORDS={prepare.MIN_SENTENCE_WORDS}):"
    )
    print(
        f"  positives sharing a sentence {sum(map(shares, pos))}/{len(pos)},"
        f" negatives {sum(map(shares, neg))}/{len(neg)}"
    )
    print(
        f"  end to end (candidate and verified): positives {sum(map(both, pos))}/{len(pos)},"
        f" negatives {sum(map(both, neg))}/{len(neg)}"
    )
    for kind, group in _group_pairs(pos).items():
        print(f"    {kind:15} {sum(map(both, group))}/{len(group)}")


def _group_pairs(pairs: Sequence[Pair]) -> dict[str, list[Pair]]:
    groups: dict[str, list[Pair]] = {}
    for pair in pairs:
        groups.setdefault(pair.kind, []).append(pair)
    return groups


def short_texts(articles: Sequence[Article]) -> None:
    """Distinct articles cut to T words in all, the last ones a footer shared by both."""
    print(
        "\nDistinct articles cut to T words in all, ending with the same footer of F words"
        "\n(flagged = within NEAR_MAX_HAMMING and NEAR_MIN_SIMILARITY; MIN_WORDS ignored):"
    )
    totals = (30, 40, 50, 60, 70, 90, 120)
    print("  footer      " + " ".join(f"T={t:<4}" for t in totals))
    for footer in ("", APPEARED["en"].format(site="Example Wire"), SHORT_FOOTER, FOOTER):
        size = len(footer.split())
        cells = []
        for total in totals:
            if total <= size:
                cells.append("     -")
                continue
            rows = measure(short_pairs(articles, total - size, footer), sh.SHINGLE_WORDS)
            flagged = sum(
                r.distance <= sh.NEAR_MAX_HAMMING and r.containment >= sh.NEAR_MIN_SIMILARITY
                for r in rows
            )
            cells.append(f"{flagged / len(rows):6.3f}")
        print(f"  F={size:2} words " + " ".join(cells))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=20250303)
    parser.add_argument("--heldout", type=Path, default=ROOT / "bench" / "heldout")
    parser.add_argument("--no-heldout", action="store_true")
    args = parser.parse_args(argv)
    articles = load_corpus(None if args.no_heldout else args.heldout)
    lengths = [len(a.text().split()) for a in articles]
    languages = sorted({a.language for a in articles})
    print(
        f"{len(articles)} articles, {min(lengths)}-{max(lengths)} words "
        f"(median {statistics.median(lengths):.0f}), languages {', '.join(languages)}"
    )
    pos, neg = positive_pairs(articles, args.seed), negative_pairs(articles)
    print(f"{len(pos)} positive pairs, {len(neg)} negative pairs")
    sweep_shingles(pos, neg)
    mpos, mneg = measure(pos, sh.SHINGLE_WORDS), measure(neg, sh.SHINGLE_WORDS)
    print_distributions(f"Positives (SHINGLE_WORDS={sh.SHINGLE_WORDS})", mpos)
    print_distributions("Negatives", mneg)
    print_histogram(mpos, mneg)
    sweep_hamming(mpos, mneg)
    shared_bands(mpos, mneg)
    short_texts(articles)
    final_scores(pos, neg)
    fingerprint_candidates(pos, neg)


if __name__ == "__main__":
    main()
