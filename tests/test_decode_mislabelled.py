"""UTF-8 pages labelled with a single-byte charset come out right; real legacy pages too."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.parse import decode_html, parse_html

TEXT = "Heizöl kostet 12 € – „teurer“, sagte Müller. Ça coûte très cher."


@pytest.mark.parametrize("label", ["iso-8859-1", "windows-1252", "latin1", "iso-8859-15"])
def test_utf8_bytes_under_a_single_byte_meta_label(label: str) -> None:
    page = f'<html><head><meta charset="{label}"></head><body><p>{TEXT}</p></body></html>'
    assert TEXT in decode_html(page.encode("utf-8"))


@pytest.mark.parametrize("label", ["iso-8859-1", "windows-1252"])
def test_utf8_bytes_under_a_single_byte_http_label(label: str) -> None:
    page = f"<html><body><p>{TEXT}</p></body></html>".encode()
    assert TEXT in decode_html(page, http_charset=label)


def test_real_windows_1252_page_still_decodes_as_declared() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>' + TEXT + "</p></body></html>"
    assert TEXT in decode_html(page.encode("cp1252"))


def test_multi_byte_declarations_are_trusted() -> None:
    page = '<html><head><meta charset="shift_jis"></head><body><p>日本語の記事</p></body></html>'
    assert "日本語の記事" in decode_html(page.encode("shift_jis"))


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), min_size=1))
def test_any_latin_text_round_trips_in_either_encoding(words: str) -> None:
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{words}</p></body></html>'
    for encoding in ("utf-8", "cp1252"):
        try:
            data = page.encode(encoding)
        except UnicodeEncodeError:
            continue
        decoded = decode_html(data)
        if encoding == "cp1252" and not data.isascii() and _valid_utf8(data):
            continue  # genuinely ambiguous bytes: UTF-8 wins by design
        assert words in decoded


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_parse_uses_the_corrected_encoding() -> None:
    page = (
        '<html lang="de"><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=windows-1252"><title>Strompreise</title></head>'
        f"<body><article><h1>Strompreise</h1><p>{TEXT}</p></article></body></html>"
    )
    article = parse_html(page.encode("utf-8"), "https://news.example/a")
    assert article.paragraphs == (TEXT,)
