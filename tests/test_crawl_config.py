"""Crawl sources from TOML: the example loads, and every mistake is one line, exit 2."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from pathlib import Path

import pytest

from scraper.crawl.config import duration, load_sources
from scraper.errors import InputError
from tests.test_archive_scenarios import scraper
from tests.test_cli import ROOT

EXAMPLE = ROOT / "cron" / "sources.example.toml"


def test_the_example_config_loads() -> None:
    [source] = load_sources(EXAMPLE)
    assert source.name == "example-news" and source.max_pages == 2000
    assert source.policy.min_interval == timedelta(minutes=15)
    assert any(p.search("https://www.example-news.com/tag/x") for p in source.exclude)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[source]]\nstart = 'ftp://x/'", "not a crawlable start URL"),
        ("[[source]]\nname='a'\nstart=['https://a.example/']\ninclude=['(']", "source 'a'"),
        (
            "[[source]]\nstart=['https://a.example/']\n[source.revisit]\nmin_interval='soon'",
            "not a duration",
        ),
        ("source = 3", "no [[source]] table"),
        ("[[source", "not valid TOML"),
    ],
)
def test_config_mistakes_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        load_sources(path)
    done = scraper("crawl", "--config", str(path), "--db", f"sqlite:///{tmp_path}/a.db")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_unknown_source_and_missing_starts(tmp_path: Path) -> None:
    done = scraper(
        "crawl", "--config", str(EXAMPLE), "--source", "nope", "--db", f"sqlite:///{tmp_path}/a.db"
    )
    assert done.returncode == 2 and "no source named nope" in done.stderr
    assert scraper("crawl", "--db", f"sqlite:///{tmp_path}/a.db").returncode == 2


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), (45, 45), ("1.5h", 5400)],
)
def test_durations(raw: object, seconds: float) -> None:
    assert duration(raw).total_seconds() == seconds


def test_sources_check_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nname = "a"\nstart = ["ftp://x"]\nexlude = ["x"]\nmax_depth = -1\n'
        '[source.revisit]\nmin_interval = "soon"\n\n'
        '[[source]]\nname = "b"\nstart = "https://b.example/"\ninclude = ["("]\n',
        encoding="utf-8",
    )
    done = scraper("sources", "check", str(path))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert [line.split(": ")[0].rsplit(":", 1)[1] for line in lines[:-1]] == [
        "3",
        "4",
        "5",
        "6",
        "12",
    ]
    assert "key exlude: unknown key" in lines[1] and "5 problem(s)" in lines[-1]
    good = scraper("sources", "check", str(EXAMPLE))
    assert good.returncode == 0 and good.stdout.startswith("example-news: 2 start point(s)")


def test_a_source_sets_its_own_rate_limits_and_profile(tmp_path: Path) -> None:
    from tests.faultserver import serve_faults

    with serve_faults(articles=8, crawl_delay=0.0) as server:
        path = tmp_path / "sources.toml"
        path.write_text(
            f'[[source]]\nname = "slow"\nstart = ["{server.url("/")}"]\nper_host = 1\n'
            'delay = 0.1\n[source.profile]\ntitle = "h1"\n',
            encoding="utf-8",
        )
        [source] = load_sources(path)
        assert source.per_host == 1 and source.delay == 0.1 and source.profile is not None
        assert scraper("sources", "check", str(path)).returncode == 0
        done = scraper(
            "crawl",
            "--config",
            str(path),
            "--until-idle",
            "--per-host",
            "8",
            "--parse-workers",
            "0",
            "--db",
            f"sqlite:///{tmp_path}/a.db",
        )
        assert done.returncode == 0, done.stderr
        assert server.wait_idle()
        starts = sorted(r.time for r in server.requests if r.path != "/robots.txt")
        assert max(server.max_in_flight_by_host().values()) == 1
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.07  # 0.1 s asked; loopback jitter
