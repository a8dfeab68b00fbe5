"""Body, lead, caption and title mechanisms on markup families beyond the fixtures:
bodies split into repeated blocks, ``<br><br>`` text, teaser listings, link cards."""

from __future__ import annotations

import pytest

from scraper.parse import parse_html
from scraper.parse.metadata import strip_site_name

URL = "https://riverside-gazette.example/news/2024/story"
PARA = ("The council said the work, which had been delayed twice, would start in the spring "
        "and take about eighteen months, with the main road closed for most of that time.")


def parse(html: str, url: str = URL) -> tuple[list[str], list[str], str | None]:
    article = parse_html(html.encode("utf-8"), url)
    return list(article.paragraphs), list(article.subheadings), article.lead


def test_body_split_into_one_block_per_paragraph_is_gathered() -> None:
    blocks = "".join(f'<div class="article-body"><p>{PARA} ({i})</p></div>'
                     f'<div class="ad-slot">Advertisement</div>' for i in range(5))
    html = (f'<html><body><article class="story"><h1>Road works</h1>'
            f'<div class="wrap">{blocks}<div class="article-body"><h2>Next steps</h2></div>'
            f'<div class="article-body"><p>{PARA} (5)</p></div></div></article></body></html>')
    paragraphs, subheadings, _ = parse(html)
    assert paragraphs == [f"{PARA} ({i})" for i in range(6)]
    assert subheadings == ["Next steps"]


def test_live_blog_entries_keep_their_headings_not_their_header_metadata() -> None:
    entries = "".join(
        f'<article class="entry"><header><time datetime="2024-07-05T0{i}:00">0{i}:00</time>'
        f'<h3>Update {i}</h3><span>Share</span></header>'
        f'<div class="entry__body"><p>{PARA} ({i})</p></div></article>' for i in range(4))
    html = (f'<html><body><article><header><h1>Live</h1></header>'
            f'<div class="live">{entries}</div></article></body></html>')
    paragraphs, subheadings, _ = parse(html)
    assert paragraphs == [f"{PARA} ({i})" for i in range(4)]
    assert subheadings == [f"Update {i}" for i in range(4)]


def test_br_separated_div_is_a_body_of_paragraphs() -> None:
    html = (f'<html><head><title>Flood barrier plan approved | Riverside Gazette</title></head>'
            f'<body><div id="top"><a href="/">Home</a> | <a href="/news">News</a></div>'
            f'<div class="x"><b>Flood barrier plan approved</b><br><br>{PARA} One.<br><br>'
            f'{PARA} Two.<br><br>{PARA} Three.</div></body></html>')
    article = parse_html(html.encode(), URL)
    assert article.title == "Flood barrier plan approved"
    assert list(article.paragraphs) == [f"{PARA} One.", f"{PARA} Two.", f"{PARA} Three."]


def test_home_page_of_teasers_gives_no_body() -> None:
    cards = "".join(
        f'<div class="card"><h3><a href="/news/{i}">Headline number {i} about the town</a></h3>'
        f'<p>Short summary of story {i}, with a comma, about eighty characters long.</p>'
        f'<span>2 hours ago</span></div>' for i in range(20))
    html = f'<html><body><main><div class="grid">{cards}</div></main></body></html>'
    article = parse_html(html.encode(), "https://riverside-gazette.example/")
    assert article.paragraphs == ()
    assert article.text == ""


def test_lead_marked_wrapper_around_the_body_is_not_a_lead() -> None:
    body = "".join(f"<p>{PARA} ({i})</p>" for i in range(4))
    html = (f'<html><body><article><h1>Road works</h1>'
            f'<div class="field--name-body field--type-text-with-summary">{body}'
            f'<h2>Next</h2><p>{PARA}</p></div></article></body></html>')
    paragraphs, _, lead = parse(html)
    assert lead is None
    assert len(paragraphs) == 5


def test_link_card_figure_is_not_a_caption() -> None:
    html = (f'<html><body><article><h1>Road works</h1><div class="content">'
            f'<p>{PARA}</p><p>{PARA}</p>'
            f'<figure class="bookmark"><a href="https://other.example/x"><div>Other story title'
            f'</div><div>Its description, as a preview</div><img src="t.jpg" alt=""></a></figure>'
            f'<figure><img src="a.jpg" alt=""><figcaption>The road, closed. Photo: '
            f'<a href="/p/jo">Jo Lee</a></figcaption></figure></div></article></body></html>')
    article = parse_html(html.encode(), URL)
    assert list(article.captions) == ["The road, closed. Photo: Jo Lee"]


@pytest.mark.parametrize(("title", "host", "want"), [
    ("Flood barrier plan approved | Riverside Gazette", None, "Flood barrier plan approved"),
    ("Flood barrier plan approved - Riverside Gazette", "riverside-gazette.example",
     "Flood barrier plan approved"),
    ("Flood barrier plan approved - Riverside Gazette", "www.riversidegazette.example",
     "Flood barrier plan approved"),
    ("Storm hits the coast - live updates", "news.example", "Storm hits the coast - live updates"),
    ("Biden | Trump", None, "Biden | Trump"),
])
def test_unnamed_site_suffix(title: str, host: str | None, want: str) -> None:
    assert strip_site_name(title, [], None, host) == want


@pytest.mark.parametrize("tag", ["amp-ad", "amp-embed", "amp-sticky-ad"])
def test_amp_ad_fallback_text_is_not_a_paragraph(tag: str) -> None:
    html = (f'<html amp lang="en"><body><article><h1>Road works</h1><div class="story-body">'
            f'<p>{PARA}</p><{tag} type="doubleclick"><div fallback>Sponsored content from our '
            f'partners appears here</div></{tag}><p>{PARA}</p></div></article></body></html>')
    paragraphs, _, _ = parse(html)
    assert paragraphs == [PARA, PARA]


def _continued_story(box_id: str) -> str:
    first = "".join(f"<p>{PARA} (a{i})</p>" for i in range(3))
    rest = "".join(f"<p>{PARA} (b{i})</p>" for i in range(8))
    return (f'<html><body><div id="page"><div id="story"><h1>Road works</h1>'
            f'<div class="story-body">{first}<div id="{box_id}">'
            f'<div id="{box_id}-link"><a href="#">Read more</a></div>'
            f'<div class="ad-slot">Advertisement</div>'
            f'<div id="{box_id}-content">{rest}</div></div></div></div></div></body></html>')


@pytest.mark.parametrize("box_id", ["read-more", "paywall"])
def test_story_continued_in_an_ambiguously_named_box_is_kept_whole(box_id: str) -> None:
    """A "read more" or "paywall" box holding prose is the rest of the story; the body
    starts in its parent, which holds the first paragraphs itself (Herald Sun)."""
    paragraphs, _, _ = parse(_continued_story(box_id))
    wanted = [f"{PARA} (a{i})" for i in range(3)] + [f"{PARA} (b{i})" for i in range(8)]
    assert paragraphs == wanted


def test_read_more_link_box_stays_out_of_the_body() -> None:
    links = "".join(f'<li><a href="/news/{i}">Another story about the town, part {i}</a></li>'
                    for i in range(5))
    html = ('<html><body><article><h1>Road works</h1><div class="entry-content">'
            + "".join(f"<p>{PARA} ({i})</p>" for i in range(4))
            + f'<div class="read-more"><h3>Read more</h3><ul>{links}</ul></div>'
            f'</div></article></body></html>')
    paragraphs, subheadings, _ = parse(html)
    assert paragraphs == [f"{PARA} ({i})" for i in range(4)]
    assert subheadings == []
