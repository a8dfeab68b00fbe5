"""Body-text quality and speed: our parser against trafilatura (and readability-lxml,
newspaper4k when installed), in one run, over the same pages.

Usage: python bench/parse_bench.py [--repeat N] [--json FILE] [--per-page] [DIR ...]

Pages:
- every fixture page with an expected JSON under fixtures/site/ whose ``is_article``
  is not false; the ground truth is its expected ``text`` (lead, paragraphs and
  subheadings, as a reader reads them);
- for each DIR, every ``NAME.html`` with a ``NAME.json`` beside it holding
  ``{"articleBody": ...}`` (and optionally ``"url"``) as the ground truth.

Quality is token-level precision, recall and F1 of the extracted body text against
the ground truth (lower-cased Unicode word tokens, compared as multisets), averaged
per page. Speed is the median and p95 of the per-page time, in-process, parse only:
each page is parsed ``--repeat`` times after one warm-up, and the page's time is the
median of those runs. The ratio compares median times with trafilatura's (above 1:
faster than trafilatura).

trafilatura runs ``extract(html, url=url, include_comments=False)`` — its defaults
otherwise — because the ground truth leaves reader comments out.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.parse import parse_html  # noqa: E402

TOKEN = re.compile(r"\w+", re.UNICODE)
Extractor = Callable[[bytes, str], str]


@dataclass(frozen=True)
class Page:
    name: str
    html: bytes
    url: str
    truth: str


@dataclass
class Score:
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    failures: int = 0


def tokens(text: str) -> Counter[str]:
    return Counter(t.lower() for t in TOKEN.findall(text))


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Token-level precision, recall and F1 (multiset overlap)."""
    pred, gold = tokens(predicted), tokens(truth)
    common = sum((pred & gold).values())
    if not pred or not gold:
        return (1.0, 1.0, 1.0) if pred == gold else (0.0, 0.0, 0.0)
    p, r = common / sum(pred.values()), common / sum(gold.values())
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fixture_pages() -> list[Page]:
    site = ROOT / "fixtures" / "site"
    pages = []
    for expected in sorted(site.rglob("*.expected.json")):
        data = json.loads(expected.read_text(encoding="utf-8"))
        # Tokens are compared as multisets, so order does not matter for the fallback.
        truth = data.get("text") or "\n\n".join(
            [data.get("lead") or "", *data.get("paragraphs", []), *data.get("subheadings", [])]
        )
        if data.get("is_article") is False or not truth.strip():
            continue
        page = expected.with_name(expected.name.removesuffix(".expected.json"))
        rel = page.relative_to(site).as_posix()
        url = "https://" + rel.removesuffix("index.html")
        pages.append(Page(rel, page.read_bytes(), url, truth))
    return pages


def folder_pages(folder: Path) -> list[Page]:
    pages = []
    for html in sorted(folder.glob("*.html")):
        truth_file = html.with_suffix(".json")
        if not truth_file.is_file():
            continue
        data = json.loads(truth_file.read_text(encoding="utf-8"))
        url = data.get("url") or f"https://bench.example/{html.stem}"
        name = f"{folder.name}/{html.name}"
        pages.append(Page(name, html.read_bytes(), url, data["articleBody"]))
    return pages


def extractors() -> dict[str, Extractor]:
    found: dict[str, Extractor] = {"ours": lambda html, url: parse_html(html, url).text}
    try:
        import trafilatura
    except ImportError:
        sys.exit("trafilatura is not installed: pip install -e '.[bench]'")
    found["trafilatura"] = lambda html, url: (
        trafilatura.extract(html, url=url, include_comments=False) or ""
    )
    found.update(_optional_extractors())
    return found


def _optional_extractors() -> dict[str, Extractor]:
    found: dict[str, Extractor] = {}
    try:
        import lxml.html
        from readability import Document

        def readability(html: bytes, url: str) -> str:
            summary = Document(html, url=url).summary(html_partial=True)
            return str(lxml.html.fromstring(summary).text_content())

        found["readability-lxml"] = readability
    except ImportError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import newspaper

        def newspaper4k(html: bytes, url: str) -> str:
            article = newspaper.Article(url, fetch_images=False)
            article.download(input_html=html.decode("utf-8", "replace"))
            article.parse()
            return str(article.text)

        found["newspaper4k"] = newspaper4k
    except ImportError:
        pass
    return found


def timed(func: Callable[[], str], repeat: int) -> tuple[str, float]:
    out = func()  # warm-up, and the output that is scored
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return out, statistics.median(samples) * 1000


def run(pages: list[Page], tools: dict[str, Extractor], repeat: int,
        per_page: bool) -> dict[str, Score]:
    scores = {name: Score() for name in tools}
    for page in pages:
        row = [f"{page.name[-56:]:<56}"]
        for name, extract in tools.items():
            try:
                text, ms = timed(lambda e=extract, p=page: e(p.html, p.url), repeat)
            except Exception:  # a peer failing on a page scores zero, it does not stop the run
                scores[name].failures += 1
                text, ms = "", float("nan")
            p, r, f = prf(text, page.truth)
            s = scores[name]
            s.precision.append(p)
            s.recall.append(r)
            s.f1.append(f)
            if ms == ms:
                s.ms.append(ms)
            row.append(f"{f:5.2f} {ms:7.2f}")
        if per_page:
            print("  ".join(row))
    return scores


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(scores: dict[str, Score], pages: int) -> list[dict[str, object]]:
    base = statistics.median(scores["trafilatura"].ms)
    rows = []
    for name, s in scores.items():
        median = statistics.median(s.ms)
        rows.append({
            "tool": name, "pages": pages, "precision": statistics.mean(s.precision),
            "recall": statistics.mean(s.recall), "f1": statistics.mean(s.f1),
            "median_ms": median, "p95_ms": p95(s.ms), "speed_vs_trafilatura": base / median,
            "failures": s.failures,
        })
    print("\n| tool | pages | precision | recall | F1 | median ms | p95 ms | vs trafilatura |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['tool']} | {r['pages']} | {r['precision']:.3f} | {r['recall']:.3f} | "
              f"{r['f1']:.3f} | {r['median_ms']:.2f} | {r['p95_ms']:.2f} | "
              f"{r['speed_vs_trafilatura']:.1f}× |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="folders of NAME.html + NAME.json")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per page and tool")
    parser.add_argument("--json", type=Path, help="also write the summary rows to this file")
    parser.add_argument("--per-page", action="store_true", help="print F1 and ms per page")
    parser.add_argument("--no-fixtures", action="store_true", help="only the DIRs given")
    args = parser.parse_args()
    pages = [] if args.no_fixtures else fixture_pages()
    for folder in args.dirs:
        pages += folder_pages(folder)
    if not pages:
        sys.exit("no pages to measure")
    tools = extractors()
    if args.per_page:
        print(f"{'page':<56}  " + "  ".join(f"{n[:13]:>13}" for n in tools))
    rows = report(run(pages, tools, args.repeat, args.per_page), len(pages))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
