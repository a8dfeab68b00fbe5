"""Bytes to text: the NotHTML gate and the charset cascade.

Cascade (first step that names a usable encoding wins):

1. the charset of the HTTP ``Content-Type`` header (``http_charset``);
2. a byte-order mark (UTF-8, UTF-16 LE/BE);
3. ``<meta charset>`` or ``<meta http-equiv=Content-Type content="...charset=...">``
   in the first ``META_PRESCAN_BYTES`` bytes;
4. detection: valid UTF-8 is UTF-8, otherwise charset-normalizer's best guess,
   otherwise windows-1252 (the browsers' default for Western pages).

A declared single-byte charset (windows-1252, ISO-8859-x, KOI8-R, ...) is overruled
when the bytes hold non-ASCII text that is valid UTF-8: servers and templates often
label UTF-8 pages "iso-8859-1", and legacy text that happens to be valid UTF-8 is
vanishingly rare (it needs sequences like "Ã©" on purpose).

Labels are resolved as browsers do: ``iso-8859-1``, ``latin-1`` and ``ascii`` mean
windows-1252; an unknown label (or a non-text codec such as ``base64``) falls through
to the next step. A ``<meta>`` naming UTF-16 means UTF-8 (the bytes were readable as
ASCII, so they are not UTF-16).
"""

from __future__ import annotations

import codecs
import functools
import re

import charset_normalizer

from scraper.errors import NotHTMLError

#: How far the ``<meta>`` prescan looks; the HTML standard says 1024 bytes, the brief
#: and real pages with long ``<head>`` comments need a little more.
META_PRESCAN_BYTES = 2048
#: Bytes inspected by the binary sniffer (enough for any magic number and a sample).
SNIFF_BYTES = 4096
#: Share of control characters above which a sample is binary. Text pages have
#: none besides tab/CR/LF; compressed or image data has ~10 %. 5 % splits the two.
MAX_CONTROL_RATIO = 0.05
#: ... and a few stray control characters in a tiny document are not enough.
MIN_CONTROL_BYTES = 8
#: Bytes given to charset-normalizer: detection is slow and a sample is enough.
DETECTION_SAMPLE_BYTES = 64 * 1024

#: Languages (as charset-normalizer names them) written in windows-1252; "Unknown" too,
#: since the browsers' fallback for undeclared pages in Western locales is windows-1252.
WINDOWS_1252_LANGUAGES = frozenset({
    "English", "French", "German", "Spanish", "Italian", "Portuguese", "Dutch", "Danish",
    "Swedish", "Norwegian", "Finnish", "Catalan", "Basque", "Galician", "Irish",
    "Icelandic", "Afrikaans", "Indonesian", "Malay", "Unknown", "",
})
_WINDOWS_1252_ALIASES = frozenset({
    "iso-8859-1", "iso8859-1", "iso_8859-1", "iso-ir-100", "latin-1", "latin1", "l1",
    "ascii", "us-ascii", "ansi_x3.4-1968", "cp819", "ibm819", "csisolatin1", "iso88591",
    "x-cp1252", "windows-1252", "cp1252",
})
_UTF16_CODECS = frozenset({"utf-16", "utf-16-le", "utf-16-be"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b",
    b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"fLaC", b"\x7fELF", b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c", b"Rar!", b"\x28\xb5\x2f\xfd",
    b"wOFF", b"wOF2", b"\x00\x01\x00\x00\x00", b"SQLite format 3",
)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_MARKUP = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9:-]*(?:[\s/][^<>]*)?>|/[A-Za-z][^<>]*>|!--|!doctype)", re.I
)
_CONTROL = bytes(sorted(frozenset(range(0, 32)) - {9, 10, 12, 13}))


def resolve_label(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when the label is unusable."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").strip().lower()
    if cleaned in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        info = codecs.lookup(cleaned)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def check_html_bytes(content: bytes, http_charset: str | None = None) -> None:
    """Raise NotHTMLError for empty input or binary data."""
    if not content[:SNIFF_BYTES].strip() and not content.strip():  # the head first: cheap
        raise NotHTMLError("empty document")
    if content.startswith(_BINARY_MAGIC):
        raise NotHTMLError("binary data, not HTML")
    if _is_utf16(content, http_charset):
        return
    sample = content[:SNIFF_BYTES]
    if b"\x00" in sample:
        raise NotHTMLError("binary data, not HTML")
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls >= MIN_CONTROL_BYTES and controls / len(sample) > MAX_CONTROL_RATIO:
        raise NotHTMLError("binary data, not HTML")


def check_html_text(text: str) -> None:
    """Raise NotHTMLError for decoded text that is empty or has no markup at all."""
    if not text.strip():
        raise NotHTMLError("empty document")
    if _MARKUP.search(text) is None:
        raise NotHTMLError("no HTML markup found")


def _is_utf16(content: bytes, http_charset: str | None) -> bool:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return resolve_label(http_charset) in _UTF16_CODECS


def sniff_bom(content: bytes) -> str | None:
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    return None


def sniff_meta(content: bytes) -> str | None:
    """Encoding declared by ``<meta>`` in the first ``META_PRESCAN_BYTES`` bytes."""
    for match in _META_CHARSET.finditer(content[:META_PRESCAN_BYTES]):
        name = resolve_label(match.group(1).decode("ascii", "replace"))
        if name is not None:
            return "utf-8" if name in _UTF16_CODECS else name
    return None


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect(content: bytes) -> str:
    """Encoding of undeclared bytes: UTF-8 if valid, else detection, else windows-1252.

    charset-normalizer often names a sibling code page (cp1250, cp1257, mac_roman) for
    Western text, which turns "è" into "č". When the language it recognises is one that
    windows-1252 writes (or none) and the bytes are valid windows-1252, windows-1252
    wins, as it does in browsers for these languages.
    """
    if _decodes(content, "utf-8"):
        return "utf-8"
    sample = content[:DETECTION_SAMPLE_BYTES]
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return "cp1252"
    western = best.language in WINDOWS_1252_LANGUAGES
    if western and _decodes(sample, "cp1252"):
        return "cp1252"
    return resolve_label(best.encoding) or "cp1252"


@functools.lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """True when every byte is one character in ``encoding`` (no multi-byte sequences)."""
    high = bytes(range(0x80, 0x100))
    return encoding != "utf-8" and len(high.decode(encoding, errors="replace")) == len(high)


def _mislabelled_utf8(content: bytes, declared: str) -> bool:
    return _single_byte(declared) and not content.isascii() and _decodes(content, "utf-8")


def choose_encoding(content: bytes, http_charset: str | None = None) -> str:
    """Run the cascade of the module docstring and return a Python codec name."""
    declared = resolve_label(http_charset)
    if declared is None:
        bom = sniff_bom(content)
        if bom is not None:
            return bom
        declared = sniff_meta(content)
    if declared is None:
        return detect(content)
    return "utf-8" if _mislabelled_utf8(content, declared) else declared


def decode_html(content: bytes, http_charset: str | None = None) -> str:
    """Decode HTML bytes with the charset cascade; undecodable bytes become U+FFFD."""
    encoding = choose_encoding(content, http_charset)
    bom = sniff_bom(content)
    if bom is not None and codecs.lookup(bom).name == codecs.lookup(encoding).name:
        content = content[len(codecs.BOM_UTF8) if bom == "utf-8" else 2:]
    text = content.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff")
