"""Which article a URL belongs to: normalisation, AMP aliases, sites and index pages.

Two URLs are aliases of one article when their *identity* strings are equal, where
``identity_url(url) == de_amp(normalize_url(url))``. The identity is a string that still
works as a URL (it can be fetched), built by these rules, applied in this order:

1.  Tabs and newlines are removed anywhere and surrounding whitespace is stripped (as
    browsers do); lone surrogates become U+FFFD. Only ``http`` and ``https`` URLs with a
    host are accepted: anything else raises ``ValueError`` and nothing else is raised.
2.  The scheme and host are lower-cased; percent-escapes in the host are decoded, a
    trailing dot is dropped, and non-ASCII labels are IDNA-encoded to punycode (the
    standard library's IDNA 2003 codec; a label that codec refuses is punycoded as is,
    so odd hosts never raise). A host left with characters no DNS name may hold raises
    ``ValueError``. IPv6 literals are written in compressed form.
3.  User information (``user:password@``) is dropped: it never selects an article, and
    credentials must not reach the archive.
4.  The default port (80 for http, 443 for https) is dropped; other ports are kept.
5.  The fragment is dropped.
6.  Percent-encoding is normalised in path and query: hex digits are upper-cased,
    escapes of unreserved characters (``A-Z a-z 0-9 - . _ ~``) are decoded, a ``%`` that
    starts no escape becomes ``%25``, and characters a URL may not carry literally
    (spaces, non-ASCII, ``"<>\\^`{|}``) are UTF-8 percent-encoded.
7.  Dot segments are removed from the path (RFC 3986, 5.2.4); an empty path becomes
    ``/``. Path case, repeated slashes and trailing slashes are kept: servers differ.
8.  Tracking parameters (``storage/tracking_params.txt``: exact names and ``prefix*``
    families, compared case-insensitively) are removed from the query, and so are
    empty ``&&`` pieces; the other parameters keep their order and spelling. An empty
    query loses its ``?``.
9.  ``de_amp`` then maps an AMP alias to its article: AMP-cache URLs
    (``*.cdn.ampproject.org/c/s/...``, ``google.com/amp/s/...``) to the URL they wrap;
    a leading ``amp.`` host label is dropped; ``amp`` path segments are removed; a path
    ending ``.amp`` loses it and ``.amp.html`` becomes ``.html``; the query parameters
    ``amp``, ``amp=1``, ``amp=true``, ``_amp=true`` and ``outputType=amp`` are removed.

Sites: ``site_of`` is the host without leading ``www.``, ``amp.``, ``m.``, ``mobile.``
labels; ``same_site`` holds when two sites are equal or one is a subdomain of the other,
never through a bare public suffix (``co.uk``), for which ``PUBLIC_SUFFIXES`` holds the
multi-label ones (single-label suffixes such as ``com`` are recognised by having no dot).

Index pages: ``is_index_url`` says whether a URL declared by a page (``rel=canonical``,
``og:url``) names a home or section page instead of the article; see its docstring.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left literal in a path (RFC 3986 pchar + "/"); "%" is handled as escapes.
_PATH_SAFE = UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")


def _escape_pattern(safe: frozenset[str]) -> re.Pattern[str]:
    """Matches an escape, a stray ``%`` or a run of characters outside ``safe``."""
    return re.compile(r"%([0-9A-Fa-f]{2})?|[^%" + re.escape("".join(sorted(safe))) + "]+")


_PATH_ESCAPES = _escape_pattern(_PATH_SAFE)
_QUERY_ESCAPES = _escape_pattern(_QUERY_SAFE)
_HOST_OK = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_IDEOGRAPHIC_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})

# Multi-label public suffixes under which every label is a different owner. A small,
# hand-kept subset of the Public Suffix List covering the countries whose press we meet;
# single-label suffixes need no list (a host without a dot is never a parent site).
_PUBLIC_SUFFIX_TEXT = """
    co.uk org.uk gov.uk ac.uk me.uk ltd.uk plc.uk net.uk sch.uk nhs.uk police.uk
    com.au net.au org.au edu.au gov.au asn.au id.au co.nz net.nz org.nz govt.nz ac.nz
    co.jp ne.jp or.jp ac.jp go.jp gr.jp co.kr or.kr com.cn net.cn org.cn gov.cn
    com.tw org.tw com.hk com.sg com.my co.id com.ph co.th com.vn co.in net.in org.in
    gov.in ac.in com.pk co.il org.il com.tr gov.tr com.ua com.sa com.eg com.ng co.za
    org.za gov.za com.br net.br org.br gov.br com.ar gob.ar com.mx gob.mx org.mx com.co
    com.pe com.ve com.uy com.ec gouv.fr co.at or.at com.pl com.es com.pt com.gr
"""
PUBLIC_SUFFIXES = frozenset(_PUBLIC_SUFFIX_TEXT.split())
# Leading host labels that name an edition of a site rather than another site.
EDITION_LABELS = ("www", "amp", "m", "mobile")

# AMP query markers: parameter name (lower-case) -> values (lower-case) that mean AMP.
AMP_QUERY = {
    "amp": frozenset({"", "1", "true"}),
    "_amp": frozenset({"true", "1"}),
    "outputtype": frozenset({"amp"}),
}
AMP_CACHE_SUFFIX = ".cdn.ampproject.org"
GOOGLE_AMP_HOSTS = frozenset({"google.com", "www.google.com"})

# Index detection. File names a server serves for a directory.
INDEX_FILES = frozenset(
    f"{stem}.{ext}"
    for stem in ("index", "default")
    for ext in ("html", "htm", "shtml", "php", "asp", "aspx", "jsp")
)
# A section segment is a short lower-case word or phrase ("politics", "us-news",
# "life-and-style") or a year; an article segment is a slug of SLUG_MIN_WORDS+ words or
# carries an id of ID_MIN_DIGITS+ digits in a row (a year has 4). Checked on the 50
# article URLs of fixtures/urls.txt and bench/heldout: each slug moved to the site root
# stays an article (47/47), 178 of their 179 ancestor paths are indexes (the miss is the
# postcode segment "rennes-35000"), and none of the 90 rel=canonical/og:url links of the
# 56 fixture and held-out pages is judged an index.
SECTION_MAX_CHARS = 24
SECTION_MAX_WORDS = 3
_SECTION = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*|(?:19|20)\d\d")
SLUG_MIN_WORDS = 4
ID_MIN_DIGITS = 5
_WORD_SPLIT = re.compile(r"[-_+\s]+")
_DIGIT_RUN = re.compile(rf"\d{{{ID_MIN_DIGITS},}}")


@cache
def tracking_params() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact names, prefixes) from ``tracking_params.txt``, lower-cased, read once."""
    text = files("storage").joinpath("tracking_params.txt").read_text(encoding="utf-8")
    names: set[str] = set()
    prefixes: list[str] = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry.endswith("*"):
            prefixes.append(entry[:-1])
        elif entry:
            names.add(entry)
    return frozenset(names), tuple(prefixes)


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter name is a tracker (case-insensitive)."""
    names, prefixes = tracking_params()
    key = name.lower()
    return key in names or key.startswith(prefixes)


# A page's URLs are normalised many times while it is stored (aliases, identity, site):
# the last few thousand results are kept (pure functions of the string).
URL_CACHE = 4096


@lru_cache(maxsize=URL_CACHE)
def normalize_url(url: str) -> str:
    """The normalised form of an http(s) URL (rules 1-8 of the module docstring).

    >>> normalize_url("HTTPS://Example.COM:443/a/./b/%7euser?utm_source=x&id=1#top")
    'https://example.com/a/b/~user?id=1'
    """
    clean = url.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    clean = _TAB_NEWLINE.sub("", clean).strip(_C0_AND_SPACE)
    parts = urlsplit(clean)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if not parts.netloc:
        raise ValueError(f"URL has no host: {url!r}")
    netloc = _netloc(parts.netloc, scheme)
    path = _remove_dot_segments(_escape(parts.path, _PATH_ESCAPES)) if parts.path else "/"
    query = _clean_query(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _netloc(netloc: str, scheme: str) -> str:
    """Host (rule 2) and port (rule 4) of a raw netloc, without user information."""
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):
        literal, bracket, rest = hostport[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"bad IPv6 host: {netloc!r}")
        host, port_text = f"[{_ipv6(literal)}]", rest[1:]
    else:
        raw, _, port_text = hostport.partition(":")
        host = _hostname(raw)
    if not port_text:
        return host
    if not port_text.isascii() or not port_text.isdigit() or int(port_text) > 65535:
        raise ValueError(f"bad port: {netloc!r}")
    port = int(port_text)
    return host if port == DEFAULT_PORTS[scheme] else f"{host}:{port}"


def _ipv6(literal: str) -> str:
    try:
        return ipaddress.IPv6Address(unquote(literal)).compressed.replace("%", "%25")
    except ValueError as err:
        raise ValueError(f"bad IPv6 host: {literal!r}") from err


def _hostname(raw: str) -> str:
    """Lower-case, IDNA-encoded DNS name; ``ValueError`` when nothing usable is left."""
    text = unquote(raw, errors="replace").translate(_IDEOGRAPHIC_DOTS).rstrip(".")
    labels = [_label(label) for label in text.split(".")]
    host = ".".join(labels)
    if not _HOST_OK.fullmatch(host):
        raise ValueError(f"not a host name: {raw!r}")
    return host


def _label(label: str) -> str:
    if label.isascii():
        return label.lower()
    try:
        encoded = label.encode("idna").decode("ascii").lower()
    except UnicodeError:
        encoded = ""
    if encoded and "." not in encoded:
        return encoded
    folded = unicodedata.normalize("NFKC", label).casefold()
    return "xn--" + folded.encode("punycode").decode("ascii").lower()


def _escape(text: str, pattern: re.Pattern[str]) -> str:
    """Normalise percent-escapes and encode what may not stay literal (rule 6)."""
    return pattern.sub(_fix_escape, text)


def _fix_escape(match: re.Match[str]) -> str:
    token, hexpair = match.group(0), match.group(1)
    if hexpair is not None:
        char = chr(int(hexpair, 16))
        return char if char in UNRESERVED else f"%{hexpair.upper()}"
    if token == "%":
        return "%25"
    return "".join(f"%{byte:02X}" for byte in token.encode("utf-8"))


def _remove_dot_segments(path: str) -> str:
    segments = path.split("/")
    out: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)


def _clean_query(query: str) -> str:
    kept = []
    for piece in query.split("&"):
        fixed = _escape(piece, _QUERY_ESCAPES)
        if fixed and not is_tracking_param(fixed.partition("=")[0]):
            kept.append(fixed)
    return "&".join(kept)


def is_amp_url(url: str) -> bool:
    """Whether ``url`` is an AMP alias (rule 9); invalid URLs are not."""
    try:
        normal = normalize_url(url)
    except ValueError:
        return False
    return de_amp(normal) != normal


def de_amp(url: str) -> str:
    """The normalised URL of the article an AMP alias stands for (rule 9)."""
    current = normalize_url(url)
    while (stripped := _de_amp_once(current)) != current:
        current = stripped  # each pass shortens the URL, so this ends
    return current


def _de_amp_once(normal: str) -> str:
    parts = urlsplit(_unwrap_amp_cache(normal))
    host = _strip_labels(parts.netloc, ("amp",))
    path = "/".join(s for s in parts.path.split("/") if s != "amp") or "/"
    path = path if path.startswith("/") else "/" + path
    if path.endswith(".amp.html"):
        path = path.removesuffix(".amp.html") + ".html"
    elif path.endswith(".amp") and not path.endswith("/.amp"):
        path = path.removesuffix(".amp")
    query = "&".join(p for p in parts.query.split("&") if p and not _is_amp_param(p))
    return f"{parts.scheme}://{host}{path}" + (f"?{query}" if query else "")


def _unwrap_amp_cache(normal: str) -> str:
    """The URL wrapped by an AMP cache URL, normalised; other URLs unchanged."""
    parts = urlsplit(normal)
    host = parts.hostname or ""
    prefixes: tuple[str, ...]
    if host.endswith(AMP_CACHE_SUFFIX):
        prefixes = ("/c/", "/v/")
    elif host in GOOGLE_AMP_HOSTS:
        prefixes = ("/amp/",)
    else:
        return normal
    for prefix in prefixes:
        if parts.path.startswith(prefix):
            rest = parts.path.removeprefix(prefix)
            scheme, rest = ("https", rest[2:]) if rest.startswith("s/") else ("http", rest)
            inner = f"{scheme}://{rest}" + (f"?{parts.query}" if parts.query else "")
            try:
                return _unwrap_amp_cache(normalize_url(inner))
            except ValueError:
                return normal
    return normal


def _is_amp_param(piece: str) -> bool:
    name, _, value = piece.partition("=")
    values = AMP_QUERY.get(name.lower())
    return values is not None and value.lower() in values


@lru_cache(maxsize=URL_CACHE)
def identity_url(url: str) -> str:
    """The key under which aliases of one article are matched: rules 1-9, then a
    leading ``www.`` dropped, so ``amp.example.com/x`` meets ``www.example.com/x``."""
    parts = urlsplit(de_amp(normalize_url(url)))
    if parts.netloc.startswith("www.") and "." in parts.netloc[4:]:
        parts = parts._replace(netloc=parts.netloc[4:])
    return urlunsplit(parts)


def _is_site_host(host: str) -> bool:
    """A host that can be a site on its own: a dot, no public suffix, no IP, a named TLD."""
    tld = host.rpartition(".")[2]
    return "." in host and host not in PUBLIC_SUFFIXES and not tld.isdigit() and not _is_ip(host)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _strip_labels(host: str, labels: tuple[str, ...]) -> str:
    """``host`` without leading ``labels`` while what remains can still be a site."""
    while True:
        first, _, rest = host.partition(".")
        if first not in labels or not _is_site_host(rest.partition(":")[0]):
            return host
        host = rest


def site_of(url: str) -> str:
    """The host an article belongs to, without edition labels; ``""`` if not http(s)."""
    try:
        host = urlsplit(normalize_url(url)).hostname or ""
    except ValueError:
        return ""
    return _strip_labels(host, EDITION_LABELS)


def same_site(a: str, b: str) -> bool:
    """Whether two URLs are on one site: equal sites, or one a subdomain of the other."""
    site_a, site_b = site_of(a), site_of(b)
    if not site_a or not site_b or site_a in PUBLIC_SUFFIXES or site_b in PUBLIC_SUFFIXES:
        return False
    if site_a == site_b:
        return True
    short, long = sorted((site_a, site_b), key=len)
    return _is_site_host(short) and _is_site_host(long) and long.endswith("." + short)


def is_index_url(candidate: str, page_url: str) -> bool:
    """Whether ``candidate`` names a home or section page rather than ``page_url``'s article.

    ``candidate`` (a canonical or og:url, possibly relative to ``page_url``) is an index
    when, after ``identity_url`` on both and with no query of its own, it differs from the
    page's identity and its directory (path without an ``index.html``-like file name) is

    * the root ``/`` (on any host), or, on the same site:
    * a proper ancestor of the page's path (``/politics/`` for ``/politics/2024/story``),
    * a single short section-like segment while the page's path is deeper.

    A last segment that looks like an article (a slug of ``SLUG_MIN_WORDS`` words or an
    id of ``ID_MIN_DIGITS`` digits) vetoes the last two rules. A candidate that is no
    http(s) URL is not an index; an invalid ``page_url`` raises ``ValueError``.
    """
    page = identity_url(page_url)
    try:
        target = identity_url(urljoin(page, candidate.strip()))
    except ValueError:
        return False
    parts = urlsplit(target)
    if target == page or parts.query:
        return False
    directory = _directory_of(parts.path)
    if directory == "/":
        return True
    if not same_site(target, page):
        return False
    last = directory.rstrip("/").rpartition("/")[2]
    if _looks_like_article(last):
        return False
    page_path = urlsplit(page).path.rstrip("/")
    if page_path.startswith(directory.rstrip("/") + "/"):
        return True
    return _is_section_of(last, directory, page_path)


def _directory_of(path: str) -> str:
    head, _, last = path.rpartition("/")
    return f"{head}/" if last.lower() in INDEX_FILES else path


def _looks_like_article(segment: str) -> bool:
    words = [w for w in _WORD_SPLIT.split(unquote(segment)) if w]
    return len(words) >= SLUG_MIN_WORDS or bool(_DIGIT_RUN.search(segment))


def _is_section_of(segment: str, directory: str, page_path: str) -> bool:
    """A one-segment section path (``/sport``) for a deeper page that is not its article."""
    page_segments = [s for s in page_path.split("/") if s]
    return (
        directory.strip("/") == segment
        and len(page_segments) >= 2
        and segment != page_segments[-1]
        and len(segment) <= SECTION_MAX_CHARS
        and len(_WORD_SPLIT.split(segment)) <= SECTION_MAX_WORDS
        and _SECTION.fullmatch(segment.lower()) is not None
    )


def redirected_home(requested: str, final: str | None) -> str | None:
    """Why a fetch of ``requested`` that ended at ``final`` is a redirect to a home or
    section page (the story is gone or moved behind a wall), or None."""
    if not final or _identity_or_self(final) == _identity_or_self(requested):
        return None
    try:
        return (
            f"redirected to a home or section page: {final}"
            if is_index_url(final, requested)
            else None
        )
    except ValueError:
        return None


def _identity_or_self(url: str) -> str:
    try:
        return identity_url(url)
    except ValueError:
        return url
