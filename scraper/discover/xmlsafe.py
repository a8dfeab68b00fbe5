"""Untrusted XML in, elements out: the one door every sitemap and feed goes through.

A crawler reads XML written by anyone, so three attacks are closed here:

- **Entity expansion and external references** (billion laughs, XXE): the XML is parsed
  by ``defusedxml`` with DTDs, entity declarations and external references forbidden.
  Expat stops at the ``<!DOCTYPE`` before a single entity is declared, so nothing is
  expanded; the refusal is an ``UnsafeXMLError``. Sitemaps and Atom/RSS 2.0 feeds never
  need a DTD (an old RSS 0.91 feed with the Netscape DOCTYPE is refused too: a choice).
- **Decompression bombs**: a gzip body (recognised by its magic bytes ``1f 8b``, never by
  the URL's ``.gz``) is inflated with ``zlib`` in ``INFLATE_CHUNK`` steps, with a
  running total checked after each step; passing ``MAX_XML_BYTES`` raises
  ``TooLargeError`` at once, so a 1 GB bomb costs at most 50 MB and a few milliseconds.
  Concatenated gzip members are inflated in turn under the same total.
- **Unexpected exceptions**: every failure of bad input (malformed XML, an unknown
  encoding, a corrupt deflate stream, the wrong document type) leaves as a
  ``DiscoveryError`` (a ``ValueError``), never as expat's or zlib's own error.

A truncated gzip stream is not an error here: ``inflate`` returns the bytes it could
inflate with ``truncated=True``, and the caller decides what the prefix is worth (the
sitemap parser recovers the complete ``<url>`` entries of a truncated sitemap).
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

#: Largest XML document (after decompression) we read. The sitemaps protocol caps a
#: sitemap at 50 MB uncompressed (sitemaps.org, "Sitemap file location"); a feed is far
#: smaller, so one cap serves both.
MAX_XML_BYTES = 50 * 1024 * 1024
#: Elements one document may hold. The tree of a 50 MB document of empty ``<a/>`` tags
#: would take over 1 GB of memory; a full legitimate sitemap - 50,000 entries, each with
#: news and image blocks (url, loc, lastmod, news:news/publication/name/language/
#: publication_date/title, image:image/loc/caption/title: 13 elements) - has 650,000.
MAX_XML_ELEMENTS = 1_000_000
#: Output allowed per ``zlib`` call. 1 MiB keeps the overshoot past the cap tiny while
#: the per-call overhead stays negligible (a 50 MB inflate takes ~50 calls).
INFLATE_CHUNK = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
#: ``wbits`` for a gzip header and trailer around a deflate stream (16 + 15).
_GZIP_WBITS = 31
_BOM = "\ufeff"
#: The root element's name, after any XML declaration, comments, processing
#: instructions and DOCTYPE (which the sniffer must see past, not reject).
_PROLOG = re.compile(
    r"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!doctype[^>\[]*(?:\[.*?\])?\s*>\s*)*", re.S | re.I
)
_ROOT_NAME = re.compile(r"<([A-Za-z_][\w.:-]*)")
_DOCTYPE_NAME = re.compile(r"<!doctype\s+([\w.:-]+)", re.I)
#: How much of a body the sniffer looks at; prologs and comments fit well within it.
SNIFF_BYTES = 4096


class DiscoveryError(ValueError):
    """The bytes are not a usable sitemap/feed: malformed, unsafe, too large, wrong type."""


class UnsafeXMLError(DiscoveryError):
    """The XML declares a DTD, entities or external references; refused unexpanded."""


class TooLargeError(DiscoveryError):
    """The body, or its decompressed form, passes ``MAX_XML_BYTES``."""


@dataclass(frozen=True, slots=True)
class Inflated:
    """A body with any gzip layer removed; ``truncated`` when the stream ended early."""

    data: bytes
    truncated: bool = False


def _inflate_member(data: bytes, out: bytearray, limit: int) -> tuple[bytes, bool]:
    """Inflate one gzip member of ``data`` into ``out``; (bytes after it, its end seen)."""
    inflater = zlib.decompressobj(_GZIP_WBITS)
    try:
        while True:
            piece = inflater.decompress(data, INFLATE_CHUNK)
            out += piece
            if len(out) > limit:
                raise TooLargeError(f"gzip body inflates past {limit} bytes")
            data = inflater.unconsumed_tail
            if inflater.eof or (not piece and not data):
                break
    except zlib.error as exc:
        raise DiscoveryError(f"corrupt gzip body: {exc}") from exc
    return inflater.unused_data, inflater.eof


def inflate(body: bytes, limit: int = MAX_XML_BYTES) -> Inflated:
    """``body`` without its gzip layer (when the magic bytes say there is one), capped.

    The output is checked after every ``INFLATE_CHUNK``: a bomb stops within one chunk
    past ``limit``. Bytes after the last gzip member that do not start another member
    are ignored (servers pad); a stream cut short returns its prefix, ``truncated``.
    """
    if len(body) > limit:
        raise TooLargeError(f"body of {len(body)} bytes passes {limit}")
    if not body.startswith(GZIP_MAGIC):
        return Inflated(body)
    out = bytearray()
    rest = body
    while rest.startswith(GZIP_MAGIC):
        rest, complete = _inflate_member(rest, out, limit)
        if not complete:
            return Inflated(bytes(out), truncated=True)
    return Inflated(bytes(out))


def inflate_head(body: bytes, size: int) -> bytes:
    """At most ``size`` leading bytes of ``body`` once inflated (a gzip body's first
    bytes, or ``b""`` when they are corrupt); enough to sniff, never a bomb."""
    if not body.startswith(GZIP_MAGIC):
        return body[:size]
    try:
        return zlib.decompressobj(_GZIP_WBITS).decompress(body, size)
    except zlib.error:
        return b""


class _CappedTreeBuilder(TreeBuilder):
    """A tree builder that refuses to build more than ``MAX_XML_ELEMENTS`` elements."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.left = limit

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.left -= 1
        if self.left < 0:
            raise TooLargeError("too many XML elements")
        return super().start(tag, attrs)


def parse_xml(data: bytes, max_elements: int = MAX_XML_ELEMENTS) -> Element:
    """The root element of ``data``, parsed with DTDs, entities and external refs refused.

    Raises ``UnsafeXMLError`` for a DTD, ``TooLargeError`` past ``max_elements``
    elements, ``DiscoveryError`` for anything malformed.
    """
    if not data.strip():
        raise DiscoveryError("empty body")
    parser = DefusedXMLParser(target=_CappedTreeBuilder(max_elements), forbid_dtd=True,
                              forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DiscoveryError:
        raise
    except DefusedXmlException as exc:
        raise UnsafeXMLError(f"refused XML: {exc!r}") from exc
    except (ParseError, ValueError, LookupError, UnicodeError, RecursionError) as exc:
        # ValueError/LookupError: an unknown or broken encoding declaration; RecursionError:
        # absurd nesting. All are input faults, reported as such.
        raise DiscoveryError(f"malformed XML: {exc}") from exc
    if not isinstance(root, Element):
        raise DiscoveryError("no root element")
    return root


def local_name(tag: object) -> str:
    """``urlset`` for ``{http://www.sitemaps.org/schemas/sitemap/0.9}urlset``; ``""`` for
    comments and processing instructions (whose ``tag`` is a function)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def element_text(element: Element | None) -> str | None:
    """All the text inside ``element``, stripped; None when absent or blank."""
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def child(element: Element, name: str) -> Element | None:
    """The first direct child whose local name is ``name`` (any namespace, or none)."""
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


def child_text(element: Element, name: str) -> str | None:
    return element_text(child(element, name))


_ASCII_SPACES = re.compile(r"[ \t\n\r\f]+")


def squash_space(text: str | None) -> str | None:
    """Runs of ASCII whitespace as one space, stripped (a no-break space is typography
    and stays); None when nothing is left."""
    if text is None:
        return None
    return _ASCII_SPACES.sub(" ", text).strip(" ") or None


def decode_text(data: bytes) -> str:
    """UTF-8 (what sitemaps and feeds are), with a BOM dropped and bad bytes replaced."""
    return data.decode("utf-8", errors="replace").removeprefix(_BOM)


def root_name(head: str) -> str | None:
    """The lower-cased root element (or DOCTYPE) name of a markup prefix, else None.

    ``"urlset"``, ``"rss"``, ``"rdf:rdf"``, ``"html"``; a DOCTYPE names the root too
    (``<!DOCTYPE html>``), so HTML with a long ``<head>`` is still seen as HTML.
    """
    head = head.removeprefix(_BOM).lstrip()[:SNIFF_BYTES]
    doctype = _DOCTYPE_NAME.search(head)
    if doctype is not None and doctype.group(1).lower() == "html":
        return "html"
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() if prolog else 0 :]
    found = _ROOT_NAME.match(rest)
    return found.group(1).lower() if found else None


def has_dtd(text: str) -> bool:
    """True when the text declares a DOCTYPE or entities (never recovered by regex)."""
    lowered = text.lower()
    return "<!doctype" in lowered or "<!entity" in lowered


# -- Regex recovery of documents that are not well-formed --------------------------------
# Every pattern below is linear: an unbounded class never crosses a ``<``, and CDATA
# sections are unwrapped by ``str.find`` first, so a hostile 50 MB body cannot make a
# regex backtrack quadratically.

#: A start tag and its text; the text must be followed by a ``<`` (its end tag), so the
#: half-written value at the end of a truncated body is not taken.
_RECOVER_TAG = re.compile(r"<([A-Za-z_][\w:.-]*)([^<>]*)>([^<]*)(?=<)")
_ATTRIBUTE = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CDATA_OPEN = "<![CDATA["
_CDATA_CLOSE = "]]>"


@dataclass(frozen=True, slots=True)
class RecoveredTag:
    """A start tag found by regex: lower-cased local name and prefix, attributes (by
    local name), and the text that follows it."""

    name: str
    prefix: str
    attributes: dict[str, str]
    text: str


def uncdata(text: str) -> str:
    """``text`` with each CDATA section replaced by its escaped content (an unclosed one
    runs to the end), so that the content holds no ``<``."""
    out: list[str] = []
    position = 0
    while (start := text.find(_CDATA_OPEN, position)) >= 0:
        end = text.find(_CDATA_CLOSE, start + len(_CDATA_OPEN))
        stop = end if end >= 0 else len(text)
        out += [text[position:start], html.escape(text[start + len(_CDATA_OPEN) : stop], False)]
        position = stop + len(_CDATA_CLOSE) if end >= 0 else len(text)
    out.append(text[position:])
    return "".join(out)


def chunks(text: str, start: re.Pattern[str], end: re.Pattern[str], limit: int) -> Iterator[str]:
    """The text after each ``start`` match, up to the next ``start`` or a first ``end``
    match, lazily and at most ``limit`` of them: a hostile body of millions of empty
    ``<item>`` tags costs ``limit`` chunks, not millions."""
    previous: int | None = None
    for count, found in enumerate(start.finditer(text)):
        if previous is not None:
            yield _cut(text[previous : found.start()], end)
        if count >= limit:
            return
        previous = found.end()
    if previous is not None:
        yield _cut(text[previous:], end)


def _cut(chunk: str, end: re.Pattern[str]) -> str:
    found = end.search(chunk)
    return chunk[: found.start()] if found else chunk


def attributes_of(text: str) -> dict[str, str]:
    """The quoted attributes in a tag's text, by local name (``xml:base`` -> ``base``)."""
    return {
        a.group(1).rpartition(":")[2]: html.unescape(a.group(2) or a.group(3) or "")
        for a in _ATTRIBUTE.finditer(text)
    }


def recover_tags(chunk: str) -> list[RecoveredTag]:
    """The start tags of a chunk (already ``uncdata``-ed), in document order, each with
    its attributes and the unescaped, stripped text up to the next tag."""
    tags = []
    for found in _RECOVER_TAG.finditer(chunk):
        prefix, _, name = found.group(1).lower().rpartition(":")
        attributes = attributes_of(found.group(2))
        tags.append(RecoveredTag(name, prefix, attributes, html.unescape(found.group(3)).strip()))
    return tags


def first_text(tags: list[RecoveredTag], *names: str) -> str | None:
    """Text of the first tag named one of ``names`` (lower-case local names) with text."""
    for tag in tags:
        if tag.name in names and tag.text:
            return tag.text
    return None
