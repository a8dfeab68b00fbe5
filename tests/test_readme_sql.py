"""Every SQL example in the README runs on an archive with data (on its engine)."""

from __future__ import annotations

import re

import pytest

from scraper import Fetcher, FetchOptions, fetch_and_store, replay_transport
from storage import open_archive
from tests.conftest import FIXTURE_SITE
from tests.test_cli import ROOT

EXAMPLES = re.findall(r"```sql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def statements() -> list[str]:
    return [s.strip() for block in EXAMPLES for s in block.split(";") if s.strip()]


def test_the_readme_has_an_example_for_every_view() -> None:
    text = " ".join(statements())
    for view in ("articles", "article_versions", "captures", "duplicates"):
        assert re.search(rf"\bFROM {view}\b", text), view


def test_every_readme_query_runs(db_url: str) -> None:
    urls = (ROOT / "fixtures" / "urls.txt").read_text().split()
    urls = [u for u in urls if u.startswith("https://")][:6]
    with (
        open_archive(db_url) as archive,
        Fetcher(FetchOptions(attempts=1), transport=replay_transport(FIXTURE_SITE)) as fetcher,
    ):
        for url in urls:
            fetch_and_store(url, fetcher, archive)
        postgres = archive.engine.dialect.name == "postgresql"
        for sql in statements():
            if ("json_each" in sql and postgres) or ("jsonb" in sql and not postgres):
                continue
            result = archive.query(sql)
            assert result.columns, sql
            if "json" in sql or "GROUP BY outcome" in sql or "FROM articles GROUP" in sql:
                assert result.rows, sql


@pytest.mark.parametrize("sql", statements())
def test_readme_queries_are_read_only_statements(sql: str) -> None:
    assert sql.upper().startswith("SELECT")
