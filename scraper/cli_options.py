"""Options, errors and exit codes shared by every ``scraper`` command.

Exit codes: 0 success; 1 a URL could not be fetched or stored; 2 bad input
(usage, unreadable/empty/binary file, bad --db URL, malformed or refused query);
130 interrupted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

import storage
from scraper.errors import InputError, ScraperError
from scraper.fetch import DEFAULT_USER_AGENT, Fetcher, FetchOptions, replay_transport

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
DEFAULT_DB = "sqlite:///archive.db"

F = TypeVar("F", bound=Callable[..., Any])


class BadInput(click.ClickException):
    """The user's input cannot be used: a one-line error, exit code 2."""

    exit_code = EXIT_BAD_INPUT


class Failed(click.ClickException):
    """The work could not be done (a URL failed, a write failed): exit code 1."""

    exit_code = EXIT_FAILED


def translate_errors(func: F) -> F:
    """Turn library errors into ``BadInput``/``Failed`` once, at the CLI boundary."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (
            InputError,
            storage.ArchiveURLError,
            storage.SchemaError,
            storage.QueryError,
        ) as err:
            raise BadInput(str(err)) from err
        except (ScraperError, storage.StorageError) as err:
            raise Failed(str(err)) from err

    return wrapper  # type: ignore[return-value]


def db_option(func: F) -> F:
    """``--db``: shared by every command that opens the archive."""
    return click.option(
        "--db",
        "db",
        envvar="SCRAPER_DB",
        default=DEFAULT_DB,
        show_default=True,
        metavar="URL",
        help="Archive as a SQLAlchemy URL (env SCRAPER_DB), e.g. sqlite:///archive.db or "
        "postgresql+psycopg://user@host/db.",
    )(func)


def fetch_options(func: F) -> F:
    """``--replay``, ``--user-agent``, ``--timeout``: shared by every command that fetches."""
    options = [
        click.option(
            "--replay",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            metavar="DIR",
            help="Serve every request from DIR (DIR/<host>/<path>); no network.",
        ),
        click.option(
            "--user-agent",
            default=DEFAULT_USER_AGENT,
            show_default=True,
            help="User-Agent header sent with every request.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=20.0,
            show_default=True,
            help="Seconds to wait for connect/read.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_fetcher(replay: Path | None, user_agent: str, timeout: float) -> Fetcher:
    transport = replay_transport(replay) if replay is not None else None
    return Fetcher(FetchOptions(user_agent=user_agent, timeout_s=timeout), transport=transport)
