"""Discovery: sitemaps, feeds, links, scope, URL classes - and hostile XML refused safely."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.discover import (
    MAX_SITEMAP_URLS,
    MAX_XML_BYTES,
    Discovered,
    DiscoveryError,
    TooLargeError,
    UnsafeXMLError,
    classify_url,
    in_scope,
    normalize_date,
    page_links,
    parse_feed,
    parse_sitemap,
    priority_of,
    sniff,
)
from scraper.discover.xmlsafe import parse_xml
from tests.conftest import FIXTURE_SITE, ROOT
from tests.scaling_pages import hostile_feed

NOW = datetime(2024, 5, 13, 12, 0, tzinfo=UTC)
SITEMAP_URL = "https://www.dailyherald.example/sitemap.xml"
FEED_URL = "https://www.dailyherald.example/rss.xml"
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
        xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">
  <url>
    <loc>https://www.dailyherald.example/news/2024/05/12/council-approves-cycle-lanes.html</loc>
    <lastmod>2024-05-12T18:30:00+01:00</lastmod>
    <changefreq>hourly</changefreq>
    <image:image><image:loc>https://cdn.dailyherald.example/img/lanes.jpg</image:loc>
      <image:title>Cycle lanes</image:title></image:image>
  </url>
  <url>
    <loc> https://www.dailyherald.example/news/ </loc>
    <lastmod>2024-05-13</lastmod>
    <video:video><video:content_loc>https://cdn.dailyherald.example/v.mp4</video:content_loc>
      <video:player_loc>https://www.dailyherald.example/player</video:player_loc></video:video>
  </url>
  <url><loc>https://www.dailyherald.example/news/2024/05/12/council-approves-cycle-lanes.html#c</loc></url>
  <url><loc>/about/contact-the-newsroom-team-today</loc></url>
  <url><loc>mailto:desk@dailyherald.example</loc></url>
  <url><lastmod>2024-05-01</lastmod></url>
</urlset>"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://www.journaldusoir.example/planete/article/2025/03/04/secheresse_6578123_3244.html</loc>
    <news:news>
      <news:publication><news:name>Le Journal du Soir</news:name>
        <news:language>fr</news:language></news:publication>
      <news:publication_date>2025-03-04T06:15:00+01:00</news:publication_date>
      <news:title>Sécheresse hivernale : les nappes  phréatiques au plus bas</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://www.journaldusoir.example/live/abc</loc>
    <news:news><news:publication_date>2025-03-04</news:publication_date></news:news>
  </url>
</urlset>""".encode()

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.dailyherald.example/sitemap-news.xml</loc>
    <lastmod>2024-05-13T08:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://www.dailyherald.example/sitemap-2024-05.xml.gz</loc></sitemap>
  <sitemap><loc>sitemap-2024-04.xml.gz</loc></sitemap>
</sitemapindex>"""

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"
     xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Daily Herald</title><link>https://www.dailyherald.example/</link>
  <atom:link href="https://www.dailyherald.example/rss.xml" rel="self"/>
  <item>
    <title>Council approves cycle lanes</title>
    <link>https://www.dailyherald.example/news/2024/05/12/council-approves-cycle-lanes.html</link>
    <guid isPermaLink="false">dh-18234</guid>
    <pubDate>Sun, 12 May 2024 18:30:00 +0100</pubDate>
  </item>
  <item>
    <title><![CDATA[Water rates <b>to rise</b>]]></title>
    <guid>https://www.dailyherald.example/2024/05/30/water-rates-to-rise-18-percent/</guid>
    <pubDate>Thu, 30 May 2024 09:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Via FeedBurner</title>
    <link>https://feeds.feedburner.example/~r/dh/~3/xyz/</link>
    <feedburner:origLink>https://www.dailyherald.example/news/bus-lanes-extended-to-the-ring-road</feedburner:origLink>
    <dc:date>2024-05-11T07:00:00Z</dc:date>
  </item>
  <item><title>No link at all</title><guid isPermaLink="false">x-1</guid></item>
  <item><link>https://www.dailyherald.example/news/2024/05/12/council-approves-cycle-lanes.html</link></item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://fieldnotes.example/">
  <title>Field Notes</title>
  <link rel="self" href="https://fieldnotes.example/feed.atom"/>
  <entry>
    <title type="html">The quiet return of the &lt;em&gt;otters&lt;/em&gt;</title>
    <link rel="edit" href="https://fieldnotes.example/api/posts/7"/>
    <link rel="enclosure" type="audio/mpeg" href="https://fieldnotes.example/otters.mp3"/>
    <link rel="alternate" type="application/pdf" href="/the-quiet-return-of-the-otters.pdf"/>
    <link rel="alternate" type="text/html" href="/the-quiet-return-of-the-otters/"/>
    <id>tag:fieldnotes.example,2024:7</id>
    <published>2024-05-10T08:00:00-04:00</published>
    <updated>2024-05-11T09:30:00-04:00</updated>
  </entry>
  <entry>
    <title>Only updated</title>
    <link href="notes/winter-birds-at-the-lake-shore"/>
    <updated>2024-05-12T10:00:00Z</updated>
  </entry>
  <entry><title>No link</title><id>urn:x</id></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rheinbote.example/">
    <title>Rheinbote</title><link>https://rheinbote.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://rheinbote.example/a.html"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://rheinbote.example/lokales/grevenbroich/2025/03/hallenbad-sanierung-kostet-mehr.html">
    <title>Hallenbad-Sanierung kostet mehr</title>
    <link>https://rheinbote.example/lokales/grevenbroich/2025/03/hallenbad-sanierung-kostet-mehr.html</link>
    <dc:date>2025-03-03T14:07:00+01:00</dc:date>
  </item>
  <item rdf:about="https://rheinbote.example/kultur/neue-ausstellung-im-museum-eroeffnet.html">
    <title>Ohne Link</title>
  </item>
</rdf:RDF>"""


def urls_of(result: Sequence[Discovered]) -> list[str]:
    return [entry.url for entry in result]


# -- Sitemaps ----------------------------------------------------------------------------

def test_urlset_takes_each_page_loc_once_and_ignores_extensions() -> None:
    result = parse_sitemap(URLSET, SITEMAP_URL, now=NOW)
    assert urls_of(result.urls) == [
        "https://www.dailyherald.example/news/2024/05/12/council-approves-cycle-lanes.html",
        "https://www.dailyherald.example/news/",
        "https://www.dailyherald.example/about/contact-the-newsroom-team-today",
    ]
    article, section, _ = result.urls
    assert (article.kind, article.lastmod, article.published) == (
        "article", "2024-05-12T18:30:00+01:00", None)
    assert (section.kind, section.lastmod) == ("index", "2024-05-13")
    assert article.priority > section.priority
    assert result.sitemaps == [] and not result.truncated and not result.recovered


def test_urlset_without_namespace_and_with_a_wrong_one() -> None:
    bare = b"<urlset><url><loc>https://a.example/2024/05/12/slug-here/</loc></url></urlset>"
    wrong = bare.replace(b"<urlset>", b'<urlset xmlns="http://www.google.com/schemas/sitemap/0.84">')
    for body in (bare, wrong):
        assert urls_of(parse_sitemap(body, "https://a.example/s.xml").urls) == [
            "https://a.example/2024/05/12/slug-here/"]


def test_news_sitemap_gives_publication_date_and_title() -> None:
    first, second = parse_sitemap(NEWS_SITEMAP, "https://www.journaldusoir.example/news.xml",
                                  now=NOW).urls
    assert first.published == "2025-03-04T06:15:00+01:00"
    assert first.title == "Sécheresse hivernale : les nappes phréatiques au plus bas"
    assert (first.kind, second.kind) == ("article", "article")  # news entries are stories
    assert (second.published, second.title) == ("2025-03-04", None)


def test_sitemap_index_lists_children_resolved() -> None:
    result = parse_sitemap(SITEMAP_INDEX, SITEMAP_URL)
    assert result.urls == []
    assert result.sitemaps == [
        "https://www.dailyherald.example/sitemap-news.xml",
        "https://www.dailyherald.example/sitemap-2024-05.xml.gz",
        "https://www.dailyherald.example/sitemap-2024-04.xml.gz",
    ]


def test_gzip_is_detected_by_magic_bytes_not_by_name() -> None:
    plain = parse_sitemap(URLSET, SITEMAP_URL, now=NOW)
    assert parse_sitemap(gzip.compress(URLSET), SITEMAP_URL, now=NOW) == plain
    assert parse_sitemap(URLSET, SITEMAP_URL + ".gz", now=NOW) == plain
    two_members = gzip.compress(URLSET[:200]) + gzip.compress(URLSET[200:])
    assert parse_sitemap(two_members, SITEMAP_URL, now=NOW) == plain


def test_plain_text_sitemap() -> None:
    body = (b"https://a.example/2024/05/12/first-story/\r\n\r\n"
            b"  https://a.example/politics/  \nhttps://a.example/2024/05/12/first-story/\n")
    result = parse_sitemap(body, "https://a.example/sitemap.txt")
    assert urls_of(result.urls) == ["https://a.example/2024/05/12/first-story/",
                                    "https://a.example/politics/"]
    with pytest.raises(DiscoveryError):
        parse_sitemap(b"User-agent: *\nDisallow: /private\nSitemap: https://a.example/s",
                      "https://a.example/robots.txt")


def test_a_feed_is_a_valid_sitemap() -> None:
    result = parse_sitemap(RSS, FEED_URL, now=NOW)
    assert result.urls == parse_feed(RSS, FEED_URL, now=NOW)


def test_url_cap_per_sitemap() -> None:
    lines = "\n".join(f"https://a.example/n/{i}" for i in range(MAX_SITEMAP_URLS + 10))
    result = parse_sitemap(lines.encode(), "https://a.example/s.txt")
    assert len(result.urls) == MAX_SITEMAP_URLS and result.truncated


def test_truncated_sitemap_keeps_its_complete_entries() -> None:
    cut = URLSET[: URLSET.index(b"#c</loc>") - 10]  # inside the third <loc>
    result = parse_sitemap(cut, SITEMAP_URL, now=NOW)
    assert result.recovered
    assert urls_of(result.urls) == [
        "https://www.dailyherald.example/news/2024/05/12/council-approves-cycle-lanes.html",
        "https://www.dailyherald.example/news/"]  # never the image/video locs
    assert result.urls[0].lastmod == "2024-05-12T18:30:00+01:00"
    news = parse_sitemap(NEWS_SITEMAP[:-40], "https://www.journaldusoir.example/n.xml").urls
    assert news[0].title and news[0].published == "2025-03-04T06:15:00+01:00"
    index = parse_sitemap(SITEMAP_INDEX[:-60], SITEMAP_URL)
    assert index.recovered and len(index.sitemaps) == 2


def test_truncated_gzip_is_recovered_like_a_truncated_sitemap() -> None:
    packed = gzip.compress(URLSET * 1)
    result = parse_sitemap(packed[: len(packed) * 2 // 3], SITEMAP_URL)
    assert result.recovered and result.urls
    assert set(urls_of(result.urls)) <= set(urls_of(parse_sitemap(URLSET, SITEMAP_URL).urls))
    with pytest.raises(DiscoveryError):
        parse_sitemap(packed[:12], SITEMAP_URL)  # nothing but a header


@pytest.mark.parametrize("body", [b"", b"   \n", gzip.compress(b""), b"\x1f\x8b\x08garbage"])
def test_empty_or_corrupt_body_is_refused(body: bytes) -> None:
    with pytest.raises(DiscoveryError):
        parse_sitemap(body, SITEMAP_URL)
    with pytest.raises(DiscoveryError):
        parse_feed(body, FEED_URL)


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE html>\n<html><head><title>Not found</title></head><body>Oops</body></html>",
    b"<html><body><p>Please log in</p></body></html>",
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
])
def test_html_or_other_xml_served_as_a_sitemap_is_refused(body: bytes) -> None:
    with pytest.raises(DiscoveryError) as caught:
        parse_sitemap(body, SITEMAP_URL)
    assert type(caught.value) is DiscoveryError  # a wrong type, not an attack
    with pytest.raises(DiscoveryError):
        parse_feed(body, FEED_URL)


# -- Hostile XML -------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset><url><loc>https://a.example/&lol9;</loc></url></urlset>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://a.example/&xxe;</loc></url></urlset>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss><channel><item><link>https://a.example/x</link></item></channel></rss>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<feed xmlns="http://www.w3.org/2005/Atom"/>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, EXTERNAL_DTD, PARAMETER_ENTITY],
                         ids=["billion-laughs", "xxe", "external-dtd", "parameter-entity"])
@pytest.mark.timeout(30)  # hang guard: expanding billion-laughs would take hours
def test_dtds_and_entities_are_refused_unexpanded(body: bytes) -> None:
    for parse in (parse_sitemap, parse_feed):
        with pytest.raises(UnsafeXMLError):
            parse(body, SITEMAP_URL)
        with pytest.raises(UnsafeXMLError):
            parse(gzip.compress(body), SITEMAP_URL)
        truncated = body[:-20]  # not well-formed either: still refused, never recovered
        with pytest.raises(DiscoveryError):
            parse(truncated, SITEMAP_URL)


def gzip_bomb(gigabytes: int) -> bytes:
    """``gigabytes`` GB of zeros as gzip, from one compressed MiB repeated: after a full
    flush the compressor restarts, so every further MiB compresses to the same block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    mebibyte = bytes(1 << 20)
    head = packer.compress(mebibyte) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(mebibyte) + packer.flush(zlib.Z_FULL_FLUSH)
    return head + block * (gigabytes * 1024 - 1)


@pytest.mark.timeout(60)  # hang guard: inflating the whole 1 GB would blow through it
def test_gzip_bomb_stops_at_the_cap() -> None:
    bomb = gzip_bomb(1)
    assert len(bomb) < 2 * 1024 * 1024  # ~1 MB on the wire, 1 GB inflated
    for parse in (parse_sitemap, parse_feed):
        with pytest.raises(TooLargeError):
            parse(bomb, SITEMAP_URL)
    assert sniff(bomb, "application/gzip") == "other"


def test_element_cap_refuses_a_flood_of_tiny_elements() -> None:
    flood = b"<urlset>" + b"<a/>" * 1000 + b"</urlset>"
    assert len(parse_xml(flood, max_elements=1001)) == 1000
    with pytest.raises(TooLargeError):
        parse_xml(flood, max_elements=1000)


@pytest.mark.timeout(120)  # hang guard; the growth ratio is measured in bench/scaling_bench.py
def test_regex_recovery_refuses_hostile_input() -> None:
    hostile = hostile_feed(50_000)
    with pytest.raises(DiscoveryError):
        parse_feed(hostile, FEED_URL)
    with pytest.raises(DiscoveryError):
        parse_sitemap(hostile.replace(b"<rss>", b"<urlset>"), SITEMAP_URL)


def test_oversized_plain_body_is_refused() -> None:
    with pytest.raises(TooLargeError):
        parse_sitemap(b" " * (MAX_XML_BYTES + 1), SITEMAP_URL)


# -- Feeds -------------------------------------------------------------------------------

def test_rss2_links_guids_and_dates() -> None:
    entries = parse_feed(RSS, FEED_URL, now=NOW)
    assert urls_of(entries) == [
        "https://www.dailyherald.example/news/2024/05/12/council-approves-cycle-lanes.html",
        "https://www.dailyherald.example/2024/05/30/water-rates-to-rise-18-percent/",
        "https://www.dailyherald.example/news/bus-lanes-extended-to-the-ring-road",
    ]
    first, second, third = entries
    assert (first.published, first.title) == ("2024-05-12T18:30:00+01:00",
                                              "Council approves cycle lanes")
    assert second.published == "2024-05-30T09:00:00+00:00"
    assert second.title == "Water rates <b>to rise</b>"  # CDATA is text, kept verbatim
    assert third.published == "2024-05-11T07:00:00+00:00"
    assert {e.kind for e in entries} == {"article"}
    assert first.priority > third.priority  # fresher first (NOW is 2024-05-13)


def test_atom_alternate_link_xml_base_and_dates() -> None:
    entries = parse_feed(ATOM, "https://fieldnotes.example/feed.atom", now=NOW)
    assert urls_of(entries) == ["https://fieldnotes.example/the-quiet-return-of-the-otters/",
                                "https://fieldnotes.example/notes/winter-birds-at-the-lake-shore"]
    otters, birds = entries
    assert otters.title == "The quiet return of the otters"
    assert (otters.published, otters.lastmod) == ("2024-05-10T08:00:00-04:00",
                                                  "2024-05-11T09:30:00-04:00")
    assert birds.published == birds.lastmod == "2024-05-12T10:00:00+00:00"


def test_rdf_rss1_link_about_and_dc_date() -> None:
    entries = parse_feed(RDF, "https://rheinbote.example/rss.rdf", now=NOW)
    assert urls_of(entries) == [
        "https://rheinbote.example/lokales/grevenbroich/2025/03/hallenbad-sanierung-kostet-mehr.html",
        "https://rheinbote.example/kultur/neue-ausstellung-im-museum-eroeffnet.html"]
    assert entries[0].published == "2025-03-03T14:07:00+01:00"
    assert entries[1].published is None


def test_feed_with_undefined_html_entities_is_recovered() -> None:
    broken = RSS.replace(b"Council approves", b"Council&nbsp;approves")
    with pytest.raises(DiscoveryError):
        parse_sitemap(b"<urlset><url><loc>&nbsp;</loc></url></urlset>", SITEMAP_URL)
    entries = parse_feed(broken, FEED_URL, now=NOW)
    assert urls_of(entries) == urls_of(parse_feed(RSS, FEED_URL, now=NOW))
    assert entries[0].title == "Council\xa0approves cycle lanes"
    assert entries[0].published == "2024-05-12T18:30:00+01:00"
    atom = parse_feed(ATOM.replace(b"Only updated", b"Only&hellip;"), FEED_URL, now=NOW)
    assert urls_of(atom)[0] == "https://fieldnotes.example/the-quiet-return-of-the-otters/"


def test_a_sitemap_is_not_a_feed() -> None:
    with pytest.raises(DiscoveryError):
        parse_feed(URLSET, FEED_URL)


@pytest.mark.parametrize(("value", "expected"), [
    ("Sun, 12 May 2024 18:30:00 +0100", "2024-05-12T18:30:00+01:00"),
    ("Sun, 12 May 2024 18:30:00 GMT", "2024-05-12T18:30:00+00:00"),
    ("12 May 2024 18:30 EST", "2024-05-12T18:30:00-05:00"),
    ("2024-05-12T18:30:00.123Z", "2024-05-12T18:30:00+00:00"),
    ("2024-05-12T18:30+02:00", "2024-05-12T18:30:00+02:00"),
    ("2024-05-12", "2024-05-12"),
    ("2024-05", "2024-05"),
    ("yesterday", None),
    ("", None),
])
def test_normalize_date(value: str, expected: str | None) -> None:
    assert normalize_date(value) == expected


# -- Sniffing ----------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (URLSET, "application/xml", "sitemap"),
    (gzip.compress(SITEMAP_INDEX), "application/octet-stream", "sitemap"),
    (b"https://a.example/x\nhttps://a.example/y\n", "text/plain", "sitemap"),
    (RSS, "text/html; charset=utf-8", "feed"),  # the body wins over a wrong header
    (ATOM, "application/atom+xml", "feed"),
    (RDF, "application/rdf+xml", "feed"),
    (b"\xef\xbb\xbf<!-- generator --><?xml-stylesheet href='s.xsl'?><rss/>", "", "feed"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "application/xml", "html"),
    (b"  <div>fragment</div>", "", "html"),
    (b"<note/>", "text/html", "html"),
    (b"<note/>", "application/xml", "other"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "other"),
    (b"", "text/html", "other"),
    (b"plain words", "text/plain", "other"),
])
def test_sniff(body: bytes, content_type: str, expected: str) -> None:
    assert sniff(body, content_type) == expected


# -- Page links and scope ----------------------------------------------------------------

PAGE = b"""<!DOCTYPE html><html><head>
<base href="/news/">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://a.example/atom.xml">
<link rel="alternate" hreflang="fr" href="https://a.example/fr/">
<link rel="amphtml" href="https://a.example/amp/story">
<link rel="stylesheet" href="/s.css">
</head><body>
<a href="2024/05/12/first-story/">First</a>
<a href=" https://a.example/politics/#top ">Politics</a>
<a href="mailto:desk@a.example">Mail</a> <a href="javascript:void(0)">JS</a>
<a href="tel:+441234">Call</a> <a href="#comments">Comments</a>
<a rel="nofollow" href="https://elsewhere.example/sponsor">Sponsor</a>
<a href="/2024/05/12/first-story/#more">Again, via root</a>
<a href="../politics/">Politics again</a>
<a href="http://[oops/">Broken</a> <a>No href</a>
<map><area href="/map-target" alt=""></map>
</body></html>"""


def test_page_links_in_document_order_deduped_with_base_href() -> None:
    found = page_links(PAGE, "https://a.example/section/page.html")
    assert found.links == [
        "https://a.example/news/2024/05/12/first-story/",
        "https://a.example/politics/",
        "https://elsewhere.example/sponsor",  # nofollow is kept
        "https://a.example/2024/05/12/first-story/",
        "https://a.example/map-target",
    ]
    assert found.feeds == ["https://a.example/rss.xml", "https://a.example/atom.xml"]


def test_page_links_decodes_legacy_bytes() -> None:
    page = '<a href="/région/été-caniculaire-record-historique">x</a>'.encode("cp1252")
    assert page_links(page, "https://a.example/").links == [
        "https://a.example/région/été-caniculaire-record-historique"]


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.dailyherald.example/news/x", True),
    ("https://dailyherald.example/news/x", True),  # www.-less equality
    ("http://DAILYHERALD.example./news/x", True),
    ("https://sport.dailyherald.example/x", False),  # other subdomains are other sites
    ("https://dailyherald.example.evil/x", False),
    ("ftp://dailyherald.example/x", False),
    ("https://dailyherald.example/news/tag/x", False),  # excluded
    ("https://dailyherald.example/about/", False),  # not included
    ("not a url", False),
])
def test_in_scope(url: str, expected: bool) -> None:
    include = [re.compile(r"/news/")]
    exclude = [re.compile(r"/tag/")]
    assert in_scope(url, hosts={"www.dailyherald.example"}, include=include,
                    exclude=exclude) is expected


def test_in_scope_without_patterns() -> None:
    assert in_scope("https://a.example/anything", hosts=["a.example"], include=[], exclude=[])


# -- Classification and priority ---------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("https://a.example/", "index"),
    ("https://a.example/index.html", "index"),
    ("https://a.example/news/page/2/", "index"),
    ("https://a.example/news/?page=3", "index"),
    ("https://a.example/search?q=floods", "index"),
    ("https://a.example/tag/very-long-tag-name-with-words/", "index"),
    ("https://a.example/2024/05/", "index"),
    ("https://a.example/2024/05/12/", "index"),
    ("https://a.example/politik/deutschland/", "index"),
    ("https://a.example/sport.html", "index"),
    ("https://a.example/2024/05/12/floods/", "article"),
    ("https://a.example/news/2024-05-12/floods", "article"),
    ("https://a.example/news/floods-20240512", "article"),
    ("https://a.example/news/story.php?id=123456", "article"),
    ("https://a.example/news/heavy-rain-floods-valley", "article"),
    ("https://a.example/about-us/", "unknown"),
    ("https://a.example/news/world/europe/", "unknown"),
])
def test_classify_url(url: str, expected: str) -> None:
    assert classify_url(url) == expected


def test_classifier_on_the_fixture_site() -> None:
    """The calibration run quoted in ``scraper.discover.classify``."""
    articles = [line.strip() for line in (ROOT / "fixtures/urls.txt").read_text().splitlines()
                if line.startswith("http")]
    indexes = []
    for path in sorted(FIXTURE_SITE.rglob("*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        if not expected["is_article"]:
            indexes.append(expected["url"])
    confusion = Counter(("article", classify_url(u)) for u in articles)
    confusion.update(("index", classify_url(u)) for u in indexes)
    assert confusion == {("article", "article"): len(articles), ("index", "index"): len(indexes)}
    assert len(articles) >= 30 and len(indexes) >= 5


def test_priority_orders_sources_articles_fresh_first_then_index() -> None:
    hour_ago = (NOW - timedelta(hours=1)).isoformat()
    week_ago = (NOW - timedelta(days=7)).isoformat()
    year_ago = (NOW - timedelta(days=365)).isoformat()
    fresh = priority_of("article", hour_ago, NOW)
    assert priority_of("feed", None, NOW) > fresh
    assert fresh > priority_of("article", week_ago, NOW) > priority_of("unknown", hour_ago, NOW)
    assert priority_of("article", year_ago, NOW) > priority_of("index", hour_ago, NOW)
    assert priority_of("article", "2030-01-01", NOW) == priority_of("article", NOW.isoformat(),
                                                                    NOW)
    assert priority_of("article", "garbage", NOW) == priority_of("article", None, NOW)


# -- Inputs nobody thought of ------------------------------------------------------------

TOKENS = ["<urlset>", "</urlset>", "<url>", "</url>", "<loc>", "</loc>", "<sitemapindex>",
          "<sitemap>", "<rss>", "<channel>", "<item>", "</item>", "<link>", "</link>",
          '<feed xmlns="http://www.w3.org/2005/Atom">', "<entry>", '<link href="',
          '"/>', "<guid>", "<pubDate>", "</pubDate>", "<news:news>", "<![CDATA[", "]]>",
          "<!DOCTYPE x [", "<!ENTITY a 'b'>", "]>", "&a;", "&amp;", "&nbsp;", "https://a.example/",
          "http://[", "javascript:x", "2024-05-12", "Sun, 12 May 2024", "\x00", "\n", "é"]


def refuse_or_return(call: Callable[..., object], *args: object) -> None:
    try:
        call(*args)
    except DiscoveryError as exc:
        assert isinstance(exc, ValueError) and str(exc)


@FAST
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_discovery_error(body: bytes) -> None:
    refuse_or_return(parse_sitemap, body, SITEMAP_URL)
    refuse_or_return(parse_feed, body, FEED_URL)
    refuse_or_return(parse_sitemap, gzip.compress(body), SITEMAP_URL)
    assert sniff(body, "text/xml") in ("sitemap", "feed", "html", "other")


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.text(max_size=30))
def test_xmlish_token_soup_only_raises_discovery_error(tokens: list[str], noise: str) -> None:
    body = ("".join(tokens) + noise).encode("utf-8", errors="surrogatepass")
    refuse_or_return(parse_sitemap, body, SITEMAP_URL)
    refuse_or_return(parse_feed, body, FEED_URL)
    refuse_or_return(parse_sitemap, body[: len(body) // 2], SITEMAP_URL)


@FAST
@given(st.text(max_size=1000), st.sampled_from(["https://a.example/x/", "", "not a url",
                                                "http://[::1", "https://a.example/?q=1#f"]))
def test_page_links_never_raises(text: str, url: str) -> None:
    html = ('<base href="' + text[:20] + '"><a href="' + text + '">x</a>' + text).encode(
        "utf-8", errors="surrogatepass")
    found = page_links(html, url)
    assert all(link.startswith(("http://", "https://")) and "#" not in link
               for link in found.links + found.feeds)
    assert in_scope(text, hosts=["a.example"], include=[], exclude=[]) in (True, False)
    assert classify_url(text) in ("article", "index", "unknown")
