"""The replay layout, served through httpx.MockTransport."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from scraper.fetch import path_for, replay_transport


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "news.example" / "a" / "b").mkdir(parents=True)
    (tmp_path / "news.example" / "index.html").write_bytes(b"<p>home</p>")
    (tmp_path / "news.example" / "a" / "b" / "index.html").write_bytes(b"<p>story</p>")
    (tmp_path / "news.example" / "a" / "page.html").write_bytes(b"<p>page</p>")
    (tmp_path / "news.example" / "old.html.headers.json").write_text(
        json.dumps({"status": 301, "headers": {"Location": "https://news.example/a/b/"}})
    )
    (tmp_path / "news.example" / "a" / "page.html.headers.json").write_text(
        json.dumps(
            {
                "status": 200,
                "headers": {"Content-Type": "text/html; charset=iso-8859-1", "ETag": '"x"'},
            }
        )
    )
    return tmp_path


def get(site: Path, url: str) -> httpx.Response:
    with httpx.Client(transport=replay_transport(site), follow_redirects=True) as client:
        return client.get(url)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("https://news.example/", b"<p>home</p>"),
        ("https://news.example", b"<p>home</p>"),
        ("https://NEWS.example/a/b/?utm_source=rss#frag", b"<p>story</p>"),
        ("http://news.example:8080/a/b/", b"<p>story</p>"),
        ("https://news.example/a/b", b"<p>story</p>"),
    ],
)
def test_urls_map_to_files(site: Path, url: str, body: bytes) -> None:
    response = get(site, url)
    assert (response.status_code, response.content) == (200, body)
    assert response.headers["content-type"] == "text/html"


def test_sidecar_sets_status_and_headers(site: Path) -> None:
    response = get(site, "https://news.example/a/page.html")
    assert response.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert response.headers["etag"] == '"x"'


def test_sidecar_alone_serves_a_redirect(site: Path) -> None:
    response = get(site, "https://news.example/old.html")
    assert response.content == b"<p>story</p>"
    assert [r.status_code for r in response.history] == [301]


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/missing",
        "https://other.example/",
        "https://news.example/a/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_anything_absent_is_404(site: Path, url: str) -> None:
    assert get(site, url).status_code == 404


def test_path_mapping_never_escapes_the_root(tmp_path: Path) -> None:
    assert path_for(tmp_path, "https://h.example/../../x") in (None, tmp_path / "h.example" / "x")
    assert path_for(tmp_path, "https://h.example/a/%2E%2E/%2E%2E/x") is None
    assert (
        path_for(tmp_path, "https://h.example/caf%C3%A9/")
        == tmp_path / "h.example" / "café" / "index.html"
    )
