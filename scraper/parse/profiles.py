"""Site profiles: optional per-host CSS overrides, applied through ``parse_html``.

A ``Profile`` names a host and CSS selectors for some fields (``body``, ``title``,
``lead``, ``bylines``, ``published``, ``exclude``). ``parse_html`` takes one explicitly
(``profile=``) or looks the page's host up in the packaged ``profiles.toml``; the
profile overrides the generic stage results only for the fields it names, and
``exclude`` removes elements before any stage runs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from scraper.parse.bylines import split_byline
from scraper.parse.dates import parse_text_date
from scraper.parse.metadata import normalize_date
from scraper.parse.text import attr, node_text

PROFILES_FILE = "profiles.toml"


class ProfileError(ValueError):
    """A profile entry that is not a table of selector strings with a host."""


@dataclass(frozen=True, slots=True)
class Profile:
    """CSS overrides for one host; ``None`` leaves the generic result."""

    host: str
    body: str | None = None
    title: str | None = None
    lead: str | None = None
    bylines: str | None = None
    published: str | None = None
    exclude: str | None = None

    def matches(self, host: str | None) -> bool:
        if not host:
            return False
        own = self.host.lower().removeprefix("www.")
        other = host.lower().removeprefix("www.")
        return other == own or other.endswith("." + own)


def profile_from_dict(entry: dict[str, Any]) -> Profile:
    names = {f.name for f in fields(Profile)}
    unknown = set(entry) - names
    if unknown or not isinstance(entry.get("host"), str):
        raise ProfileError(f"bad profile entry (unknown keys {sorted(unknown)} or no host)")
    if not all(isinstance(v, str) for v in entry.values()):
        raise ProfileError(f"profile {entry['host']}: values must be strings")
    return Profile(**entry)


def load_profiles(text: str) -> tuple[Profile, ...]:
    data = tomllib.loads(text)
    entries = data.get("profile", [])
    if not isinstance(entries, list):
        raise ProfileError("'profile' must be an array of tables")
    return tuple(profile_from_dict(e) for e in entries)


@lru_cache(maxsize=1)
def packaged_profiles() -> tuple[Profile, ...]:
    text = resources.files("scraper.parse").joinpath(PROFILES_FILE).read_text("utf-8")
    return load_profiles(text)


def find_profile(host: str | None) -> Profile | None:
    return next((p for p in packaged_profiles() if p.matches(host)), None)


def select(tree: LexborHTMLParser, selector: str | None) -> list[LexborNode]:
    """Nodes matching ``selector``; an invalid selector matches nothing."""
    if not selector:
        return []
    try:
        return list(tree.css(selector))
    except SelectolaxError:
        return []


def remove_excluded(tree: LexborHTMLParser, profile: Profile | None) -> None:
    if profile is None:
        return
    for node in select(tree, profile.exclude):
        node.decompose()


def profile_text(tree: LexborHTMLParser, selector: str | None) -> str | None:
    """Text of the first element matching ``selector`` that has any."""
    return next((t for n in select(tree, selector) if (t := node_text(n))), None)


def profile_bylines(tree: LexborHTMLParser, profile: Profile) -> tuple[str, ...] | None:
    if not profile.bylines:
        return None
    found = [n for node in select(tree, profile.bylines) for n in split_byline(node_text(node))]
    return tuple(dict.fromkeys(found)) if found else None


def profile_published(tree: LexborHTMLParser, profile: Profile,
                      month_first: bool) -> str | None:
    for node in select(tree, profile.published):
        found = normalize_date(attr(node, "datetime") or attr(node, "content") or None)
        found = found or parse_text_date(node_text(node), month_first)
        if found:
            return found
    return None
