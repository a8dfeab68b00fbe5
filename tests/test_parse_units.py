"""Stage-level checks: bylines, language tags, titles, dates, forms and captchas."""

from __future__ import annotations

import pytest

from scraper.parse import parse_html
from scraper.parse.bylines import byline_from_text, split_byline
from scraper.parse.language import minimize_language
from scraper.parse.metadata import normalize_date, strip_site_name

BASE = "https://news.example/2024/01/02/story/"


@pytest.mark.parametrize(("raw", "names"), [
    ("Par Jean Delaunay", ["Jean Delaunay"]),
    ("By Jane Doe, Local Democracy Reporter", ["Jane Doe"]),
    ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
    ("Par Marie Curie et Pierre Dupont, envoyés spéciaux", ["Marie Curie", "Pierre Dupont"]),
    ("By Ann Lee, Bob Stone and Carla Diaz", ["Ann Lee", "Bob Stone", "Carla Diaz"]),
    ("Von Jürgen Müller", ["Jürgen Müller"]),
    ("Por Lucía Fernández y Ana Gómez", ["Lucía Fernández", "Ana Gómez"]),
    ("Jane Doe and John Smith, BBC News", ["Jane Doe", "John Smith"]),
])
def test_split_byline(raw: str, names: list[str]) -> None:
    assert split_byline(raw) == names


@pytest.mark.parametrize("text", [
    "Par ailleurs, le gouvernement a annoncé de nouvelles mesures.",
    "By Monday, the company had laid off 300 workers.",
    "By the end of the year, prices had doubled.",
])
def test_sentences_are_not_bylines(text: str) -> None:
    assert byline_from_text(text) == []


@pytest.mark.parametrize(("raw", "tag"), [
    ("fr-FR", "fr"), ("fr_FR", "fr"), ("en-US", "en"), ("en-GB", "en-GB"), ("pt-PT", "pt-PT"),
    ("pt-BR", "pt"), ("de-DE", "de"), ("de-AT", "de-AT"), ("zh-TW", "zh-TW"),
    ("zh-Hant-TW", "zh-TW"), ("es-419", "es-419"), ("EN", "en"), ("", None), ("x", None),
    ("und", None), ("12", None),
])
def test_minimize_language(raw: str, tag: str | None) -> None:
    assert minimize_language(raw) == tag


@pytest.mark.parametrize(("title", "sites", "h1", "want"), [
    ("Headline - Site", ["Site"], None, "Headline"),
    ("Headline | The Site", ["the site"], None, "Headline"),
    ("Site | Headline", ["Site"], None, "Headline"),
    ("Gard : crue historique - Gazette", [], "Gard : crue historique", "Gard : crue historique"),
    ("Gard : crue historique", [], "Gard : crue historique", "Gard : crue historique"),
    ("Headline - Unknown", [], None, "Headline - Unknown"),
    ("Asia-pacific - Third blogger hacked to death", [], "Third blogger hacked to death",
     "Third blogger hacked to death"),  # France 24: a section prefix the <h1> disowns
    ("Brexit: what happens next", [], "what happens next", "Brexit: what happens next"),
])
def test_strip_site_name(title: str, sites: list[str], h1: str | None, want: str) -> None:
    assert strip_site_name(title, sites, h1) == want


@pytest.mark.parametrize(("raw", "want"), [
    ("2024-06-18T09:42:17+00:00", "2024-06-18T09:42:17+00:00"),
    ("2024-06-18T09:42:17Z", "2024-06-18T09:42:17+00:00"),
    ("2024-06-18T11:42:17.123+02:00", "2024-06-18T11:42:17+02:00"),
    ("2024-06-18", "2024-06-18"),
    ("Tue, 18 Jun 2024 09:42:17 +0200", "2024-06-18T09:42:17+02:00"),
    ("18 juin 2024", None),
    ("", None),
])
def test_normalize_date(raw: str, want: str | None) -> None:
    assert normalize_date(raw) == want


def _form(body: str) -> str:
    return (f"<html lang=en><body><article><h1>T</h1><p>{'Body text, long enough. ' * 5}</p>"
            f"</article>{body}</body></html>")


def test_math_captcha_in_label() -> None:
    html = _form("""
      <form role="search" action="/"><input name="s"></form>
      <div id="respond"><h3>Réagir <small><a href="#">Annuler la réponse</a></small></h3>
      <form action="/comment" method="POST">
        <textarea name="message" placeholder="Votre message *"></textarea>
        <label for="cq">Combien font 4 + 2 ?</label><input id="cq" name="quiz">
      </form></div>""")
    form = parse_html(html.encode(), BASE).comment_form
    assert form is not None
    assert form.heading == "Réagir"
    assert form.action == "https://news.example/comment"
    assert form.method == "post"
    assert form.fields[0].label == "Votre message" and form.fields[0].required
    assert form.captcha is not None and form.captcha.to_dict() == {
        "kind": "math", "question": "Combien font 4 + 2 ?", "field": "quiz"}


def test_math_captcha_english_and_empty_action() -> None:
    html = _form("""<section class="comments"><h2>Leave a comment</h2>
      <form action=""><textarea name="comment" required></textarea>
      <p>What is 3 + 4? <input type="text" name="answer"></p>
      <input type="submit" value="Post"></form></section>""")
    form = parse_html(html.encode(), BASE).comment_form
    assert form is not None
    assert form.action == BASE and form.method == "get"
    assert form.captcha is not None
    assert (form.captcha.kind, form.captcha.field) == ("math", "answer")
    assert form.captcha.question == "What is 3 + 4?"
    assert [f.name for f in form.fields] == ["comment", "answer"]


@pytest.mark.parametrize(("widget", "kind"), [
    ('<div class="g-recaptcha" data-sitekey="k"></div>', "recaptcha"),
    ('<div class="h-captcha" data-sitekey="k"></div>', "hcaptcha"),
    ('<div class="cf-turnstile" data-sitekey="k"></div>', "turnstile"),
    ('<input name="captcha_answer"><img src="/captcha.png">', "other"),
])
def test_widget_captchas(widget: str, kind: str) -> None:
    html = _form(f"""<div id="comments"><form id="commentform" action="/wp-comments-post.php"
      method="post"><textarea name="comment"></textarea>{widget}</form></div>""")
    form = parse_html(html.encode(), BASE).comment_form
    assert form is not None and form.captcha is not None
    assert form.captcha.kind == kind


def test_no_comment_form_among_search_newsletter_login_contact() -> None:
    html = _form("""
      <form role="search"><input type="search" name="q"><textarea name="x"></textarea></form>
      <form class="newsletter"><input type="email" name="email"></form>
      <form action="/login"><input name="user"><input type="password" name="pw">
        <textarea name="comment"></textarea></form>
      <form action="/contact"><input name="name"><textarea name="message"></textarea></form>""")
    assert parse_html(html.encode(), BASE).comment_form is None


def test_labels_wrapping_aria_and_placeholder() -> None:
    html = _form("""<div class="comment-respond"><form action="/c" method="post">
      <label>Name <span>*</span><input name="n"></label>
      <input name="e" type="email" aria-label="Email address" aria-required="true">
      <input name="w" type="url" placeholder="Website">
      <select name="topic" id="t"><option>A</option></select><label for="t">Topic</label>
      <textarea name="comment"></textarea>
      <button name="go">Send it</button></form></div>""")
    form = parse_html(html.encode(), BASE).comment_form
    assert form is not None
    assert [f.to_dict() for f in form.fields] == [
        {"name": "n", "type": "text", "label": "Name", "required": True},
        {"name": "e", "type": "email", "label": "Email address", "required": True},
        {"name": "w", "type": "url", "label": "Website", "required": False},
        {"name": "topic", "type": "select", "label": "Topic", "required": False},
        {"name": "comment", "type": "textarea", "label": None, "required": False},
        {"name": "go", "type": "submit", "label": "Send it", "required": False},
    ]


def test_captions_deduplicated_and_whitespace_normalised() -> None:
    caption = "A   caption\n with  spaces"
    html = f"""<article><h1>T</h1><p>{'Body text, long enough. ' * 5}</p>
      <figure><img alt="{caption}"><noscript><img alt="{caption}"></noscript>
      <span class="caption-mobile">{caption}</span><figcaption>{caption}</figcaption></figure>
      <figure><img alt="no caption here"></figure></article>"""
    assert parse_html(html.encode(), BASE).captions == ("A caption with spaces",)


def test_entities_and_typography_are_kept() -> None:
    html = "<article><p>3 &times; 4 – « oui » l’été&nbsp;: ok, and long enough text.</p></article>"
    assert parse_html(html.encode(), BASE).paragraphs == (
        "3 × 4 – « oui » l’été\u00a0: ok, and long enough text.",)


def test_relative_canonical_and_base_href() -> None:
    html = """<head><base href="https://cdn.example/sub/"><link rel="canonical" href="/canon">
      </head><body><p><a href="rel">x</a> Some text, long enough to count.</p></body>"""
    article = parse_html(html.encode(), "https://news.example/page")
    assert article.url == "https://cdn.example/canon"
    assert article.links == ("https://cdn.example/sub/rel",)
