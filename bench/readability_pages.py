"""Turn real news pages from Mozilla Readability's test suite into a benchmark folder.

Usage: python bench/readability_pages.py CHECKOUT DIR [NAME ...]

CHECKOUT is a clone of https://github.com/mozilla/readability. For each test page NAME
(default: ``REAL_NEWS_PAGES``) it writes ``DIR/NAME.html`` (the page as the site served
it, ``source.html``) and ``DIR/NAME.json``: ``{"articleBody": ..., "url": ...}``, the
body being the text of Readability's ``expected.html``, one block element a paragraph.
``parse_bench.py --no-fixtures DIR`` then scores every tool against it.

The pages are not copied into this repository: they belong to their publishers.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

#: News articles of the suite between ~55 KB and ~210 KB, in four languages, used for
#: the "real pages" table of bench/README.md.
REAL_NEWS_PAGES = ("ars-1", "france24-1", "herald-sun-1", "la-nacion", "lemonde-1",
                   "liberation-1", "telegraph", "wapo-1", "wapo-2", "yahoo-4")
#: Elements whose own text is one paragraph of the ground truth.
TEXT_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote",
                         "pre", "figcaption"})
_SPACES = re.compile(r"\s+")


def _own_text(block: LexborNode) -> str:
    """Text of ``block`` outside the text blocks nested in it."""
    parts: list[str] = []
    stack = list(reversed(list(block.iter(include_text=True))))
    while stack:
        node = stack.pop()
        if node.tag == "-text":
            parts.append(node.text_content or "")
        elif node.tag in TEXT_BLOCKS or node.tag == "br":
            parts.append(" ")
        elif node.tag not in ("script", "style"):
            stack.extend(reversed(list(node.iter(include_text=True))))
    return _SPACES.sub(" ", "".join(parts)).strip()


def article_body(expected_html: str) -> str:
    tree = LexborHTMLParser(expected_html)
    root = tree.body or tree.root
    if root is None:
        return ""
    texts = (_own_text(n) for n in root.traverse() if n.tag in TEXT_BLOCKS)
    return "\n\n".join(t for t in texts if t)


def canonical_url(source_html: str) -> str | None:
    tree = LexborHTMLParser(source_html)
    for link in tree.css("link[rel][href]"):
        if "canonical" in (link.attributes.get("rel") or "").lower().split():
            return (link.attributes.get("href") or "").strip() or None
    meta = tree.css_first('meta[property="og:url"][content]')
    return (meta.attributes.get("content") or "").strip() or None if meta else None


def convert(checkout: Path, out: Path, name: str) -> None:
    page = checkout / "test" / "test-pages" / name
    source = (page / "source.html").read_text(encoding="utf-8")
    body = article_body((page / "expected.html").read_text(encoding="utf-8"))
    (out / f"{name}.html").write_text(source, encoding="utf-8")
    record = {"articleBody": body, "url": canonical_url(source)}
    (out / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    checkout, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name in argv[2:] or REAL_NEWS_PAGES:
        try:
            convert(checkout, out, name)
        except OSError as exc:
            print(f"Error: {name}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
