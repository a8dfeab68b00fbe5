"""Crawl sources: from the command line, or from a TOML file of ``[[source]]`` tables.

```toml
[[source]]
name = "actumonde"                       # --source picks sources by name
start = ["https://actumonde.example/", "https://actumonde.example/sitemap.xml"]
hosts = ["actumonde.example"]            # default: the hosts of the start URLs
include = ["^https://actumonde\\\\.example/20\\\\d\\\\d/"]   # regexes; any must match
exclude = ["/tag/", "replytocom="]      # regexes; none may match
max_pages = 5000                         # per run
max_depth = 3                            # link hops from a start point
schedule = "*/10 * * * *"                # when `scraper schedule run` crawls it
per_host = 2                             # rate limits for this source (else the CLI's)
delay = "1s"
[source.profile]                         # optional CSS overrides, as in profiles.toml
body = "div.story-text"
[source.revisit]                         # scraper.crawl.schedule.RevisitPolicy
min_interval = "15m"
max_interval = "1d"
backoff = 1.5
stop_after = "30d"
jitter = 0.1
```
Durations are ``30s``, ``15m``, ``2h``, ``1d`` or plain seconds. A mistake is one
``InputError`` line naming the file, the source and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cronsim import CronSim, CronSimError

from scraper.crawl.schedule import RevisitPolicy
from scraper.errors import InputError
from scraper.parse.profiles import Profile, ProfileError, profile_from_dict

DEFAULT_MAX_DEPTH = 3
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


@dataclass(frozen=True)
class Source:
    """What to crawl and how: start points, scope, limits, revisit policy."""

    name: str
    starts: tuple[str, ...]
    hosts: frozenset[str]
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    max_pages: int | None = None
    max_depth: int = DEFAULT_MAX_DEPTH
    policy: RevisitPolicy = field(default_factory=RevisitPolicy)
    schedule: str | None = None  # cron expression for `scraper schedule run`
    per_host: int | None = None  # rate limits for this source's hosts (else the CLI's)
    delay: float | None = None
    profile: Profile | None = None  # CSS overrides of the generic extractor


def hosts_of(urls: tuple[str, ...]) -> frozenset[str]:
    return frozenset(h for u in urls if (h := (urlsplit(u).hostname or "").lower()))


def from_starts(starts: tuple[str, ...], *, max_depth: int = DEFAULT_MAX_DEPTH) -> Source:
    """An ad-hoc source for START URLs given on the command line."""
    for url in starts:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"not a crawlable start URL: {url!r} (need http(s)://host/...)")
    return Source("command-line", starts, hosts_of(starts), max_depth=max_depth)


def load_sources(path: Path, names: tuple[str, ...] = ()) -> list[Source]:
    """The sources in ``path`` (only those named, when ``names`` is given)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid TOML ({err})") from err
    tables = data.get("source", [])
    if not isinstance(tables, list) or not tables:
        raise InputError(f"{path}: no [[source]] table")
    sources = [_source(path, i, table) for i, table in enumerate(tables)]
    if names:
        unknown = set(names) - {s.name for s in sources}
        if unknown:
            raise InputError(f"{path}: no source named {', '.join(sorted(unknown))}")
        sources = [s for s in sources if s.name in names]
    return sources


def _source(path: Path, index: int, table: Any) -> Source:
    where = f"{path}: source {index + 1}"
    if not isinstance(table, dict):
        raise InputError(f"{where}: not a table")
    name = str(table.get("name") or f"source-{index + 1}")
    where = f"{path}: source {name!r}"
    try:
        starts = tuple(str(u) for u in as_list(table, "start"))
        base = from_starts(starts, max_depth=int(table.get("max_depth", DEFAULT_MAX_DEPTH)))
        hosts = frozenset(str(h).lower() for h in as_list(table, "hosts")) or base.hosts
        return Source(
            name=name,
            starts=starts,
            hosts=hosts,
            include=tuple(re.compile(str(p)) for p in as_list(table, "include")),
            exclude=tuple(re.compile(str(p)) for p in as_list(table, "exclude")),
            max_pages=int(table["max_pages"]) if "max_pages" in table else None,
            max_depth=base.max_depth,
            policy=revisit_policy(table.get("revisit", {})),
            schedule=cron_expression(table["schedule"]) if "schedule" in table else None,
            per_host=positive_int(table["per_host"]) if "per_host" in table else None,
            delay=seconds(table["delay"]) if "delay" in table else None,
            profile=site_profile(table["profile"], hosts) if "profile" in table else None,
        )
    except (InputError, ValueError, TypeError, re.error) as err:
        raise InputError(f"{where}: {err}") from err


def as_list(table: dict[str, Any], key: str) -> list[Any]:
    value = table.get(key, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise InputError(f"'{key}' must be a list")
    return value


def revisit_policy(table: Any) -> RevisitPolicy:
    if not isinstance(table, dict):
        raise InputError("'revisit' must be a table")
    kwargs: dict[str, Any] = {}
    for key in ("min_interval", "max_interval", "stop_after"):
        if key in table:
            kwargs[key] = duration(table[key])
    for key in ("backoff", "jitter"):
        if key in table:
            kwargs[key] = float(table[key])
    return RevisitPolicy(**kwargs)


def positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError("must be a whole number of 1 or more")
    return value


def seconds(value: object) -> float:
    """A delay: a number of seconds, or a duration such as ``500ms``-free ``2s``."""
    return duration(value).total_seconds()


def site_profile(value: object, hosts: frozenset[str] = frozenset()) -> Profile:
    """``[source.profile]``: CSS overrides (body, title, lead, bylines, published, exclude)."""
    if not isinstance(value, dict):
        raise InputError("'profile' must be a table of CSS selectors")
    host = value.get("host") or (sorted(hosts)[0] if hosts else "*")
    try:
        return profile_from_dict({**value, "host": host})
    except ProfileError as err:
        raise InputError(str(err)) from err


def cron_expression(value: object) -> str:
    """A five-field cron expression (``*/10 * * * *``), checked by cronsim."""
    text = str(value).strip()
    try:
        CronSim(text, datetime.now(UTC))
    except CronSimError as err:
        raise InputError(f"not a cron expression: {text!r} ({err})") from err
    return text


def duration(value: object) -> timedelta:
    """``"15m"`` -> 15 minutes; a plain number is seconds."""
    if isinstance(value, int | float):
        return timedelta(seconds=float(value))
    match = _DURATION.match(str(value))
    if not match:
        raise InputError(f"not a duration: {value!r} (use 30s, 15m, 2h, 1d)")
    return timedelta(seconds=float(match[1]) * _UNITS[match[2] or "s"])
