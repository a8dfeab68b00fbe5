"""Extraction-quality mechanisms on hand-made markup (families not in the fixtures):
lead vocabulary and structure, lead-photo boxes, byline and sign-up furniture, trailing
credit lines, related-link headings, box titles, photo credits, form headings."""

from __future__ import annotations

import pytest

from scraper.models import Article
from scraper.parse import parse_html

URL = "https://lakeside-courier.example/2025/05/story"
PARA = ("The harbour authority said the dredging, which had been postponed twice, would "
        "begin in June and last about four months, with the ferry moved to the east quay.")
PARA2 = ("Fishermen, who have complained for years about the silting of the channel, said "
         "they welcomed the work but feared it would again be delayed by the weather.")
DEK = "The long-awaited works will keep the ferry at the east quay for the whole summer."


def parse(html: str) -> Article:
    return parse_html(html.encode("utf-8"), URL)


def page(header: str, body: str = "", head: str = "", after: str = "") -> str:
    body = body or f"<p>{PARA}</p><p>{PARA2}</p>"
    return (f"<html><head><title>Harbour dredging</title>{head}</head><body>"
            f'<div class="wrap">{header}<div class="story-text">{body}</div>{after}</div>'
            "</body></html>")


@pytest.mark.parametrize("marker", [
    'div class="c-dek"', 'p class="article-chapo"', 'div class="nota-bajada"',
    'p class="txt-entradilla"', 'div class="story-sub-title"', 'p class="hero-summary"',
    'div class="post-excerpt"', 'p class="artikel-teaser"', 'div class="kop-intro"',
    'div class="sumario"', 'div data-block="standfirst"',
])
def test_lead_vocabulary_roots_in_any_markup(marker: str) -> None:
    tag = marker.split()[0]
    article = parse(page(f"<h1>Harbour dredging</h1><{marker}>{DEK}</{tag}>"))
    assert article.lead == DEK
    assert DEK not in article.paragraphs
    assert article.text.startswith(DEK + "\n\n")


def test_kicker_and_leading_utility_class_are_not_lead_roots() -> None:
    header = ('<h1>Harbour dredging</h1><p class="by">By Ana Lima</p>'
              f'<div class="kicker">{DEK}</div><div class="leading-loose">{DEK}</div>')
    assert parse(page(header)).lead is None


def test_unmarked_dek_repeating_the_meta_description_is_the_lead() -> None:
    head = f'<meta property="og:description" content="{DEK}">'
    article = parse(page(f'<h1>Harbour dredging</h1><div class="x7Qz">{DEK}</div>',
                         head=head))
    assert article.lead == DEK
    assert DEK not in article.paragraphs


def test_description_matching_first_body_paragraph_is_not_a_lead() -> None:
    head = f'<meta name="description" content="{PARA}">'
    article = parse(page("<h1>Harbour dredging</h1>", head=head))
    assert article.lead is None
    assert article.paragraphs[0] == PARA


def test_unmarked_sentence_heading_right_after_the_headline_is_the_lead() -> None:
    article = parse(page(f'<h1 class="t1">Harbour dredging</h1><h2 class="t2">{DEK}</h2>'))
    assert article.lead == DEK
    assert article.subheadings == ()


def test_short_line_after_the_headline_is_not_a_lead() -> None:
    article = parse(page('<h1>Harbour dredging</h1><p class="q">By Ana Lima</p>'))
    assert article.lead is None


def test_lead_photo_box_is_never_the_lead() -> None:
    header = ('<h1>Harbour dredging</h1><div class="story-lead"><figure>'
              '<img src="/a.jpg" alt=""><figcaption><p>A dredger waits off the east quay '
              "on Monday morning. (Photo/Port Authority)</p></figcaption></figure></div>")
    article = parse(page(header))
    assert article.lead is None
    assert article.paragraphs == (PARA, PARA2)


def test_lead_text_leaves_out_an_embedded_photo_box() -> None:
    header = (f'<h1>Harbour dredging</h1><div class="chapo"><b>{DEK}</b>'
              '<table class="pic"><tr><td><img src="/b.jpg"></td></tr><tr><td>'
              '<span class="legend">The quay.</span> <span class="credit">Photo A. B.</span>'
              "</td></tr></table></div>")
    article = parse(page(header))
    assert article.lead == DEK


def test_lead_outside_a_body_article_is_found() -> None:
    html = ("<html><body><main><header><h1>Harbour dredging</h1>"
            f'<p class="m-desc">{DEK}</p></header><section class="meta">Today</section>'
            f'<article class="story"><p>{PARA}</p><p>{PARA2}</p></article></main></body></html>')
    article = parse(html)
    assert article.lead == DEK
    assert article.paragraphs == (PARA, PARA2)


def test_byline_block_named_by_data_attributes_is_furniture() -> None:
    body = ('<div data-qa="author-card"><span>Share</span><span>Ana Lima</span>'
            f"<span>Harbour reporter</span></div><p>{PARA}</p><p>{PARA2}</p>")
    article = parse(page("<h1>Harbour dredging</h1>", body))
    assert article.paragraphs == (PARA, PARA2)


def test_name_and_role_lines_at_the_top_of_the_body_are_a_byline() -> None:
    body = f"<div><b>Ana Lima</b></div><div><i>Senior correspondent</i></div><p>{PARA}</p>"
    article = parse(page("<h1>Harbour dredging</h1>", body))
    assert article.paragraphs == (PARA,)
    assert article.bylines == ("Ana Lima",)


def test_signup_box_with_email_field_inside_the_body_is_furniture() -> None:
    box = ('<div class="k2"><p class="k3">Get the Harbour Letter</p><p>Every Friday in your '
           'inbox.</p><form action="/x"><input type="email" name="e">'
           '<button type="submit">Subscribe</button></form></div>')
    article = parse(page("<h1>Harbour dredging</h1>", f"<p>{PARA}</p>{box}<p>{PARA2}</p>"))
    assert article.paragraphs == (PARA, PARA2)


def test_promotion_labelled_by_aria_label_is_furniture() -> None:
    promo = '<div aria-label="Newsletter promotion"><p>Try our morning briefing now</p></div>'
    article = parse(page("<h1>Harbour dredging</h1>", f"<p>{PARA}</p>{promo}<p>{PARA2}</p>"))
    assert article.paragraphs == (PARA, PARA2)


def test_credit_paragraph_after_the_body_container_is_kept() -> None:
    credit = ("Reporting by Ana Lima and Tom Reyes in Lisbon; additional reporting by Eva "
              "Nunes; editing by Mark Cole")
    html = page("<h1>Harbour dredging</h1>", after=f'<p class="z9">{credit}</p>')
    assert parse(html).paragraphs == (PARA, PARA2, credit)


def test_heading_over_a_link_list_is_boilerplate_in_any_language() -> None:
    links = "".join(f'<li><a href="/s{i}">Andere Geschichte Nummer {i} aus dem Hafen</a></li>'
                    for i in range(3))
    body = f"<p>{PARA}</p><h3>Weitere Artikel</h3><ul>{links}</ul><h3>Next steps</h3><p>{PARA2}</p>"
    article = parse(page("<h1>Harbour dredging</h1>", body))
    assert article.subheadings == ("Next steps",)
    assert article.paragraphs == (PARA, PARA2)


def test_box_title_written_as_bold_text_is_dropped() -> None:
    body = f"<p>{PARA}</p><p><b>Most read</b></p><p>{PARA2}</p>"
    assert parse(page("<h1>Harbour dredging</h1>", body)).paragraphs == (PARA, PARA2)


def test_photo_credit_span_in_the_body_is_dropped() -> None:
    body = f'<p>{PARA}</p><div><span class="photo-credit">Foto: K. Weber</span></div><p>{PARA2}</p>'
    assert parse(page("<h1>Harbour dredging</h1>", body)).paragraphs == (PARA, PARA2)


def test_caption_paragraphs_never_vote_for_the_body() -> None:
    wrappers = "".join(f'<div class="rt" data-x="el"><p>{PARA} ({i})</p></div>'
                       for i in range(5))
    html = ('<html><body><article><h2>Harbour dredging</h2><figure><img src="/c.jpg">'
            f'<figcaption class="text-sm"><div class="rt"><p>{PARA2}</p></div></figcaption>'
            f'</figure><section><div class="w-8/12">{wrappers}</div></section></article>'
            "</body></html>")
    assert parse(html).paragraphs == tuple(f"{PARA} ({i})" for i in range(5))


FORM_FIELDS = ('<textarea name="comment"></textarea><fieldset><legend>Security check'
               '</legend><label for="ans">What is 2 + 3?</label><input id="ans" name="answer">'
               '</fieldset><button type="submit">Send</button>')


def test_form_heading_is_the_heading_before_the_form_not_a_legend() -> None:
    after = (f'<section class="talk"><h2>Join the discussion</h2>'
             f'<form action="/comment/post" method="post">{FORM_FIELDS}</form></section>')
    form = parse(page("<h1>Harbour dredging</h1>", after=after)).comment_form
    assert form is not None and form.heading == "Join the discussion"


def test_form_heading_is_its_own_title_when_it_opens_the_form() -> None:
    after = (f'<section class="talk"><h2>Comments (3)</h2><form action="/comment/post" '
             f'method="post"><h3>Write a comment</h3>{FORM_FIELDS}</form></section>')
    form = parse(page("<h1>Harbour dredging</h1>", after=after)).comment_form
    assert form is not None and form.heading == "Write a comment"
