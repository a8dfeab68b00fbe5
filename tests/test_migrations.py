"""Schema revisions on real SQLite files and real PostgreSQL schemas.

Old archives are built the way an old scraper left them: Alembic is driven directly
to ``r0001`` (as ``storage.migrate`` drives it, inside one transaction), and rows
are written with plain SQL, since today's write path needs today's schema. The
pre-Alembic layout is ``r0001``'s tables with ``archive_meta.schema_version = '1'``
and no ``alembic_version``. Upgrades run through the CLI in a real process.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import zstandard
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import storage
import storage.migrations
from storage import CaptureRecord, ContentRecord, open_archive, schema
from tests.conftest import ROOT

URL = "https://news.example/2024/05/01/story/"
AMP_URL = "https://news.example/2024/05/01/story/amp/"
BODY = b"<html><head><title>A title</title></head><body><p>One.</p><p>Two.</p></body></html>"
FETCHED = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
FIELDS: dict[str, Any] = {
    "title": "A title",
    "bylines": ("Ann Author",),
    "lead": "The lead.",
    "paragraphs": ("One.", "Two."),
    "subheadings": (),
    "captions": (),
}
VIEWS = {"articles", "article_versions", "captures", "duplicates"}
CLI_TIMEOUT_S = 60  # one CLI run takes ~0.5 s here
HOLD_LOCK_S = 0.3  # how long another SQLite writer keeps its lock; well below the busy timeout
LOCK_WAIT_TIMEOUT_S = 10.0  # the archive's busy timeout is 10 s


def alembic_config(conn: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(storage.migrations.__file__).parent))
    if conn is not None:
        cfg.attributes["connection"] = conn  # storage/migrations/env.py runs on this one
    return cfg


@contextmanager
def connect(url: str) -> Iterator[sa.Connection]:
    """A plain SQLAlchemy connection in a transaction that commits on success."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def revision(url: str) -> str | None:
    with connect(url) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int | None = 2) -> str:
    assert result.returncode != 0 if code is None else result.returncode == code, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# --- building old archives --------------------------------------------------------------


def build_r0001(url: str, *, pre_alembic: bool = False) -> None:
    """An archive as the first schema left it, holding one captured article."""
    with connect(url) as conn:
        command.upgrade(alembic_config(conn), "r0001")
        if pre_alembic:
            conn.exec_driver_sql("DROP TABLE alembic_version")
            conn.execute(
                sa.text("INSERT INTO archive_meta (key, value) VALUES ('schema_version', '1')")
            )
        _insert_article(conn)


def _ts(conn: sa.Connection) -> datetime | str:
    """FETCHED as the r0001 schema stores it on this engine."""
    if conn.dialect.name == "sqlite":
        return FETCHED.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return FETCHED


def _insert_article(conn: sa.Connection) -> None:
    """One article, two aliases, one blob, one capture, one version; ids from the sequences."""
    article = "(SELECT id FROM article WHERE url = :url)"
    version = {
        "hash": storage.content_hash(**FIELDS),
        "title": FIELDS["title"],
        "bylines": json.dumps(list(FIELDS["bylines"])),
        "lead": FIELDS["lead"],
        "text": "\n\n".join([FIELDS["lead"], *FIELDS["paragraphs"]]),
        "paragraphs": json.dumps(list(FIELDS["paragraphs"])),
    }
    sql: list[tuple[str, dict[str, Any]]] = [
        (
            "INSERT INTO blob VALUES (:sha, :size, 'zstd', :data)",
            {"data": zstandard.ZstdCompressor().compress(BODY)},
        ),
        (
            "INSERT INTO article (url, site, first_seen, last_seen, current_version) "
            "VALUES (:url, 'news.example', :ts, :ts, 1)",
            {},
        ),
        (
            f"INSERT INTO article_url VALUES (:url, {article}, 'canonical', :ts), "
            f"(:amp, {article}, 'amp', :ts)",
            {},
        ),
        (
            "INSERT INTO capture (article_id, requested_url, final_url, status, fetched_at, "
            f"elapsed_ms, bytes, headers, blob_sha256, outcome) VALUES ({article}, :amp, :url, "
            "200, :ts, 12, :size, '{\"content-type\": \"text/html\"}', :sha, 'new')",
            {},
        ),
        (
            "INSERT INTO article_version (article_id, version, capture_id, fetched_at, "
            "content_hash, parser_version, title, bylines, lead, text, paragraphs, "
            f"subheadings, captions) VALUES ({article}, 1, (SELECT max(id) FROM capture), :ts, "
            ":hash, 'old', :title, :bylines, :lead, :text, :paragraphs, '[]', '[]')",
            version,
        ),
    ]
    common = {
        "sha": hashlib.sha256(BODY).hexdigest(),
        "size": len(BODY),
        "url": URL,
        "amp": AMP_URL,
        "ts": _ts(conn),
    }
    for statement, params in sql:
        conn.execute(sa.text(statement), {**common, **params})


def _capture() -> CaptureRecord:
    return CaptureRecord(URL, URL, 200, datetime.now(UTC), 9, {"Content-Type": "text/html"}, BODY)


def _content(**kw: Any) -> ContentRecord:
    fields = {**FIELDS, **kw}
    return ContentRecord(
        canonical_url=URL,
        published=None,
        modified=None,
        language="en",
        text="\n\n".join([fields["lead"], *fields["paragraphs"]]),
        comment_form=None,
        parser_version="new",
        **fields,
    )


def assert_old_rows_readable(url: str) -> None:
    """The article written at r0001 reads through the views and the Archive API."""
    with connect(url) as conn:
        q = conn.exec_driver_sql
        articles = q("SELECT url, title, version_count, current_version FROM articles").all()
        assert [tuple(r) for r in articles] == [(URL, "A title", 1, 1)]
        versions = q("SELECT version, title, bylines, parser_version FROM article_versions")
        assert [tuple(r) for r in versions] == [(1, "A title", '["Ann Author"]', "old")]
        captures = q("SELECT requested_url, final_url, outcome FROM captures").all()
        assert [tuple(r) for r in captures] == [(AMP_URL, URL, "new")]
    with open_archive(url, read_only=True) as archive:
        article_id = archive.find(AMP_URL)
        assert article_id is not None and archive.find(URL) == article_id
        [version] = archive.versions(article_id)
        # SQLite hands back naive UTC datetimes, PostgreSQL aware ones: compare in UTC.
        fetched = version.fetched_at
        fetched = fetched if fetched.tzinfo is not None else fetched.replace(tzinfo=UTC)
        assert (fetched, version.paragraphs, version.words) == (FETCHED, FIELDS["paragraphs"], None)
        [exported] = list(archive.export_captures())
        assert exported.body == BODY


# --- tests ------------------------------------------------------------------------------


def test_code_and_migrations_agree_on_the_head_revision() -> None:
    assert head_revision() == schema.SCHEMA_REVISION


def test_new_archive_is_at_head_with_every_view(db_url: str) -> None:
    with open_archive(db_url):
        pass
    assert revision(db_url) == head_revision()
    with connect(db_url) as conn:
        assert set(sa.inspect(conn).get_view_names()) >= VIEWS
        for view in VIEWS:
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {view}").scalar_one() == 0


def test_migrated_views_have_the_columns_the_code_documents(db_url: str) -> None:
    """storage/schema.py's VIEWS (Datasette, README) name the columns the revisions made."""
    with open_archive(db_url):
        pass
    with connect(db_url) as conn:
        for name, body in schema.VIEWS.items():
            made = conn.exec_driver_sql(f"SELECT * FROM {name} LIMIT 0").keys()
            documented = conn.exec_driver_sql(f"SELECT * FROM ({body}) AS v LIMIT 0").keys()
            assert list(made) == list(documented), name


def test_migrations_build_the_schema_the_code_declares(db_url: str) -> None:
    """No drift between storage/schema.py and the revisions that build real archives."""
    with open_archive(db_url):
        pass
    with connect(db_url) as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []


@pytest.mark.parametrize("pre_alembic", [False, True], ids=["r0001", "pre-alembic"])
def test_old_archive_is_refused_then_upgraded_in_place(db_url: str, pre_alembic: bool) -> None:
    build_r0001(db_url, pre_alembic=pre_alembic)
    with pytest.raises(storage.SchemaError, match="scraper db upgrade") as info:
        open_archive(db_url)
    assert "r0001" in str(info.value)
    if not pre_alembic:  # the CLI's handling of SchemaError is the same for both layouts
        refused = run("sql", "SELECT count(*) FROM articles", "--db", db_url)
        assert "scraper db upgrade" in assert_one_line_error(refused)

    upgraded = run("db", "upgrade", "--db", db_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "from r0001" in upgraded.stdout and head_revision() in upgraded.stdout
    assert revision(db_url) == head_revision()
    assert_old_rows_readable(db_url)

    again = run("db", "upgrade", "--db", db_url)
    assert again.returncode == 0, again.stderr
    assert "already at" in again.stdout and head_revision() in again.stdout


def test_upgraded_archive_continues_the_old_history(db_url: str) -> None:
    build_r0001(db_url)
    storage.upgrade_schema(db_url)
    with open_archive(db_url) as archive:
        article_id = archive.find(URL)
        same = archive.store(_capture(), _content())
        edited = archive.store(_capture(), _content(paragraphs=("One.", "Two, corrected.")))
    assert (same.outcome, same.article_id, same.version) == ("unchanged", article_id, 1)
    assert (edited.outcome, edited.version) == ("new_version", 2)
    with connect(db_url) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM blob").scalar_one() == 1


def test_concurrent_upgrades_apply_the_revisions_once(db_url: str) -> None:
    build_r0001(db_url)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "scraper", "db", "upgrade", "--db", db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for _ in range(3)
    ]
    outputs = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=CLI_TIMEOUT_S)
            outputs.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(CLI_TIMEOUT_S)
    assert [code for code, *_ in outputs] == [0, 0, 0], outputs
    said = sorted(
        "upgraded" if "from r0001" in out else "already" if "already at" in out else out
        for _, out, _ in outputs
    )
    assert said == ["already", "already", "upgraded"], outputs
    assert_old_rows_readable(db_url)


def test_archive_from_a_newer_scraper_is_refused(db_url: str) -> None:
    with open_archive(db_url):
        pass
    with connect(db_url) as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'r9999'")
    with pytest.raises(storage.SchemaError, match="newer version of the scraper"):
        open_archive(db_url)
    message = assert_one_line_error(run("sql", "SELECT 1", "--db", db_url), code=2)
    assert "r9999" in message and "newer" in message
    refused = run("db", "upgrade", "--db", db_url)
    assert "newer" in assert_one_line_error(refused, code=2)
    assert revision(db_url) == "r9999"


def test_unknown_pre_alembic_version_is_refused(db_url: str) -> None:
    build_r0001(db_url, pre_alembic=True)
    with connect(db_url) as conn:
        conn.exec_driver_sql("UPDATE archive_meta SET value = '7' WHERE key = 'schema_version'")
    with pytest.raises(storage.SchemaError, match="unknown archive"):
        open_archive(db_url)
    with pytest.raises(storage.SchemaError, match="unknown archive"):
        storage.upgrade_schema(db_url)


def test_failing_upgrade_leaves_the_archive_untouched(db_url: str) -> None:
    build_r0001(db_url)
    with connect(db_url) as conn:  # r0002 creates this table: its upgrade must fail
        conn.exec_driver_sql("CREATE TABLE duplicate (note TEXT)")
        conn.exec_driver_sql("INSERT INTO duplicate VALUES ('mine')")
    failed = run("db", "upgrade", "--db", db_url)
    assert "duplicate" in assert_one_line_error(failed, code=None)

    assert revision(db_url) == "r0001"
    with connect(db_url) as conn:
        inspector = sa.inspect(conn)
        assert "dict_id" not in {c["name"] for c in inspector.get_columns("blob")}
        assert not inspector.has_table("zstd_dict")
        assert "duplicates" not in inspector.get_view_names()
        assert conn.exec_driver_sql("SELECT note FROM duplicate").all() == [("mine",)]
        conn.exec_driver_sql("DROP TABLE duplicate")
    assert storage.upgrade_schema(db_url).before == "r0001"  # recovers once the clash is gone
    assert_old_rows_readable(db_url)


def test_new_sqlite_archive_waits_for_another_creator(tmp_path: Path) -> None:
    """Another connection holds the write lock of a new, empty file, as a second scraper
    does while it creates the schema: opening the archive must wait for it, as every
    other SQLite lock wait does, not fail. (tests/test_archive_faults.py races real
    processes into this interleaving; here it is made deterministic.)
    """
    path = tmp_path / "archive.db"
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with ThreadPoolExecutor(1) as pool:
            opening = pool.submit(lambda: open_archive(f"sqlite:///{path}").close())
            time.sleep(HOLD_LOCK_S)
            other.execute("COMMIT")
            opening.result(timeout=LOCK_WAIT_TIMEOUT_S)
    finally:
        other.close()
