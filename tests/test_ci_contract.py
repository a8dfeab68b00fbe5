"""With CI=true an unreachable PostgreSQL fails the run; elsewhere it is skipped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from tests.conftest import ROOT


def run_pg_test(ci: str) -> subprocess.CompletedProcess[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "CI": ci,
        "SCRAPER_TEST_PG_URL": f"postgresql+psycopg://postgres@127.0.0.1:{port}/test",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_storage.py::test_first_capture_is_new_and_views_show_it",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unreachable_postgres_fails_under_ci() -> None:
    result = run_pg_test("true")
    assert result.returncode == 1, result.stdout
    assert "CI=true: PostgreSQL tests must run" in result.stdout


def test_unreachable_postgres_skips_outside_ci() -> None:
    result = run_pg_test("")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
