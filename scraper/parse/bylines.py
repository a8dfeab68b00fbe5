"""Bylines: author names from JSON-LD, ``<meta>``, byline markup, or a "By ..." line.

Names are cleaned the same way whatever the source: no "Par"/"By"/"Von"/"Por" prefix,
no role after a comma (", Local Democracy Reporter"), and "X et Y", "X and Y",
"X, Y and Z" split into one name each.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scraper.parse.jsonld import JsonObject, id_index, names
from scraper.parse.metadata import MetaMap
from scraper.parse.text import hint_tokens, in_other_story, node_text, normalize_space
from scraper.parse.vocab import (
    BYLINE_CONJUNCTIONS,
    BYLINE_PREFIXES,
    BYLINE_ROLE_WORDS,
    BYLINE_TOKENS,
    NAME_PARTICLES,
)

AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
               "dcterms.creator", "byl")
#: A byline is a short line; longer text is a paragraph that happens to start with "By".
MAX_BYLINE_CHARS = 150
#: Names longer than this many words are sentences, not names.
MAX_NAME_WORDS = 6

_PREFIX = re.compile(
    r"^(?:" + "|".join(re.escape(p) for p in sorted(BYLINE_PREFIXES, key=len, reverse=True))
    + r")\b\s*:?\s*", re.I)
_CONJUNCTION = re.compile(
    r"\s+(?:" + "|".join(re.escape(c) for c in BYLINE_CONJUNCTIONS if c != "&") + r")\s+|\s*&\s*",
    re.I)
_TAIL = re.compile(r"\s+(?:[|•·/–—-]|with|avec|mit|con|photos?:?)\s+.*$|\(.*?\)|\bhttps?://\S+",
                   re.I)


def clean_name(raw: str) -> str:
    return normalize_space(raw.strip(" ,;:.-–—|"))


def _has_role(part: str) -> bool:
    words = {w.strip(".,;:()").lower() for w in part.split()}
    return not words.isdisjoint(BYLINE_ROLE_WORDS)


def split_byline(text: str) -> list[str]:
    """Names in a byline string, prefix and roles removed."""
    text = _TAIL.sub("", normalize_space(text))
    text = _PREFIX.sub("", text, count=1)
    parts = _CONJUNCTION.split(text)
    found: list[str] = []
    if len(parts) > 1:
        *heads, last = parts
        for head in heads:
            found.extend(head.split(","))
        found.append(last.split(",")[0])
    else:
        first, *rest = text.split(",")
        found.append(first)
        found.extend(p for p in rest if looks_like_person(clean_name(p)))
    return [n for n in (clean_name(p) for p in found) if looks_like_name(n)]


def looks_like_name(name: str) -> bool:
    """Lenient check used on author metadata: a few words, no URL, no digits, no role."""
    words = name.split()
    if not words or len(words) > MAX_NAME_WORDS or len(name) > 80:
        return False
    if any(ch.isdigit() for ch in name) or "@" in name or "://" in name:
        return False
    return not _has_role(name)


def looks_like_person(name: str) -> bool:
    """Strict check for names found in running text: capitalised words or particles."""
    words = name.split()
    if not looks_like_name(name) or not words[0][:1].isupper():
        return False
    if any(len(w) > 1 and w.isupper() for w in words):
        return False
    return all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words)


def byline_from_text(text: str) -> list[str]:
    """Names when ``text`` is a "By X and Y" line, else ``[]``."""
    text = normalize_space(text)
    if len(text) > MAX_BYLINE_CHARS or not _PREFIX.match(text):
        return []
    rest = _PREFIX.sub("", text, count=1)
    found = split_byline(text)
    if not found or not all(looks_like_person(n) for n in found):
        return []
    single_word = len(found) == 1 and len(found[0].split()) == 1
    return [] if single_word and clean_name(rest) != found[0] else found


def _dedup(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())


def jsonld_bylines(article: JsonObject | None, objects: list[JsonObject]) -> tuple[str, ...]:
    if article is None:
        return ()
    raw = names(article.get("author"), id_index(objects)) or names(
        article.get("creator"), id_index(objects))
    return _dedup([n for r in raw for n in split_byline(r)])


def meta_bylines(meta: MetaMap) -> tuple[str, ...]:
    for key in AUTHOR_META:
        found = [n for v in meta.get(key, []) for n in split_byline(v)]
        if found:
            return _dedup(found)
    return ()


def markup_bylines(scope: LexborNode) -> tuple[str, ...]:
    """Byline markup in the article: itemprop=author, rel=author, then byline/author classes."""
    groups = (
        [n.css_first('[itemprop="name"]') or n for n in scope.css('[itemprop~="author"]')],
        scope.css('[rel~="author"]'),
        [n for n in scope.css("[class]") if not BYLINE_TOKENS.isdisjoint(hint_tokens(n))],
    )
    for nodes in groups:
        texts = [node_text(n) for n in nodes if not in_other_story(n, scope)]
        found = [name for t in texts if 0 < len(t) <= MAX_BYLINE_CHARS
                 for name in split_byline(t)]
        if found:
            return _dedup(found)
    return ()


def extract_bylines(article: JsonObject | None, objects: list[JsonObject], meta: MetaMap,
                    scope: LexborNode, text_names: tuple[str, ...]) -> tuple[str, ...]:
    """JSON-LD authors, else ``<meta>`` author, else byline markup, else a "By" line."""
    return (jsonld_bylines(article, objects) or meta_bylines(meta) or markup_bylines(scope)
            or _dedup(list(text_names)))

