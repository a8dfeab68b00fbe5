"""The archive's write path and versions, on real SQLite and real PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

import storage
from storage import CaptureRecord, ContentRecord, open_archive

URL = "https://news.example/2024/05/01/story/"


def capture(url: str = URL, body: bytes = b"<html>page</html>", **kw: object) -> CaptureRecord:
    base = CaptureRecord(url, url, 200, datetime.now(UTC), 15, {"Content-Type": "text/html"}, body)
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def content(**kw: object) -> ContentRecord:
    base = ContentRecord(
        canonical_url=URL,
        title="A title",
        bylines=("Ann Author",),
        published="2024-05-01T08:00:00+02:00",
        modified=None,
        language="en",
        lead="The lead.",
        paragraphs=("One.", "Two."),
        subheadings=("Sub",),
        captions=("A caption",),
        text="The lead.\n\nOne.\n\nSub\n\nTwo.",
        comment_form=None,
        parser_version="test",
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def test_first_capture_is_new_and_views_show_it(db_url: str) -> None:
    with open_archive(db_url) as archive:
        result = archive.store(capture(), content())
    assert (result.outcome, result.version) == ("new", 1)
    [row] = rows(
        db_url, "SELECT url, site, title, bylines, version_count, current_version FROM articles"
    )
    assert row == (URL, "news.example", "A title", '["Ann Author"]', 1, 1)


def test_same_content_is_unchanged_and_noise_makes_no_version(db_url: str) -> None:
    with open_archive(db_url) as archive:
        archive.store(capture(), content())
        noisy = content(
            text="whatever",
            comment_form={"nonce": "x"},
            published="2024-05-02",
            paragraphs=("One.", "Two.\u00ad"),
            title="A  title ",
        )
        result = archive.store(capture(body=b"<html>other ads</html>"), noisy)
    assert result.outcome == "unchanged"
    assert rows(db_url, "SELECT count(*) FROM article_versions") == [(1,)]
    assert rows(db_url, "SELECT outcome FROM captures ORDER BY id") == [("new",), ("unchanged",)]


def test_edit_makes_new_version_and_revert_is_recorded(db_url: str) -> None:
    with open_archive(db_url) as archive:
        archive.store(capture(), content())
        edited = archive.store(capture(), content(paragraphs=("One.", "Two, corrected.")))
        back = archive.store(capture(), content())
    assert (edited.outcome, edited.version) == ("new_version", 2)
    assert (back.outcome, back.version, back.reverted_to) == ("new_version", 3, 1)
    assert rows(db_url, "SELECT version, reverted_to FROM article_versions ORDER BY version") == [
        (1, None),
        (2, None),
        (3, 1),
    ]
    assert rows(db_url, "SELECT version_count, current_version FROM articles") == [(3, 3)]


def test_aliases_tie_requested_final_and_canonical_urls(db_url: str) -> None:
    with open_archive(db_url) as archive:
        first = archive.store(capture(url=URL + "?utm_source=x"), content())
        second = archive.store(
            capture(url="https://NEWS.example:443/2024/05/01/story/#top"),
            content(canonical_url=None),
        )
    assert first.article_id == second.article_id
    assert second.outcome == "unchanged"


def test_raw_body_is_stored_once(db_url: str) -> None:
    with open_archive(db_url) as archive:
        archive.store(capture(), content())
        archive.store(capture(url=URL + "?again"), content())
    assert rows(db_url, "SELECT count(*) FROM blob") == [(1,)]
    assert rows(db_url, "SELECT count(*) FROM capture WHERE blob_sha256 IS NOT NULL") == [(2,)]


def test_failed_fetch_is_a_complete_error_capture(db_url: str) -> None:
    with open_archive(db_url) as archive:
        result = archive.store(
            CaptureRecord(URL, None, None, datetime.now(UTC), error="cannot connect")
        )
    assert result.outcome == "error"
    assert rows(db_url, "SELECT article_id, status, outcome, error FROM captures") == [
        (None, None, "error", "cannot connect")
    ]
    assert rows(db_url, "SELECT count(*) FROM articles") == [(0,)]


def _install_failing_trigger(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER boom BEFORE INSERT ON article_version "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER boom BEFORE INSERT ON article_version "
                "FOR EACH ROW EXECUTE FUNCTION boom()"
            )
    engine.dispose()


def test_a_failing_write_leaves_nothing_half_written(db_url: str) -> None:
    with open_archive(db_url):
        pass
    _install_failing_trigger(db_url)
    with (
        open_archive(db_url) as archive,
        pytest.raises(storage.ArchiveWriteError, match="injected"),
    ):
        archive.store(capture(), content())
    for table in ("article", "article_url", "capture", "blob", "article_version"):
        assert rows(db_url, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_versions_keep_every_field(db_url: str) -> None:
    form = {
        "heading": "Comment",
        "action": "https://news.example/c",
        "method": "post",
        "fields": [],
        "captcha": None,
    }
    with open_archive(db_url) as archive:
        archive.store(capture(), content(comment_form=form))
    [row] = rows(
        db_url,
        "SELECT title, bylines, lead, paragraphs, subheadings, captions, "
        "comment_form, parser_version, language FROM article_versions",
    )
    assert row[:2] == ("A title", '["Ann Author"]')
    assert json.loads(str(row[3])) == ["One.", "Two."]
    assert json.loads(str(row[6])) == form
    assert row[7:] == ("test", "en")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    with open_archive(sqlite_url) as archive:
        archive.store(capture(), content())
    assert rows(sqlite_url, "PRAGMA journal_mode") == [("wal",)]


@pytest.mark.parametrize(
    "bad",
    [
        "nonsense",
        "nosuchdriver://x/y",
        "sqlite:////no/such/dir/x.db",
        "postgresql+psycopg://postgres@127.0.0.1:1/none",
    ],
)
def test_bad_archive_urls_raise_one_clear_error(bad: str) -> None:
    with pytest.raises(storage.ArchiveURLError) as info:
        open_archive(bad)
    assert "\n" not in str(info.value)


def test_password_never_appears_in_errors() -> None:
    with pytest.raises(storage.ArchiveURLError) as info:
        open_archive("postgresql+psycopg://user:s3cr3t@127.0.0.1:1/db")
    assert "s3cr3t" not in str(info.value)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "notes.txt"
    path.write_text("hello, this is not sqlite " * 100)
    with pytest.raises(storage.ArchiveURLError, match="not a database"):
        open_archive(f"sqlite:///{path}")
