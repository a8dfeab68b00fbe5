"""Honeypot fields: text-like controls a person cannot see, or named and kept out as traps.

``type=hidden`` inputs are hidden by design and are never honeypots (the seed page's
Akismet nonce sits in a ``display:none`` paragraph and must stay a plain field).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse import parse_html
from scraper.parse.forms import extract_comment_form, is_honeypot

SEED = (Path(__file__).resolve().parents[1] / "fixtures/site/actumonde.example/2024/06/18"
        / "le-president-russe-vladimir-poutine-fait-leloge-de-pyongyang/index.html")


def _form(inner: str) -> tuple[LexborNode, dict[str, LexborNode]]:
    tree = LexborHTMLParser(f"<form action='/wp-comments-post.php'>{inner}</form>")
    form = tree.css_first("form")
    assert form is not None
    return form, {c.attributes.get("name") or "": c for c in form.css("input, textarea")}


def _trap(inner: str, name: str = "trap") -> bool:
    form, controls = _form(inner)
    return is_honeypot(controls[name], form)


@pytest.mark.parametrize("inner", [
    '<input name="trap" style="display:none">',
    '<input type="text" name="trap" style="DISPLAY : none;">',
    '<textarea name="trap" style="visibility: hidden"></textarea>',
    '<input type="email" name="trap" style="position:absolute; left:-9999px">',
    '<input name="trap" hidden>',
    '<div style="display:none"><label>Leave empty <input name="trap"></label></div>',
    '<p style="position: absolute; top: -5000px;"><input type="url" name="trap"></p>',
    '<div hidden><span><textarea name="trap"></textarea></span></div>',
])
def test_controls_hidden_by_css_or_hidden_are_honeypots(inner: str) -> None:
    assert _trap(inner)


@pytest.mark.parametrize("inner", [
    '<input name="ak_hp_textarea" tabindex="-1">',
    '<input name="email" class="ohnohoney" autocomplete="off">',
    '<input name="website" id="honeypot-field" tabindex="-1">',
    '<input name="hp_name" autocomplete="OFF">',
])
def test_named_traps_out_of_the_tab_order_are_honeypots(inner: str) -> None:
    form, controls = _form(inner)
    assert is_honeypot(next(iter(controls.values())), form)


@pytest.mark.parametrize("inner", [
    '<p style="display:none"><input type="hidden" name="trap" value="nonce"></p>',
    '<input type="hidden" name="trap">',
    '<input type="checkbox" name="trap" style="display:none">',
    '<input type="submit" name="trap" style="display:none">',
    '<input name="trap">',
    '<textarea name="trap" style="display:block; position:relative; left:-10px"></textarea>',
    '<input name="trap" style="left:-9999px">',  # not positioned: the offset does nothing
    '<input name="trap" class="honeypot">',  # named so, but focusable and autofilled
    '<input name="trap" tabindex="-1">',  # out of the tab order, nothing says "trap"
])
def test_visible_or_non_text_controls_are_not_honeypots(inner: str) -> None:
    assert not _trap(inner)


def test_a_hidden_form_does_not_make_its_fields_honeypots() -> None:
    tree = LexborHTMLParser("<div style='display:none'><form><textarea name='comment'>"
                            "</textarea></form></div>")
    form = tree.css_first("form")
    control = tree.css_first("textarea")
    assert form is not None and control is not None
    assert not is_honeypot(control, form)


def test_comment_form_marks_only_the_trap() -> None:
    page = ("<form class='comment-form' action='/wp-comments-post.php'>"
            "<h3>Leave a reply</h3><textarea name='comment'></textarea>"
            "<p style='display:none'><textarea name='ak_hp_textarea'></textarea></p>"
            "<input type='hidden' name='nonce' value='1'></form>")
    found = extract_comment_form(LexborHTMLParser(page), "https://x.example/", None)
    assert found is not None
    traps = [f.name for f in found.fields if getattr(f, "honeypot", False)]
    assert traps == ["ak_hp_textarea"]


def test_seed_nonce_in_a_hidden_paragraph_is_not_a_honeypot() -> None:
    article = parse_html(SEED.read_bytes(), "https://actumonde.example/")
    assert article.comment_form is not None
    fields = [f.to_dict() for f in article.comment_form.fields]
    assert all("honeypot" not in f for f in fields)
    assert any(f["name"] == "akismet_comment_nonce" for f in fields)
