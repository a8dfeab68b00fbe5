"""The charset cascade: HTTP charset, BOM, <meta>, detection; browser label rules."""

from __future__ import annotations

import codecs

import pytest

from scraper.errors import NotHTMLError
from scraper.parse import decode_html, parse_html
from scraper.parse.decode import choose_encoding, resolve_label

GERMAN = "<p>Grüße aus Köln: „Straße“ kostet 5 € – süß</p>"


def page(head: str, body: str = GERMAN) -> str:
    return f"<!doctype html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


def test_http_charset_wins_over_meta() -> None:
    raw = page('<meta charset="utf-8">').encode("cp1252")
    assert GERMAN in decode_html(raw, http_charset="windows-1252")


def test_http_charset_is_used_without_meta() -> None:
    raw = page("").encode("koi8-r", errors="replace")
    text = "<p>Привет, мир</p>"
    assert text in decode_html(page("", text).encode("koi8-r"), http_charset="KOI8-R")
    assert raw  # built without error


def test_utf8_bom() -> None:
    raw = codecs.BOM_UTF8 + page('<meta charset="windows-1252">').encode("utf-8")
    text = decode_html(raw)
    assert GERMAN in text
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    raw = bom + page("").encode(codec)
    text = decode_html(raw)
    assert GERMAN in text
    assert not text.startswith("\ufeff")
    assert parse_html(raw).paragraphs == ("Grüße aus Köln: „Straße“ kostet 5 € – süß",)


def test_meta_charset() -> None:
    raw = page('<meta charset="windows-1252">').encode("cp1252")
    assert GERMAN in decode_html(raw)


def test_meta_http_equiv() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    assert GERMAN in decode_html(page(head).encode("cp1252"))


def test_meta_beyond_prescan_window_is_ignored() -> None:
    head = "<!-- " + "x" * 3000 + ' --><meta charset="koi8-r">'
    raw = page(head).encode("utf-8")
    assert choose_encoding(raw) == "utf-8"


def test_detection_fallback_for_undeclared_utf8() -> None:
    assert GERMAN in decode_html(page("").encode("utf-8"))


def test_detection_fallback_for_undeclared_legacy_bytes() -> None:
    body = "<p>" + "Ce texte français contient des accents é è à ç ù et des guillemets. " * 20
    raw = page("", body + "</p>").encode("cp1252")
    text = decode_html(raw)
    assert "français" in text and "é è à ç ù" in text


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO-8859-1", "latin-1", "latin1", "ascii",
                                   "us-ascii", "windows-1252", "cp1252"])
def test_latin1_and_ascii_labels_mean_windows_1252(label: str) -> None:
    assert resolve_label(label) == "cp1252"
    raw = page(f'<meta charset="{label}">').encode("cp1252")
    # € (0x80), „ (0x84), “ (0x93) and – (0x96) only exist in windows-1252.
    assert GERMAN in decode_html(raw)
    assert GERMAN in decode_html(page("").encode("cp1252"), http_charset=label)


@pytest.mark.parametrize("label", ["bogus", "utf-9", "", "  ", "base64", "rot13", "x-nothing"])
def test_bogus_http_label_falls_through(label: str) -> None:
    raw = page('<meta charset="windows-1252">').encode("cp1252")
    assert resolve_label(label) is None
    assert GERMAN in decode_html(raw, http_charset=label)


def test_bogus_meta_label_falls_through_to_detection() -> None:
    raw = page('<meta charset="no-such-charset">').encode("utf-8")
    assert GERMAN in decode_html(raw)


def test_meta_naming_utf16_means_utf8() -> None:
    raw = page('<meta charset="utf-16">').encode("utf-8")
    assert GERMAN in decode_html(raw)


def test_quoted_http_label() -> None:
    raw = page("").encode("cp1252")
    assert GERMAN in decode_html(raw, http_charset='"ISO-8859-1"')


def test_invalid_bytes_become_replacement_characters() -> None:
    raw = page('<meta charset="utf-8">').encode("utf-8") + b"<p>\xff\xfe oops</p>"
    assert "\ufffd" in decode_html(raw)


def test_parse_html_uses_the_cascade() -> None:
    raw = page('<meta charset="iso-8859-1">').encode("cp1252")
    assert parse_html(raw).paragraphs == ("Grüße aus Köln: „Straße“ kostet 5 € – süß",)


@pytest.mark.parametrize("raw", [b"", b"   \n\t ", codecs.BOM_UTF8])
def test_empty_documents(raw: bytes) -> None:
    with pytest.raises(NotHTMLError, match="empty"):
        parse_html(raw)


def test_plain_text_is_not_html() -> None:
    with pytest.raises(NotHTMLError, match="markup"):
        parse_html(b"Just a line of text, 3 < 4 and 5 > 2.")
