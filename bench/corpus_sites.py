"""A realistic news-archive corpus built from the project's real page templates.

A news archive holds many pages per site, all in that site's one template, and several
captures of the same page that differ only in per-response noise. This module makes such
a corpus from the 40 pages of ``fixtures/site`` (one host each: 34 articles, 6 index
pages) and the 16 pages of ``bench/heldout`` (one host each), so 56 sites.

How the pages of one site are made from its one template page:

1. **New article.** The page's own article text (title, lead, paragraphs, subheadings
   and captions from its ``*.expected.json``; ``articleBody`` for the held-out pages) is
   replaced by other articles' paragraphs, one for one, everywhere it occurs: in the
   HTML (escaped), in JSON-LD and script state (JSON-escaped). A paragraph split by inline
   markup is replaced run by run. The URL slug and the published timestamp are replaced
   too. On index pages (no article text) every visible text run of 25+ characters, i.e.
   the headlines and teasers, is replaced. ``Variant.coverage`` says what share of the
   article text was actually found and replaced.
2. **Re-capture.** The same article (same text, slug, date) rendered again.
3. **Capture noise, on every page.** What differs between two responses of one URL on a
   real site: a fresh CSP nonce on every ``<script>``, fresh values for hex ids of 16+
   digits, an ad-request correlator, and a render comment with timestamp and request id.
   The fixtures have no such noise of their own.

Paragraphs come from the 50 pages' ground truth (548 distinct blocks of 40+ characters,
about 93 KB, en/fr/de/es), the site's own language first, never the template's own. Each
site's pool is split in two disjoint halves: the first ``TRAIN_PAGES_MAX`` pages draw
from one, later pages from the other, so a dictionary trained on at most that many first
pages cannot have learned the text of the pages it is applied to.
"""

from __future__ import annotations

import html as htmlmod
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "site"
HELDOUT = ROOT / "bench" / "heldout"

TRAIN_PAGES_MAX = 32  # the largest K (dictionary training pages) the benchmark tries
MIN_RUN = 20  # a text run shorter than this inside a marked-up paragraph is left alone
INDEX_RUN = 25  # on index pages, visible text runs this long are headlines or teasers
RECENT = 5  # a re-capture is of one of the site's last RECENT articles

_TEXT_RUN = re.compile(r">([^<]+)<")
_SKIP_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_HEX_ID = re.compile(r"\b[0-9a-f]{16,}\b")
_QUOTED = re.compile(r'"([^"<>]{20,})"')  # attribute values and JSON strings
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_WORD = re.compile(r"\w+", re.U)


@dataclass(frozen=True)
class TemplatePage:
    """One real page of the project, the template of its site."""

    site: str
    html: str
    encoding: str
    language: str
    texts: tuple[str, ...]  # the article text blocks; empty for an index page
    title: str | None
    slug: str | None
    published: str | None


@dataclass(frozen=True)
class Variant:
    """One page of the corpus."""

    site: str
    article: int  # index of the article within its site
    recapture: bool
    body: bytes
    coverage: float  # share of the template's article text replaced (1.0 on index pages)


def _decode(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"


def _slug(url: str | None) -> str | None:
    if not url:
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s and s != "index.html"]
    if not segments:
        return None
    slug = re.sub(r"(\.amp)?\.html?$", "", segments[-1])
    return slug if len(slug) >= 8 else None


def _page_title(text: str) -> str | None:
    found = _TITLE.search(text)
    return htmlmod.unescape(found.group(1)).strip() or None if found else None


def _fixture_page(path: Path) -> TemplatePage:
    expected = json.loads(Path(f"{path}.expected.json").read_text("utf-8"))
    text, encoding = _decode(path.read_bytes())
    blocks = [expected.get("title"), expected.get("lead"), *expected["paragraphs"]]
    blocks += [*expected["subheadings"], *expected["captions"]]
    texts = tuple(b for b in blocks if b) if expected.get("is_article", True) else ()
    return TemplatePage(
        site=path.relative_to(FIXTURES).parts[0],
        html=text,
        encoding=encoding,
        language=(expected.get("language") or "en")[:2],
        texts=texts,
        title=expected.get("title") or _page_title(text),
        slug=_slug(expected.get("url")),
        published=expected.get("published"),
    )


def _heldout_page(path: Path) -> TemplatePage:
    truth = json.loads(path.with_suffix(".json").read_text("utf-8"))
    text, encoding = _decode(path.read_bytes())
    paragraphs = tuple(p.strip() for p in truth["articleBody"].split("\n\n") if p.strip())
    title = _page_title(text)
    return TemplatePage(
        site=urlsplit(truth["url"]).hostname or path.stem,
        html=text,
        encoding=encoding,
        language=path.name[:2],
        texts=((title,) if title else ()) + paragraphs,
        title=title,
        slug=_slug(truth["url"]),
        published=None,
    )


def template_pages() -> list[TemplatePage]:
    """The 56 real template pages, one per site, in a stable order."""
    fixtures = sorted(p for p in FIXTURES.rglob("*") if Path(f"{p}.expected.json").is_file())
    heldout = sorted(HELDOUT.glob("*.html"))
    return [_fixture_page(p) for p in fixtures] + [_heldout_page(p) for p in heldout]


def paragraph_pool(pages: list[TemplatePage]) -> list[tuple[str, str]]:
    """(language, paragraph) of every article page's text, titles left out, each once."""
    seen: dict[str, str] = {}
    for page in pages:
        for block in page.texts:
            if block != page.title and len(block) >= 40:
                seen.setdefault(block, page.language)
    return [(lang, text) for text, lang in seen.items()]


def vocabulary(pages: list[TemplatePage]) -> tuple[list[str], list[int]]:
    """Words of the real article texts and their cumulative counts, for ``random.choices``."""
    counts: Counter[str] = Counter()
    for page in pages:
        for block in page.texts:
            counts.update(_WORD.findall(block))
    words = sorted(counts, key=lambda w: (-counts[w], w))
    cumulative, total = [], 0
    for word in words:
        total += counts[word]
        cumulative.append(total)
    return words, cumulative


def _skipped_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SKIP_BLOCK.finditer(text)]


def _visible_runs(text: str, min_len: int) -> list[tuple[int, int]]:
    """Spans of text runs between tags, outside scripts and styles, of ``min_len``+ chars."""
    skipped = _skipped_spans(text)
    runs = []
    for m in _TEXT_RUN.finditer(text):
        start, end = m.span(1)
        if end - start < min_len or not m.group(1).strip():
            continue
        if any(a <= start < b for a, b in skipped):
            continue
        runs.append((start, end))
    return runs


def _splice(text: str, spans: list[tuple[int, int]], new: list[str]) -> str:
    parts, last = [], 0
    for (start, end), piece in zip(spans, new, strict=True):
        parts += [text[last:start], piece]
        last = end
    return "".join(parts) + text[last:]


def _fit(source: str, length: int) -> str:
    """``length`` characters of ``source`` (repeated if short), cut at a space."""
    if len(source) < length:
        source = (source + " ") * (length // (len(source) + 1) + 1)
    cut = source.rfind(" ", length // 2, length)
    return source[: cut if cut > 0 else length].strip()


def _replace_exact(text: str, old: str, new: str) -> tuple[str, bool]:
    variants = [
        (old, new),
        (htmlmod.escape(old, quote=False), htmlmod.escape(new, quote=False)),
        (htmlmod.escape(old), htmlmod.escape(new)),
        (json.dumps(old, ensure_ascii=False)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1]),
        (json.dumps(old)[1:-1], json.dumps(new)[1:-1]),
    ]
    found = False
    for before, after in variants:
        if before in text:
            text, found = text.replace(before, after), True
    return text, found


def _norm(text: str) -> str:
    return " ".join(htmlmod.unescape(text).split())


def _overlaps(run: str, old: str) -> bool:
    """Whether a text run holds a piece of an old block: inside it, around it, or its start."""
    if len(run) < MIN_RUN:
        return False
    return run in old or (len(old) >= MIN_RUN and old in run) or run[: 2 * MIN_RUN] in old


def _leftover_spans(text: str) -> list[tuple[int, int]]:
    """Text runs and attribute values where pieces of the old article text may remain."""
    attrs = [m.span(1) for m in _QUOTED.finditer(text)]
    return sorted(_visible_runs(text, MIN_RUN) + attrs)


def replace_article(page: TemplatePage, new: list[str]) -> tuple[str, float]:
    """The template with its article text blocks replaced by ``new``; and the coverage.

    Exact copies (raw, HTML- or JSON-escaped) go first; then any text run or attribute
    value that is a piece of an old block (split by inline markup, or cut short as in a
    meta description) is replaced by as many characters of the new block.
    """
    text, done = page.html, 0
    pairs = sorted(zip(page.texts, new, strict=False), key=lambda p: -len(p[0]))
    for old, replacement in pairs:
        text, found = _replace_exact(text, old, replacement)
        done += len(old) if found else 0
    olds = [(_norm(old), replacement) for old, replacement in pairs]
    spans: list[tuple[int, int]] = []
    pieces: list[str] = []
    for start, end in _leftover_spans(text):
        run = _norm(text[start:end]).rstrip(".… ")
        owner = next((r for o, r in olds if _overlaps(run, o)), None)
        if owner is not None and (not spans or start >= spans[-1][1]):
            spans.append((start, end))
            pieces.append(htmlmod.escape(_fit(owner, end - start)))
            done += len(run)
    total = sum(len(t) for t in page.texts) or 1
    return _splice(text, spans, pieces), min(1.0, done / total)


def replace_index(page: TemplatePage, rng: random.Random, pool: list[str]) -> str:
    """An index page with every headline and teaser run replaced by pool text, each from
    a random paragraph at a random word, so that no snippet repeats page after page."""
    spans = _visible_runs(page.html, INDEX_RUN)
    pieces = []
    for start, end in spans:
        paragraph = rng.choice(pool)
        words = paragraph.split(" ")
        at = rng.randrange(max(1, len(words) - 4))
        pieces.append(htmlmod.escape(_fit(" ".join(words[at:]), end - start), quote=False))
    return _splice(page.html, spans, pieces)


def capture_noise(text: str, rng: random.Random, when: int) -> str:
    """Per-response noise: script nonces, hex ids, an ad correlator, a render comment."""
    nonce = "".join(
        rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=22)
    )
    text = re.sub(r"<script\b", f'<script nonce="{nonce}"', text, flags=re.I)
    text = _HEX_ID.sub(lambda m: f"{rng.getrandbits(4 * len(m.group())):0{len(m.group())}x}", text)
    stamp = f"2025-{1 + when % 12:02d}-{1 + when % 28:02d}T{when % 24:02d}:{when % 60:02d}:07Z"
    extra = (
        f'<script nonce="{nonce}">window.__ads={{"correlator":{rng.getrandbits(52)},'
        f'"pv":"{rng.getrandbits(64):016x}"}};</script>\n'
        f"<!-- rendered {stamp} by web-{rng.randrange(40):02d} in {rng.randrange(40, 900)} ms;"
        f" request {rng.getrandbits(128):032x} -->\n"
    )
    at = text.lower().rfind("</body>")
    return text[:at] + extra + text[at:] if at >= 0 else text + extra


@dataclass(frozen=True)
class _Half:
    """Half of a site's paragraph pool: its own language's paragraphs, then the others."""

    own: list[str]
    other: list[str]

    def pick(self, count: int, rng: random.Random) -> list[str]:
        if len(self.own) >= count:
            return rng.sample(self.own, count)
        return self.own + rng.sample(self.other, min(count - len(self.own), len(self.other)))


def _halves(pool: list[tuple[str, str]], page: TemplatePage, rng: random.Random) -> list[_Half]:
    """The site's pool, less the template's own text, split in two disjoint halves:
    the first for the first ``TRAIN_PAGES_MAX`` pages, the second for the rest."""
    mine = set(page.texts)
    own = [t for lang, t in pool if lang == page.language and t not in mine]
    other = [t for lang, t in pool if lang != page.language and t not in mine]
    rng.shuffle(own)
    rng.shuffle(other)
    a, b = len(own) // 2, len(other) // 2
    return [_Half(own[:a], other[:b]), _Half(own[a:], other[b:])]


def _new_blocks(page: TemplatePage, source: list[str]) -> list[str]:
    """One replacement per text block: a whole paragraph, or a cut one for short blocks."""
    blocks = []
    for old, paragraph in zip(page.texts, source, strict=False):
        blocks.append(_fit(paragraph, len(old)) if len(old) < 80 else paragraph)
    return blocks


def _article_html(page: TemplatePage, blocks: list[str], number: int) -> tuple[str, float]:
    text, coverage = replace_article(page, blocks)
    if page.slug:
        words = re.findall(r"\w+", blocks[0].lower())[:8]
        text = text.replace(page.slug, "-".join([*words, str(number)]))
    if page.published and len(page.published) >= 10:
        day = f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}"
        text = text.replace(page.published, day + page.published[10:])
    return text, coverage


def site_pages(
    page: TemplatePage,
    pool: list[tuple[str, str]],
    articles: int,
    recapture_share: float,
    seed: int,
) -> list[Variant]:
    """A site's pages in capture order: ``articles`` new articles, and after each, with
    probability ``recapture_share``, a re-capture of one of the last ``RECENT`` articles."""
    rng = random.Random(f"{seed}:{page.site}")
    halves = _halves(pool, page, rng)
    bodies: list[tuple[str, float]] = []
    out: list[Variant] = []

    def emit(article: int, recapture: bool) -> None:
        html, coverage = bodies[article]
        noisy = capture_noise(html, rng, len(out))
        body = noisy.encode(page.encoding, errors="xmlcharrefreplace")
        out.append(Variant(page.site, article, recapture, body, coverage))

    for number in range(articles):
        half = halves[0] if len(out) < TRAIN_PAGES_MAX else halves[1]
        if not page.texts:
            bodies.append((replace_index(page, rng, half.own + half.other), 1.0))
        else:
            source = half.pick(len(page.texts), rng)
            bodies.append(_article_html(page, _new_blocks(page, source), number))
        emit(number, recapture=False)
        if rng.random() < recapture_share:
            emit(rng.randrange(max(0, number - RECENT + 1), number + 1), recapture=True)
    return out
