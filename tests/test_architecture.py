"""Directions of knowledge and the public API, enforced.

- ``storage`` never imports ``scraper``;
- parsers see neither httpx nor the database;
- only ``scraper.fetch`` imports httpx; only ``scraper.pipeline`` and the CLI import storage;
- each package's ``__all__`` is pinned, so a change to the public API is deliberate.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scraper
import storage

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def storage_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    found |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return {name for name in found if name.split(".")[0] == "storage"}


@pytest.mark.parametrize("path", modules("storage"), ids=str)
def test_storage_never_imports_scraper(path: Path) -> None:
    assert "scraper" not in imports_of(path)


@pytest.mark.parametrize("path", modules("scraper/parse"), ids=str)
def test_parsers_see_no_http_and_no_database(path: Path) -> None:
    assert not imports_of(path) & {"httpx", "sqlalchemy", "storage", "tenacity", "httpcore"}


@pytest.mark.parametrize("path", modules("scraper"), ids=str)
def test_only_fetch_talks_http_and_only_pipeline_and_cli_store(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    found = imports_of(path)
    if not rel.startswith("scraper/fetch/"):
        assert "httpx" not in found, rel
    # the pipeline stores; the CLI opens the archive and translates its errors
    stores = (
        "scraper/pipeline.py", "scraper/cli.py", "scraper/cli_archive.py", "scraper/cli_crawl.py",
        "scraper/crawl/runner.py", "scraper/crawl/visit.py",
        "scraper/crawl/parsing.py",  # prepares records for the archive in the workers
    )
    if rel == "scraper/__init__.py":  # its lazy exports use storage's import helper only
        assert storage_modules(path) == {"storage.lazy"}, rel
    elif rel not in (*stores, "scraper/cli_options.py"):
        assert "storage" not in found, rel
    assert "sqlalchemy" not in found, rel


def test_cron_only_calls_the_cli() -> None:
    for path in (ROOT / "cron").rglob("*"):
        if path.is_file() and path.suffix in ("", ".sh", ".service", ".timer", ".cron"):
            text = path.read_text(encoding="utf-8")
            assert "python -c" not in text and "import " not in text, path


def test_scraper_public_api_is_pinned() -> None:
    assert sorted(scraper.__all__) == sorted(
        [
            "PARSER_VERSION",
            "Article",
            "Captcha",
            "CommentForm",
            "FetchError",
            "FetchOptions",
            "FetchReport",
            "FetchedPage",
            "Fetcher",
            "FormField",
            "InputError",
            "NotHTMLError",
            "ScraperError",
            "__version__",
            "decode_html",
            "fetch_and_store",
            "parse_html",
            "replay_transport",
        ]
    )
    for name in scraper.__all__:
        assert hasattr(scraper, name), name


def test_storage_public_api_is_pinned() -> None:
    assert sorted(storage.__all__) == sorted(
        [
            "OUTCOMES",
            "Archive",
            "ArticleState",
            "ArchiveURLError",
            "ArchiveWriteError",
            "CaptureRecord",
            "Claim",
            "ContentRecord",
            "CrawlUpdate",
            "FrontierURL",
            "QueryError",
            "QueryResult",
            "SchemaError",
            "StorageError",
            "StoreResult",
            "WriteRefusedError",
            "content_hash",
            "normalize_url",
            "identity_url",
            "open_archive",
            "redirected_home",
            "ReparseResult",
            "RunCounts",
            "safe_url",
            "Snapshot",
            "upgrade_schema",
            "VersionRow",
        ]
    )
    for name in storage.__all__:
        assert hasattr(storage, name), name


def test_error_trees_have_one_base_each() -> None:
    for name in ("InputError", "NotHTMLError", "FetchError"):
        assert issubclass(getattr(scraper, name), scraper.ScraperError)
    for name in (
        "ArchiveURLError",
        "ArchiveWriteError",
        "QueryError",
        "SchemaError",
        "WriteRefusedError",
    ):
        assert issubclass(getattr(storage, name), storage.StorageError)
