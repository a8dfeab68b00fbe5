"""The command line, run as a user runs it: a real process, real files, real databases."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SITE, ROOT
from tests.httpserver import Route, serve

SEED_URL = "https://actumonde.example/2024/06/18/le-president-russe-vladimir-poutine-fait-leloge-de-pyongyang/"
SEED_FILE = FIXTURE_SITE / SEED_URL.removeprefix("https://") / "index.html"


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> None:
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("parse", "fetch", "sql", "fixtures"):
        assert command in result.stdout


def test_parse_prints_one_json_line_per_file(tmp_path: Path) -> None:
    result = run("parse", str(SEED_FILE), str(SEED_FILE), "--url", SEED_URL)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["file"] == str(SEED_FILE)
    assert record["url"] == SEED_URL
    assert list(record)[:2] == ["file", "url"]


def test_parse_a_directory_takes_its_html_files_in_name_order(tmp_path: Path) -> None:
    for name in ("b.html", "a.html", "c.txt"):
        (tmp_path / name).write_bytes(SEED_FILE.read_bytes())
    result = run("parse", str(tmp_path))
    files = [json.loads(line)["file"] for line in result.stdout.splitlines()]
    assert files == [str(tmp_path / "a.html"), str(tmp_path / "b.html")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.html", None, "no such file"),
        ("empty.html", b"", "empty"),
        ("blank.html", b"  \n\t ", "empty"),
        ("image.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        ("random.html", bytes((i * 7919) % 256 for i in range(4096)), "binary"),
    ],
)
def test_parse_bad_files_give_one_line_errors(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("parse", str(path))
    assert_one_line_error(result)
    assert message in result.stderr.lower()


def test_fetch_by_replay_then_query(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    first = run("fetch", SEED_URL, "--replay", str(FIXTURE_SITE), "--db", db)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[:2] == ["200", "new"]
    again = run("fetch", SEED_URL + "?utm_source=x", "--replay", str(FIXTURE_SITE), "--db", db)
    assert again.stdout.split()[:2] == ["200", "revisit"]
    query = run(
        "sql", "SELECT id, title, version_count FROM articles", "--db", db, "--format", "json"
    )
    [row] = json.loads(query.stdout)
    assert row["version_count"] == 1 and row["title"].startswith("Le président russe")


def test_fetch_reads_urls_from_a_file_and_reports_each(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    urls = f"# seed\n{SEED_URL}\n\nhttps://actumonde.example/no-such-page/\n"
    result = run("fetch", "--input", "-", "--replay", str(FIXTURE_SITE), "--db", db, stdin=urls)
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["200", "new"], ["404", "error"]]
    assert_one_line_error(result, code=1)


def test_fetch_unreachable_host_is_one_line_and_recorded(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = run("fetch", f"http://127.0.0.1:{port}/x", "--db", db)
    assert_one_line_error(result, code=1)
    assert "cannot connect" in result.stdout
    rows = json.loads(
        run("sql", "SELECT outcome, error FROM captures", "--db", db, "--format", "json").stdout
    )
    assert rows[0]["outcome"] == "error" and "cannot connect" in rows[0]["error"]


def test_fetch_from_a_real_server(tmp_path: Path) -> None:
    routes = {
        "/story/": Route(body=SEED_FILE.read_bytes()),
        "/photo.jpg": Route(body=b"\xff\xd8\xff\xe0", headers={"Content-Type": "image/jpeg"}),
    }
    db = f"sqlite:///{tmp_path / 'a.db'}"
    with serve(routes) as srv:
        result = run("fetch", srv.url("/story/"), srv.url("/photo.jpg"), "--db", db)
    assert result.returncode == 0, result.stderr
    outcomes = [line.split()[:2] for line in result.stdout.splitlines()]
    assert outcomes == [["200", "new"], ["200", "skipped"]]


@pytest.mark.parametrize("bad", ["nonsense", "nosuchdriver://x", "sqlite:////no/such/dir/a.db"])
def test_bad_db_url_is_one_line_error(bad: str) -> None:
    result = run("sql", "SELECT 1", "--db", bad)
    assert_one_line_error(result)


def test_db_defaults_to_the_environment(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'env.db'}"
    run("fetch", SEED_URL, "--replay", str(FIXTURE_SITE), env={"SCRAPER_DB": db})
    result = run(
        "sql", "SELECT count(*) AS n FROM articles", "--format", "csv", env={"SCRAPER_DB": db}
    )
    assert result.stdout == "n\n1\n"


def test_default_archive_is_archive_db_in_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DB"}
    env["PYTHONPATH"] = str(ROOT)
    def scraper(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scraper", *args],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
        )

    missing = scraper("sql", "SELECT 1")  # read-only: never creates an archive
    assert missing.returncode == 2 and "no archive at archive.db" in missing.stderr
    assert not (tmp_path / "archive.db").exists()
    assert scraper("db", "upgrade").stdout.startswith("upgraded the archive from empty to")
    assert scraper("sql", "SELECT 1").returncode == 0
    assert (tmp_path / "archive.db").exists()


@pytest.mark.parametrize(
    "query",
    ["SELEC 1", "SELECT * FROM nowhere", "DELETE FROM article", "SELECT 1; DROP TABLE article"],
)
def test_bad_queries_are_one_line_errors_and_change_nothing(db_url: str, query: str) -> None:
    run("fetch", SEED_URL, "--replay", str(FIXTURE_SITE), "--db", db_url)
    result = run("sql", query, "--db", db_url)
    assert_one_line_error(result)
    count = run("sql", "SELECT count(*) AS n FROM article", "--db", db_url, "--format", "csv")
    assert count.stdout == "n\n1\n"


def test_sql_formats(db_url: str) -> None:
    run("fetch", SEED_URL, "--replay", str(FIXTURE_SITE), "--db", db_url)
    query = "SELECT id, url, bylines, first_seen FROM articles"
    table = run("sql", query, "--db", db_url).stdout.splitlines()
    assert table[0].split() == ["id", "url", "bylines", "first_seen"]
    assert set(table[1]) <= {"-", " "} and table[-1] == "(1 row)"
    [row] = json.loads(run("sql", query, "--db", db_url, "--format", "json").stdout)
    assert row["url"] == SEED_URL and json.loads(row["bylines"]) == ["Jean Delaunay"]
    assert row["first_seen"].endswith("Z")
    [csv_row] = list(
        csv.DictReader(io.StringIO(run("sql", query, "--db", db_url, "--format", "csv").stdout))
    )
    assert csv_row == {k: str(v) for k, v in row.items()}


def test_record_then_fetch_offline(tmp_path: Path) -> None:
    routes = {
        "/a/": Route(
            body=SEED_FILE.read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}
        ),
        "/old": Route(301, headers={"Location": "/a/"}),
    }
    with serve(routes) as srv:
        recorded = run("fixtures", "record", srv.url("/old"), "--into", str(tmp_path / "site"))
        url = srv.url("/old")
    assert recorded.returncode == 0, recorded.stderr
    assert (
        tmp_path / "site" / "127.0.0.1" / "a" / "index.html"
    ).read_bytes() == SEED_FILE.read_bytes()
    db = f"sqlite:///{tmp_path / 'a.db'}"
    replayed = run("fetch", url, "--replay", str(tmp_path / "site"), "--db", db)
    assert replayed.stdout.split()[:2] == ["200", "new"], replayed


def test_arguments_that_are_not_urls_are_reported_and_not_recorded(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    result = run(
        "fetch",
        "not a url",
        "ftp://files.example/x",
        SEED_URL,
        "--replay",
        str(FIXTURE_SITE),
        "--db",
        db,
    )
    assert_one_line_error(result, code=2)
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["error", "error", "new"]
    count = run("sql", "SELECT count(*) AS n FROM captures", "--db", db, "--format", "csv")
    assert count.stdout == "n\n1\n"


@pytest.mark.parametrize(
    "args", [["sql"], ["sql", "SELECT 1", "--format", "xml"], ["nosuch"], ["parse"], ["fetch"]]
)
def test_usage_errors_are_one_line(args: list[str]) -> None:
    assert_one_line_error(run(*args))
