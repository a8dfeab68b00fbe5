"""Read-only queries and the public views, on real SQLite and real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import storage
from storage import CaptureRecord, ContentRecord, open_archive

VIEW_COLUMNS = {
    "articles": [
        "id",
        "url",
        "site",
        "title",
        "bylines",
        "published",
        "first_seen",
        "last_seen",
        "version_count",
        "current_version",
    ],
    "article_versions": [
        "article_id",
        "version",
        "fetched_at",
        "content_hash",
        "parser_version",
        "title",
        "bylines",
        "published",
        "modified",
        "language",
        "lead",
        "text",
        "paragraphs",
        "subheadings",
        "captions",
        "comment_form",
        "reverted_to",
    ],
    "captures": [
        "id",
        "article_id",
        "requested_url",
        "final_url",
        "status",
        "fetched_at",
        "elapsed_ms",
        "bytes",
        "outcome",
        "error",
    ],
}

WRITES = [
    "INSERT INTO article (url, site, first_seen, last_seen) "
    "VALUES ('u', 's', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "UPDATE article SET url = 'x'",
    "DELETE FROM article",
    "DROP TABLE capture",
    "CREATE TABLE evil (x integer)",
    "DROP VIEW articles",
    "WITH gone AS (DELETE FROM article RETURNING id) SELECT * FROM gone",
]


@pytest.fixture
def archive(db_url: str) -> storage.Archive:
    arch = open_archive(db_url)
    url = "https://news.example/a/"
    arch.store(
        CaptureRecord(url, url, 200, datetime.now(UTC), 5, {}, b"<html></html>"),
        ContentRecord(url, "T", ("A",), None, None, "en", None, ("p",), (), (), "p", None, "t"),
    )
    return arch


@pytest.mark.parametrize("view", sorted(VIEW_COLUMNS))
def test_views_have_their_contract_columns(archive: storage.Archive, view: str) -> None:
    result = archive.query(f"SELECT * FROM {view}")
    assert list(result.columns) == VIEW_COLUMNS[view]
    assert len(result.rows) == 1


@pytest.mark.parametrize("statement", WRITES)
def test_writes_are_refused_and_change_nothing(archive: storage.Archive, statement: str) -> None:
    with pytest.raises(storage.QueryError):
        archive.query(statement)
    assert archive.query("SELECT count(*) FROM articles").rows == ((1,),)
    assert archive.query("SELECT url FROM article").rows == (("https://news.example/a/",),)


def test_two_statements_are_refused(archive: storage.Archive) -> None:
    with pytest.raises(storage.QueryError, match="one statement"):
        archive.query("SELECT 1; DELETE FROM article")
    assert archive.query("SELECT count(*) FROM article").rows == ((1,),)


def test_semicolon_inside_a_string_is_one_statement(archive: storage.Archive) -> None:
    assert archive.query("SELECT 'a;b' AS s;").rows == (("a;b",),)


@pytest.mark.parametrize("bad", ["SELEC 1", "SELECT * FROM no_such_view", "", "   ;  "])
def test_malformed_queries_raise_query_error(archive: storage.Archive, bad: str) -> None:
    with pytest.raises(storage.QueryError) as info:
        archive.query(bad)
    assert "\n" not in str(info.value)
    assert not isinstance(info.value, storage.WriteRefusedError)


def test_archive_still_writable_after_a_refused_query(archive: storage.Archive) -> None:
    with pytest.raises(storage.QueryError):
        archive.query("DELETE FROM article")
    url = "https://news.example/b/"
    result = archive.store(CaptureRecord(url, url, 500, datetime.now(UTC), error="HTTP 500"))
    assert result.outcome == "error"


def test_a_percent_sign_is_text_not_a_placeholder(db_url: str) -> None:
    with open_archive(db_url) as archive:
        result = archive.query("SELECT '100%' AS share WHERE 'a%b' LIKE 'a%'")
    assert result.rows == (("100%",),)
