"""Whatever the bytes, ``parse_html`` returns an Article or raises NotHTMLError."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.errors import NotHTMLError
from scraper.models import Article
from scraper.parse import parse_html

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
TAGS = ["p", "div", "span", "a", "article", "section", "h2", "li", "ul", "table", "td",
        "form", "figure", "figcaption", "blockquote", "script", "noscript", "time", "br"]


def parse_or_reject(raw: bytes, url: str | None = "https://news.example/a/",
                    charset: str | None = None) -> Article | None:
    try:
        article = parse_html(raw, url, http_charset=charset)
    except NotHTMLError as exc:
        assert str(exc)
        return None
    assert isinstance(article, Article)
    article.to_dict()  # serialisable contract
    return article


@FAST
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(raw: bytes) -> None:
    parse_or_reject(raw)


@FAST
@given(st.binary(max_size=2048), st.sampled_from([None, "utf-8", "latin-1", "utf-16",
                                                  "bogus", "base64"]))
def test_arbitrary_bytes_with_any_http_charset(raw: bytes, charset: str | None) -> None:
    parse_or_reject(raw, None, charset)


TYPED_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=500)


@FAST
@given(TYPED_TEXT, st.lists(st.sampled_from(TAGS), min_size=1, max_size=6))
def test_arbitrary_text_wrapped_in_tags(text: str, tags: list[str]) -> None:
    html = "".join(f"<{t}>" for t in tags) + text + "".join(f"</{t}>" for t in reversed(tags))
    article = parse_or_reject(html.encode("utf-8"))
    assert article is not None  # there is markup, so it is HTML
    assert "\n\n\n" not in article.text


@FAST
@given(st.text(max_size=500), st.sampled_from(TAGS))
def test_any_text_with_control_characters_wrapped_in_a_tag(text: str, tag: str) -> None:
    parse_or_reject(f"<{tag}>{text}</{tag}>".encode("utf-8", "surrogatepass"))


@FAST
@given(st.lists(st.tuples(st.sampled_from(TAGS), st.text(max_size=40)), max_size=40),
       st.sampled_from([None, "https://news.example/x", "not a url", "http://[::1"]))
def test_random_tag_soup(parts: list[tuple[str, str]], url: str | None) -> None:
    html = "".join(f"<{tag} class='{text[:8]}'>{text}" for tag, text in parts) + "<p>x</p>"
    parse_or_reject(html.encode("utf-8", "surrogatepass"), url)


@FAST
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_jsonld_garbage(payload: str) -> None:
    html = f'<script type="application/ld+json">{payload}</script><p>Body text here.</p>'
    parse_or_reject(html.encode("utf-8"))


@pytest.mark.timeout(120)  # hang guard; growth with depth is measured in bench/scaling_bench.py
@pytest.mark.parametrize("tag", ["div", "span", "blockquote", "li", "table", "font"])
def test_deeply_nested_tags(tag: str) -> None:
    depth = 5000
    html = f"<html><body>{f'<{tag}>' * depth}<p>Deep text, with a comma.</p>{f'</{tag}>' * depth}"
    article = parse_or_reject(html.encode())
    assert article is not None and "Deep text, with a comma." in article.text


def test_deeply_nested_json_ld() -> None:
    payload = "[" * 50_000 + "]" * 50_000
    html = f'<script type="application/ld+json">{payload}</script><p>Body.</p>'
    assert parse_or_reject(html.encode()) is not None


@pytest.mark.parametrize("raw", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<html><p>not really</p></html>",
    b"\xff\xd8\xff\xe0\x00\x10JFIF<html>",
    b"GIF89a\x01\x00\x01\x00<html><body>",
    b"%PDF-1.7\n<html><body><p>x</p>",
    b"PK\x03\x04\x14\x00<html>",
    b"\x1f\x8b\x08\x00<html>",
    b"<html><body>\x00\x01\x02\x03\x04\x05" * 50,
    bytes(range(256)) * 4,
])
def test_binary_data_posing_as_html(raw: bytes) -> None:
    with pytest.raises(NotHTMLError, match="binary"):
        parse_html(raw, "https://news.example/a/")


@pytest.mark.parametrize("raw", [b"", b" ", b"\n\r\n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_file(raw: bytes) -> None:
    with pytest.raises(NotHTMLError, match="empty"):
        parse_html(raw)


@pytest.mark.parametrize("raw", [b"hello world", b"{\"json\": true}", b"a < b > c",
                                 "Grüße, keine Auszeichnung".encode()])
def test_text_without_markup(raw: bytes) -> None:
    with pytest.raises(NotHTMLError):
        parse_html(raw)


def test_minimal_documents() -> None:
    for raw in (b"<p>x</p>", b"<html></html>", b"<!doctype html>", b"<br>", b"<!-- c -->",
                b"<title>Only a title</title>", b"<form><textarea name=c></textarea></form>"):
        article = parse_or_reject(raw, None)
        assert article is not None


@pytest.mark.timeout(120)  # hang guard; growth with size is measured in bench/scaling_bench.py
def test_huge_flat_page_parses_whole() -> None:
    paragraph = "<p>Sentence one, sentence two, and a <a href='/x'>link</a> in it.</p>"
    html = "<article>" + paragraph * 3000 + "</article>" + "<li><a href='/y'>n</a></li>" * 3000
    article = parse_or_reject(html.encode())
    assert article is not None and len(article.paragraphs) == 3000
