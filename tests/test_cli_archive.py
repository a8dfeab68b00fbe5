"""The archive commands' user errors and outputs (history, diff, browse, export)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SITE
from tests.test_archive_scenarios import scraper
from tests.test_cli import SEED_URL


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'archive.db'}"
    done = scraper("fetch", SEED_URL, "--replay", str(FIXTURE_SITE), "--db", db)
    assert done.returncode == 0, done.stderr
    return db


def test_history_in_every_format(archive_db: str) -> None:
    table = scraper("history", SEED_URL, "--db", archive_db)
    assert table.stdout.startswith("article 1: 1 version(s)")
    [row] = json.loads(scraper("history", SEED_URL, "--db", archive_db, "--format", "json").stdout)
    assert row["version"] == 1 and row["parser"] and len(row["content_hash"]) == 12
    csv_lines = scraper("history", SEED_URL, "--db", archive_db, "--format", "csv").stdout
    assert csv_lines.splitlines()[0].startswith("version,fetched_at,words")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", SEED_URL), "has 1 version(s); nothing to compare"),
        (("diff", SEED_URL, "--from", "1", "--to", "7"), "no version 7"),
        (("history", "https://elsewhere.example/story"), "no article in the archive"),
        (("history", "not a url"), "no article in the archive"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(
    archive_db: str, args: tuple[str, ...], message: str
) -> None:
    done = scraper(*args, "--db", archive_db)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_browse_describes_every_view(archive_db: str) -> None:
    done = scraper("browse", "--metadata-only", "--db", archive_db)
    tables = json.loads(done.stdout)["databases"]["archive"]["tables"]
    assert set(tables) == {"articles", "article_versions", "captures", "duplicates", "crawl_runs"}
    assert all(t["description"] for t in tables.values())


def test_browse_needs_a_sqlite_file_and_the_extra(archive_db: str, tmp_path: Path) -> None:
    missing = scraper("browse", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.returncode == 2 and "no archive at" in missing.stderr
    if importlib.util.find_spec("datasette") is None:
        done = scraper("browse", "--db", archive_db)
        assert done.returncode == 2 and "pip install" in done.stderr


def test_export_to_a_file_is_complete_or_absent(archive_db: str, tmp_path: Path) -> None:
    out = tmp_path / "versions.csv"
    done = scraper("export", "--format", "csv", "-o", str(out), "--db", archive_db)
    assert done.returncode == 0 and "exported 1 record(s)" in done.stderr
    assert out.read_text(encoding="utf-8").startswith("article_id,")
    assert [p.name for p in tmp_path.iterdir()] == ["versions.csv"]  # no temporary left
    bad = scraper(
        "export", "--format", "csv", "-o", str(tmp_path / "no" / "x.csv"), "--db", archive_db
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
