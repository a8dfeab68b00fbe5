"""Publication and modification dates: JSON-LD, ``<meta>``, microdata, ``<time>``."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.jsonld import JsonObject, text_value
from scraper.parse.metadata import MODIFIED_META, PUBLISHED_META, MetaMap, normalize_date
from scraper.parse.text import attr, hint_tokens, in_other_story, node_text, normalize_space

PUBLISHED_TOKENS = frozenset({"published", "pubdate", "date-published", "datepublished",
                              "publish", "posted", "created", "publication"})
#: Labels written before a ``<time>`` (lower-cased), and how far back they are looked for.
UPDATED_WORDS = ("mis à jour", "màj", "updated", "modifié", "actualisé", "aktualisiert",
                 "actualizado", "last modified", "aggiornato")
PUBLISHED_WORDS = ("publié", "published", "posted", "veröffentlicht", "publicado",
                   "pubblicato", "erschienen")
LABEL_CHARS = 40
MODIFIED_TOKENS = frozenset({"updated", "modified", "date-modified", "datemodified",
                             "update", "lastmod", "last-modified"})


def _ld_dates(objects: list[JsonObject], key: str) -> list[str | None]:
    return [text_value(o.get(key)) for o in objects]


def _itemprop_dates(tree: LexborHTMLParser, prop: str) -> list[str | None]:
    nodes = tree.css(f'[itemprop="{prop}"]')
    return [attr(n, "datetime") or attr(n, "content") for n in nodes]


def _time_dates(scope: LexborNode, tokens: frozenset[str]) -> list[str | None]:
    """``<time datetime>`` carrying a published/updated class (or ``pubdate``)."""
    found: list[str | None] = []
    for node in scope.css("time[datetime]"):
        marked = not tokens.isdisjoint(hint_tokens(node))
        if marked or ("pubdate" in node.attributes and "published" in tokens):
            found.append(attr(node, "datetime"))
    return found


def _text_before(node: LexborNode) -> str:
    """Up to ``LABEL_CHARS`` of text just before ``node`` among its siblings, lower-cased."""
    parts: list[str] = []
    sibling = node.prev
    while sibling is not None and sum(map(len, parts)) < LABEL_CHARS:
        text = sibling.text_content if sibling.tag == "-text" else node_text(sibling)
        parts.insert(0, text or "")
        sibling = sibling.prev
    return normalize_space("".join(parts))[-LABEL_CHARS:].lower()


def _labelled_times(scope: LexborNode, words: tuple[str, ...]) -> list[str | None]:
    """``<time datetime>`` introduced by a label ("Mis à jour le", "Updated")."""
    return [attr(n, "datetime") for n in scope.css("time[datetime]")
            if any(w in _text_before(n) for w in words) and not in_other_story(n, scope)]


def _first_time(scope: LexborNode) -> list[str | None]:
    """The first ``<time datetime>`` of the article that is not in a related/comment box
    and not labelled as an update."""
    for node in scope.css("time[datetime]"):
        if in_other_story(node, scope) or any(w in _text_before(node) for w in UPDATED_WORDS):
            continue
        return [attr(node, "datetime")]
    return []


def _first_date(values: list[str | None]) -> str | None:
    for value in values:
        normalized = normalize_date(value)
        if normalized:
            return normalized
    return None


def extract_dates(tree: LexborHTMLParser, meta: MetaMap, ordered: list[JsonObject],
                  scope: LexborNode) -> tuple[str | None, str | None]:
    """(published, modified). ``ordered`` lists the JSON-LD article object first."""
    published = _first_date(
        _ld_dates(ordered, "datePublished")
        + [v for key in PUBLISHED_META for v in meta.get(key, [])]
        + _itemprop_dates(tree, "datePublished")
        + _time_dates(scope, PUBLISHED_TOKENS)
        + _labelled_times(scope, PUBLISHED_WORDS)
        + _first_time(scope)
    )
    modified = _first_date(
        _ld_dates(ordered, "dateModified")
        + [v for key in MODIFIED_META for v in meta.get(key, [])]
        + _itemprop_dates(tree, "dateModified")
        + _time_dates(scope, MODIFIED_TOKENS)
        + _labelled_times(scope, UPDATED_WORDS)
    )
    return published, modified
