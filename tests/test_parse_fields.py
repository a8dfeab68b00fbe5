"""Mechanisms behind images, captions, comments, tags, section, is_article, textual dates,
bylines and site profiles, on markup written for the test (no fixture tuning)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.models import Comment, Image
from scraper.parse import PARSER_VERSION, parse_html
from scraper.parse.bylines import split_byline
from scraper.parse.dates import labelled_dates, parse_text_date
from scraper.parse.images import srcset_largest
from scraper.parse.profiles import Profile, ProfileError, load_profiles, packaged_profiles

URL = "https://news.example/2024/05/12/council-story/"
PARA = ("The council said the work, which had been delayed twice, would start in the spring "
        "and take about eighteen months, with the main road closed for most of that time.")
BODY = "".join(f"<p>{PARA} ({i})</p>" for i in range(12))


def page(inner: str, head: str = "", url: str = URL) -> object:
    html = f"<html><head>{head}</head><body>{inner}</body></html>"
    return parse_html(html.encode(), url)


def article(inner: str, head: str = "", url: str = URL):  # type: ignore[no-untyped-def]
    return page(f"<article><h1>Road works</h1>{inner}<div class='body'>{BODY}</div></article>",
                head, url)


# --- images and captions -----------------------------------------------------------------

def test_lazy_sources_and_each_image_once() -> None:
    got = article(
        '<figure><img src="data:image/gif;base64,R0lGOD" data-src="/a.jpg">'
        '<noscript><img src="/a.jpg"></noscript><figcaption>One</figcaption></figure>'
        '<img data-lazy-src="/b.jpg" width="800" height="600">'
        '<img srcset="/c-300.jpg 300w, /c-1200.jpg 1200w, /c-600.jpg 600w">'
        '<picture><source srcset="/d-1x.webp 1x, /d-2x.webp 2x"><img alt="d"></picture>'
        '<amp-img src="/e.jpg" width="1200" height="800"></amp-img>').images
    assert [i.url for i in got] == [f"https://news.example/{n}" for n in
                                    ("a.jpg", "b.jpg", "c-1200.jpg", "d-2x.webp", "e.jpg")]
    assert got[0].caption == "One"


def test_furniture_pictures_are_not_images() -> None:
    got = page(
        '<header role="banner"><a href="/"><img src="/brand.png" alt="News"></a></header>'
        f'<article><h1>T</h1><div class="body">{BODY}'
        '<img src="/pixel.gif" width="1" height="1"><img src="/x/icon-mail.png">'
        '<div class="ad-slot"><img src="/creative.jpg" width="300" height="250"></div>'
        '<div class="author-bio"><img src="/jane.jpg" width="300" height="300"></div>'
        '<img src="https://ads.tracker.example/imp.jpg" width="300" height="250">'
        '<img src="/avatar/u1.jpg" class="avatar" width="48" height="48">'
        '<a href="/2024/05/other-story"><img src="/thumb.jpg">Other story</a>'
        '<img src="/real.jpg" width="1024" height="683"></div>'
        '<aside class="related"><img src="/related.jpg" width="400" height="300"></aside>'
        '</article>').images
    assert [i.url for i in got] == ["https://news.example/real.jpg"]


def test_credit_in_its_own_element_is_separated() -> None:
    got = article(
        '<figure><img src="/a.jpg"><figcaption>Cyclists on Mill Road. '
        '<span class="photo-credit">Photograph: Jane Smith</span></figcaption></figure>'
        '<figure><img src="/b.jpg"><figcaption>A quay at dawn <small>AFP</small>'
        '</figcaption></figure>'
        '<figure><img src="/c.jpg"><figcaption>Inline text. Photo: Jo Lee</figcaption></figure>'
        '<figure><img src="/d.jpg"><figcaption><span>Rueda de prensa.</span>'
        '<span>Eduardo Parra (Europa Press)</span></figcaption></figure>')
    assert [(i.caption, i.credit) for i in got.images] == [
        ("Cyclists on Mill Road.", "Photograph: Jane Smith"), ("A quay at dawn", "AFP"),
        ("Inline text. Photo: Jo Lee", None),
        ("Rueda de prensa.", "Eduardo Parra (Europa Press)")]
    assert got.captions == ("Cyclists on Mill Road.", "A quay at dawn",
                            "Inline text. Photo: Jo Lee", "Rueda de prensa.")


def test_caption_sources_without_figure() -> None:
    got = article(
        '<div class="bild"><img src="/a.jpg"><p class="bildunterschrift">Ein Zähler.</p></div>'
        '<div><img src="/b.jpg" aria-describedby="c2"></div><p id="c2">Described.</p>'
        '<div class="wp-caption"><img src="/c.jpg"><p class="wp-caption-text">WP caption '
        '<span class="visually-hidden">(hidden)</span></p></div>')
    assert [i.caption for i in got.images] == ["Ein Zähler.", "Described.", "WP caption"]


def test_lead_image_counts_only_when_shown() -> None:
    head = '<meta property="og:image" content="https://news.example/up/hero.jpg">'
    shown = page(f'<figure><img src="/up/hero-1200x800.jpg"><figcaption>Hero</figcaption>'
                 f'</figure><article><h1>T</h1><div class="body">{BODY}</div></article>', head)
    assert shown.images == (Image("https://news.example/up/hero-1200x800.jpg", "Hero"),)
    hidden = page(f'<article><h1>T</h1><div class="body">{BODY}</div></article>', head)
    assert hidden.images == ()


def test_structured_credit_splits_the_displayed_caption() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T",'
            '"image": [{"@type": "ImageObject", "url": "/other-size.jpg",'
            '"creditText": "Bryan Anselm for The Dispatch"}]}</script>')
    got = article('<figure><img src="/a.jpg"><figcaption><span>The tower.</span><span>'
                  '<span>Credit...</span><span>Bryan Anselm for The Dispatch</span></span>'
                  '</figcaption></figure>', head)
    assert got.images[0].caption == "The tower."
    assert got.images[0].credit == "Bryan Anselm for The Dispatch"


def test_srcset_largest() -> None:
    assert srcset_largest("a.jpg 320w, b.jpg 1024w, c.jpg 640w") == "b.jpg"
    assert srcset_largest("a.jpg, b.jpg 2x") == "b.jpg"
    assert srcset_largest("") is None


# --- comments ----------------------------------------------------------------------------

WP_COMMENTS = """<div id="comments" class="comments-area"><h2>2 thoughts</h2>
<ol class="comment-list"><li id="comment-1" class="comment depth-1">
<article class="comment-body"><footer class="comment-meta">
<div class="comment-author vcard"><img class="avatar" src="/av.png" width="32" height="32">
<b class="fn">Rita Mendes</b> <span class="says">says:</span></div>
<div class="comment-metadata"><time datetime="2024-05-30T08:14:22-07:00">May 30</time></div>
</footer><div class="comment-content"><p>First paragraph.</p><p>Second one.</p></div>
<div class="reply"><a href="#c">Reply</a></div></article>
<ol class="children"><li class="comment depth-2"><article class="comment-body">
<footer class="comment-meta"><div class="comment-author"><b class="fn">Tom</b></div>
<div class="comment-metadata">3 mars 2025 à 14h07</div></footer>
<div class="comment-content"><p>A reply.</p></div></article></li></ol></li></ol></div>"""


def test_wordpress_comments_with_replies_in_order() -> None:
    got = article("", url=URL)
    got = page(f'<article><h1>T</h1><div class="body">{BODY}</div></article>{WP_COMMENTS}')
    assert got.comments == (
        Comment("Rita Mendes", "2024-05-30T08:14:22-07:00", "First paragraph.\n\nSecond one."),
        Comment("Tom", "2025-03-03T14:07:00", "A reply."))
    assert all("First paragraph" not in p for p in got.paragraphs)


def test_microdata_and_jsonld_comments() -> None:
    micro = ('<div itemprop="comment" itemscope itemtype="https://schema.org/Comment">'
             '<span itemprop="author" itemscope><span itemprop="name">Ana</span></span>'
             '<meta itemprop="dateCreated" content="2025-01-02T10:00:00Z">'
             '<div itemprop="text"><p>Hola.</p></div></div>')
    got = page(f'<article><h1>T</h1><div class="body">{BODY}</div>{micro}</article>')
    assert got.comments == (Comment("Ana", "2025-01-02T10:00:00+00:00", "Hola."),)
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T",'
            '"comment": [{"@type": "Comment", "author": {"name": "Bo"}, "text": "Nice.",'
            '"dateCreated": "2025-01-03", "comment": {"@type": "Comment", "text": "Agreed."}}'
            ']}</script>')
    got = article("", head)
    assert got.comments == (Comment("Bo", "2025-01-03", "Nice."),
                            Comment(None, None, "Agreed."))


# --- tags and section --------------------------------------------------------------------

def test_tags_from_meta_jsonld_and_rel_tag_deduplicated() -> None:
    head = ('<meta property="article:tag" content="Water,Utilities">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T",'
            '"keywords": "water, Drought", "articleSection": ["Local", "News"]}</script>')
    got = article('<a rel="category tag" href="/category/local/">Local</a>'
                  '<a rel="tag" href="/tag/drought/">drought</a>'
                  '<a rel="tag" href="/tag/rates/">Rates</a>', head)
    assert got.tags == ("Water", "Utilities", "Drought", "Rates")
    assert got.section == "Local"


def test_section_from_breadcrumbs() -> None:
    ld = ('<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": ['
          '{"@type": "ListItem", "position": 2, "name": "Health", "item": "https://n.example/h"},'
          '{"@type": "ListItem", "position": 1, "name": "Home", "item": "https://n.example/"},'
          '{"@type": "ListItem", "position": 3, "name": "Road works"}]}</script>')
    assert article("", ld).section == "Health"
    marked = '<nav aria-label="Breadcrumb"><a href="/">Accueil</a> › <a href="/eco/">Éco</a></nav>'
    assert page(marked + f"<article><h1>T</h1>{BODY}</article>").section == "Éco"
    trail = ('<div>Sie sind hier: <a href="/">Startseite</a> &rsaquo; '
             '<a href="/lokales/">Lokales</a></div>')
    assert page(trail + f"<article><h1>T</h1>{BODY}</article>").section == "Lokales"
    assert article("").section is None


# --- is_article --------------------------------------------------------------------------

def test_index_pages_have_no_body_fields() -> None:
    cards = "".join(f'<div class="card"><h3><a href="/2024/05/{i}/story-number-{i}">Story {i}'
                    f'</a></h3><p>Summary {i}.</p><time datetime="2024-05-0{i % 9 + 1}">'
                    f'</time></div>' for i in range(12))
    head = ('<meta property="og:type" content="website">'
            '<meta property="article:tag" content="Water">')
    got = page(f"<main><h1>Water</h1>{cards}</main>", head, "https://news.example/tag/water/")
    assert got.is_article is False
    assert (got.paragraphs, got.text, got.bylines, got.images, got.published) == (
        (), "", (), (), None)
    assert got.title == "Water" and got.tags == ("Water",)


@pytest.mark.parametrize(("head", "url", "want"), [
    ('<script type="application/ld+json">{"@type": "CollectionPage"}</script>',
     "https://news.example/sujet/x/", False),
    ('<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "L"}'
     "</script>", "https://news.example/", True),
    ("", "https://news.example/search?s=water", False),
    ("", "https://news.example/2024/05/12/story/", True),
    ("", None, True),
])
def test_classification_signals(head: str, url: str | None, want: bool) -> None:
    assert page("<article><p>Short text, one line.</p></article>", head, url or "").is_article \
        is want


# --- textual dates -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "month_first", "want"), [
    ("Publié le 3 mars 2025 à 14h07", False, "2025-03-03T14:07:00"),
    ("3. März 2025, 14:07 Uhr", False, "2025-03-03T14:07:00"),
    ("March 3, 2025 2:07 p.m. ET", True, "2025-03-03T14:07:00"),
    ("3 de marzo de 2025 - 14:07", False, "2025-03-03T14:07:00"),
    ("03/03/2025 14:07", False, "2025-03-03T14:07:00"),
    ("04/03/2025", False, "2025-03-04"),
    ("04/03/2025", True, "2025-04-03"),
    ("le 1er mars 2025", False, "2025-03-01"),
    ("samedi 12 octobre 2024", False, "2024-10-12"),
    ("12 a.m. Jan. 5, 2025", True, "2025-01-05"),
    ("31/02/2025", False, None),
])
def test_parse_text_date(text: str, month_first: bool, want: str | None) -> None:
    assert parse_text_date(text, month_first) == want


def test_labelled_dates_and_page_fallback() -> None:
    assert labelled_dates("Publié le 14/02/2024 à 18h30 – Mis à jour le 15/02/2024 à 08h10",
                          False) == ("2024-02-14T18:30:00", "2024-02-15T08:10:00")
    assert labelled_dates("Veröffentlicht vor 3 Stunden", False) == (None, None)
    got = article('<p class="meta">Publicado el 3 de marzo de 2025 - 14:07</p>'
                  '<p class="meta">Actualizado el 4 de marzo de 2025</p>')
    assert (got.published, got.modified) == ("2025-03-03T14:07:00", "2025-03-04")


RELATIVE = ["il y a {n} minutes", "{n} hours ago", "vor {n} Stunden", "hace {n} horas",
            "Publié il y a {n} jours", "Updated {n} mins ago"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_text_date_parser_never_raises(text: str) -> None:
    result = parse_text_date(text)
    assert result is None or result[:4].isdigit()
    labelled_dates(text, True)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(RELATIVE), st.integers(min_value=0, max_value=99))
def test_relative_dates_are_never_dates(template: str, n: int) -> None:
    assert parse_text_date(template.format(n=n)) is None
    assert labelled_dates(template.format(n=n), False) == (None, None)


# --- bylines -----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "names"), [
    ("Par Jean Dupont avec AFP", ["Jean Dupont"]),
    ("By Jane Doe with Reuters", ["Jane Doe"]),
    ("Von Anna Schmidt mit dpa", ["Anna Schmidt"]),
    ("Por Ana Gómez con EFE", ["Ana Gómez"]),
    ("Par Jean Dupont (AFP)", ["Jean Dupont"]),
    ("Jane Doe/Reuters", ["Jane Doe"]),
    ("Jean Dupont et AFP", ["Jean Dupont"]),
    ("By Jane Doe, Local Democracy Reporter", ["Jane Doe"]),
    ("Par Jean Dupont, envoyé spécial à Kyiv", ["Jean Dupont"]),
    ("By Jane Doe | Staff writer", ["Jane Doe"]),
    ("Von Anna Schmidt und Max Weber", ["Anna Schmidt", "Max Weber"]),
    ("Por Lucía Fernández y Ana Gómez", ["Lucía Fernández", "Ana Gómez"]),
    ("By JOHN DOE and MARY SMITH", ["John Doe", "Mary Smith"]),
])
def test_byline_tails_and_splits(raw: str, names: list[str]) -> None:
    assert split_byline(raw) == names


def test_byline_after_a_pipe_and_in_mixed_boxes() -> None:
    got = page(f'<article><h1>T</h1><div class="body"><p>Mis en ligne le 12 octobre 2024 | '
               f'Par Jean-Pierre Morel</p>{BODY}</div></article>')
    assert got.bylines == ("Jean-Pierre Morel",)
    box = ('<div data-testid="byline-contributors"><div><span>Harriet Cole</span>'
           '<div><span>Transport correspondent</span></div></div></div>')
    assert article(box).bylines == ("Harriet Cole",)


# --- site profiles -----------------------------------------------------------------------

PROFILED = (f'<html><body><h1 class="kicker">Kicker</h1><div class="x-head">Real title</div>'
            f'<div class="x-dek">The dek that the generic cascade cannot see as a lead.</div>'
            f'<span class="x-by">Ann Lee</span><div class="x-promo"><p>{PARA} PROMO</p></div>'
            f'<div class="x-text"><p>{PARA}</p><p>{PARA} Two.</p></div></body></html>')


def test_profile_overrides_only_the_fields_it_names() -> None:
    profile = Profile(host="site.example", title=".x-head", lead=".x-dek", bylines=".x-by",
                      exclude=".x-promo", body=".x-text")
    got = parse_html(PROFILED.encode(), "https://www.site.example/a", profile=profile)
    assert got.title == "Real title"
    assert got.lead == "The dek that the generic cascade cannot see as a lead."
    assert got.bylines == ("Ann Lee",)
    assert got.paragraphs == (PARA, f"{PARA} Two.")
    assert got.text.split("\n\n")[0] == got.lead
    plain = parse_html(PROFILED.encode(), "https://www.site.example/a",
                       profile=Profile(host="site.example"))
    assert plain.title == "Kicker"


def test_profile_matching_and_packaged_file() -> None:
    profile = Profile(host="site.example")
    assert profile.matches("www.site.example") and profile.matches("m.site.example")
    assert not profile.matches("othersite.example") and not profile.matches(None)
    assert all(p.host.endswith(".invalid") for p in packaged_profiles())
    assert load_profiles('[[profile]]\nhost = "a.example"\nbody = "main"') == (
        Profile(host="a.example", body="main"),)
    with pytest.raises(ProfileError):
        load_profiles('[[profile]]\nhost = "a.example"\nbogus = "x"')


def test_bad_profile_selector_is_ignored() -> None:
    got = parse_html(PROFILED.encode(), "https://site.example/a",
                     profile=Profile(host="site.example", title="h1[[["))
    assert got.title == "Kicker"


def test_parser_version() -> None:
    assert PARSER_VERSION == "0.4.0"


def test_breadcrumb_current_page_and_author_title() -> None:
    head = ('<meta property="og:site_name" content="Lakeshore Ledger">'
            '<title>Jane Doe, Author at Lakeshore Ledger</title>'
            '<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": '
            '[{"@type": "ListItem", "position": 1, "name": "Home", "item": "https://n.example/"},'
            '{"@type": "ListItem", "position": 2, "name": "Archives for Jane Doe"}]}</script>')
    got = page("<main><h1>Jane Doe</h1></main>", head, "https://n.example/author/jane-doe/")
    assert (got.title, got.section, got.is_article) == ("Jane Doe", None, False)
