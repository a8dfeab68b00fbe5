"""JSON-LD (schema.org) blocks: parse leniently, flatten, pick the article object."""

from __future__ import annotations

import json
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser

JsonObject = dict[str, Any]

#: schema.org types (besides any ``*Article``) that describe a news/blog story.
ARTICLE_TYPES = frozenset({
    "BlogPosting", "LiveBlogPosting", "Report", "SocialMediaPosting", "Blog", "Review",
})
#: Keys under which schema.org nests the described entity.
_NESTING_KEYS = ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement")
#: Bounds the flattening walk: real pages nest a few levels; hostile ones may not.
MAX_OBJECTS = 500

_COMMENTS = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _loads(raw: str) -> Any:
    text = _COMMENTS.sub("", raw.strip()).strip().rstrip(";")
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def jsonld_objects(tree: LexborHTMLParser) -> list[JsonObject]:
    """Every JSON object in the page's ``application/ld+json`` blocks, flattened."""
    found: list[JsonObject] = []
    for script in tree.css('script[type="application/ld+json" i]'):
        data = _loads(script.text(deep=True))
        if data is not None:
            found.extend(_flatten(data))
    return found


def _flatten(data: Any) -> list[JsonObject]:
    """Objects at the top level, in lists, and under ``@graph``/``mainEntity`` (iterative)."""
    out: list[JsonObject] = []
    stack: list[Any] = [data]
    while stack and len(out) < MAX_OBJECTS:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            out.append(item)
            nested = [item[k] for k in _NESTING_KEYS if isinstance(item.get(k), dict | list)]
            stack.extend(reversed(nested))
    return out


def types_of(obj: JsonObject) -> set[str]:
    """Local names of ``@type`` (``"schema:NewsArticle"`` -> ``"NewsArticle"``)."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", v)[-1] for v in values if isinstance(v, str)}


def is_article(obj: JsonObject) -> bool:
    return any(t.endswith("Article") or t in ARTICLE_TYPES for t in types_of(obj))


def article_object(objects: list[JsonObject]) -> JsonObject | None:
    """The first object typed as an article, preferring one with a headline."""
    articles = [o for o in objects if is_article(o)]
    with_headline = [o for o in articles if text_value(o.get("headline"))]
    chosen = with_headline or articles
    return chosen[0] if chosen else None


def text_value(value: Any) -> str | None:
    """A plain string out of a JSON-LD value (string, ``{"@value"}``, first of a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def first_value(objects: list[JsonObject], key: str) -> str | None:
    """``key`` from the first object that has a usable value for it."""
    for obj in objects:
        value = text_value(obj.get(key))
        if value:
            return value
    return None


def names(value: Any, index: dict[str, JsonObject]) -> list[str]:
    """Names of a Person/Organization value (object, list, string, or ``@id`` reference)."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = index.get(item["@id"], item)
        name = text_value(item.get("name")) if isinstance(item, dict) else text_value(item)
        if name:
            out.append(name)
    return out


def id_index(objects: list[JsonObject]) -> dict[str, JsonObject]:
    return {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
