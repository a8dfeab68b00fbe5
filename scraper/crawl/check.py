"""``scraper sources check FILE``: every problem of a sources file, each with its line.

The file is read as TOML first (a syntax error names its line and column). Then every
key of every ``[[source]]`` table is checked on its own, so one run lists all the
problems, each as ``FILE:LINE: source NAME: key KEY: reason``. Unknown keys are
problems too: a misspelt ``exclude`` would otherwise silently crawl too much.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.crawl.config import (
    Source,
    as_list,
    cron_expression,
    from_starts,
    load_sources,
    positive_int,
    revisit_policy,
    seconds,
    site_profile,
)
from scraper.errors import InputError

_HEADER = re.compile(r"^\s*\[\[\s*source\s*\]\]")


@dataclass
class Checked:
    sources: list[Source] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _positive(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of 1 or more")


def _depth(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number of 0 or more")


def _patterns(value: Any) -> None:
    for pattern in as_list({"v": value}, "v"):
        re.compile(str(pattern))


CHECKS: dict[str, Callable[[Any], object]] = {
    "name": lambda v: None if isinstance(v, str) and v.strip() else _fail("must be a name"),
    "start": lambda v: from_starts(tuple(str(u) for u in as_list({"v": v}, "v"))),
    "hosts": lambda v: as_list({"v": v}, "v"),
    "include": _patterns,
    "exclude": _patterns,
    "max_pages": _positive,
    "max_depth": _depth,
    "revisit": revisit_policy,
    "schedule": cron_expression,
    "per_host": positive_int,
    "delay": seconds,
    "profile": site_profile,
}


def _fail(reason: str) -> None:
    raise ValueError(reason)


def check_sources(path: Path) -> Checked:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as err:
        return Checked(problems=[f"{path}: {err.strerror or err}"])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        return Checked(problems=[f"{path}: not valid TOML: {err}"])
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        return Checked(problems=[f"{path}:1: no [[source]] table"])
    headers = [i + 1 for i, line in enumerate(text.splitlines()) if _HEADER.match(line)]
    result = Checked()
    for index, table in enumerate(tables):
        result.problems += _check_table(path, text, headers, index, table)
    if not result.problems:
        result.sources = load_sources(path)
        names = [s.name for s in result.sources]
        for name in {n for n in names if names.count(n) > 1}:
            result.problems.append(f"{path}: source name {name!r} is used twice")
    return result


def _check_table(path: Path, text: str, headers: list[int], index: int, table: Any) -> list[str]:
    start = headers[index] if index < len(headers) else 1
    if not isinstance(table, dict):
        return [f"{path}:{start}: source {index + 1}: not a table"]
    name = str(table.get("name") or f"#{index + 1}")
    problems = []
    if "start" not in table:
        problems.append(f"{path}:{start}: source {name}: key start: missing (no start points)")
    for key, value in table.items():
        line = _line_of(text, start, key)
        check = CHECKS.get(key)
        if check is None:
            problems.append(f"{path}:{line}: source {name}: key {key}: unknown key")
            continue
        try:
            check(value)
        except (InputError, ValueError, TypeError, re.error) as err:
            problems.append(f"{path}:{line}: source {name}: key {key}: {err}")
    return problems


def _line_of(text: str, start: int, key: str) -> int:
    """The line where ``key`` is set in the table that begins on line ``start``."""
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}\s*=|\[\s*source\.{re.escape(key)}\s*\])")
    for number, line in enumerate(text.splitlines()[start - 1 :], start=start):
        if number > start and _HEADER.match(line):
            break
        if pattern.match(line):
            return number
    return start
