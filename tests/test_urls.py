"""Article identity from URLs: normalisation, tracking parameters, AMP aliases, sites, indexes.

Table-driven cases pin each numbered rule of ``storage.urls``; hypothesis properties check
what no table can: idempotence and the error contract on arbitrary text, AMP variants of
generated URLs mapping back to one identity, and tracking removal sparing everything else.
"""

from __future__ import annotations

import random
from importlib.resources import files

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from storage.urls import (
    PUBLIC_SUFFIXES,
    de_amp,
    identity_url,
    is_amp_url,
    is_index_url,
    is_tracking_param,
    normalize_url,
    same_site,
    site_of,
)

# --- normalize_url: one table per rule -------------------------------------------------

PORTS = [
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:0443/a", "https://example.com/a"),
    ("http://example.com:443/a", "http://example.com:443/a"),
    ("https://example.com:80/a", "https://example.com:80/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("http://example.com:/a", "http://example.com/a"),
]
CASE = [
    ("HTTPS://WWW.Example.COM/Path/To?Q=Mixed", "https://www.example.com/Path/To?Q=Mixed"),
    ("Http://example.com/a/B/", "http://example.com/a/B/"),
    ("https://example.com./a", "https://example.com/a"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("http://[2001:DB8:0:0::1]:8080/a", "http://[2001:db8::1]:8080/a"),
]
IDNA = [
    ("https://Bücher.de/", "https://xn--bcher-kva.de/"),
    ("https://xn--BCHER-kva.de/", "https://xn--bcher-kva.de/"),
    ("https://例え。テスト/", "https://xn--r8jz45g.xn--zckzah/"),
    ("https://ex%41mple.com/", "https://example.com/"),
]
FRAGMENTS = [
    ("https://example.com/a#top", "https://example.com/a"),
    ("https://example.com/a?x=1#", "https://example.com/a?x=1"),
    ("https://example.com#frag", "https://example.com/"),
]
PERCENT = [
    ("https://example.com/%7euser/%41%2d", "https://example.com/~user/A-"),
    ("https://example.com/a%2fb%3a", "https://example.com/a%2Fb%3A"),
    ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
    ("https://example.com/café", "https://example.com/caf%C3%A9"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com/100%", "https://example.com/100%25"),
    ("https://example.com/%zz", "https://example.com/%25zz"),
    ("https://example.com/?q=a%2bb&r=%7E", "https://example.com/?q=a%2Bb&r=~"),
    ("https://example.com/?q=é ü", "https://example.com/?q=%C3%A9%20%C3%BC"),
    ("https://example.com/?q=a+b", "https://example.com/?q=a+b"),
]
PATHS = [
    ("https://example.com", "https://example.com/"),
    ("https://example.com?x=1", "https://example.com/?x=1"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/../../a", "https://example.com/a"),
    ("https://example.com/a/b/..", "https://example.com/a/"),
    ("https://example.com/a/%2E%2e/b", "https://example.com/b"),
    ("https://example.com/a/b/", "https://example.com/a/b/"),
    ("https://example.com/a//b", "https://example.com/a//b"),
    ("  https://example.com/a\n/b\t ", "https://example.com/a/b"),
]
QUERIES = [
    ("https://example.com/a?", "https://example.com/a"),
    ("https://example.com/a?&&", "https://example.com/a"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
    ("https://example.com/a?x=1&&y=2", "https://example.com/a?x=1&y=2"),
    ("https://example.com/a?utm_source=x", "https://example.com/a"),
    ("https://example.com/a?z=1&utm_source=x&a=2&fbclid=y", "https://example.com/a?z=1&a=2"),
]


@pytest.mark.parametrize(
    ("url", "expected"), PORTS + CASE + IDNA + FRAGMENTS + PERCENT + PATHS + QUERIES
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.com/a",
        "//example.com/a",
        "ftp://example.com/a",
        "mailto:someone@example.com",
        "javascript:alert(1)",
        "http://",
        "http:///a",
        "https://:443/",
        "http://exa mple.com/",
        "http://a..b/",
        "http://a%2Fb/",
        "http://example.com:99999/",
        "http://example.com:8o/",
        "http://[::1/",
        "http://[not-ip]/",
    ],
)
def test_normalize_url_rejects_what_is_no_http_url_with_a_host(url: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(url)


# --- tracking parameters ----------------------------------------------------------------

TRACKERS = [
    "utm_source", "UTM_Medium", "utm_campaign", "utm_id", "pk_campaign", "mtm_source",
    "hsa_acc", "itm_source", "WT.mc_id", "fbclid", "gclid", "dclid", "gbraid", "wbraid",
    "msclkid", "yclid", "twclid", "ttclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
    "_hsenc", "mkt_tok", "ocid", "cmpid", "xtor", "ito", "smid", "CMP", "sr_share",
    "ref_src", "ref_url", "soc_src", "soc_trk", "at_medium", "at_campaign", "ns_mchannel",
    "ns_source", "guccounter",
]  # fmt: skip
KEPT = ["id", "q", "page", "p", "utm", "ref", "at", "at_time", "mc", "ns", "pkg", "smidge",
        "cmp_id", "outputType", "amp_story", "s", "section", "itmx"]  # fmt: skip


@pytest.mark.parametrize("name", TRACKERS)
def test_each_tracking_family_is_dropped(name: str) -> None:
    url = f"https://example.com/a?id=7&{name}=abc&z=1"
    assert normalize_url(url) == "https://example.com/a?id=7&z=1"


@pytest.mark.parametrize("name", KEPT)
def test_lookalike_parameters_are_kept(name: str) -> None:
    url = f"https://example.com/a?{name}=abc"
    assert normalize_url(url) == url


def _entries() -> list[str]:
    text = files("storage").joinpath("tracking_params.txt").read_text(encoding="utf-8")
    found = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [entry for entry in found if entry]


def test_tracking_list_has_no_duplicates_and_only_safe_prefixes() -> None:
    entries = [e.lower() for e in _entries()]
    assert len(entries) == len(set(entries))
    for entry in entries:
        assert " " not in entry and "=" not in entry and "&" not in entry, entry
        if entry.endswith("*"):  # a prefix must end at a separator and not be a bare stem
            assert entry[-2] in "_." and len(entry) >= 4, entry


def test_every_listed_name_is_recognised() -> None:
    for entry in _entries():
        assert is_tracking_param(entry.rstrip("*") + ("x" if entry.endswith("*") else ""))


# --- AMP ----------------------------------------------------------------------------------

AMP = [
    ("https://www.example.com/amp/news/story", "https://www.example.com/news/story"),
    ("https://example.com/news/story/amp/", "https://example.com/news/story/"),
    ("https://example.com/news/story/amp", "https://example.com/news/story"),
    ("https://example.com/news/amp/story", "https://example.com/news/story"),
    ("https://example.com/news/story.amp", "https://example.com/news/story"),
    ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
    ("https://example.com/news/story?amp", "https://example.com/news/story"),
    ("https://example.com/news/story?amp=1&id=3", "https://example.com/news/story?id=3"),
    ("https://example.com/news/story?id=3&amp=true", "https://example.com/news/story?id=3"),
    ("https://example.com/news/story?outputType=amp", "https://example.com/news/story"),
    ("https://example.com/news/story?_amp=true", "https://example.com/news/story"),
    ("https://amp.example.com/news/story", "https://example.com/news/story"),
    ("https://amp.example.co.uk/story", "https://example.co.uk/story"),
    ("https://AMP.example.com/amp/story.amp.html?amp=1#x", "https://example.com/story.html"),
    (
        "https://example-com.cdn.ampproject.org/c/s/example.com/news/story?id=3",
        "https://example.com/news/story?id=3",
    ),
    ("https://www.google.com/amp/s/example.com/amp/story", "https://example.com/story"),
    ("https://www.google.com/amp/example.com/story", "http://example.com/story"),
]
NOT_AMP = [
    "https://example.com/news/story",
    "https://example.com/ample/story",
    "https://example.com/camp/story",
    "https://example.com/amp-review/",
    "https://example.com/news/story?amp=0",
    "https://example.com/news/story?ampersand=1",
    "https://example.com/.amp",
    "https://amp.com/story",
    "https://amp.co.uk/story",
    "https://www.google.com/search?q=amp",
    "not a url",
]


@pytest.mark.parametrize(("url", "article"), AMP)
def test_amp_forms(url: str, article: str) -> None:
    assert is_amp_url(url)
    assert de_amp(url) == article
    assert identity_url(url) == identity_url(article)
    assert not is_amp_url(article)


@pytest.mark.parametrize("url", NOT_AMP)
def test_not_amp(url: str) -> None:
    assert not is_amp_url(url)


def test_identity_url_is_de_amp_of_normalize() -> None:
    url = "HTTPS://Example.com:443/amp/a/../story?utm_medium=x&amp=1&id=5#c"
    assert identity_url(url) == "https://example.com/story?id=5"


# --- sites --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.example.com/a", "example.com"),
        ("https://amp.example.com/a", "example.com"),
        ("https://m.example.com/a", "example.com"),
        ("https://mobile.example.com/a", "example.com"),
        ("https://www.m.example.com/a", "example.com"),
        ("https://edition.cnn.com/a", "edition.cnn.com"),
        ("https://WWW.BBC.co.uk:443/a", "bbc.co.uk"),
        ("https://m.co.uk/a", "m.co.uk"),
        ("https://www.com/a", "www.com"),
        ("http://127.0.0.1:8000/a", "127.0.0.1"),
        ("ftp://example.com/a", ""),
        ("not a url", ""),
    ],
)
def test_site_of(url: str, site: str) -> None:
    assert site_of(url) == site


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.example.com/a", "https://example.com/b", True),
        ("https://edition.cnn.com/a", "https://cnn.com/b", True),
        ("https://cnn.com/a", "https://edition.cnn.com/b", True),
        ("https://news.bbc.co.uk/a", "https://www.bbc.co.uk/b", True),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/b", True),
        ("http://localhost/a", "http://localhost/b", True),
        ("https://example.com/a", "https://example.org/a", False),
        ("https://notcnn.com/a", "https://cnn.com/a", False),
        ("https://bbc.co.uk/a", "https://itv.co.uk/a", False),
        ("https://co.uk/a", "https://bbc.co.uk/a", False),
        ("https://co.uk/a", "https://org.uk/a", False),
        ("https://co.uk/a", "https://co.uk/b", False),
        ("https://example.com/a", "https://com/a", False),
        ("http://1.0.0.1/a", "http://0.0.1/a", False),
        ("https://example.com/a", "not a url", False),
    ],
)
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same
    assert same_site(b, a) is same


def test_public_suffixes_are_multi_label_and_lower_case() -> None:
    assert {"co.uk", "com.au", "co.jp", "com.br", "org.uk", "gov.uk"} <= PUBLIC_SUFFIXES
    assert all("." in s and s == s.lower() for s in PUBLIC_SUFFIXES)


# --- index pages --------------------------------------------------------------------------

PAGE = "https://www.example.com/politics/2024/05/senate-passes-the-budget-bill"


@pytest.mark.parametrize(
    ("candidate", "index"),
    [
        ("https://www.example.com/", True),
        ("https://example.com", True),
        ("/index.html", True),
        ("/index.php", True),
        ("https://other.example.org/", True),
        ("/politics/", True),
        ("/politics", True),
        ("/politics/index.html", True),
        ("/politics/2024/05/", True),
        ("/sport", True),
        ("/us-news/", True),
        (PAGE, False),
        (PAGE + "?utm_source=x#comments", False),
        (PAGE.replace("/politics/", "/amp/politics/"), False),
        ("/politics/2024/05/senate-passes-the-budget-bill/", False),
        ("/senate-passes-the-budget-bill", False),
        ("/2024/05/another-story-on-this-site", False),
        ("/news/1234567", False),
        ("/?p=123", False),
        ("/politics/?page=2", False),
        ("https://other.example.org/politics/", False),
        ("javascript:void(0)", False),
        ("http://[oops/", False),
    ],
)
def test_is_index_url(candidate: str, index: bool) -> None:
    assert is_index_url(candidate, PAGE) is index


def test_index_needs_a_deeper_page_for_a_section() -> None:
    assert not is_index_url("/sport", "https://example.com/politics")
    assert is_index_url("/", "https://example.com/politics")
    assert not is_index_url("/", "https://example.com/")


def test_an_id_ancestor_is_the_article() -> None:
    assert not is_index_url("/news/123456", "https://example.com/news/123456/the-slug")


# --- properties ---------------------------------------------------------------------------

URL_CHARS = "aZ09-._~%:/?#[]@!$&'()*+,;= \t\né€\u3002\x00\\^`{|}\"<>"
url_like = st.builds(
    lambda scheme, rest: scheme + rest,
    st.sampled_from(["http://", "https://", "HTTP://", "http:", "ftp://", "", " https://"]),
    st.text(alphabet=URL_CHARS, max_size=40),
)


any_host = st.builds(lambda h, t: f"https://{h}/{t}", st.text(max_size=20), st.text(max_size=20))


@given(st.one_of(st.text(), url_like, any_host))
@example("http://a%2541.com/%%35A")
@example("https://xn--ls8h.la/\ud800")
@example("http://\u2024x.com/")
@example("http://[fe80::1%25eth0]/")
def test_normalize_url_is_idempotent_and_raises_only_value_error(text: str) -> None:
    try:
        once = normalize_url(text)
    except ValueError:
        return
    assert normalize_url(once) == once
    assert once.isascii()
    assert identity_url(identity_url(once)) == identity_url(once)


label = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
hosts = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "co.uk", "example", "de"]),
)
segment = st.text(alphabet="abcXYZ019-_.~%é ", min_size=1, max_size=8)
params = st.lists(
    st.tuples(st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True), st.text("ab1-", max_size=3)),
    max_size=4,
)


@st.composite
def article_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    segments = draw(st.lists(segment, max_size=4))
    slash = "/" if draw(st.booleans()) else ""
    query = "&".join(f"{k}={v}" for k, v in draw(params))
    raw = f"{scheme}://{draw(hosts)}/{'/'.join(segments)}{slash}" + (f"?{query}" if query else "")
    return normalize_url(raw)


def amp_variants(url: str) -> list[str]:
    """Every AMP alias a publisher could give the article at normalised ``url``."""
    scheme, rest = url.split("://", 1)
    host, _, tail = rest.partition("/")
    path, _, query = f"/{tail}".partition("?")
    q = f"?{query}" if query else ""
    joined = f"{q}&" if q else "?"
    out = [
        f"{scheme}://amp.{host}{path}{q}",
        f"{scheme}://{host}/amp{path}{q}",
        f"{scheme}://{host}{path}amp/{q}"
        if path.endswith("/")
        else f"{scheme}://{host}{path}/amp{q}",
        f"{scheme}://{host}{path}{joined}amp=1",
        f"{scheme}://{host}{path}{joined}outputType=amp",
        f"{scheme}://{host}{path}?amp" + (f"&{query}" if query else ""),
        f"{scheme}://{host.replace('.', '-')}.cdn.ampproject.org/c/"
        + ("s/" if scheme == "https" else "")
        + f"{host}{path}{q}",
    ]
    if not path.endswith("/"):
        out.append(f"{scheme}://{host}{path}.amp{q}")
    if path.endswith(".html"):
        out.append(f"{scheme}://{host}{path.removesuffix('.html')}.amp.html{q}")
    return out


@given(article_urls())
@example("https://example.com/story.html")
@example("https://amp.example.com/")
def test_amp_variants_share_the_article_identity(url: str) -> None:
    for variant in amp_variants(url):
        assert identity_url(variant) == identity_url(url), variant
        assert is_amp_url(variant), variant


@given(
    params,
    st.lists(st.sampled_from(TRACKERS), max_size=4),
    st.randoms(use_true_random=False),
)
def test_tracking_removal_spares_every_other_parameter(
    plain: list[tuple[str, str]], trackers: list[str], rng: random.Random
) -> None:
    assume(all(not is_tracking_param(name) for name, _ in plain))
    pieces = [f"{k}={v}" for k, v in plain]
    mixed = pieces + [f"{t}=1" for t in trackers]
    rng.shuffle(mixed)
    kept_order = [p for p in mixed if p in pieces]
    out = normalize_url("https://example.com/a?" + "&".join(mixed))
    query = out.partition("?")[2]
    assert (query.split("&") if query else []) == kept_order
